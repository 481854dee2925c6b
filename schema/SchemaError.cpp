// SPDX-License-Identifier: MIT
#include "SchemaError.h"

#include <utility>

namespace Conduit {

SchemaError::SchemaError(QString where, QString message)
    : m_where(std::move(where))
    , m_message(std::move(message))
    , m_what(m_message.toUtf8())
{}

} // namespace Conduit
