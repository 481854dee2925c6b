#pragma once

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
    using QObject::QObject;

    // The raw twin of the `echo` command: answered in the GUI thread, no envelope, no worker.
    Q_INVOKABLE QString echo(const QString &text) const { return text; }
    // The page has received `count` events.
    Q_INVOKABLE void done(int count);
    // The page hands back the outcome of a measurement it ran, as JSON text.
    Q_INVOKABLE void report(const QString &json);

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
    std::function<void(int)> m_doneReceiver;
    std::function<void(const QString &)> m_reportReceiver;
};

} // namespace Conduit::Benchmark
