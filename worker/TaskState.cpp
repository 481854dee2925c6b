// SPDX-License-Identifier: MIT
#include "TaskState.h"

namespace Conduit {

QString taskStateName(TaskState state)
{
    switch (state) {
    case TaskState::Queued:
        return QStringLiteral("queued");
    case TaskState::Running:
        return QStringLiteral("running");
    case TaskState::Paused:
        return QStringLiteral("paused");
    case TaskState::Completed:
        return QStringLiteral("completed");
    case TaskState::Failed:
        return QStringLiteral("failed");
    case TaskState::Cancelled:
        return QStringLiteral("cancelled");
    case TaskState::TimedOut:
        return QStringLiteral("timed_out");
    }
    return QStringLiteral("unknown");
}

bool isFinalState(TaskState state)
{
    return state == TaskState::Completed || state == TaskState::Failed
           || state == TaskState::Cancelled || state == TaskState::TimedOut;
}

} // namespace Conduit
