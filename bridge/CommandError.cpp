// SPDX-License-Identifier: MIT
#include "CommandError.h"

namespace Conduit {

CommandError::CommandError(ErrorCode code, QString message, QJsonObject details)
    : m_code(code)
    , m_message(std::move(message))
    , m_details(std::move(details))
    , m_what((errorCodeName(code) + QStringLiteral(": ") + m_message).toUtf8())
{}

QJsonObject CommandError::toJson() const
{
    QJsonObject object{{QStringLiteral("code"), errorCodeName(m_code)},
                       {QStringLiteral("message"), m_message}};
    if (!m_details.isEmpty())
        object.insert(QStringLiteral("details"), m_details);
    return object;
}

CommandError CommandError::fromJson(const QJsonObject &object)
{
    const auto code = errorCodeFromName(object.value(QStringLiteral("code")).toString());
    return CommandError(code.value_or(ErrorCode::Internal),
                        object.value(QStringLiteral("message")).toString(),
                        object.value(QStringLiteral("details")).toObject());
}

} // namespace Conduit
