// SPDX-License-Identifier: MIT
#include "ConduitRuntime.h"

#include "LogGateway.h"
#include <worker/AsyncProcess.h>

#include <QDeadlineTimer>
#include <QLocale>

namespace Conduit {

ConduitRuntime::ConduitRuntime(std::chrono::milliseconds tickInterval, const TaskKinds &kinds,
                               const QString &historyPath, QObject *parent)
    : QObject(parent)
    , m_processGateway(m_pages)
    , m_taskGateway(m_pages, m_processGateway)
    , m_desktop(m_pages)
    , m_preview(m_pages)
    , m_process(new AsyncProcess(tickInterval, kinds, historyPath))
{
    m_thread->setObjectName(QStringLiteral("AsyncProcess"));
    m_process->moveToThread(m_thread);
    connect(m_thread, &QThread::started, m_process, &AsyncProcess::start);
    connect(m_thread, &QThread::finished, m_process, &QObject::deleteLater);
    // The two channels: a mailbox each way, emptied in the receiver's thread, so each side runs
    // only in its own thread and a burst wakes the other thread once.
    connect(&m_processGateway, &ProcessGateway::toProcess, m_toProcess.get(),
            &ProcessMessageMailbox::put);
    connect(
        m_toProcess.get(), &ProcessMessageMailbox::ready, m_process,
        [mailbox = m_toProcess, process = m_process] { process->postAll(mailbox->take()); },
        Qt::QueuedConnection);
    connect(m_process, &AsyncProcess::output, m_fromProcess.get(), &ProcessMessageMailbox::put,
            Qt::DirectConnection);
    connect(
        m_fromProcess.get(), &ProcessMessageMailbox::ready, &m_processGateway,
        [mailbox = m_fromProcess, gateway = &m_processGateway] {
            gateway->fromProcessAll(mailbox->take());
        },
        Qt::QueuedConnection);

    m_processGateway.registerCommands();
    m_taskGateway.registerCommands(kinds);
    m_desktop.registerCommands();
    (new LogGateway(m_pages, m_processGateway, this))->registerCommands();
    m_preview.registerCommands();
    m_pages.addWelcomeField(QStringLiteral("locale"),
                            Schema::string().describe(QStringLiteral("e.g. de_DE")),
                            QLocale().name());
    m_pages.addWelcomeField(QStringLiteral("version"), Schema::string(),
                            QStringLiteral(CONDUIT_VERSION));
}

ConduitRuntime::~ConduitRuntime()
{
    shutdown();
    // Settle what is still awaited while every member that awaits it is alive.
    m_processGateway.abandonCalls();
    m_pages.abandonRequests();
    if (m_thread->isRunning()) {
        // Its connections to the gateway go with the gateway; the thread and the process stay.
        qWarning("the async process is still running; leaving its thread behind");
        return;
    }
    delete m_thread;
}

void ConduitRuntime::start()
{
    if (!m_thread->isRunning())
        m_thread->start();
}

bool ConduitRuntime::shutdown(std::chrono::milliseconds deadline)
{
    if (!std::exchange(m_shutDownBegun, true))
        Q_EMIT shuttingDown();
    // The page hears at once that its pending calls end here, while it is still there.
    m_pages.shutdown();
    if (!m_thread->isRunning())
        return true;
    const QDeadlineTimer timer(deadline);
    // The tasks get most of the deadline; the rest is for the thread to wind down.
    const auto forTasks = deadline * 8 / 10;
    QMetaObject::invokeMethod(
        m_process, [process = m_process, forTasks] { process->stop(forTasks); },
        Qt::QueuedConnection);
    m_thread->quit();
    if (m_thread->wait(timer))
        return true;
    qWarning("the async process did not stop within %lld ms", qlonglong(deadline.count()));
    return false;
}

} // namespace Conduit
