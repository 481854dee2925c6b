// SPDX-License-Identifier: MIT
#include "TaskError.h"

namespace Conduit {

TaskError::TaskError(QString code, QString message, QJsonObject details)
    : m_code(std::move(code))
    , m_message(std::move(message))
    , m_details(std::move(details))
    , m_what((m_code + QStringLiteral(": ") + m_message).toUtf8())
{}

QJsonObject TaskError::toJson() const
{
    QJsonObject json{{QStringLiteral("code"), m_code}, {QStringLiteral("message"), m_message}};
    if (!m_details.isEmpty())
        json.insert(QStringLiteral("details"), m_details);
    return json;
}

QStringList TaskError::failureCodes()
{
    return {QStringLiteral("io_error"), QStringLiteral("network_error"),
            QStringLiteral("checksum_mismatch"), QStringLiteral("interrupted")};
}

TaskError TaskError::invalidArgument(const QString &argument, const QString &message)
{
    return TaskError(QStringLiteral("invalid_args"), message,
                     QJsonObject{{QStringLiteral("argument"), argument}});
}

TaskError TaskError::interrupted()
{
    return TaskError(QStringLiteral("interrupted"),
                     QStringLiteral("the application stopped before the task finished"));
}

} // namespace Conduit
