#pragma once

#include <QString>

#include <optional>

namespace Conduit {

// The one list of error codes that travel on the wire (DESIGN §3).
enum class ErrorCode {
    InvalidArgs,
    UnknownCommand,
    Cancelled,
    Timeout,
    TooLarge,
    Busy,
    NotFound,
    ShuttingDown,
    Internal,
};

QString errorCodeName(ErrorCode code);
std::optional<ErrorCode> errorCodeFromName(const QString &name);

} // namespace Conduit
