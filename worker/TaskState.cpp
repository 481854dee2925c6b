// SPDX-License-Identifier: MIT
#include "TaskState.h"

namespace Conduit {

QList<TaskState> taskStates()
{
    return {TaskState::Queued, TaskState::Running,   TaskState::Paused,   TaskState::Completed,
            TaskState::Failed, TaskState::Cancelled, TaskState::TimedOut, TaskState::Interrupted};
}

std::optional<TaskState> taskStateFromName(const QString &name)
{
    for (const TaskState state : taskStates()) {
        if (taskStateName(state) == name)
            return state;
    }
    return std::nullopt;
}

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
    case TaskState::Interrupted:
        return QStringLiteral("interrupted");
    }
    return QStringLiteral("unknown");
}

bool isFinalState(TaskState state)
{
    return state == TaskState::Completed || state == TaskState::Failed
           || state == TaskState::Cancelled || state == TaskState::TimedOut
           || state == TaskState::Interrupted;
}

} // namespace Conduit
