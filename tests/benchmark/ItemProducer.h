// SPDX-License-Identifier: MIT
#pragma once

#include <bridge/CommandCall.h>

#include <QObject>

namespace Conduit {
class StreamOutbox;
}

namespace Conduit::Benchmark {

// Writes `count` small items ({i}) into a call's stream as fast as the page's credit allows,
// then ends it: the bulk producer of the items-per-second measurement. Deletes itself when done
// or when the page closes the stream.
class ItemProducer final : public QObject
{
    Q_OBJECT

public:
    ItemProducer(StreamOutbox &streams, const StreamHandle &stream, int count);

private:
    void write();

    StreamOutbox &m_streams;
    StreamHandle m_stream;
    int m_count;
    int m_next = 0;
};

} // namespace Conduit::Benchmark
