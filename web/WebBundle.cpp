// SPDX-License-Identifier: MIT
#include "WebBundle.h"

#include <QDirIterator>

// The page's resources are compiled into this static library (qrc_web.cpp); naming them here
// keeps the linker from dropping them. Q_INIT_RESOURCE must be used outside any namespace, even an
// anonymous one.
static void registerResources()
{
    Q_INIT_RESOURCE(web);
}

namespace Conduit::WebBundle {

QString resourceRoot()
{
    static const bool registered = (registerResources(), true);
    Q_UNUSED(registered)
    return QStringLiteral(":/web");
}

QString entryPath()
{
    return QStringLiteral("/index.html");
}

QStringList files()
{
    QStringList found;
    QDirIterator it(resourceRoot(), QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext())
        found.append(it.next().mid(resourceRoot().size()));
    found.sort();
    return found;
}

} // namespace Conduit::WebBundle
