// SPDX-License-Identifier: MIT
#pragma once

#include "ProcessMessage.h"

#include <QList>
#include <QMutex>
#include <QObject>

namespace Conduit {

// Carries ProcessMessages over a thread boundary. A queued signal per message wakes the other
// thread per message (a write and a futex on Linux) and allocates an event each, so a burst of
// 20 000 calls cost 40 000 wake-ups. Here put() wakes the receiver only when the mailbox was
// empty; the receiver take()s everything that arrived meanwhile. A lone message is delivered
// exactly as fast as by a queued signal, a burst wakes the receiver once.
//
// put() and take() may be called from any thread. Connect ready() queued to the receiver, and
// take() there.
class ProcessMessageMailbox final : public QObject
{
    Q_OBJECT

public:
    using QObject::QObject;

    void put(const Conduit::ProcessMessage &message);
    QList<ProcessMessage> take();

Q_SIGNALS:
    // The mailbox was empty and is not: take() will find something.
    void ready();

private:
    QMutex m_lock;
    QList<ProcessMessage> m_messages;
    bool m_signalled = false; // ready() was emitted and nobody has taken since
};

} // namespace Conduit
