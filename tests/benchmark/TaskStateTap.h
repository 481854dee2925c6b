// SPDX-License-Identifier: MIT
#pragma once

#include <QHash>
#include <QJsonDocument>
#include <QObject>
#include <QString>

#include <functional>
#include <optional>

namespace Conduit {
class ChannelEndpoint;
}

namespace Conduit::Benchmark {

// Watches what the bridge hands to the page (ChannelEndpoint::receive, in the GUI thread) and
// notes, per task id, when its first final `task.state` event left: the moment the native side
// has observed the task stopped and told the page. Only batches naming task.state are parsed.
class TaskStateTap final : public QObject
{
    Q_OBJECT

public:
    struct Final
    {
        double atMs = 0; // clockMs() when the batch left
        QString state;
    };

    TaskStateTap(ChannelEndpoint &endpoint, std::function<double()> clockMs,
                 QObject *parent = nullptr);

    std::optional<Final> final(quint64 id) const;
    void forget(quint64 id) { m_finals.remove(id); }

private:
    void onBatch(const QJsonDocument &batch);

    std::function<double()> m_clockMs;
    QHash<quint64, Final> m_finals;
};

} // namespace Conduit::Benchmark
