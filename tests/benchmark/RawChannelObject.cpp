#include "RawChannelObject.h"

namespace Conduit::Benchmark {

void RawChannelObject::done(int count)
{
    if (m_doneReceiver)
        m_doneReceiver(count);
}

void RawChannelObject::report(const QString &json)
{
    if (m_reportReceiver)
        m_reportReceiver(json);
}

void RawChannelObject::emitEvents(int count)
{
    for (int i = 0; i < count; ++i)
        Q_EMIT rawEvent(i);
}

} // namespace Conduit::Benchmark
