// SPDX-License-Identifier: MIT
#include "CommandError.h"

namespace Conduit {

CommandError::CommandError(ErrorCode code, QString message, QJsonObject details)
    : CommandError(errorCodeName(code), std::move(message), std::move(details))
{}

CommandError::CommandError(QString code, QString message, QJsonObject details)
    : m_code(std::move(code))
    , m_message(std::move(message))
    , m_details(std::move(details))
    , m_what((m_code + QStringLiteral(": ") + m_message).toUtf8())
{}

QJsonObject CommandError::toJson() const
{
    QJsonObject object{{QStringLiteral("code"), m_code}, {QStringLiteral("message"), m_message}};
    if (!m_details.isEmpty())
        object.insert(QStringLiteral("details"), m_details);
    return object;
}

CommandError CommandError::fromJson(const QJsonObject &object, const QStringList &applicationCodes)
{
    const QString code = object.value(QStringLiteral("code")).toString();
    const bool known = errorCodeFromName(code) || applicationCodes.contains(code);
    return CommandError(known ? code : errorCodeName(ErrorCode::Internal),
                        object.value(QStringLiteral("message")).toString(),
                        object.value(QStringLiteral("details")).toObject());
}

} // namespace Conduit
