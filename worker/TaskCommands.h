// SPDX-License-Identifier: MIT
#pragma once

#include "ProcessMessage.h"

#include <QHash>
#include <QObject>

#include <chrono>
#include <functional>

namespace Conduit {

class TaskKinds;
class TaskManager;

// The async process's task vocabulary: turns `tasks.*` command messages into TaskManager calls
// and the manager's signals into `task.state`, `task.progress` and `task.output` events. Lives
// in the process's thread with the manager it owns.
//   tasks.start {kind, params, priority, timeoutMs?} → snapshot
//   tasks.pause | tasks.resume | tasks.cancel {id}    → snapshot
//   tasks.list {}                                      → [snapshot]
//   tasks.forget {id} → {};  tasks.setLimit {limit} → {limit}
//   tasks.read {id, after, max} → {items: [{seq, value}]};  tasks.ack {id, seq} → {}
//   tasks.retry {id} → the new task's snapshot
// With a history, it first tells what the history brought back, once, as the event
//   task.history {tasks: [snapshot], notice?: TaskHistoryNotice}
class TaskCommands final : public QObject
{
    Q_OBJECT

public:
    using Output = std::function<void(const ProcessMessage &)>;
    // `historyPath`: the TaskManager's history (none if empty).
    TaskCommands(const TaskKinds &kinds, Output output, const QString &historyPath = {},
                 QObject *parent = nullptr);

    static bool handles(const QString &command);
    ProcessMessage run(const ProcessMessage &command);
    bool shutdown(std::chrono::milliseconds deadline);

private:
    QJsonValue dispatch(const QString &name, const QJsonObject &args);
    void forwardOutput(quint64 id, qint64 lastSeq);

    Output m_output;
    TaskManager *m_manager = nullptr;
    QHash<quint64, qint64> m_forwardedSeq; // output items already sent out, per task
};

} // namespace Conduit
