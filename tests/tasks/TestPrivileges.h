// SPDX-License-Identifier: MIT
#pragma once

// Root reads any file whatever its mode bits, which would hide the unreadable-file paths from
// a suite run as root (containers, CI). dropFileOverride() removes CAP_DAC_OVERRIDE and
// CAP_DAC_READ_SEARCH from this thread's effective and permitted sets and from the bounding
// set, so threads started later (the task pool) and child processes (coreutils) honour
// `chmod 000` like any user. Call it from the main thread before the first task starts.
#include <initializer_list>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace ConduitTest {

inline bool dropFileOverride()
{
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2]{};
    if (syscall(SYS_capget, &header, data) != 0)
        return false;
    for (const int cap : {CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH}) {
        data[cap / 32].effective &= ~(1u << (cap % 32));
        data[cap / 32].permitted &= ~(1u << (cap % 32));
        data[cap / 32].inheritable &= ~(1u << (cap % 32));
        prctl(PR_CAPBSET_DROP, cap, 0, 0, 0); // fails harmlessly without CAP_SETPCAP
    }
    return syscall(SYS_capset, &header, data) == 0;
}

} // namespace ConduitTest
