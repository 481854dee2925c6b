// SPDX-License-Identifier: MIT
#pragma once

#include <schema/Schema.h>

#include <QJsonObject>
#include <QtGlobal>

#include <chrono>

namespace Conduit {

// Bounds that keep a misbehaving page (or a runaway producer) from growing memory or freezing
// either side. Defaults suit the application; tests shrink them.
struct BridgeLimits
{
    qsizetype maxEnvelopeChars = 1024 * 1024;   // one page→native envelope, as JSON text
    qsizetype maxEnvelopesPerBatch = 10000;     // page→native envelopes in one send()
    qsizetype maxEnvelopesPerFlush = 2000;      // native→page envelopes in one receive()
    qsizetype maxBufferedWhileDetached = 10000; // events held while no page is attached
    qsizetype maxPendingStreamItems = 4096;     // unsent items per ordered stream
    qsizetype maxPendingUploads = 64;           // uploads a page has begun and not finished
    qint64 maxUploadBytes = qint64(2) << 30;    // what those announced, at once (held until run)
    qsizetype streamWindow = 256;               // credit a page grants a stream at a time, in items
    qsizetype uploadWindow = 8 << 20; // bytes a page may stage of an upload before they are granted
    qsizetype uploadReadBytes = 2 << 20; // bytes of an upload native reads out of the page at once
    std::chrono::milliseconds requestTimeout{5 * 60
                                             * 1000}; // native→page questions wait for a person
    // Bytes a command answered wait this long for the page to read them (each read renews it);
    // then they are dropped, read or not.
    std::chrono::milliseconds bytesLifetime{60 * 1000};

    // What the page must know to stay within them: in every `welcome` (`limits`), and the
    // defaults in the generated types (`bridgeLimits`).
    QJsonObject forPage() const
    {
        return {{QStringLiteral("maxEnvelopeChars"), double(maxEnvelopeChars)},
                {QStringLiteral("maxEnvelopesPerBatch"), double(maxEnvelopesPerBatch)},
                {QStringLiteral("streamWindow"), double(streamWindow)},
                {QStringLiteral("uploadWindow"), double(uploadWindow)}};
    }
    // forPage()'s shape, named BridgeLimits for the page's generated types.
    static Schema pageSchema()
    {
        Schema shape = Schema::object();
        for (const QString &name : BridgeLimits{}.forPage().keys())
            shape.required(name, Schema::integer().range(1, Schema::kMaxSafeInteger));
        return Schema::named(QStringLiteral("BridgeLimits"), shape);
    }
};

} // namespace Conduit
