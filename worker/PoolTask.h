#pragma once

#include "Task.h"
#include "TaskJob.h"

#include <QFuture>
#include <QList>

#include <functional>

class QThreadPool;

namespace Conduit {

// A task whose work blocks or burns CPU: it runs in stages of parallel jobs on the manager's
// pool (QtConcurrent::run with a QPromise). Pause suspends the jobs' futures, cancel cancels
// them (which also wakes a suspended job); a stage's `then` runs on the manager's thread once
// all its jobs have returned, so state handed between stages needs no locking.
class PoolTask : public Task
{
    Q_OBJECT

public:
    using Job = std::function<void(TaskJob &job)>;

    using Task::Task;
    ~PoolTask() override;

    void start(const TaskServices &services) final;
    void pause() override;
    void resume() override;
    void cancel() override;
    bool isStopped() const override;

protected:
    // The first stage; the kind chains further ones from its `then` callbacks.
    virtual void begin() = 0;
    // Runs `count` copies of `body` (job.index() = 0…count-1); a TaskError thrown by any of
    // them fails the task and stops the others.
    void runJobs(int count, Job body, std::function<void()> then);
    int parallelism() const;

private:
    void jobFinished();

    QThreadPool *m_pool = nullptr;
    QList<QFuture<void>> m_futures;
    int m_pendingJobs = 0;
    std::function<void()> m_then;
    std::shared_ptr<TaskJobFailure> m_failure = std::make_shared<TaskJobFailure>();
    bool m_paused = false;
    bool m_cancelled = false;
};

} // namespace Conduit
