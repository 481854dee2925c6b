// SPDX-License-Identifier: MIT
#pragma once

class QCoreApplication;

namespace Conduit::Translations {

// Installs Qt's own and Conduit's catalogues for the system locale; English needs none.
void install(QCoreApplication &app);

} // namespace Conduit::Translations
