// SPDX-License-Identifier: MIT
#pragma once

#include "ChannelSurface.h"

#include <QJsonArray>
#include <QString>

#include <functional>

namespace Conduit {

// The only object the page can see on the QWebChannel, registered as `conduit`: one method in,
// one signal out, nothing else (no properties, none of QObject's signals and slots: see
// ChannelSurface), so the page cannot reach anything else of the native side.
class ChannelEndpoint final : public ChannelSurface
{
    Q_OBJECT

public:
    using ChannelSurface::ChannelSurface;

    // page → native: an array of envelopes, each one JSON text (so each is size-checked before
    // it is parsed).
    Q_INVOKABLE void send(const QJsonArray &envelopes);

    // Where send() delivers; a callback, not a signal, so the page cannot subscribe to it.
    void setReceiver(std::function<void(const QJsonArray &)> receiver);

Q_SIGNALS:
    // Signal index 0, never emitted: ~QObject's `destroyed` is signal index 0 (ChannelSurface).
    void reserved();
    // native → page: the JSON text of an array of envelopes.
    void receive(const QString &batch);

private:
    std::function<void(const QJsonArray &)> m_receiver;
};

} // namespace Conduit
