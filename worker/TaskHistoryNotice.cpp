// SPDX-License-Identifier: MIT
#include "TaskHistoryNotice.h"

namespace Conduit {

namespace {
QString reasonName(TaskHistoryNotice::Reason reason)
{
    switch (reason) {
    case TaskHistoryNotice::Reason::Corrupt:
        return QStringLiteral("corrupt");
    case TaskHistoryNotice::Reason::Newer:
        return QStringLiteral("newer");
    case TaskHistoryNotice::Reason::InUse:
        return QStringLiteral("in_use");
    case TaskHistoryNotice::Reason::Unavailable:
        break;
    }
    return QStringLiteral("unavailable");
}
} // namespace

QJsonObject TaskHistoryNotice::toJson() const
{
    return QJsonObject{{QStringLiteral("reason"), reasonName(reason)},
                       {QStringLiteral("path"), path},
                       {QStringLiteral("detail"), detail}};
}

Schema TaskHistoryNotice::schema()
{
    QStringList reasons;
    for (const Reason reason : {Reason::Corrupt, Reason::Newer, Reason::InUse, Reason::Unavailable})
        reasons.append(reasonName(reason));
    return Schema::named(
        QStringLiteral("TaskHistoryNotice"),
        Schema::object()
            .required(QStringLiteral("reason"),
                      Schema::oneOf(reasons).describe(QStringLiteral(
                          "corrupt, newer: the old file was set aside and a new history begun; "
                          "in_use, unavailable: tasks are not remembered this time")))
            .required(QStringLiteral("path"),
                      Schema::string().describe(
                          QStringLiteral("where the old file is now (corrupt, newer), else the "
                                         "history's own")))
            .required(QStringLiteral("detail"),
                      Schema::string().describe(QStringLiteral("for a developer, in English"))));
}

} // namespace Conduit
