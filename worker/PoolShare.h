// SPDX-License-Identifier: MIT
#pragma once

#include <QtGlobal>

#include <condition_variable>
#include <limits>
#include <mutex>

namespace Conduit {

// How many of one pool task's jobs may run at once: its fair share of the cores, 0 while it
// waits for its turn. The manager's thread sets it (TaskManager::rebalance()); the jobs obey
// it at their checkpoints, where a job over the share parks, its thread idle, until a sibling
// finishes, the share grows or the task stops. So a task that started alone with every core
// gives some back as soon as another one starts.
class PoolShare
{
public:
    int capacity() const
    {
        std::lock_guard lock(m_mutex);
        return m_capacity;
    }
    void setCapacity(int capacity)
    {
        std::lock_guard lock(m_mutex);
        m_capacity = qMax(0, capacity);
        m_changed.notify_all();
    }
    // A job starts or ends running (PoolTask submits no more than the share).
    void enter()
    {
        std::lock_guard lock(m_mutex);
        ++m_running;
    }
    void leave()
    {
        std::lock_guard lock(m_mutex);
        --m_running;
        m_changed.notify_all();
    }

    // Called by the manager's thread once a job's future has finished: it takes the lock the
    // job released last in leave(), so everything the job wrote is ordered before what the
    // caller reads next. Qt's hand-off (QFutureInterface's lock) orders it as well, but inside
    // libQt6Core, where ThreadSanitizer cannot see it.
    void joinFinishedJob() const { std::lock_guard lock(m_mutex); }
    // Parks the calling job while more of its siblings run than the share allows, or until
    // stopped() (checked whenever wake() or a change is signalled).
    template<typename Stopped> void yieldIfOver(Stopped stopped)
    {
        std::unique_lock lock(m_mutex);
        if (m_running <= m_capacity)
            return;
        --m_running;
        m_changed.wait(lock, [&] { return m_running < m_capacity || stopped(); });
        ++m_running;
    }
    // Cancellation or a failure: parked jobs look at stopped() again.
    void wake()
    {
        std::lock_guard lock(m_mutex);
        m_changed.notify_all();
    }

private:
    mutable std::mutex m_mutex;
    std::condition_variable m_changed;
    int m_capacity = std::numeric_limits<int>::max(); // until the manager says
    int m_running = 0;
};

} // namespace Conduit
