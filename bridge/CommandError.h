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
    // A code of the application's own (declared with ApiCatalogue::declareErrorCodes).
    CommandError(QString code, QString message, QJsonObject details = {});

    QString code() const { return m_code; } // the wire name
    bool is(ErrorCode code) const { return m_code == errorCodeName(code); }
    QString message() const { return m_message; }
    QJsonObject details() const { return m_details; }

    QJsonObject toJson() const;
    // Reads an error object; a code that is neither the bridge's nor one of `applicationCodes`
    // becomes `internal`.
    static CommandError fromJson(const QJsonObject &object,
                                 const QStringList &applicationCodes = {});

    const char *what() const noexcept override { return m_what.constData(); }
    void raise() const override { throw *this; }
    CommandError *clone() const override { return new CommandError(*this); }

private:
    QString m_code;
    QString m_message;
    QJsonObject m_details;
    QByteArray m_what;
};

} // namespace Conduit
