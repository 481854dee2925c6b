// SPDX-License-Identifier: MIT
#include "RawThreadEcho.h"

namespace Conduit::Benchmark {

namespace {

// Lives in the worker thread and answers each text as it arrives.
class EchoWorker final : public QObject
{
    Q_OBJECT

public:
    void echo(quint64 id, const QString &text) { Q_EMIT answered(id, text); }

Q_SIGNALS:
    void answered(quint64 id, const QString &text);
};

} // namespace

RawThreadEcho::RawThreadEcho(QObject *parent)
    : QObject(parent)
{
    // QWebChannel answers a QFuture<T> once it finishes; it finds T through the metatype.
    qRegisterMetaType<QFuture<QString>>();
    auto *worker = new EchoWorker;
    worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, worker, &QObject::deleteLater);
    connect(this, &RawThreadEcho::toWorker, worker, &EchoWorker::echo, Qt::QueuedConnection);
    connect(worker, &EchoWorker::answered, this, &RawThreadEcho::answered, Qt::QueuedConnection);
    m_thread.setObjectName(QStringLiteral("RawThreadEcho"));
    m_thread.start();
}

RawThreadEcho::~RawThreadEcho()
{
    m_thread.quit();
    m_thread.wait();
}

QFuture<QString> RawThreadEcho::echo(const QString &text)
{
    const quint64 id = m_nextId++;
    QPromise<QString> &promise = m_calls[id];
    promise.start();
    QFuture<QString> future = promise.future();
    Q_EMIT toWorker(id, text);
    return future;
}

void RawThreadEcho::answered(quint64 id, const QString &text)
{
    const auto it = m_calls.find(id);
    if (it == m_calls.end())
        return;
    QPromise<QString> promise = std::move(it->second);
    m_calls.erase(it);
    promise.addResult(text);
    promise.finish();
}

} // namespace Conduit::Benchmark

#include "RawThreadEcho.moc"
