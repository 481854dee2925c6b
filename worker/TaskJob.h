#pragma once

#include "TaskJobFailure.h"
#include "TaskProgress.h"

#include <QPromise>

namespace Conduit {

// A body's handle on its pool job: the pause/cancel checkpoint and the progress counters.
class TaskJob
{
public:
    TaskJob(QPromise<void> &promise, int index, TaskProgress &progress, TaskJobFailure &failure)
        : m_promise(promise)
        , m_index(index)
        , m_progress(progress)
        , m_failure(failure)
    {}

    int index() const { return m_index; }
    TaskProgress &progress() { return m_progress; }
    // Call at every step: blocks while paused (releasing the pool thread) and returns false
    // once the task is cancelled or a sibling job failed; the body then returns at once.
    bool checkpoint()
    {
        m_promise.suspendIfRequested();
        return !m_promise.isCanceled() && !m_failure.failed();
    }
    bool isCanceled() const { return m_promise.isCanceled() || m_failure.failed(); }

private:
    QPromise<void> &m_promise;
    int m_index;
    TaskProgress &m_progress;
    TaskJobFailure &m_failure;
};

} // namespace Conduit
