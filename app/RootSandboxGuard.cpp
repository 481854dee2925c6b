// SPDX-License-Identifier: MIT
#include "RootSandboxGuard.h"

#include <QCoreApplication>
#include <QtGlobal>

#include <cstdio>
#include <unistd.h>

namespace Conduit::RootSandboxGuard {

bool disableSandboxIfRoot()
{
#ifdef Q_OS_UNIX
    if (::geteuid() != 0)
        return false;
    qputenv("QTWEBENGINE_DISABLE_SANDBOX", "1");
    std::fprintf(stderr, "%s\n",
                 qPrintable(QCoreApplication::translate(
                     "RootSandboxGuard",
                     "Warning: running as root, so the web page runs without the Chromium sandbox. "
                     "Run Conduit as a normal user to keep it.")));
    return true;
#else
    return false;
#endif
}

} // namespace Conduit::RootSandboxGuard
