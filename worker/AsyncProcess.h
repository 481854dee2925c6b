// SPDX-License-Identifier: MIT
#pragma once

#include "ProcessMessage.h"
#include "TaskKinds.h"

#include <QList>
#include <QObject>

#include <chrono>

namespace Conduit {

class ConsoleModel;
class LogFiles;
class TaskCommands;

// The asynchronous process the page talks to: a host in its own QThread for the parts that
// answer the page. Its input is the queued slot post() and its output the signal output(), so
// everything it owns is touched by its own thread only. It routes each message:
//   `tasks.*` commands            → its TaskCommands (the TaskManager and the task kinds)
//   echo, tell; replies; events   → its ConsoleModel (the message console's model)
//   `log.*` commands              → its LogFiles (line indexes of log files, for the log view)
// and anything else is answered unknown_command.
class AsyncProcess final : public QObject
{
    Q_OBJECT

public:
    // `historyPath`: where the tasks are kept across restarts (TaskHistory); none if empty.
    explicit AsyncProcess(std::chrono::milliseconds tickInterval = std::chrono::seconds(1),
                          TaskKinds kinds = TaskKinds::builtIn(), QString historyPath = {},
                          QObject *parent = nullptr);

    // Call through a queued connection or QMetaObject::invokeMethod once in its thread.
    void start();
    // Stops ticking and shuts the tasks down within the deadline; true if all work stopped.
    bool stop(std::chrono::milliseconds deadline = std::chrono::seconds(5));
    void post(const Conduit::ProcessMessage &message);
    // post() for each, in order (from a ProcessMessageBatcher).
    void postAll(const QList<Conduit::ProcessMessage> &messages);

Q_SIGNALS:
    void output(const Conduit::ProcessMessage &message);

private:
    void runCommand(const ProcessMessage &command);
    void send(const ProcessMessage &message); // output(), or held while postAll() runs

    std::chrono::milliseconds m_tickInterval;
    TaskKinds m_kinds;     // for m_tasks
    QString m_historyPath; // for m_tasks, which opens it in this object's thread
    // Both created in start(), in this object's thread, so their timers run there.
    ConsoleModel *m_console = nullptr;
    TaskCommands *m_tasks = nullptr;
    LogFiles *m_logs = nullptr;
    bool m_holding = false;
    QList<ProcessMessage> m_held;
};

} // namespace Conduit
