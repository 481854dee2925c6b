// SPDX-License-Identifier: MIT
#include "EnvelopeCodec.h"

#include <schema/Schema.h>

#include <QJsonDocument>
#include <QJsonParseError>
#include <QRegularExpression>

#include <cmath>

namespace Conduit {

EnvelopeCodec::EnvelopeCodec(qsizetype maxEnvelopeChars)
    : m_maxEnvelopeChars(maxEnvelopeChars)
{}

void EnvelopeCodec::peekHeader(const QString &text, QString *type, std::optional<qint64> *id)
{
    static const QRegularExpression header(QStringLiteral(
        R"re(^\s*\{\s*"t"\s*:\s*"([a-z]{1,16})"\s*(?:,\s*"id"\s*:\s*(\d{1,15})\b)?)re"));
    const auto match = header.match(QStringView(text).left(128));
    if (!match.hasMatch())
        return;
    *type = match.captured(1);
    if (match.hasCaptured(2))
        *id = match.captured(2).toLongLong();
}

DecodedEnvelope EnvelopeCodec::decode(const QString &text) const
{
    DecodedEnvelope decoded;
    if (text.size() > m_maxEnvelopeChars) {
        peekHeader(text, &decoded.type, &decoded.id);
        decoded.error
            = CommandError(ErrorCode::TooLarge,
                           QStringLiteral("envelope of %1 characters exceeds the cap of %2")
                               .arg(text.size())
                               .arg(m_maxEnvelopeChars),
                           {{QStringLiteral("size"), double(text.size())},
                            {QStringLiteral("limit"), double(m_maxEnvelopeChars)}});
        return decoded;
    }

    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        peekHeader(text, &decoded.type, &decoded.id);
        decoded.error = CommandError(ErrorCode::InvalidArgs,
                                     QStringLiteral("malformed envelope: %1")
                                         .arg(parseError.error != QJsonParseError::NoError
                                                  ? parseError.errorString()
                                                  : QStringLiteral("not a JSON object")));
        return decoded;
    }

    decoded.envelope = document.object();
    const QJsonValue type = decoded.envelope.value(QStringLiteral("t"));
    const QJsonValue id = decoded.envelope.value(QStringLiteral("id"));
    if (id.isDouble() && id.toDouble() >= 0 && std::trunc(id.toDouble()) == id.toDouble()
        && id.toDouble() <= Schema::kMaxSafeInteger) {
        decoded.id = qint64(id.toDouble());
    } else if (!id.isUndefined()) {
        decoded.error = CommandError(ErrorCode::InvalidArgs,
                                     QStringLiteral("envelope id must be a non-negative integer"));
    }
    if (!type.isString()) {
        decoded.error = CommandError(ErrorCode::InvalidArgs,
                                     QStringLiteral("envelope has no type field 't'"));
    }
    decoded.type = type.toString();
    return decoded;
}

} // namespace Conduit
