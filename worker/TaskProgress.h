// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

#include <atomic>

namespace Conduit {

// Counters a task's body bumps from any thread; the manager samples them (≤ ~30/s) and
// publishes. Shared by pointer so a body still winding down never outlives them.
class TaskProgress
{
public:
    explicit TaskProgress(QString unit)
        : m_unit(std::move(unit))
    {}

    QString unit() const { return m_unit; }
    qint64 done() const { return m_done.load(std::memory_order_relaxed); }
    qint64 total() const { return m_total.load(std::memory_order_relaxed); }
    void setDone(qint64 done) { m_done.store(done, std::memory_order_relaxed); }
    void add(qint64 delta) { m_done.fetch_add(delta, std::memory_order_relaxed); }
    void setTotal(qint64 total) { m_total.store(total, std::memory_order_relaxed); }

private:
    const QString m_unit;
    std::atomic<qint64> m_done{0};
    std::atomic<qint64> m_total{-1};
};

} // namespace Conduit
