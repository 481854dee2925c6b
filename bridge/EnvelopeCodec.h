// SPDX-License-Identifier: MIT
#pragma once

#include "CommandError.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace Conduit {

struct DecodedEnvelope
{
    QJsonObject envelope;
    QString type;                      // the `t` field, when it could be read
    std::optional<qint64> id;          // the `id` field, when it could be read
    std::optional<CommandError> error; // set when the envelope must not be dispatched
};

// Turns the page's JSON text into envelopes, refusing what is too large or malformed before any
// handler sees it.
class EnvelopeCodec
{
public:
    explicit EnvelopeCodec(qsizetype maxEnvelopeChars);

    DecodedEnvelope decode(const QString &text) const;

    // Reads `{"t":"…","id":N` from the start of an envelope without parsing the rest, so an
    // oversize envelope can still be answered. The client writes `t` and `id` first.
    static void peekHeader(const QString &text, QString *type, std::optional<qint64> *id);

private:
    qsizetype m_maxEnvelopeChars;
};

} // namespace Conduit
