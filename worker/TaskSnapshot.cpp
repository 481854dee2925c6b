// SPDX-License-Identifier: MIT
#include "TaskSnapshot.h"

#include <schema/SchemaError.h>
#include <schema/WireError.h>

namespace Conduit {

namespace {
QJsonValue timeValue(const QDateTime &time)
{
    return time.isValid() ? QJsonValue(time.toString(Qt::ISODateWithMs)) : QJsonValue();
}

QDateTime timeFrom(const QJsonValue &value)
{
    return value.isString() ? QDateTime::fromString(value.toString(), Qt::ISODateWithMs)
                            : QDateTime();
}
} // namespace

QJsonObject TaskSnapshot::toJson() const
{
    QJsonObject json{
        {QStringLiteral("id"), double(id)},
        {QStringLiteral("kind"), kind},
        {QStringLiteral("state"), taskStateName(state)},
        {QStringLiteral("progress"), QJsonObject{{QStringLiteral("done"), double(done)},
                                                 {QStringLiteral("total"), double(total)},
                                                 {QStringLiteral("unit"), unit}}},
        {QStringLiteral("priority"), priority},
        {QStringLiteral("params"), params},
        {QStringLiteral("createdAt"), timeValue(createdAt)},
        {QStringLiteral("startedAt"), timeValue(startedAt)},
        {QStringLiteral("finishedAt"), timeValue(finishedAt)},
        {QStringLiteral("outputSeq"), double(outputSeq)},
    };
    if (state == TaskState::Completed)
        json.insert(QStringLiteral("result"), result);
    if (error)
        json.insert(QStringLiteral("error"), error->toJson());
    return json;
}

std::optional<TaskSnapshot> TaskSnapshot::fromJson(const QJsonObject &json)
{
    try {
        schema().validate(json);
    } catch (const SchemaError &) {
        return std::nullopt;
    }
    TaskSnapshot s;
    s.id = quint64(json.value(QStringLiteral("id")).toDouble());
    s.kind = json.value(QStringLiteral("kind")).toString();
    s.state = *taskStateFromName(json.value(QStringLiteral("state")).toString());
    const QJsonObject progress = json.value(QStringLiteral("progress")).toObject();
    s.done = qint64(progress.value(QStringLiteral("done")).toDouble());
    s.total = qint64(progress.value(QStringLiteral("total")).toDouble());
    s.unit = progress.value(QStringLiteral("unit")).toString();
    s.priority = json.value(QStringLiteral("priority")).toInt();
    s.params = json.value(QStringLiteral("params")).toObject();
    s.createdAt = timeFrom(json.value(QStringLiteral("createdAt")));
    s.startedAt = timeFrom(json.value(QStringLiteral("startedAt")));
    s.finishedAt = timeFrom(json.value(QStringLiteral("finishedAt")));
    s.result = json.value(QStringLiteral("result"));
    if (json.contains(QStringLiteral("error"))) {
        const QJsonObject error = json.value(QStringLiteral("error")).toObject();
        s.error = TaskError(error.value(QStringLiteral("code")).toString(),
                            error.value(QStringLiteral("message")).toString(),
                            error.value(QStringLiteral("details")).toObject());
    }
    s.outputSeq = qint64(json.value(QStringLiteral("outputSeq")).toDouble());
    return s;
}

TaskSnapshot TaskSnapshot::interrupted() const
{
    TaskSnapshot s = *this;
    s.state = TaskState::Interrupted;
    s.result = QJsonValue();
    s.error = TaskError::interrupted();
    return s;
}

Schema TaskSnapshot::progressSchema()
{
    return Schema::named(
        QStringLiteral("TaskProgress"),
        Schema::object()
            .required(QStringLiteral("done"), Schema::integer())
            .required(QStringLiteral("total"),
                      Schema::integer().describe(QStringLiteral("-1 while unknown")))
            .required(QStringLiteral("unit"), Schema::string().describe(QStringLiteral(
                                                  "the kind's progress unit: bytes, lines, …"))));
}

Schema TaskSnapshot::schema()
{
    QStringList states;
    for (const TaskState state : taskStates())
        states.append(taskStateName(state));
    const Schema time = Schema::string().describe(QStringLiteral("ISO 8601, UTC, with ms"));
    return Schema::named(
        QStringLiteral("TaskSnapshot"),
        Schema::object()
            .required(QStringLiteral("id"), Schema::integer().range(1, Schema::kMaxSafeInteger))
            .required(QStringLiteral("kind"), Schema::string())
            .required(QStringLiteral("state"),
                      Schema::named(QStringLiteral("TaskState"), Schema::oneOf(states)))
            .required(QStringLiteral("progress"), progressSchema())
            .required(QStringLiteral("priority"), Schema::integer())
            .required(QStringLiteral("params"),
                      Schema::object().allowOtherFields().describe(
                          QStringLiteral("as the task was started, with defaults filled in")))
            .required(QStringLiteral("createdAt"), time)
            .optional(QStringLiteral("startedAt"),
                      Schema(time).orNull().describe(QStringLiteral("null until it runs")))
            .optional(QStringLiteral("finishedAt"),
                      Schema(time).orNull().describe(QStringLiteral("null until it ends")))
            .required(QStringLiteral("outputSeq"),
                      Schema::integer().describe(
                          QStringLiteral("the seq of its last output item (0: none yet)")))
            .optional(QStringLiteral("result"),
                      Schema::any().describe(QStringLiteral("once completed: the kind's result")))
            .optional(QStringLiteral("error"),
                      WireError::payload().describe(
                          QStringLiteral("once failed, cancelled, timed out or interrupted"))));
}

} // namespace Conduit
