// SPDX-License-Identifier: MIT
#pragma once

class QCoreApplication;

namespace Conduit::Translations {

// Installs Qt's own and Conduit's catalogues for the system locale; English for a language
// Conduit has none for.
void install(QCoreApplication &app);

} // namespace Conduit::Translations
