// SPDX-License-Identifier: MIT
#pragma once

#include "TaskError.h"

#include <atomic>
#include <mutex>
#include <optional>

namespace Conduit {

// What several pool jobs of one task share: the first failure, which stops the others.
class TaskJobFailure
{
public:
    void set(const TaskError &error)
    {
        std::lock_guard lock(m_mutex);
        if (!m_error)
            m_error = error;
        m_failed.store(true);
    }
    bool failed() const { return m_failed.load(); }
    std::optional<TaskError> error() const
    {
        std::lock_guard lock(m_mutex);
        return m_error;
    }

private:
    mutable std::mutex m_mutex;
    std::optional<TaskError> m_error;
    std::atomic<bool> m_failed{false};
};

} // namespace Conduit
