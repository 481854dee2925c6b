// SPDX-License-Identifier: MIT
#pragma once

#include <bridge/Bridge.h>

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QTest>
#include <QTimer>

#include <optional>

namespace ConduitTest {

// Writes an envelope the way the page's client does: `t` and `id` first, then the rest, so an
// oversize envelope can still be answered (EnvelopeCodec::peekHeader).
inline QString envelopeText(const QJsonObject &envelope)
{
    QJsonObject rest = envelope;
    QStringList fields;
    for (const QString &key : {QStringLiteral("t"), QStringLiteral("id")}) {
        if (!rest.contains(key))
            continue;
        const QString wrapped = QString::fromUtf8(
            QJsonDocument(QJsonArray{rest.take(key)}).toJson(QJsonDocument::Compact));
        fields.append(QStringLiteral("\"%1\":%2").arg(key, wrapped.mid(1, wrapped.size() - 2)));
    }
    const QString body = QString::fromUtf8(QJsonDocument(rest).toJson(QJsonDocument::Compact));
    if (body.size() > 2)
        fields.append(body.mid(1, body.size() - 2));
    return QLatin1Char('{') + fields.join(QLatin1Char(',')) + QLatin1Char('}');
}

// Lets posted events (the bridge's queued flushes) run, without waiting for time to pass.
inline void drainEvents()
{
    for (int i = 0; i < 8; ++i) {
        QCoreApplication::sendPostedEvents();
        QCoreApplication::processEvents();
    }
}

// Plays the page: sends JSON text envelopes through ChannelEndpoint::send() exactly as
// qwebchannel.js would, and records every receive() batch, parsed.
class PageSimulator final : public QObject
{
public:
    explicit PageSimulator(Conduit::Bridge &bridge)
        : m_bridge(bridge)
    {
        connect(bridge.endpoint(), &Conduit::ChannelEndpoint::receive, this,
                [this](const QJsonDocument &batch) {
                    // What the page gets: the document as JSON in the channel's message.
                    if (!batch.isArray())
                        ++m_unparsable;
                    m_batches.append(batch.array());
                });
        // Reads staged upload bytes the way AppPage's runJavaScript does: answered later, from
        // the event loop; never, once this page is gone.
        bridge.setUploadReader(
            [this](qint64 upload, qint64 at, qint64 n, std::function<void(const QVariant &)> done) {
                QTimer::singleShot(0, this, [this, upload, at, n, done = std::move(done)] {
                    ++m_uploadReads;
                    if (uploadReadAnswer) {
                        if (const std::optional<QVariant> answer = uploadReadAnswer(upload, at, n))
                            done(*answer);
                        return;
                    }
                    const QByteArray staged = m_staged.value(upload);
                    done(at + n <= staged.size() ? QVariant(staged.mid(at, n)) : QVariant());
                });
            });
    }

    // The page's side of an upload: stages `bytes` at `at` and says so in a `put`.
    void put(qint64 upload, qint64 at, const QByteArray &bytes)
    {
        QByteArray &staged = m_staged[upload];
        if (staged.size() < at + bytes.size())
            staged.resize(at + bytes.size());
        staged.replace(at, bytes.size(), bytes);
        send(QJsonObject{{QStringLiteral("t"), QStringLiteral("put")},
                         {QStringLiteral("upload"), double(upload)},
                         {QStringLiteral("at"), double(at)},
                         {QStringLiteral("n"), double(bytes.size())}});
    }
    // When set, what the bridge's reads of staged bytes get instead (nullopt: no answer ever).
    std::function<std::optional<QVariant>(qint64 upload, qint64 at, qint64 n)> uploadReadAnswer;
    int uploadReads() const { return m_uploadReads; }

    void sendTexts(const QJsonArray &texts) { m_bridge.endpoint()->send(texts); }
    void send(const QList<QJsonObject> &envelopes)
    {
        QJsonArray texts;
        for (const QJsonObject &envelope : envelopes)
            texts.append(envelopeText(envelope));
        sendTexts(texts);
    }
    void send(const QJsonObject &envelope) { send(QList<QJsonObject>{envelope}); }

    QJsonObject invokeEnvelope(const QString &command, const QJsonObject &args = {},
                               const QJsonObject &extra = {})
    {
        QJsonObject envelope{{QStringLiteral("t"), QStringLiteral("invoke")},
                             {QStringLiteral("id"), double(m_nextId++)},
                             {QStringLiteral("cmd"), command},
                             {QStringLiteral("args"), args}};
        for (auto it = extra.begin(); it != extra.end(); ++it)
            envelope.insert(it.key(), it.value());
        return envelope;
    }
    qint64 invoke(const QString &command, const QJsonObject &args = {},
                  const QJsonObject &extra = {})
    {
        const QJsonObject envelope = invokeEnvelope(command, args, extra);
        send(envelope);
        return qint64(envelope.value(QStringLiteral("id")).toDouble());
    }

    // Sends hello and waits for the batch that carries the welcome; returns the welcome.
    QJsonObject hello(int timeout = 5000) { return hello(QString(), timeout); }
    // The same, as the document with this token (the client sends one with every hello).
    QJsonObject hello(const QString &document, int timeout = 5000)
    {
        const qsizetype before = m_batches.size();
        QJsonObject envelope{{QStringLiteral("t"), QStringLiteral("hello")}};
        if (!document.isEmpty())
            envelope.insert(QStringLiteral("doc"), document);
        send(envelope);
        if (!QTest::qWaitFor([&] { return m_batches.size() > before; }, timeout))
            return {};
        const QJsonArray batch = m_batches.at(before);
        return batch.isEmpty() ? QJsonObject{} : batch.first().toObject();
    }

