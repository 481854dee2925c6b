// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QMetaType>
#include <QString>

#include <optional>

namespace Conduit {

// queued → running ⇄ paused → completed | failed | cancelled | timed_out
// interrupted: found unfinished in the task history at start (the application quit, crashed or
// lost power while it was queued, running or paused); only a restored task is in it.
enum class TaskState {
    Queued,
    Running,
    Paused,
    Completed,
    Failed,
    Cancelled,
    TimedOut,
    Interrupted
};

// Every state, in that order; the page receives their names in its generated types.
QList<TaskState> taskStates();
// The wire name: "queued", "running", "paused", "completed", "failed", "cancelled", "timed_out",
// "interrupted".
QString taskStateName(TaskState state);
std::optional<TaskState> taskStateFromName(const QString &name);
bool isFinalState(TaskState state);

} // namespace Conduit

Q_DECLARE_METATYPE(Conduit::TaskState)
