// SPDX-License-Identifier: MIT
#include "BackgroundPriority.h"

#include <QtGlobal>

#ifdef Q_OS_LINUX
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace Conduit::BackgroundPriority {

namespace {
constexpr int kNiceness = 19;
}

void applyToCurrentThread()
{
#ifdef Q_OS_LINUX
    thread_local bool applied = false;
    if (applied)
        return;
    applied = true;
    // On Linux a thread is a task of its own: PRIO_PROCESS with its tid sets just this thread.
    setpriority(PRIO_PROCESS, id_t(::syscall(SYS_gettid)), kNiceness);
#endif
}

} // namespace Conduit::BackgroundPriority
