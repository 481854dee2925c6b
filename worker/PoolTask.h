// SPDX-License-Identifier: MIT
#pragma once

#include "PoolShare.h"
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
// How many of its jobs run at once is its share of the cores (PoolShare), which the manager
// sets: jobs beyond the share are submitted only when a sibling ends, and a running job over
// a shrunken share parks at its next checkpoint.
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

    // From the manager, on every rebalance: at most `share` of this task's jobs run.
    void setShare(int share);

protected:
    // The first stage; the kind chains further ones from its `then` callbacks.
    virtual void begin() = 0;
    // Runs `count` copies of `body` (job.index() = 0…count-1); a TaskError thrown by any of
    // them fails the task and stops the others. Bodies must not capture `this`: a job that
    // ignores cancellation may outlive the task.
    void runJobs(int count, Job body, std::function<void()> then);
    // The most jobs worth running at once (the cores); the share may be smaller.
    int parallelism() const;

private:
    void submitJobs();
    void jobFinished();
    void stageDone();
    bool stopping() const;

    QThreadPool *m_pool = nullptr;
    QList<QFuture<void>> m_futures;
    Job m_body;
    int m_count = 0;     // jobs in this stage
    int m_submitted = 0; // of which handed to the pool
    int m_inFlight = 0;  // of which not yet returned
    std::function<void()> m_then;
    std::shared_ptr<TaskJobFailure> m_failure = std::make_shared<TaskJobFailure>();
    std::shared_ptr<PoolShare> m_share = std::make_shared<PoolShare>();
    bool m_paused = false;
    bool m_cancelled = false;
};

} // namespace Conduit
