// SPDX-License-Identifier: MIT
#pragma once

#include "TaskError.h"
#include "TaskState.h"

#include <schema/Schema.h>

#include <QDateTime>
#include <QJsonObject>
#include <QJsonValue>
#include <QMetaType>

#include <optional>

namespace Conduit {

// A task as it is at one moment: a value, safe to copy across threads.
struct TaskSnapshot
{
    quint64 id = 0;
    QString kind;
    TaskState state = TaskState::Queued;
    qint64 done = 0;
    qint64 total = -1; // -1: unknown
    QString unit;      // "bytes" | "files" | "items" | "lines"
    int priority = 0;
    QJsonObject params;
    QDateTime createdAt;
    QDateTime startedAt;  // invalid until running
    QDateTime finishedAt; // invalid until final
    QJsonValue result;    // set when completed
    std::optional<TaskError> error;
    qint64 outputSeq = 0; // seq of the last output item, 0 if none

    // {id, kind, state, progress: {done, total, unit}, priority, params, createdAt, startedAt,
    //  finishedAt, result?, error?, outputSeq}; times are ISO 8601 with ms, or null.
    QJsonObject toJson() const;
    // What toJson() wrote (the task history's rows); nullopt for anything schema() refuses.
    static std::optional<TaskSnapshot> fromJson(const QJsonObject &json);
    // This task as the history keeps one the application stopped before it finished: state
    // interrupted, error interrupted, its progress and times as they were.
    TaskSnapshot interrupted() const;
    // What toJson() writes, named TaskSnapshot for the page (its result typed by the page per
    // kind); a test holds every snapshot the gateway relays to it.
    static Schema schema();
    // Its `progress`, named TaskProgress.
    static Schema progressSchema();
};

} // namespace Conduit

Q_DECLARE_METATYPE(Conduit::TaskSnapshot)
