// SPDX-License-Identifier: MIT
#pragma once

#include "ChannelSurface.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QString>

#include <functional>

namespace Conduit {

// The only object the page can see on the QWebChannel, registered as `conduit`: one way in,
// one signal out, nothing else (none of QObject's signals and slots: see ChannelSurface), so the
// page cannot reach anything else of the native side.
//
// The way in is a write-only property, not a method: QWebChannel answers every method call
// with a response message, and writing a property is the one message it does not answer. So a
// round trip is one message each way: the page's batch in, a receive() batch out.
class ChannelEndpoint final : public ChannelSurface
{
    Q_OBJECT
    // page → native: an array of envelopes, each one JSON text (so each is size-checked before
    // it is parsed). Reads as empty; `inboxChanged` is never emitted (it only keeps QWebChannel
    // from warning about a property it cannot watch).
    Q_PROPERTY(QJsonArray inbox READ inbox WRITE send NOTIFY inboxChanged)

public:
    using ChannelSurface::ChannelSurface;

    QJsonArray inbox() const { return {}; }
    void send(const QJsonArray &envelopes);

    // Where send() delivers; a callback, not a signal, so the page cannot subscribe to it.
    void setReceiver(std::function<void(const QJsonArray &)> receiver);

Q_SIGNALS:
    // Signal index 0, never emitted: ~QObject's `destroyed` is signal index 0 (ChannelSurface).
    void reserved();
    // native → page: an array of envelopes, carried as JSON in the channel's own message (not
    // as JSON text inside it, which both sides would encode and parse twice). A QJsonDocument,
    // because QWebChannel 6.4 converts a QJsonArray argument to QVariants and back, element by
    // element; a document it passes as it is.
    void receive(const QJsonDocument &batch);
    void inboxChanged();

private:
    std::function<void(const QJsonArray &)> m_receiver;
};

} // namespace Conduit
