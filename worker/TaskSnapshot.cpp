// SPDX-License-Identifier: MIT
#include "TaskSnapshot.h"

#include <schema/WireError.h>

namespace Conduit {

namespace {
QJsonValue timeValue(const QDateTime &time)
{
    return time.isValid() ? QJsonValue(time.toString(Qt::ISODateWithMs)) : QJsonValue();
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
            .optional(QStringLiteral("error"), WireError::payload().describe(QStringLiteral(
                                                   "once failed, cancelled or timed out"))));
}

} // namespace Conduit
