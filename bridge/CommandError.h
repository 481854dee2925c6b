// SPDX-License-Identifier: MIT
#pragma once

#include "ErrorCode.h"

#include <QException>
#include <QJsonObject>
#include <QString>

namespace Conduit {

// A failure the page should see as {code, message, details}. Thrown by handlers (also from a
// QFuture, which is why it is a QException) and carried by result/reply envelopes.
class CommandError : public QException
{
public:
    CommandError(ErrorCode code, QString message, QJsonObject details = {});

    ErrorCode code() const { return m_code; }
    QString message() const { return m_message; }
    QJsonObject details() const { return m_details; }

    QJsonObject toJson() const;
    // Reads an error object from the page; anything unrecognised becomes `internal`.
    static CommandError fromJson(const QJsonObject &object);

    const char *what() const noexcept override { return m_what.constData(); }
    void raise() const override { throw *this; }
    CommandError *clone() const override { return new CommandError(*this); }

private:
    ErrorCode m_code = ErrorCode::Internal;
    QString m_message;
    QJsonObject m_details;
    QByteArray m_what;
};

} // namespace Conduit
