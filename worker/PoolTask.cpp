// SPDX-License-Identifier: MIT
#include "PoolTask.h"

#include "BackgroundPriority.h"

#include <QFutureWatcher>
#include <QThread>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

namespace Conduit {

PoolTask::~PoolTask()
{
    // Jobs hold only shared state, but never leave one running unasked.
    for (QFuture<void> &future : m_futures)
        future.cancel();
    m_share->wake();
}

void PoolTask::start(const TaskServices &services)
{
    m_pool = services.pool;
    begin();
}

void PoolTask::pause()
{
    m_paused = true;
    for (QFuture<void> &future : m_futures)
        future.suspend();
}

void PoolTask::resume()
{
    m_paused = false;
    for (QFuture<void> &future : m_futures)
        future.resume();
}

void PoolTask::cancel()
{
    if (m_cancelled || outcome() != Outcome::Pending)
        return;
    m_cancelled = true;
    for (QFuture<void> &future : m_futures)
        future.cancel();
    m_share->wake();     // a job parked over its share looks at the cancellation
    if (m_inFlight == 0) // between stages: nothing runs
        finishCancelled();
}

bool PoolTask::isStopped() const
{
    for (const QFuture<void> &future : m_futures) {
        if (!future.isFinished())
            return false;
    }
    return m_cancelled || outcome() != Outcome::Pending;
}

void PoolTask::setShare(int share)
{
    m_share->setCapacity(share);
    submitJobs();
}

int PoolTask::parallelism() const
{
    return qMax(1, QThread::idealThreadCount());
}

void PoolTask::runJobs(int count, Job body, std::function<void()> then)
{
    Q_ASSERT(m_inFlight == 0);
    if (m_cancelled) {
        finishCancelled();
        return;
    }
    m_futures.clear();
    m_body = std::move(body);
    m_then = std::move(then);
    m_count = count;
    m_submitted = 0;
    submitJobs();
    if (count == 0)
        QMetaObject::invokeMethod(this, &PoolTask::stageDone, Qt::QueuedConnection);
}

bool PoolTask::stopping() const
{
    return m_cancelled || m_failure->failed() || outcome() != Outcome::Pending;
}

void PoolTask::submitJobs()
{
    while (m_submitted < m_count && m_inFlight < m_share->capacity() && !stopping()) {
        const int index = m_submitted++;
        ++m_inFlight;
        // Each job owns a copy of the body: it is handed over with the job (and so under the
        // pool's lock), never shared across threads.
        QFuture<void> future = QtConcurrent::run(
            m_pool, [body = m_body, index, progress = progress(), failure = m_failure,
                     share = m_share](QPromise<void> &promise) {
                BackgroundPriority::applyToCurrentThread();
                share->enter();
                TaskJob job(promise, index, *progress, *failure, *share);
                try {
                    body(job);
                } catch (const TaskError &error) {
                    failure->set(error);
                } catch (const std::exception &error) {
                    failure->set(TaskError(QStringLiteral("internal"),
                                           QString::fromLocal8Bit(error.what())));
                }
                share->leave(); // a parked sibling may go on
            });
        if (m_paused)
            future.suspend();
        auto *watcher = new QFutureWatcher<void>(this);
        connect(watcher, &QFutureWatcher<void>::finished, this, [this, watcher] {
            watcher->deleteLater();
            jobFinished();
        });
        watcher->setFuture(future);
        m_futures.append(future);
    }
}

void PoolTask::jobFinished()
{
    m_share->joinFinishedJob();
    --m_inFlight;
    submitJobs();
    if (m_inFlight == 0)
        stageDone();
}

void PoolTask::stageDone()
{
    if (outcome() != Outcome::Pending)
        return;
    if (const auto error = m_failure->error()) {
        fail(*error);
    } else if (m_cancelled) {
        finishCancelled();
    } else if (m_then) {
        auto then = std::exchange(m_then, {});
        then();
    }
}

} // namespace Conduit
