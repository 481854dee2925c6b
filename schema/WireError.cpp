// SPDX-License-Identifier: MIT
#include "WireError.h"

namespace Conduit::WireError {

Schema payload()
{
    return Schema::named(
        QStringLiteral("ErrorPayload"),
        Schema::object()
            .required(QStringLiteral("code"), code())
            .required(QStringLiteral("message"),
                      Schema::string().describe(QStringLiteral("for a developer, in English")))
            .optional(QStringLiteral("details"),
                      Schema::object().allowOtherFields().describe(
                          QStringLiteral("what the code's documentation says it carries"))));
}

Schema code()
{
    return Schema::named(QStringLiteral("ErrorCode"), Schema::string());
}

} // namespace Conduit::WireError
