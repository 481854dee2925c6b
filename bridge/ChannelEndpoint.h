#pragma once

#include <QJsonArray>
#include <QObject>
#include <QString>

#include <functional>

namespace Conduit {

// The only object the page can see on the QWebChannel, registered as `conduit`: one method in,
// one signal out, no properties, so the page cannot reach anything else of the native side.
class ChannelEndpoint final : public QObject
{
    Q_OBJECT

public:
    using QObject::QObject;

    // page → native: an array of envelopes, each one JSON text (so each is size-checked before
    // it is parsed).
    Q_INVOKABLE void send(const QJsonArray &envelopes);

    // Where send() delivers; a callback, not a signal, so the page cannot subscribe to it.
    void setReceiver(std::function<void(const QJsonArray &)> receiver);

Q_SIGNALS:
    // native → page: the JSON text of an array of envelopes.
    void receive(const QString &batch);

private:
    std::function<void(const QJsonArray &)> m_receiver;
};

} // namespace Conduit
