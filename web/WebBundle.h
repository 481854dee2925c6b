// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

namespace Conduit::WebBundle {

// Where the built page lives in the binary's resources.
QString resourceRoot(); // ":/web"
QString entryPath();    // "/index.html", the path app://conduit/ maps to

} // namespace Conduit::WebBundle
