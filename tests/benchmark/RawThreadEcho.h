// SPDX-License-Identifier: MIT
#pragma once

#include <QFuture>
#include <QObject>
#include <QPromise>
#include <QString>
#include <QThread>

#include <unordered_map>

namespace Conduit::Benchmark {

// What a Qt developer writes by hand for an asynchronous command on QWebChannel: an invokable
// that returns a QFuture, answered by a worker object in its own QThread over queued signals.
// The same hops as Conduit's path (GUI → worker → GUI), the baseline for its round trip and its
// calls in flight.
class RawThreadEcho final : public QObject
{
    Q_OBJECT

public:
    explicit RawThreadEcho(QObject *parent = nullptr);
    ~RawThreadEcho() override;

    QFuture<QString> echo(const QString &text);

Q_SIGNALS:
    void toWorker(quint64 id, const QString &text);

private:
    void answered(quint64 id, const QString &text);

    QThread m_thread;
    quint64 m_nextId = 1;
    std::unordered_map<quint64, QPromise<QString>> m_calls;
};

} // namespace Conduit::Benchmark
