// SPDX-License-Identifier: MIT
#include "WebBundle.h"

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

} // namespace Conduit::WebBundle
