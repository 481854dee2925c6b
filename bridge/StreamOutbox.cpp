// SPDX-License-Identifier: MIT
#include "StreamOutbox.h"

#include <QJsonObject>

#include <algorithm>
#include <limits>

namespace Conduit {

StreamOutbox::StreamOutbox(qsizetype maxPendingItems, QObject *parent)
    : QObject(parent)
    , m_maxPendingItems(maxPendingItems)
{}

StreamOutbox::Stream *StreamOutbox::find(const StreamHandle &stream)
{
    if (stream.generation != m_generation)
        return nullptr;
    const auto it = m_streams.find(stream.id);
    return it == m_streams.end() ? nullptr : &it.value();
}

const StreamOutbox::Stream *StreamOutbox::find(const StreamHandle &stream) const
{
    return const_cast<StreamOutbox *>(this)->find(stream);
}

void StreamOutbox::open(const StreamHandle &stream, StreamMode mode)
{
    if (stream.generation != m_generation) {
        m_streams.clear();
        m_generation = stream.generation;
    }
    Stream &opened = m_streams[stream.id];
    opened.mode = mode;
}

bool StreamOutbox::write(const StreamHandle &stream, const QJsonValue &item)
{
    Stream *target = find(stream);
    if (!target || target->ending)
        return false;
    const bool wasDue = hasDue();
    if (target->mode == StreamMode::LatestWins) {
        target->pending = {item};
    } else {
        if (target->pending.size() >= m_maxPendingItems)
            return false;
        target->pending.append(item);
    }
    if (!wasDue && isDue(*target))
        Q_EMIT due();
    return true;
}

void StreamOutbox::end(const StreamHandle &stream, const std::optional<CommandError> &error)
{
    Stream *target = find(stream);
    if (!target || target->ending)
        return;
    target->ending = true;
    target->endError = error;
    if (isDue(*target))
        Q_EMIT due();
}

bool StreamOutbox::isOpen(const StreamHandle &stream) const
{
    const Stream *target = find(stream);
    return target && !target->ending;
}

qint64 StreamOutbox::credit(const StreamHandle &stream) const
{
    const Stream *target = find(stream);
    if (!target || target->ending)
        return 0;
    if (target->mode == StreamMode::LatestWins)
        return std::numeric_limits<qint64>::max();
    return std::max<qint64>(0, target->credit - target->pending.size());
}

void StreamOutbox::grant(quint64 generation, qint64 id, qint64 items)
{
    const StreamHandle handle{generation, id};
    Stream *target = find(handle);
    if (!target || items <= 0)
        return;
    target->credit = std::min<qint64>(target->credit + items, 1 << 30);
    if (isDue(*target))
        Q_EMIT due();
    Q_EMIT creditAvailable(handle);
}

void StreamOutbox::close(quint64 generation, qint64 id)
{
    const StreamHandle handle{generation, id};
    if (!find(handle))
        return;
    m_streams.remove(id);
    Q_EMIT closed(handle);
}

void StreamOutbox::reset()
{
    const auto streams = m_streams.keys();
    const quint64 generation = m_generation;
    m_streams.clear();
    for (qint64 id : streams)
        Q_EMIT closed(StreamHandle{generation, id});
}

bool StreamOutbox::isDue(const Stream &stream) const
{
    if (stream.pending.isEmpty())
        return stream.ending;
    return stream.mode == StreamMode::LatestWins || stream.credit > 0;
}

bool StreamOutbox::hasDue() const
{
    return std::any_of(m_streams.cbegin(), m_streams.cend(),
                       [this](const Stream &stream) { return isDue(stream); });
}

QJsonArray StreamOutbox::takeDue()
{
    QJsonArray envelopes;
    for (auto it = m_streams.begin(); it != m_streams.end();) {
        Stream &stream = it.value();
        const qint64 sendable = stream.mode == StreamMode::LatestWins
                                    ? stream.pending.size()
                                    : std::min<qint64>(stream.pending.size(), stream.credit);
        if (sendable > 0) {
            QJsonArray items;
            for (qint64 i = 0; i < sendable; ++i)
                items.append(stream.pending.at(i));
            stream.pending.remove(0, sendable);
            if (stream.mode == StreamMode::Ordered)
                stream.credit -= sendable;
            envelopes.append(QJsonObject{{QStringLiteral("t"), QStringLiteral("chunk")},
                                         {QStringLiteral("stream"), double(it.key())},
                                         {QStringLiteral("seq"), double(stream.nextSeq++)},
                                         {QStringLiteral("items"), items}});
        }
        if (stream.ending && stream.pending.isEmpty()) {
            QJsonObject end{{QStringLiteral("t"), QStringLiteral("end")},
                            {QStringLiteral("stream"), double(it.key())}};
            if (stream.endError)
                end.insert(QStringLiteral("error"), stream.endError->toJson());
            envelopes.append(end);
            it = m_streams.erase(it);
            continue;
        }
        ++it;
    }
    return envelopes;
}

} // namespace Conduit
