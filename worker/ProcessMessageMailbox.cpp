// SPDX-License-Identifier: MIT
#include "ProcessMessageMailbox.h"

namespace Conduit {

void ProcessMessageMailbox::put(const ProcessMessage &message)
{
    bool wake = false;
    {
        const QMutexLocker locker(&m_lock);
        m_messages.append(message);
        wake = !std::exchange(m_signalled, true);
    }
    if (wake)
        Q_EMIT ready();
}

QList<ProcessMessage> ProcessMessageMailbox::take()
{
    const QMutexLocker locker(&m_lock);
    m_signalled = false;
    return std::exchange(m_messages, {});
}

} // namespace Conduit
