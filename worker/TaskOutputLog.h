// SPDX-License-Identifier: MIT
#pragma once

#include <schema/Schema.h>

#include <QJsonArray>
#include <QJsonValue>
#include <QList>

namespace Conduit {

// A task's output items, numbered 1, 2, 3… Bounded by credit: a producer may run at most
// `window` items ahead of the last acknowledged seq, so unacknowledged items are never
// dropped (a consumer that goes away replays them with read()) and memory stays bounded.
// Touched by the manager's thread only.
class TaskOutputLog
{
public:
    // How far a producer may run ahead of the acknowledged items, unless its kind says otherwise.
    static constexpr int kDefaultWindow = 256;

    explicit TaskOutputLog(int window = kDefaultWindow);

    int window() const { return m_window; }
    qint64 lastSeq() const { return m_lastSeq; }
    qint64 acknowledgedSeq() const { return m_ackSeq; }
    // How many more items the producer may append now.
    int room() const { return int(qMax<qint64>(0, m_ackSeq + m_window - m_lastSeq)); }

    qint64 append(const QJsonValue &value); // returns its seq; callers respect room()
    // [{seq, value}, …] for seq > afterSeq still held, at most `max` of them.
    QJsonArray read(qint64 afterSeq, int max) const;
    // Items ≤ seq are taken; returns true if that opened room.
    bool acknowledge(qint64 seq);
    // One item as read() writes it, named TaskOutputItem (its value typed by the page per kind).
    static Schema itemSchema();

private:
    int m_window;
    qint64 m_firstSeq = 1; // seq of m_items.first()
    qint64 m_lastSeq = 0;
    qint64 m_ackSeq = 0;
    QList<QJsonValue> m_items;
};

} // namespace Conduit
