// SPDX-License-Identifier: MIT
#include "ProcessMemory.h"

#include <QCoreApplication>
#include <QFile>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace Conduit::Benchmark {

void ProcessMemory::start()
{
#if defined(__GLIBC__)
    if (m_pid == QCoreApplication::applicationPid())
        malloc_trim(0);
#endif
    QFile clear(QStringLiteral("/proc/%1/clear_refs").arg(m_pid));
    if (clear.open(QIODevice::WriteOnly))
        clear.write("5"); // resets VmHWM to VmRSS
    m_startMiB = statusMiB("VmRSS:");
}

double ProcessMemory::statusMiB(const char *field) const
{
    QFile status(QStringLiteral("/proc/%1/status").arg(m_pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith(field))
            return line.mid(qstrlen(field)).trimmed().split(' ').value(0).toDouble() / 1024;
    }
    return -1;
}

} // namespace Conduit::Benchmark
