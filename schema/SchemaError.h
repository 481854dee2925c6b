// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

#include <exception>

namespace Conduit {

// A value that does not fit its Schema: where (the field's path, "root", "filters[2]"; empty
// for the value itself) and why, in a sentence that names the place. Each room turns it into
// its own error with code invalid_args and details.argument = where.
class SchemaError : public std::exception
{
public:
    SchemaError(QString where, QString message);

    const QString &where() const { return m_where; }
    const QString &message() const { return m_message; }
    const char *what() const noexcept override { return m_what.constData(); }

private:
    QString m_where;
    QString m_message;
    QByteArray m_what;
};

} // namespace Conduit
