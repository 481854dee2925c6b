// SPDX-License-Identifier: MIT
#include "ItemProducer.h"

#include <bridge/StreamOutbox.h>

#include <QJsonObject>

namespace Conduit::Benchmark {

ItemProducer::ItemProducer(StreamOutbox &streams, const StreamHandle &stream, int count)
    : m_streams(streams)
    , m_stream(stream)
    , m_count(count)
{
    connect(&m_streams, &StreamOutbox::creditAvailable, this, [this](const StreamHandle &stream) {
        if (stream == m_stream)
            write();
    });
    connect(&m_streams, &StreamOutbox::closed, this, [this](const StreamHandle &stream) {
        if (stream == m_stream)
            deleteLater();
    });
    write();
}

void ItemProducer::write()
{
    const QString key = QStringLiteral("i");
    for (qint64 room = m_streams.credit(m_stream); room > 0 && m_next < m_count; --room) {
        if (!m_streams.write(m_stream, QJsonObject{{key, m_next}}))
            break;
        ++m_next;
    }
    if (m_next == m_count) {
        m_streams.end(m_stream);
        deleteLater();
    }
}

} // namespace Conduit::Benchmark
