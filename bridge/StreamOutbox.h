// SPDX-License-Identifier: MIT
#pragma once

#include "CommandCall.h"
#include "CommandError.h"
#include "CommandRegistry.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonValue>
#include <QList>
#include <QObject>

#include <optional>

namespace Conduit {

// The native side of the page's Channels: numbers items (seq), paces ordered streams by the
// page's credit, coalesces latest-wins streams, and tells producers when to pause or stop.
// Lives in the GUI thread with the Bridge, which drains it into its batches.
class StreamOutbox final : public QObject
{
    Q_OBJECT

public:
    explicit StreamOutbox(qsizetype maxPendingItems, QObject *parent = nullptr);

    void open(const StreamHandle &stream, StreamMode mode);
    // False when the stream is closed, unknown, or its unsent items reached the cap: the
    // producer should wait for creditAvailable() (or stop on closed()).
    bool write(const StreamHandle &stream, const QJsonValue &item);
    void end(const StreamHandle &stream, const std::optional<CommandError> &error = {});
    bool isOpen(const StreamHandle &stream) const;
    // Items the page is ready for and that are not yet queued; a producer should not exceed it.
    qint64 credit(const StreamHandle &stream) const;

    void grant(quint64 generation, qint64 id, qint64 items);
    void close(quint64 generation, qint64 id);
    void reset(); // the page went away: every stream is closed

    bool hasDue() const;
    // chunk/end envelopes that may be sent now.
    QJsonArray takeDue();

Q_SIGNALS:
    void due();
    void creditAvailable(const Conduit::StreamHandle &stream);
    void closed(const Conduit::StreamHandle &stream);

private:
    struct Stream
    {
        StreamMode mode = StreamMode::Ordered;
        QList<QJsonValue> pending;
        qint64 credit = 0;
        qint64 nextSeq = 0;
        bool ending = false;
        std::optional<CommandError> endError;
    };

    Stream *find(const StreamHandle &stream);
    const Stream *find(const StreamHandle &stream) const;
    bool isDue(const Stream &stream) const;

    qsizetype m_maxPendingItems;
    quint64 m_generation = 0;
    QHash<qint64, Stream> m_streams;
};

} // namespace Conduit

Q_DECLARE_METATYPE(Conduit::StreamHandle)
