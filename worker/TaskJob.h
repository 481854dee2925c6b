// SPDX-License-Identifier: MIT
#pragma once

#include "PoolShare.h"
#include "TaskJobFailure.h"
#include "TaskProgress.h"

#include <QPromise>

namespace Conduit {

// A body's handle on its pool job: the pause/cancel/share checkpoint and the progress counters.
class TaskJob
{
public:
    TaskJob(QPromise<void> &promise, int index, TaskProgress &progress, TaskJobFailure &failure,
            PoolShare &share)
        : m_promise(promise)
        , m_index(index)
        , m_progress(progress)
        , m_failure(failure)
        , m_share(share)
    {}

    int index() const { return m_index; }
    TaskProgress &progress() { return m_progress; }
    // Call at every step: blocks while paused or while the task runs more jobs than its share
    // of the cores (the thread idles, so other tasks' jobs run), and returns false once the
    // task is cancelled or a sibling job failed; the body then returns at once.
    bool checkpoint()
    {
        // The share first: a pause requested while parked still holds the job here.
        m_share.yieldIfOver([this] { return isCanceled(); });
        m_promise.suspendIfRequested();
        return !isCanceled();
    }
    bool isCanceled() const { return m_promise.isCanceled() || m_failure.failed(); }

private:
    QPromise<void> &m_promise;
    int m_index;
    TaskProgress &m_progress;
    TaskJobFailure &m_failure;
    PoolShare &m_share;
};

} // namespace Conduit
