// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

#include <optional>

namespace Conduit {

// The one list of error codes that travel on the wire (docs/DESIGN.md §3), plus the failure
// codes of tasks, which reach the page as a task's error and its output stream's end.
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
    IoError,          // a task could not read or write a file
    NetworkError,     // a download failed: refused, reset, timed out, HTTP error status
    ChecksumMismatch, // a download's content did not match its expected sha256
};

QString errorCodeName(ErrorCode code);
std::optional<ErrorCode> errorCodeFromName(const QString &name);

} // namespace Conduit
