// SPDX-License-Identifier: MIT
#pragma once

#include <QtGlobal>

namespace Conduit::Benchmark {

// One process's resident memory over a span, read from Linux's /proc (every figure is 0
// elsewhere, or when the process cannot be read): start() resets the peak (VmHWM) and notes the
// resident size (VmRSS); peakGrowthMiB() is the highest resident size since, growthMiB() the
// resident size now, each less the one at start(). For this process start() first hands the
// allocator's free memory back, so what an earlier measurement freed is not reused unseen.
class ProcessMemory final
{
public:
    // Growth below this is the allocators' and the kernel's noise (arenas, page tables, a
    // garbage collection), not the work's; the report's memory curves leave it out.
    static constexpr double kNoiseMiB = 1.0;

    explicit ProcessMemory(qint64 pid)
        : m_pid(pid)
    {}

    void start();
    double peakGrowthMiB() const { return growthTo(statusMiB("VmHWM:")); }
    double growthMiB() const { return growthTo(statusMiB("VmRSS:")); }

private:
    double statusMiB(const char *field) const; // a line of /proc/<pid>/status; -1 if unread
    double growthTo(double miB) const { return miB < 0 || m_startMiB < 0 ? 0 : miB - m_startMiB; }

    qint64 m_pid = 0;
    double m_startMiB = -1;
};

} // namespace Conduit::Benchmark
