// SPDX-License-Identifier: MIT
#pragma once

#include "TaskError.h"
#include "TaskHistoryNotice.h"
#include "TaskKinds.h"
#include "TaskOptions.h"
#include "TaskSnapshot.h"
#include "TaskState.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QObject>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <set>

class QNetworkAccessManager;
class QThreadPool;
class QTimer;

namespace Conduit {

class Task;
class TaskHistory;

// Owns every task: admits at most limit() at once (running + paused: a paused task keeps its
// slot), queues the rest by priority then arrival, enforces timeouts, throttles progress and
// keeps each task's output log. Lives in one thread (the AsyncProcess's); every call and
// every signal happens there. Blocking work runs on its own QThreadPool, I/O on its thread's
// event loop. Refusals throw TaskError (see TaskError.h for the codes).
//
// What it can start is its TaskKinds, each declared by its class: params are checked against
// the kind's schema before the task is made, and a result against the kind's result schema
// before it is published (a result that breaks its declaration fails the task as internal).
//
// Pool tasks share the cores fairly: every running (not paused) pool task gets an equal share
// of QThread::idealThreadCount() job slots, rebalanced on every start, finish, pause and
// resume (see PoolShare). With more such tasks than cores, each gets one slot in turn, for
// 50 ms at a time, so that the scheduler's placement cannot starve one of them. The pool
// itself never makes a job wait for a thread.
//
// With a history (TaskHistory), every state change is kept there, and the tasks it held come
// back at construction, finished: as they ended, or interrupted if they had not (the process
// quit, crashed or lost power first; a task shutdown() stops is kept as interrupted too, while
// it ends cancelled here). A restored task has no output (only its snapshot was kept); it can be
// listed, forgotten and retried. New ids continue after the largest one kept.
class TaskManager final : public QObject
{
    Q_OBJECT

public:
    // Limit: defaultLimit(). Kinds: TaskKinds::builtIn() unless given.
    explicit TaskManager(QObject *parent = nullptr);
    explicit TaskManager(TaskKinds kinds, QObject *parent = nullptr);
    // With the history at `historyPath` (none if empty); see the class comment.
    TaskManager(TaskKinds kinds, const QString &historyPath, QObject *parent = nullptr);
    // Shuts down with a 5 s deadline unless shutdown() ran. A job still running then (one
    // that ignores cancellation) keeps its pool, which is left behind on purpose: waiting
    // for it could take forever, and destroying its thread while it runs aborts.
    ~TaskManager() override;

    const TaskKinds &kinds() const { return m_kinds; }

    // Validates params before anything runs: invalid_args (details.argument, or details.kind
    // for an unknown kind), shutting_down during and after shutdown().
    quint64 start(const QString &kind, const QJsonObject &params, const TaskOptions &options = {});
    void pause(quint64 id);  // running → paused; not_found, invalid_args otherwise
    void resume(quint64 id); // paused → running; not_found, invalid_args otherwise
    // queued → cancelled at once; running/paused → cancelled once the work has stopped.
    // invalid_args for a finished task.
    void cancel(quint64 id);
    // The limit's range, stated here only (the page receives it in its generated types), and
    // where it starts: one slot per core.
    static constexpr int kMinLimit = 1;
    static constexpr int kMaxLimit = 64;
    static int defaultLimit();
    void setLimit(int limit); // kMinLimit..kMaxLimit; admits queued tasks at once, never preempts
    int limit() const { return m_limit; }
    int runningCount() const { return m_running; } // running + paused

    QList<TaskSnapshot> list() const; // by id
    TaskSnapshot snapshot(quint64 id) const;
    void forget(quint64 id); // drops a finished task; invalid_args if it has not finished
    // Starts a finished task again as a new one: its kind, params and priority (no timeout).
    // invalid_args if it has not finished, or if its kind or params are refused now.
    quint64 retry(quint64 id);

    bool hasHistory() const { return m_history != nullptr; }
    // Why the history is not what it was, or is off (set aside, in use, unavailable).
    std::optional<TaskHistoryNotice> historyNotice() const;

    // Output items seq > afterSeq still held (unacknowledged ones always are): [{seq, value}]
    QJsonArray readOutput(quint64 id, qint64 afterSeq, int max) const;
    // The consumer has taken items ≤ seq; a producer waiting for credit goes on.
    void acknowledgeOutput(quint64 id, qint64 seq);

    // Cancels everything (queued tasks never start), waits at most `deadline` for the work to
    // stop; true if all stopped. Afterwards start() throws shutting_down. No event loop runs
    // inside: I/O tasks stop synchronously, pool jobs are waited for until the deadline; a
    // job that ignores cancellation leaves its task running and the result false.
    bool shutdown(std::chrono::milliseconds deadline);
    bool isShuttingDown() const { return m_shuttingDown; }

Q_SIGNALS:
    void stateChanged(const Conduit::TaskSnapshot &snapshot); // every transition, queued too
    // At most ~30/s per task; the final value always comes before the final stateChanged.
    void progressChanged(quint64 id, qint64 done, qint64 total);
    void outputAvailable(quint64 id, qint64 lastSeq);

private:
    struct Entry
    {
        quint64 id = 0;
        Task *task = nullptr;           // null for a task restored from the history
        const TaskKind *kind = nullptr; // in m_kinds; null for a restored one of an unknown kind
        std::optional<TaskSnapshot> restored; // a restored task as it is, for good
        TaskState state = TaskState::Queued;
        std::optional<TaskState> stopAs; // cancelled/timed_out once the work has stopped
        int priority = 0;
        QJsonObject params; // as the page gave them, so a reloaded page can label the task
        QDateTime createdAt, startedAt, finishedAt;
        QJsonValue result;
        std::optional<TaskError> error;
        QTimer *timeout = nullptr;
        qint64 publishedDone = 0;
        qint64 publishedTotal = -1;
        bool stoppedByShutdown = false; // kept in the history as interrupted, not cancelled
    };

    Entry &entry(quint64 id);
    const Entry &entry(quint64 id) const;
    static std::unique_ptr<Task> createTask(const TaskKind &kind, const QJsonObject &params);
    void admit();
    void rebalance();
    void stop(Entry &entry, TaskState finalState);
    void taskFinished(quint64 id);
    void finalize(Entry &entry, TaskState finalState);
    void setState(Entry &entry, TaskState state);
    void publish(const Entry &entry); // stateChanged, and the history
    void restore(QList<TaskSnapshot> snapshots);
    void publishProgress(Entry &entry);
    void sampleProgress();
    TaskSnapshot makeSnapshot(const Entry &entry) const;

    TaskKinds m_kinds;
    TaskHistory *m_history = nullptr;
    QThreadPool *m_pool = nullptr;
    QNetworkAccessManager *m_network = nullptr; // created on first use, in the right thread
    QTimer *m_sampler = nullptr;
    QTimer *m_rotator = nullptr; // while pool tasks outnumber the cores: the next ones' turn
    int m_rotation = 0;          // where the current turn starts among the running pool tasks
    std::map<quint64, std::unique_ptr<Entry>> m_entries;
    std::set<std::pair<int, quint64>> m_queue; // (-priority, id): highest first, then arrival
    int m_limit = 1;
    int m_running = 0;
    quint64 m_nextId = 1;
    bool m_shuttingDown = false;
    bool m_admitting = false;
};

} // namespace Conduit
