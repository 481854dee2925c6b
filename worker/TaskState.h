// SPDX-License-Identifier: MIT
#pragma once

#include <QMetaType>
#include <QString>

namespace Conduit {

// queued → running ⇄ paused → completed | failed | cancelled | timed_out
enum class TaskState { Queued, Running, Paused, Completed, Failed, Cancelled, TimedOut };

// The wire name: "queued", "running", "paused", "completed", "failed", "cancelled", "timed_out".
QString taskStateName(TaskState state);
bool isFinalState(TaskState state);

} // namespace Conduit

Q_DECLARE_METATYPE(Conduit::TaskState)
