// SPDX-License-Identifier: MIT
#include "TaskStateTap.h"

#include <bridge/ChannelEndpoint.h>
#include <worker/TaskState.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace Conduit::Benchmark {

TaskStateTap::TaskStateTap(ChannelEndpoint &endpoint, std::function<double()> clockMs,
                           QObject *parent)
    : QObject(parent)
    , m_clockMs(std::move(clockMs))
{
    connect(&endpoint, &ChannelEndpoint::receive, this, &TaskStateTap::onBatch);
}

std::optional<TaskStateTap::Final> TaskStateTap::final(quint64 id) const
{
    const auto it = m_finals.constFind(id);
    if (it == m_finals.constEnd())
        return std::nullopt;
    return *it;
}

void TaskStateTap::onBatch(const QJsonDocument &batch)
{
    const double at = m_clockMs(); // before looking inside
    const QJsonArray envelopes = batch.array();
    for (const QJsonValue &value : envelopes) {
        const QJsonObject envelope = value.toObject();
        if (envelope.value(QLatin1String("t")).toString() != QLatin1String("event")
            || envelope.value(QLatin1String("event")).toString() != QLatin1String("task.state"))
            continue;
        const QJsonObject snapshot = envelope.value(QLatin1String("payload")).toObject();
        const QString state = snapshot.value(QLatin1String("state")).toString();
        const auto id = quint64(snapshot.value(QLatin1String("id")).toDouble());
        const std::optional<TaskState> parsed = taskStateFromName(state);
        if (parsed && isFinalState(*parsed) && !m_finals.contains(id))
            m_finals.insert(id, {at, state});
    }
}

} // namespace Conduit::Benchmark
