// SPDX-License-Identifier: MIT
#include "ErrorCode.h"

#include <array>
#include <utility>

namespace Conduit {

namespace {
constexpr std::array<std::pair<ErrorCode, const char *>, 9> kNames{{
    {ErrorCode::InvalidArgs, "invalid_args"},
    {ErrorCode::UnknownCommand, "unknown_command"},
    {ErrorCode::Cancelled, "cancelled"},
    {ErrorCode::Timeout, "timeout"},
    {ErrorCode::TooLarge, "too_large"},
    {ErrorCode::Busy, "busy"},
    {ErrorCode::NotFound, "not_found"},
    {ErrorCode::ShuttingDown, "shutting_down"},
    {ErrorCode::Internal, "internal"},
}};
} // namespace

QStringList errorCodeNames()
{
    QStringList names;
    for (const auto &entry : kNames)
        names.append(QString::fromLatin1(entry.second));
    return names;
}

QString errorCodeName(ErrorCode code)
{
    for (const auto &[value, name] : kNames) {
        if (value == code)
            return QString::fromLatin1(name);
    }
    return QStringLiteral("internal");
}

std::optional<ErrorCode> errorCodeFromName(const QString &name)
{
    for (const auto &[value, text] : kNames) {
        if (name == QLatin1String(text))
            return value;
    }
    return std::nullopt;
}

} // namespace Conduit
