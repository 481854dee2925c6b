// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QStringList>

#include <optional>

namespace Conduit {

// The bridge's own error codes (docs/DESIGN.md §3). An application adds codes of its own (a
// task's io_error, say) with CommandError's string constructor, and declares them to the page
// with ApiCatalogue::declareErrorCodes(); the bridge does not need to know them.
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

QStringList errorCodeNames(); // every ErrorCode's name, in order
QString errorCodeName(ErrorCode code);
std::optional<ErrorCode> errorCodeFromName(const QString &name);

} // namespace Conduit
