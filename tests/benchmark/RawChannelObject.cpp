// SPDX-License-Identifier: MIT
#include "RawChannelObject.h"

#include <chrono>

namespace Conduit::Benchmark {

RawChannelObject::RawChannelObject(QObject *parent)
    : QObject(parent)
{
    m_clock.start();
}

QJsonObject RawChannelObject::clock() const
{
    const double mono = nowMs();
    const double epoch = std::chrono::duration<double, std::milli>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
    return {{QStringLiteral("mono"), mono}, {QStringLiteral("epoch"), epoch}};
}

void RawChannelObject::done(int count)
{
    if (m_doneReceiver)
        m_doneReceiver(count);
}

void RawChannelObject::item(int i)
{
    Q_UNUSED(i)
    ++m_items;
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