    bool waitForBatches(qsizetype count, int timeout = 5000)
    {
        return QTest::qWaitFor([&] { return m_batches.size() >= count; }, timeout);
    }
    bool waitFor(const std::function<bool()> &predicate, int timeout = 5000)
    {
        return QTest::qWaitFor(predicate, timeout);
    }
    bool waitForResult(qint64 id, int timeout = 5000)
    {
        return waitFor([&] { return result(id).has_value(); }, timeout);
    }

    const QList<QJsonArray> &batches() const { return m_batches; }
    int unparsableBatches() const { return m_unparsable; }
    void clear() { m_batches.clear(); }

    QList<QJsonObject> envelopes() const
    {
        QList<QJsonObject> all;
        for (const QJsonArray &batch : m_batches) {
            for (const QJsonValue &envelope : batch)
                all.append(envelope.toObject());
        }
        return all;
    }
    QList<QJsonObject> ofType(const QString &type) const
    {
        QList<QJsonObject> matching;
        for (const QJsonObject &envelope : envelopes()) {
            if (envelope.value(QStringLiteral("t")).toString() == type)
                matching.append(envelope);
        }
        return matching;
    }
    QList<QJsonObject> results(qint64 id) const
    {
        QList<QJsonObject> matching;
        for (const QJsonObject &envelope : ofType(QStringLiteral("result"))) {
            if (envelope.value(QStringLiteral("id")).toDouble() == double(id))
                matching.append(envelope);
        }
        return matching;
    }
    std::optional<QJsonObject> result(qint64 id) const
    {
        const QList<QJsonObject> matching = results(id);
        if (matching.isEmpty())
            return std::nullopt;
        return matching.first();
    }
    // The payloads of every `event` envelope named `event`, in arrival order.
    QList<QJsonValue> events(const QString &event) const
    {
        QList<QJsonValue> payloads;
        for (const QJsonObject &envelope : ofType(QStringLiteral("event"))) {
            if (envelope.value(QStringLiteral("event")).toString() == event)
                payloads.append(envelope.value(QStringLiteral("payload")));
        }
        return payloads;
    }
    // The `chunk` (or `end`) envelopes of `stream`, in arrival order.
    QList<QJsonObject> ofStream(const QString &type, qint64 stream) const
    {
        QList<QJsonObject> matching;
        for (const QJsonObject &envelope : ofType(type)) {
            if (envelope.value(QStringLiteral("stream")).toDouble() == double(stream))
                matching.append(envelope);
        }
        return matching;
    }
    // Every item `stream` delivered, chunk after chunk, in arrival order (the client would
    // reorder by seq; tests check the seqs themselves).
    QJsonArray items(qint64 stream) const
    {
        QJsonArray all;
        for (const QJsonObject &chunk : ofStream(QStringLiteral("chunk"), stream)) {
            for (const QJsonValue &item : chunk.value(QStringLiteral("items")).toArray())
                all.append(item);
        }
        return all;
    }

    // The page's side of streams, events and native requests, as the client sends them.
    void grant(qint64 stream, qint64 items)
    {
        send(QJsonObject{{QStringLiteral("t"), QStringLiteral("credit")},
                         {QStringLiteral("stream"), double(stream)},
                         {QStringLiteral("n"), double(items)}});
    }
    void closeStream(qint64 stream)
    {
        send(QJsonObject{{QStringLiteral("t"), QStringLiteral("close")},
                         {QStringLiteral("stream"), double(stream)}});
    }
    void emitEvent(const QString &event, const QJsonValue &payload)
    {
        send(QJsonObject{{QStringLiteral("t"), QStringLiteral("emit")},
                         {QStringLiteral("event"), event},
                         {QStringLiteral("payload"), payload}});
    }
    void reply(const QJsonValue &id, const QJsonValue &value)
    {
        send(QJsonObject{{QStringLiteral("t"), QStringLiteral("reply")},
                         {QStringLiteral("id"), id},
                         {QStringLiteral("ok"), true},
                         {QStringLiteral("value"), value}});
    }
    void replyError(const QJsonValue &id, const QJsonObject &error)
    {
        send(QJsonObject{{QStringLiteral("t"), QStringLiteral("reply")},
                         {QStringLiteral("id"), id},
                         {QStringLiteral("ok"), false},
                         {QStringLiteral("error"), error}});
    }

    // The error code of call `id`'s result, or "ok" when it succeeded, or "" when none came.
    QString outcome(qint64 id) const
    {
        const auto found = result(id);
        if (!found)
            return {};
        if (found->value(QStringLiteral("ok")).toBool())
            return QStringLiteral("ok");
        return found->value(QStringLiteral("error"))
            .toObject()
            .value(QStringLiteral("code"))
            .toString();
    }

private:
    Conduit::Bridge &m_bridge;
    QList<QJsonArray> m_batches;
    int m_unparsable = 0;
    qint64 m_nextId = 1;
    QHash<qint64, QByteArray> m_staged; // by upload id, from byte 0
    int m_uploadReads = 0;
};

} // namespace ConduitTest
