// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QStringList>

namespace Conduit::WebBundle {

// Where the built page lives in the binary's resources, and what it contains.
QString resourceRoot(); // ":/web"
QString entryPath();    // "/index.html", the path app://conduit/ maps to
QStringList files();    // every file of the bundle, relative to resourceRoot()

} // namespace Conduit::WebBundle
