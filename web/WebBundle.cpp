// SPDX-License-Identifier: MIT
#include "WebBundle.h"

#include <QDirIterator>

namespace Conduit::WebBundle {

QString resourceRoot()
{
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
