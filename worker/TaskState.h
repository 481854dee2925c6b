// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QMetaType>
#include <QString>

#include <optional>

namespace Conduit {

// queued → running ⇄ paused → completed | failed | cancelled | timed_out
enum class TaskState { Queued, Running, Paused, Completed, Failed, Cancelled, TimedOut };

// Every state, in that order; the page receives their names in its generated types.
QList<TaskState> taskStates();
// The wire name: "queued", "running", "paused", "completed", "failed", "cancelled", "timed_out".
QString taskStateName(TaskState state);
std::optional<TaskState> taskStateFromName(const QString &name);
bool isFinalState(TaskState state);

} // namespace Conduit

Q_DECLARE_METATYPE(Conduit::TaskState)
