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
    if (m_pendingJobs == 0) // between stages: nothing runs
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

int PoolTask::parallelism() const
{
    return qMax(1, QThread::idealThreadCount());
}

void PoolTask::runJobs(int count, Job body, std::function<void()> then)
{
    Q_ASSERT(m_pendingJobs == 0);
    if (m_cancelled) {
        finishCancelled();
        return;
    }
    m_futures.clear();
    m_then = std::move(then);
    m_pendingJobs = count;
    for (int i = 0; i < count; ++i) {
        // Each job owns a copy of the body: it is handed over with the job (and so under the
        // pool's lock), never shared across threads.
        QFuture<void> future = QtConcurrent::run(
            m_pool, [body, i, progress = progress(), failure = m_failure](QPromise<void> &promise) {
                BackgroundPriority::applyToCurrentThread();
                TaskJob job(promise, i, *progress, *failure);
                try {
                    body(job);
                } catch (const TaskError &error) {
                    failure->set(error);
                } catch (const std::exception &error) {
                    failure->set(TaskError(QStringLiteral("internal"),
                                           QString::fromLocal8Bit(error.what())));
                }
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
    if (count == 0)
        QMetaObject::invokeMethod(this, &PoolTask::jobFinished, Qt::QueuedConnection);
}

void PoolTask::jobFinished()
{
    if (m_pendingJobs > 0 && --m_pendingJobs > 0)
        return;
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
