// SPDX-License-Identifier: MIT
#include "TaskManager.h"

#include "PoolTask.h"
#include "Task.h"
#include "TaskHistory.h"

#include <QDeadlineTimer>
#include <QNetworkAccessManager>
#include <QThread>
#include <QThreadPool>
#include <QTimer>

namespace Conduit {

namespace {
constexpr auto kProgressInterval = std::chrono::milliseconds(33); // ≤ ~30 publications/s
constexpr auto kTurn = std::chrono::milliseconds(50); // a pool task's turn when oversubscribed
constexpr auto kDestructorDeadline = std::chrono::seconds(5);
// After a shutdown that stopped everything, the pool's threads only have to return.
constexpr int kPoolSettleMs = 100;

int cores()
{
    return qMax(1, QThread::idealThreadCount());
}

// Pools whose job ignored cancellation past the deadline: never destroyed (that would wait for
// the job, and deleting a running QThread aborts), and held here so they stay reachable.
QList<QThreadPool *> &abandonedPools()
{
    static auto *pools = new QList<QThreadPool *>;
    return *pools;
}

TaskError notFound(quint64 id)
{
    return TaskError(QStringLiteral("not_found"), QStringLiteral("no task %1").arg(id),
                     QJsonObject{{QStringLiteral("id"), double(id)}});
}

TaskError wrongState(const QString &what, TaskState state)
{
    return TaskError(QStringLiteral("invalid_args"),
                     QStringLiteral("cannot %1 a %2 task").arg(what, taskStateName(state)),
                     QJsonObject{{QStringLiteral("state"), taskStateName(state)}});
}
} // namespace

TaskManager::TaskManager(QObject *parent)
    : TaskManager(TaskKinds::builtIn(), parent)
{}

TaskManager::TaskManager(TaskKinds kinds, QObject *parent)
    : TaskManager(std::move(kinds), QString(), parent)
{}

TaskManager::TaskManager(TaskKinds kinds, const QString &historyPath, QObject *parent)
    : QObject(parent)
    , m_kinds(std::move(kinds))
    , m_pool(new QThreadPool(this))
    , m_sampler(new QTimer(this))
    , m_rotator(new QTimer(this))
    , m_limit(defaultLimit())
{
    qRegisterMetaType<Conduit::TaskSnapshot>();
    qRegisterMetaType<Conduit::TaskState>();
    // Threads are made on demand; how many jobs run is the shares' business (rebalance()),
    // and a task holds at most a core's worth of threads, so this bound is never what waits.
    m_pool->setMaxThreadCount(kMaxLimit * cores());
    m_sampler->setInterval(kProgressInterval);
    m_sampler->setTimerType(Qt::PreciseTimer); // a coarse timer fires early: > 30 updates/s
    connect(m_sampler, &QTimer::timeout, this, &TaskManager::sampleProgress);
    m_rotator->setInterval(kTurn);
    connect(m_rotator, &QTimer::timeout, this, [this] {
        m_rotation += cores();
        rebalance();
    });
    if (!historyPath.isEmpty()) {
        m_history = new TaskHistory(historyPath, this);
        restore(m_history->takeRestored());
    }
}

void TaskManager::restore(QList<TaskSnapshot> snapshots)
{
    for (TaskSnapshot &snapshot : snapshots) {
        snapshot.outputSeq = 0; // the output was not kept: nothing to read, nothing to wait for
        auto entry = std::make_unique<Entry>();
        entry->id = snapshot.id;
        entry->kind = m_kinds.find(snapshot.kind);
        entry->state = snapshot.state;
        entry->priority = snapshot.priority;
        entry->params = snapshot.params;
        entry->restored = snapshot;
        m_nextId = std::max(m_nextId, snapshot.id + 1);
        m_entries.emplace(snapshot.id, std::move(entry));
    }
}

std::optional<TaskHistoryNotice> TaskManager::historyNotice() const
{
    return m_history ? m_history->notice() : std::nullopt;
}

TaskManager::~TaskManager()
{
    if (!m_shuttingDown)
        shutdown(kDestructorDeadline);
    if (m_pool->waitForDone(kPoolSettleMs))
        return;
    qWarning("TaskManager: a pool job ignored cancellation; its pool is left to the process");
    m_pool->setParent(nullptr);
    abandonedPools().append(m_pool);
    m_pool = nullptr;
}

std::unique_ptr<Task> TaskManager::createTask(const TaskKind &kind, const QJsonObject &params)
{
    QJsonObject checked;
    try {
        checked = kind.params.validateObject(params);
    } catch (const SchemaError &error) {
        throw TaskError::invalidArgument(error.where(), error.message());
    }
    return kind.make(checked);
}

quint64 TaskManager::start(const QString &kind, const QJsonObject &params,
                           const TaskOptions &options)
{
    if (m_shuttingDown)
        throw TaskError(QStringLiteral("shutting_down"),
                        QStringLiteral("the task manager is shutting down"));
    if (options.timeout && options.timeout->count() <= 0)
        throw TaskError::invalidArgument(QStringLiteral("timeoutMs"),
                                         QStringLiteral("the timeout must be positive"));
    const TaskKind *declared = m_kinds.find(kind);
    if (!declared)
        throw TaskError(QStringLiteral("invalid_args"),
                        QStringLiteral("unknown task kind '%1'").arg(kind),
                        QJsonObject{{QStringLiteral("argument"), QStringLiteral("kind")},
                                    {QStringLiteral("kind"), kind}});
    std::unique_ptr<Task> task = createTask(*declared, params); // validates, throws

    auto entry = std::make_unique<Entry>();
    entry->id = m_nextId++;
    entry->task = task.release();
    entry->kind = declared;
    entry->task->setParent(this);
    entry->priority = options.priority;
    entry->params = params;
    entry->createdAt = QDateTime::currentDateTimeUtc();
    entry->publishedTotal = entry->task->progress()->total();
    const quint64 id = entry->id;
    connect(entry->task, &Task::finished, this, [this, id] { taskFinished(id); });
    connect(entry->task, &Task::outputAppended, this,
            [this, id](qint64 lastSeq) { Q_EMIT outputAvailable(id, lastSeq); });
    if (options.timeout) {
        entry->timeout = new QTimer(this);
        entry->timeout->setSingleShot(true);
        entry->timeout->setTimerType(Qt::PreciseTimer);
        connect(entry->timeout, &QTimer::timeout, this, [this, id] {
            const auto it = m_entries.find(id);
            if (it != m_entries.end() && !isFinalState(it->second->state))
                stop(*it->second, TaskState::TimedOut);
        });
        entry->timeout->start(*options.timeout);
    }
    Entry &added = *m_entries.emplace(id, std::move(entry)).first->second;
    m_queue.emplace(-added.priority, id);
    publish(added);
    admit();
    return id;
}

void TaskManager::pause(quint64 id)
{
    Entry &e = entry(id);
    if (e.state != TaskState::Running)
        throw wrongState(QStringLiteral("pause"), e.state);
    e.task->pause();
    setState(e, TaskState::Paused);
    rebalance();
}

void TaskManager::resume(quint64 id)
{
    Entry &e = entry(id);
    if (e.state != TaskState::Paused)
        throw wrongState(QStringLiteral("resume"), e.state);
    e.task->resume();
    setState(e, TaskState::Running);
    rebalance();
}

void TaskManager::cancel(quint64 id)
{
    Entry &e = entry(id);
    if (isFinalState(e.state))
        throw wrongState(QStringLiteral("cancel"), e.state);
    stop(e, TaskState::Cancelled);
}

int TaskManager::defaultLimit()
{
    return qBound(kMinLimit, QThread::idealThreadCount(), kMaxLimit);
}

void TaskManager::setLimit(int limit)
{
    if (limit < kMinLimit || limit > kMaxLimit)
        throw TaskError::invalidArgument(
            QStringLiteral("limit"),
            QStringLiteral("the limit must be between %1 and %2").arg(kMinLimit).arg(kMaxLimit));
    m_limit = limit;
    admit();
}

QList<TaskSnapshot> TaskManager::list() const
{
    QList<TaskSnapshot> snapshots;
    snapshots.reserve(qsizetype(m_entries.size()));
    for (const auto &[id, e] : m_entries)
        snapshots.append(makeSnapshot(*e));
    return snapshots;
}

TaskSnapshot TaskManager::snapshot(quint64 id) const
{
    return makeSnapshot(entry(id));
}

void TaskManager::forget(quint64 id)
{
    Entry &e = entry(id);
    if (!isFinalState(e.state))
        throw wrongState(QStringLiteral("forget"), e.state);
    if (e.task)
        e.task->deleteLater();
    m_entries.erase(id);
    if (m_history)
        m_history->remove(id);
}

quint64 TaskManager::retry(quint64 id)
{
    const Entry &e = entry(id);
    if (!isFinalState(e.state))
        throw wrongState(QStringLiteral("retry"), e.state);
    const QString kind = e.task ? e.task->kind() : e.restored->kind;
    const QJsonObject params = e.params;
    TaskOptions options;
    options.priority = e.priority;
    return start(kind, params, options);
}

QJsonArray TaskManager::readOutput(quint64 id, qint64 afterSeq, int max) const
{
    const Entry &e = entry(id);
    if (max < 1)
        throw TaskError::invalidArgument(QStringLiteral("max"),
                                         QStringLiteral("max must be at least 1"));
    const TaskOutputLog *log = e.task ? e.task->outputLog() : nullptr;
    return log ? log->read(afterSeq, max) : QJsonArray();
}

void TaskManager::acknowledgeOutput(quint64 id, qint64 seq)
{
    Entry &e = entry(id);
    TaskOutputLog *log = e.task ? e.task->outputLog() : nullptr;
    if (log && log->acknowledge(seq) && !isFinalState(e.state))
        e.task->outputRoomAvailable();
}

bool TaskManager::shutdown(std::chrono::milliseconds deadline)
{
    const QDeadlineTimer timer(deadline);
    m_shuttingDown = true;
    QList<quint64> ids;
    for (const auto &[id, e] : m_entries) {
        if (!isFinalState(e->state))
            ids.append(id);
    }
    // Queued ones first, so that stopping a running one admits nothing.
    // A slot may forget() a task in reaction to its stateChanged, hence the lookups.
    const auto stopAll = [this, &ids](bool queuedOnly) {
        for (quint64 id : std::as_const(ids)) {
            const auto it = m_entries.find(id);
            if (it == m_entries.end() || isFinalState(it->second->state)
                || (queuedOnly && it->second->state != TaskState::Queued))
                continue;
            // Not the user's cancel: the task was cut off, and comes back as such.
            if (!it->second->stopAs)
                it->second->stoppedByShutdown = true;
            stop(*it->second, TaskState::Cancelled);
        }
    };
    stopAll(true); // queued ones first, so that nothing gets admitted
    stopAll(false);
    m_pool->waitForDone(int(qMax<qint64>(0, timer.remainingTime())));
    bool allStopped = true;
    for (quint64 id : std::as_const(ids)) {
        const auto it = m_entries.find(id);
        if (it == m_entries.end() || isFinalState(it->second->state))
            continue;
        if (it->second->task->isStopped())
            taskFinished(id);
        else
            allStopped = false;
    }
    // On disk before anything else may end the process (main() leaves with _Exit when a job
    // ignored cancellation); a task still running is kept so, and interrupted next time.
    if (m_history)
        m_history->flush();
    return allStopped;
}

TaskManager::Entry &TaskManager::entry(quint64 id)
{
    const auto it = m_entries.find(id);
    if (it == m_entries.end())
        throw notFound(id);
    return *it->second;
}

const TaskManager::Entry &TaskManager::entry(quint64 id) const
{
    const auto it = m_entries.find(id);
    if (it == m_entries.end())
        throw notFound(id);
    return *it->second;
}

void TaskManager::admit()
{
    if (m_admitting || m_shuttingDown)
        return;
    m_admitting = true;
    while (m_running < m_limit && !m_queue.empty()) {
        const quint64 id = m_queue.begin()->second;
        m_queue.erase(m_queue.begin());
        Entry &e = *m_entries.at(id);
        ++m_running;
        e.startedAt = QDateTime::currentDateTimeUtc();
        setState(e, TaskState::Running);
        rebalance(); // its share is known before its first jobs go out
        try {
            e.task->start(TaskServices{m_pool, [this] {
                                           if (!m_network)
                                               m_network = new QNetworkAccessManager(this);
                                           return m_network;
                                       }});
        } catch (const std::exception &error) {
            e.error = TaskError(QStringLiteral("internal"), QString::fromLocal8Bit(error.what()));
            finalize(e, TaskState::Failed);
        }
    }
    if (m_running > 0 && !m_sampler->isActive())
        m_sampler->start();
    m_admitting = false;
}

void TaskManager::rebalance()
{
    // Paused tasks are left out: their jobs are suspended and idle, and resume() rebalances.
    QList<PoolTask *> running;
    for (const auto &[id, e] : m_entries) {
        if (e->state != TaskState::Running || e->stopAs)
            continue;
        if (auto *pool = qobject_cast<PoolTask *>(e->task))
            running.append(pool);
    }
    const int n = int(running.size());
    if (n <= cores()) {
        m_rotator->stop();
        for (int i = 0; i < n; ++i) // the oldest get the remainder
            running[i]->setShare(cores() / n + (i < cores() % n ? 1 : 0));
        return;
    }
    // One slot each for the `cores` tasks whose turn it is, none for the others: a thread per
    // task would leave it to the OS, which runs three threads on two cores as 50/25/25.
    m_rotation %= n;
    for (int i = 0; i < n; ++i)
        running[i]->setShare((i - m_rotation + n) % n < cores() ? 1 : 0);
    if (!m_rotator->isActive())
        m_rotator->start();
}

void TaskManager::stop(Entry &e, TaskState finalState)
{
    if (e.state == TaskState::Queued) {
        m_queue.erase({-e.priority, e.id});
        finalize(e, finalState);
        return;
    }
    if (e.stopAs)
        return;
    e.stopAs = finalState;
    // Its finished() follows once the work has stopped.
    e.task->stop(m_shuttingDown                      ? Task::StopReason::ShuttingDown
                 : finalState == TaskState::TimedOut ? Task::StopReason::TimedOut
                                                     : Task::StopReason::Cancelled);
    rebalance();
}

void TaskManager::taskFinished(quint64 id)
{
    const auto it = m_entries.find(id);
    if (it == m_entries.end() || isFinalState(it->second->state))
        return;
    Entry &e = *it->second;
    switch (e.task->outcome()) {
    case Task::Outcome::Completed:
        try {
            e.result = e.kind->result.validate(e.task->result());
        } catch (const SchemaError &error) {
            // A bug in the kind, not the user's doing: said as such, never published as done.
            qWarning("task %llu (%s): its result breaks the declaration at '%s': %s",
                     qulonglong(id), qPrintable(e.kind->name), qPrintable(error.where()),
                     qPrintable(error.message()));
            e.error
                = TaskError(QStringLiteral("internal"),
                            QStringLiteral("the task's result is not what its kind declares: %1")
                                .arg(error.message()),
                            QJsonObject{{QStringLiteral("where"), error.where()}});
            finalize(e, TaskState::Failed);
            break;
        }
        finalize(e, TaskState::Completed);
        break;
    case Task::Outcome::Failed:
        if (e.stopAs) {
            finalize(e, *e.stopAs);
        } else {
            e.error = e.task->error();
            finalize(e, TaskState::Failed);
        }
        break;
    case Task::Outcome::Cancelled:
    case Task::Outcome::Pending: // stopped by shutdown() before its signal arrived
        finalize(e, e.stopAs.value_or(TaskState::Cancelled));
        break;
    }
}

void TaskManager::finalize(Entry &e, TaskState finalState)
{
    const bool wasActive = e.state == TaskState::Running || e.state == TaskState::Paused;
    publishProgress(e);
    if (e.timeout) {
        e.timeout->deleteLater();
        e.timeout = nullptr;
    }
    if (finalState == TaskState::Cancelled && !e.error)
        e.error = TaskError(QStringLiteral("cancelled"), QStringLiteral("the task was cancelled"));
    else if (finalState == TaskState::TimedOut && !e.error)
        e.error = TaskError(QStringLiteral("timeout"), QStringLiteral("the task timed out"));
    e.finishedAt = QDateTime::currentDateTimeUtc();
    if (wasActive)
        --m_running;
    if (m_running == 0)
        m_sampler->stop();
    setState(e, finalState);
    if (wasActive)
        rebalance();
    admit();
}

void TaskManager::setState(Entry &e, TaskState state)
{
    e.state = state;
    publish(e);
}

void TaskManager::publish(const Entry &e)
{
    const TaskSnapshot snapshot = makeSnapshot(e);
    if (m_history)
        m_history->put(e.stoppedByShutdown && e.state == TaskState::Cancelled
                           ? snapshot.interrupted()
                           : snapshot);
    Q_EMIT stateChanged(snapshot);
}

void TaskManager::publishProgress(Entry &e)
{
    const qint64 done = e.task->progress()->done();
    const qint64 total = e.task->progress()->total();
    if (done == e.publishedDone && total == e.publishedTotal)
        return;
    e.publishedDone = done;
    e.publishedTotal = total;
    Q_EMIT progressChanged(e.id, done, total);
}

void TaskManager::sampleProgress()
{
    QList<quint64> active;
    for (const auto &[id, e] : m_entries) {
        if (e->state == TaskState::Running || e->state == TaskState::Paused)
            active.append(id);
    }
    for (quint64 id : std::as_const(active)) {
        const auto it = m_entries.find(id);
        if (it != m_entries.end())
            publishProgress(*it->second);
    }
}

TaskSnapshot TaskManager::makeSnapshot(const Entry &e) const
{
    if (e.restored)
        return *e.restored;
    TaskSnapshot s;
    s.id = e.id;
    s.kind = e.task->kind();
    s.state = e.state;
    s.done = e.task->progress()->done();
    s.total = e.task->progress()->total();
    s.unit = e.task->progress()->unit();
    s.priority = e.priority;
    s.params = e.params;
    s.createdAt = e.createdAt;
    s.startedAt = e.startedAt;
    s.finishedAt = e.finishedAt;
    s.result = e.result;
    s.error = e.error;
    s.outputSeq = e.task->outputLog() ? e.task->outputLog()->lastSeq() : 0;
    return s;
}

} // namespace Conduit
