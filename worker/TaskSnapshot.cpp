// SPDX-License-Identifier: MIT
#include "TaskSnapshot.h"

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

} // namespace Conduit
