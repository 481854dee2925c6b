// SPDX-License-Identifier: MIT
#pragma once

#include "RawThreadEcho.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>
#include <QString>

#include <functional>

namespace Conduit::Benchmark {

// The baseline: plain QWebChannel, one message per call and one per signal. Registered as `raw`
// beside `conduit` on the same page channel, so both paths share the page, the transport and
// the event loop.
class RawChannelObject final : public QObject
{
    Q_OBJECT

public:
    explicit RawChannelObject(QObject *parent = nullptr);

    // The raw twin of the `echo` command: answered in the GUI thread, no envelope, no worker.
    Q_INVOKABLE QString echo(const QString &text) const { return text; }
    // The raw twin of an async command: a QFuture answered by a worker QThread (RawThreadEcho).
    Q_INVOKABLE QFuture<QString> echoThread(const QString &text) { return m_threadEcho.echo(text); }
    // The hand-written way to hand the page a large payload: one string.
    Q_INVOKABLE QString bigString(int size) const { return QString(size, QLatin1Char('x')); }
    // ... and to take one from it.
    Q_INVOKABLE int takeString(const QString &text) const { return int(text.size()); }
    // One page→native item per call, the baseline for the page's emits.
    Q_INVOKABLE void item(int i);
    int itemsReceived() const { return m_items; }
    void resetItems() { m_items = 0; }
    // The page has received `count` events.
    Q_INVOKABLE void done(int count);
    // The page hands back the outcome of a measurement it ran, as JSON text.
    Q_INVOKABLE void report(const QString &json);

    // The native clock, for the page to relate its performance.now() to: {mono: nowMs(),
    // epoch: wall-clock ms since 1970, sub-millisecond}.
    Q_INVOKABLE QJsonObject clock() const;
    // CLOCK_MONOTONIC (the clock performance.now() also runs on), ms since this object was made.
    double nowMs() const { return double(m_clock.nsecsElapsed()) / 1e6; }

    // Emits rawEvent(0) … rawEvent(count - 1): one channel message each.
    void emitEvents(int count);

    // Callbacks, not signals, so the page cannot subscribe to them.
    void setDoneReceiver(std::function<void(int)> receiver)
    {
        m_doneReceiver = std::move(receiver);
    }
    void setReportReceiver(std::function<void(const QString &)> receiver)
    {
        m_reportReceiver = std::move(receiver);
    }

Q_SIGNALS:
    void rawEvent(int i);

private:
    QElapsedTimer m_clock;
    RawThreadEcho m_threadEcho;
    int m_items = 0;
    std::function<void(int)> m_doneReceiver;
    std::function<void(const QString &)> m_reportReceiver;
};

} // namespace Conduit::Benchmark
