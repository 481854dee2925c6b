// SPDX-License-Identifier: MIT
#include "TaskOutputLog.h"

#include <QJsonObject>

namespace Conduit {

TaskOutputLog::TaskOutputLog(int window)
    : m_window(qMax(1, window))
{}

qint64 TaskOutputLog::append(const QJsonValue &value)
{
    m_items.append(value);
    return ++m_lastSeq;
}

QJsonArray TaskOutputLog::read(qint64 afterSeq, int max) const
{
    QJsonArray items;
    qint64 seq = qMax(afterSeq + 1, m_firstSeq);
    for (; seq <= m_lastSeq && items.size() < max; ++seq) {
        items.append(QJsonObject{{QStringLiteral("seq"), double(seq)},
                                 {QStringLiteral("value"), m_items.at(seq - m_firstSeq)}});
    }
    return items;
}

bool TaskOutputLog::acknowledge(qint64 seq)
{
    seq = qMin(seq, m_lastSeq);
    if (seq <= m_ackSeq)
        return false;
    const bool wasFull = room() == 0;
    m_ackSeq = seq;
    // Acknowledged items are dropped: the log holds at most `window` items.
    const qint64 drop = m_ackSeq - m_firstSeq + 1;
    m_items.remove(0, drop);
    m_firstSeq += drop;
    return wasFull || room() > 0;
}

Schema TaskOutputLog::itemSchema()
{
    return Schema::named(
        QStringLiteral("TaskOutputItem"),
        Schema::object()
            .required(QStringLiteral("seq"), Schema::integer()
                                                 .range(1, Schema::kMaxSafeInteger)
                                                 .describe(QStringLiteral("1, 2, 3, … per task")))
            .required(QStringLiteral("value"),
                      Schema::any().describe(QStringLiteral("the kind's output item"))));
}

} // namespace Conduit
