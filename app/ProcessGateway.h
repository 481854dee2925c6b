#pragma once

#include "ProcessMessage.h"

#include <QFuture>
#include <QJsonValue>
#include <QObject>
#include <QPromise>

#include <memory>
#include <unordered_map>

namespace Conduit {

class Bridge;

// Translates between the bridge's world (commands, events, page requests) and the async
// process's messages. Lives in the GUI thread; its send()/receive() are the two ends of the
// queued connections to the process's thread.
class ProcessGateway final : public QObject
{
    Q_OBJECT

public:
    explicit ProcessGateway(Bridge &bridge, QObject *parent = nullptr);

    // echo {text} and process.send {text}.
    void registerCommands();
    void receive(const Conduit::ProcessMessage &message);

Q_SIGNALS:
    void send(const Conduit::ProcessMessage &message);

private:
    QFuture<QJsonValue> call(const QString &command, const QJsonValue &args);
    void forwardRequest(const ProcessMessage &request);

    Bridge &m_bridge;
    quint64 m_nextCallId = 1;
    std::unordered_map<quint64, std::shared_ptr<QPromise<QJsonValue>>> m_calls;
};

} // namespace Conduit
