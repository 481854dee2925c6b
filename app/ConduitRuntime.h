// SPDX-License-Identifier: MIT
#pragma once

#include "DesktopIntegration.h"
#include "FilePreview.h"
#include "ProcessGateway.h"
#include "TaskGateway.h"
#include <bridge/PageHub.h>
#include <worker/ProcessMessageMailbox.h>

#include <QObject>
#include <QThread>

#include <chrono>
#include <memory>

namespace Conduit {

class AsyncProcess;

// Everything behind the pages, wired: their bridges in the GUI thread (PageHub, one page per
// window), the async process in its own thread, the gateways between them. The application
// owns one for all its windows; end-to-end tests build their own.
class ConduitRuntime final : public QObject
{
    Q_OBJECT

public:
    // `kinds`: the task kinds the page may start (tests add `count`). `historyPath`: where the
    // tasks are kept across restarts (worker/TaskHistory); none if empty.
    explicit ConduitRuntime(std::chrono::milliseconds tickInterval = std::chrono::seconds(1),
                            const TaskKinds &kinds = TaskKinds::builtIn(),
                            const QString &historyPath = {}, QObject *parent = nullptr);
    ~ConduitRuntime() override;

    PageHub &pages() { return m_pages; }
    ProcessGateway &processGateway() { return m_processGateway; }
    TaskGateway &taskGateway() { return m_taskGateway; }
    DesktopIntegration &desktop() { return m_desktop; }
    void start();
    // Stops the async process and joins its thread; false if it did not stop within deadline.
    bool shutdown(std::chrono::milliseconds deadline = std::chrono::seconds(5));
    bool isRunning() const { return m_thread->isRunning(); }

Q_SIGNALS:
    // shutdown() has begun (once): nothing new should be handed to this runtime.
    void shuttingDown();

private:
    PageHub m_pages;
    ProcessGateway m_processGateway;
    TaskGateway m_taskGateway;
    DesktopIntegration m_desktop;
    FilePreview m_preview;
    // The two channels, one each way. Each outlives both threads' use of it: a queued delivery
    // still posted when the runtime goes holds it.
    std::shared_ptr<ProcessMessageMailbox> m_toProcess = std::make_shared<ProcessMessageMailbox>();
    std::shared_ptr<ProcessMessageMailbox> m_fromProcess
        = std::make_shared<ProcessMessageMailbox>();
    // Owned, but left alive (with m_process) if it is still running when the runtime goes: work
    // that ignored cancellation past the deadline must not have its thread destroyed under it.
    QThread *m_thread = new QThread;
    AsyncProcess *m_process = nullptr; // lives in m_thread, deleted when it finishes
    bool m_shutDownBegun = false;
};

} // namespace Conduit
