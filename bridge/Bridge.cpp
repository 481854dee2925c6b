// SPDX-License-Identifier: MIT
#include "Bridge.h"

#include <QLoggingCategory>
#include <QScopeGuard>
#include <QThread>

#include <cmath>

Q_LOGGING_CATEGORY(lcBridge, "conduit.bridge")

namespace Conduit {

namespace {

const QString kT = QStringLiteral("t");
const QString kId = QStringLiteral("id");

bool isPositiveInteger(const QJsonValue &value)
{
    const double number = value.toDouble();
    return value.isDouble() && number > 0 && std::trunc(number) == number
           && number <= Schema::kMaxSafeInteger;
}

// The arguments with their defaults, or invalid_args naming the offending one.
QJsonObject validateArguments(const Command &command, const QJsonObject &args)
{
    try {
        return command.args.validateObject(args);
    } catch (const SchemaError &error) {
        throw CommandError(ErrorCode::InvalidArgs, error.message(),
                           {{QStringLiteral("argument"), error.where()}});
    }
}

} // namespace

Bridge::Bridge(const BridgeLimits &limits, QObject *parent)
    : Bridge(std::make_shared<BridgeCommon>(limits), QLatin1String(kMainLabel), parent)
{}

Bridge::Bridge(std::shared_ptr<BridgeCommon> common, const QString &label, QObject *parent)
    : QObject(parent)
    , m_common(std::move(common))
    , m_label(label)
    , m_limits(m_common->limits())
    , m_codec(m_limits.maxEnvelopeChars)
    , m_streams(m_limits.maxPendingStreamItems)
{
    m_home->bridge = this;
    m_byteTokens = std::make_shared<ByteTokens>(m_limits.bytesLifetime);
    // Twice a lifetime while bytes are outstanding: unread ones go within 1.5 lifetimes, and
    // nothing wakes the thread while none are.
    m_bytesSweep.setInterval(m_limits.bytesLifetime / 2);
    connect(&m_bytesSweep, &QTimer::timeout, this, [this] {
        m_byteTokens->expire();
        if (m_byteTokens->outstanding() == 0)
            m_bytesSweep.stop();
    });
    m_endpoint.setReceiver([this](const QJsonArray &envelopes) { receive(envelopes); });
    connect(&m_streams, &StreamOutbox::due, this, &Bridge::requestFlush);
}

Bridge::~Bridge()
{
    {
        const QMutexLocker locker(&m_home->lock);
        m_home->bridge = nullptr;
    }
    forgetPendingCalls();
    abandonRequests();
}

void Bridge::forgetPendingCalls()
{
    auto calls = std::move(m_calls);
    m_calls.clear();
    for (auto &[id, call] : calls) {
        call.future.cancel();
        call.work.cancel();
    }
    dropUploads();
}

void Bridge::abandonRequests()
{
    auto requests = std::move(m_requests);
    m_requests.clear();
    for (auto &[id, request] : requests) {
        request.promise->setException(CommandError(
            ErrorCode::Cancelled, QStringLiteral("the page was not asked: shutting down")));
        request.promise->finish();
    }
}

void Bridge::emitEvent(const QString &event, const QJsonValue &payload)
{
    enqueue(QJsonObject{{kT, QStringLiteral("event")},
                        {QStringLiteral("event"), event},
                        {QStringLiteral("payload"), payload}});
}

QFuture<QJsonValue> Bridge::request(const QString &command, const QJsonObject &args)
{
    const qint64 id = m_nextRequestId++;
    PendingRequest pending;
    pending.envelope = QJsonObject{{kT, QStringLiteral("request")},
                                   {kId, double(id)},
                                   {QStringLiteral("cmd"), command},
                                   {QStringLiteral("args"), args}};
    pending.promise = std::make_shared<QPromise<QJsonValue>>();
    pending.promise->start();
    pending.timeout = std::make_unique<QTimer>();
    pending.timeout->setSingleShot(true);
    connect(pending.timeout.get(), &QTimer::timeout, this, [this, id, command] {
        failRequest(
            id, CommandError(ErrorCode::Timeout,
                             QStringLiteral("the page did not answer '%1' in time").arg(command)));
    });
    pending.timeout->start(m_limits.requestTimeout);
    QFuture<QJsonValue> future = pending.promise->future();
    if (m_attached)
        enqueue(pending.envelope);
    m_requests.emplace(id, std::move(pending));
    return future;
}

void Bridge::suspendPage()
{
    if (m_attached)
        m_suspended = true;
}

void Bridge::resumePage()
{
    if (!m_suspended)
        return;
    m_suspended = false;
    requestFlush();
}

void Bridge::rejectPendingCalls(const CommandError &error)
{
    QJsonArray batch;
    for (const auto &[id, call] : m_calls) {
        batch.append(QJsonObject{{kT, QStringLiteral("result")},
                                 {kId, double(id)},
                                 {QStringLiteral("ok"), false},
                                 {QStringLiteral("error"), error.toJson()}});
    }
    forgetPendingCalls();
    // Straight to the page, ahead of whatever is held: a page that is still alive hears it.
    if (!batch.isEmpty())
        Q_EMIT m_endpoint.receive(QJsonDocument(batch));
}

void Bridge::shutdown()
{
    m_shuttingDown = true;
    rejectPendingCalls(
        CommandError(ErrorCode::ShuttingDown, QStringLiteral("the application is quitting")));
    abandonRequests();
}

void Bridge::detachPage()
{
    if (!m_attached)
        return;
    rejectPendingCalls(
        CommandError(ErrorCode::Cancelled, QStringLiteral("the bridge stopped serving this page")));
    m_attached = false;
    m_suspended = false;
    m_document.clear();
    m_byteTokens->setGeneration(0); // no page: nothing may be fetched
    // Results and chunks were meant for the page that left; events and questions wait for the
    // next one (questions are re-sent from m_requests at hello).
    m_outbox.erase(std::remove_if(m_outbox.begin(), m_outbox.end(),
                                  [](const QJsonObject &envelope) {
                                      return envelope.value(kT).toString()
                                             != QLatin1String("event");
                                  }),
                   m_outbox.end());
    m_streams.reset();
    dropUploads();
}

void Bridge::receive(const QJsonArray &envelopes)
{
    // Everything the batch produces synchronously leaves as one answer when it is done.
    m_dispatching = true;
    const auto flushAfterDispatch = qScopeGuard([this] {
        m_dispatching = false;
        Q_EMIT pageBatchHandled();
        if (!m_outbox.isEmpty() || m_streams.hasDue())
            requestFlush();
    });
    for (qsizetype i = 0; i < envelopes.size(); ++i) {
        const QJsonValue text = envelopes.at(i);
        if (!text.isString()) {
            drop(QStringLiteral("envelope is not JSON text"));
            continue;
        }
        if (i >= m_limits.maxEnvelopesPerBatch) {
            DecodedEnvelope refused;
            EnvelopeCodec::peekHeader(text.toString(), &refused.type, &refused.id);
            refused.error = CommandError(
                ErrorCode::TooLarge,
                QStringLiteral("batch exceeds %1 envelopes").arg(m_limits.maxEnvelopesPerBatch));
            dispatch(refused);
            continue;
        }
        dispatch(m_codec.decode(text.toString()));
    }
}

void Bridge::dispatch(const DecodedEnvelope &decoded)
{
    const QString &type = decoded.type;
    if (decoded.error) {
        // Before hello there is no page to answer: an error queued now would reach the next one.
        if (m_attached && decoded.id && type == QLatin1String("invoke"))
            sendError(*decoded.id, *decoded.error);
        else if (m_attached && decoded.id && type == QLatin1String("reply"))
            failRequest(*decoded.id, *decoded.error);
        else
            drop(decoded.error->message());
        return;
    }

    const QJsonObject &envelope = decoded.envelope;
    if (type == QLatin1String("hello")) {
        handleHello(envelope);
    } else if (!m_attached) {
        drop(QStringLiteral("'%1' before hello").arg(type));
    } else if (type == QLatin1String("emit")) {
        handleEmit(envelope);
    } else if (type == QLatin1String("credit") || type == QLatin1String("close")) {
        handleStreamControl(type, envelope);
    } else if (type == QLatin1String("put")) {
        handlePut(envelope);
    } else if (!decoded.id) {
        drop(QStringLiteral("'%1' envelope without an id").arg(type));
    } else if (type == QLatin1String("invoke")) {
        handleInvoke(*decoded.id, envelope);
    } else if (type == QLatin1String("cancel")) {
        handleCancel(*decoded.id, envelope);
    } else if (type == QLatin1String("reply")) {
        handleReply(*decoded.id, envelope);
    } else {
        drop(QStringLiteral("unknown envelope type '%1'").arg(type));
    }
}

void Bridge::handleHello(const QJsonObject &envelope)
{
    const QString document = envelope.value(QStringLiteral("doc")).toString().left(64);
    if (m_attached && (document.isEmpty() || document != m_document)) {
        // A new document: the one that said hello before is gone, and nobody hears its answers.
        forgetPendingCalls();
    }
    // The same document saying hello again hears its pending calls rejected (detachPage).
    detachPage();
    m_generation = m_common->nextGeneration();
    ++m_loads;
    m_attached = true;
    m_document = document;
    m_byteTokens->setGeneration(m_generation); // the bytes offered to earlier pages are gone

    QJsonObject welcome = m_common->welcomeFields();
    welcome.insert(kT, QStringLiteral("welcome"));
    welcome.insert(QStringLiteral("session"), m_common->session());
    welcome.insert(QStringLiteral("generation"), double(m_loads));
    welcome.insert(QStringLiteral("window"), m_label);
    welcome.insert(QStringLiteral("limits"), m_limits.forPage());
    m_outbox.prepend(welcome);
    for (const auto &[id, request] : m_requests)
        m_outbox.append(request.envelope);
    requestFlush();
    Q_EMIT pageAttached(m_generation);
}

void Bridge::handleInvoke(qint64 id, const QJsonObject &envelope)
{
    bool accepted = false;
    const auto noteRefusedUploads = qScopeGuard([&] {
        if (accepted)
            return;
        for (const QJsonValue &argument : envelope.value(QStringLiteral("args")).toObject()) {
            const QJsonValue upload = argument[QStringLiteral("upload")];
            if (isPositiveInteger(upload) && !m_refusedUploads.contains(qint64(upload.toDouble())))
                m_refusedUploads.append(qint64(upload.toDouble()));
        }
        while (m_refusedUploads.size() > m_limits.maxPendingUploads)
            m_refusedUploads.removeFirst();
    });
    if (m_shuttingDown) {
        sendError(id, CommandError(ErrorCode::ShuttingDown,
                                   QStringLiteral("the application is quitting")));
        return;
    }
    if (m_calls.count(id)) {
        sendError(id, CommandError(ErrorCode::InvalidArgs,
                                   QStringLiteral("call id %1 is already in flight").arg(id)));
        return;
    }
    const QJsonValue command = envelope.value(QStringLiteral("cmd"));
    const QJsonValue args = envelope.value(QStringLiteral("args"));
    const QJsonValue stream = envelope.value(QStringLiteral("stream"));
    const QJsonValue deadline = envelope.value(QStringLiteral("deadline"));
    if (!command.isString() || command.toString().isEmpty()) {
        sendError(id, CommandError(ErrorCode::InvalidArgs,
                                   QStringLiteral("invoke needs a command name 'cmd'")));
        return;
    }
    if (!args.isUndefined() && !args.isObject()) {
        sendError(id,
                  CommandError(ErrorCode::InvalidArgs, QStringLiteral("'args' must be an object")));
        return;
    }
    if (!stream.isUndefined() && !isPositiveInteger(stream)) {
        sendError(id, CommandError(ErrorCode::InvalidArgs,
                                   QStringLiteral("'stream' must be a positive integer")));
        return;
    }
    if (!deadline.isUndefined() && !(isPositiveInteger(deadline) && deadline.toDouble() <= 864e5)) {
        sendError(id, CommandError(ErrorCode::InvalidArgs,
                                   QStringLiteral("'deadline' must be between 1 and 86400000 ms")));
        return;
    }

    const Command *registered = m_common->commands().find(command.toString());
    if (!registered) {
        sendError(id, CommandError(ErrorCode::UnknownCommand,
                                   QStringLiteral("unknown command '%1'").arg(command.toString()),
                                   {{QStringLiteral("command"), command}}));
        return;
    }

    CommandCall call{registered->name, {}, id, {}, {}, this};
    QFuture<QJsonValue> future;
    QFuture<void> work;
    try {
        call.args = validateArguments(*registered, args.toObject());
        if (!stream.isUndefined()) {
            const StreamHandle handle{m_generation, qint64(stream.toDouble())};
            // Refused before it is ours: the call that owns the stream keeps it, unharmed.
            if (m_streams.isOpen(handle))
                throw CommandError(
                    ErrorCode::InvalidArgs,
                    QStringLiteral("stream %1 is in use by another call").arg(handle.id),
                    {{QStringLiteral("stream"), stream}});
            call.stream = handle;
            m_streams.open(call.stream, registered->streamMode);
        }
        future = awaitUploads(id, *registered, call);
        if (!future.isValid() && registered->syncHandler && !call.stream.isValid()) {
            // Answered at once: no future, no pending call (what the GUI thread answers). It has
            // no uploads, so there are none to note whatever the handler does.
            accepted = true;
            sendResult(id, registered->syncHandler(call));
            return;
        }
        if (!future.isValid())
            future = startCall(*registered, call, &work);
    } catch (const CommandError &error) {
        sendError(id, error);
        m_streams.end(call.stream, error);
        return;
    } catch (const std::exception &error) {
        qCWarning(lcBridge) << "command" << call.command << "threw" << error.what();
        sendError(id, CommandError(ErrorCode::Internal, QString::fromLocal8Bit(error.what())));
        m_streams.end(call.stream,
                      CommandError(ErrorCode::Internal, QString::fromLocal8Bit(error.what())));
        return;
    }

    accepted = true;
    PendingCall &pending = m_calls[id];
    pending.generation = m_generation;
    pending.future = future;
    pending.stream = call.stream;
    pending.streamOutlivesCall = registered->streamLifetime == StreamLifetime::Handler;
    pending.bytes = bool(registered->bytesHandler);
    pending.work = work;
    if (const auto waiting = m_waiting.find(id);
        waiting != m_waiting.end() && waiting->second.uploadsLeft == 0)
        runWaitingCall(id); // every upload was empty: nothing to wait for (sets pending.work)
    if (future.isFinished()) {
        finishCall(id);
        return;
    }
    if (!deadline.isUndefined()) {
        pending.deadline = std::make_unique<QTimer>();
        pending.deadline->setSingleShot(true);
        connect(
            pending.deadline.get(), &QTimer::timeout, this,
            [this, id, ms = qint64(deadline.toDouble())] { // whole ms: %1 of a double reads 3.6e+06
                abortCall(id, CommandError(
                                  ErrorCode::Timeout,
                                  QStringLiteral("the call did not finish within %1 ms").arg(ms)));
            });
        pending.deadline->start(int(deadline.toDouble()));
    }
    // Last: a future that finishes while it is being watched ends the call (and `pending`).
    watchCall(id, pending);
}

void Bridge::handleCancel(qint64 id, const QJsonObject &envelope)
{
    if (!m_calls.count(id))
        return; // already finished: the result is on its way, and wins
    const QString reason = envelope.value(QStringLiteral("reason")).toString();
    abortCall(id, CommandError(ErrorCode::Cancelled,
                               reason.isEmpty()
                                   ? QStringLiteral("cancelled by the page")
                                   : QStringLiteral("cancelled by the page: %1").arg(reason)));
}

void Bridge::handleEmit(const QJsonObject &envelope)
{
    const QJsonValue event = envelope.value(QStringLiteral("event"));
    if (!event.isString() || event.toString().isEmpty() || event.toString().size() > 128) {
        drop(QStringLiteral("emit needs an event name of 1 to 128 characters"));
        return;
    }
    Q_EMIT pageEvent(event.toString(), envelope.value(QStringLiteral("payload")));
}

void Bridge::handleReply(qint64 id, const QJsonObject &envelope)
{
    const auto it = m_requests.find(id);
    if (it == m_requests.end()) {
        drop(QStringLiteral("reply to unknown request %1").arg(id));
        return;
    }
    const QJsonValue ok = envelope.value(QStringLiteral("ok"));
    if (!ok.isBool()) {
        failRequest(
            id, CommandError(ErrorCode::InvalidArgs, QStringLiteral("reply needs a boolean 'ok'")));
        return;
    }
    if (!ok.toBool()) {
        failRequest(id, CommandError::fromJson(envelope.value(QStringLiteral("error")).toObject()));
        return;
    }
    const std::shared_ptr<QPromise<QJsonValue>> promise = it->second.promise;
    m_requests.erase(it);
    promise->addResult(envelope.value(QStringLiteral("value")));
    promise->finish();
}

void Bridge::handleStreamControl(const QString &type, const QJsonObject &envelope)
{
    const QJsonValue stream = envelope.value(QStringLiteral("stream"));
    if (!isPositiveInteger(stream)) {
        drop(QStringLiteral("'%1' needs a positive integer 'stream'").arg(type));
        return;
    }
    if (type == QLatin1String("close")) {
        m_streams.close(m_generation, qint64(stream.toDouble()));
        return;
    }
    const QJsonValue items = envelope.value(QStringLiteral("n"));
    if (!isPositiveInteger(items)) {
        drop(QStringLiteral("'credit' needs a positive integer 'n'"));
        return;
    }
    m_streams.grant(m_generation, qint64(stream.toDouble()), qint64(items.toDouble()));
}

QFuture<QJsonValue> Bridge::awaitUploads(qint64 id, const Command &command, const CommandCall &call)
{
    QList<Upload> uploads;
    for (const SchemaField &field : command.args.fields()) {
        if (field.schema.type() != Schema::Type::Bytes)
            continue;
        const QJsonObject reference = call.args.value(field.name).toObject();
        if (reference.isEmpty())
            continue;
        const auto upload = qint64(reference.value(QStringLiteral("upload")).toDouble());
        const auto size = qint64(reference.value(QStringLiteral("size")).toDouble());
        if (size > command.maxBytes)
            throw CommandError(ErrorCode::TooLarge,
                               QStringLiteral("'%1' is %2 bytes; the limit is %3")
                                   .arg(field.name)
                                   .arg(size)
                                   .arg(command.maxBytes),
                               {{QStringLiteral("argument"), field.name},
                                {QStringLiteral("limit"), double(command.maxBytes)},
                                {QStringLiteral("size"), double(size)}});
        // Not another call's, nor another argument's of this call (`call` holds the upload's id
        // until it is filed below): one stream of puts cannot fill two.
        if (m_uploads.count(upload)
            || std::any_of(uploads.cbegin(), uploads.cend(),
                           [&](const Upload &other) { return other.call == upload; }))
            throw CommandError(ErrorCode::InvalidArgs,
                               QStringLiteral("upload %1 is already in use").arg(upload),
                               {{QStringLiteral("argument"), field.name}});
        // Nothing reserved up front: what an upload holds is what the page has sent.
        uploads.append(Upload{id, field.name, size, {}});
        uploads.last().call = upload; // the upload's id, until it is filed below
    }
    if (uploads.isEmpty())
        return {};
    if (qsizetype(m_uploads.size()) + uploads.size() > m_limits.maxPendingUploads)
        throw CommandError(
            ErrorCode::TooLarge,
            QStringLiteral("more than %1 uploads at once").arg(m_limits.maxPendingUploads));
    // Every call's uploads are held natively until it runs: bounded all together, not only per
    // command, so that a page cannot make native hold maxPendingUploads × maxBytes.
    qint64 held = 0;
    for (const auto &[uploadId, pending] : m_uploads)
        held += pending.size;
    for (const auto &[callId, waiting] : m_waiting) {
        for (const QByteArray &arrived : waiting.call.bytes)
            held += arrived.size();
    }
    for (const Upload &upload : uploads)
        held += upload.size;
    if (held > m_limits.maxUploadBytes)
        throw CommandError(ErrorCode::TooLarge,
                           QStringLiteral("uploads at once would hold %1 bytes; the limit is %2")
                               .arg(held)
                               .arg(m_limits.maxUploadBytes),
                           {{QStringLiteral("limit"), double(m_limits.maxUploadBytes)},
                            {QStringLiteral("size"), double(held)}});
    WaitingCall &waiting = m_waiting[id];
    waiting.command = &command;
    waiting.call = call;
    waiting.gate = std::make_shared<QPromise<QJsonValue>>();
    waiting.gate->start();
    QFuture<QJsonValue> future = waiting.gate->future();
    for (Upload &upload : uploads) {
        const qint64 uploadId = std::exchange(upload.call, id);
        if (upload.size == 0) {
            waiting.call.bytes.insert(upload.argument, {});
            continue;
        }
        ++waiting.uploadsLeft;
        upload.serial = m_nextUploadSerial++;
        m_uploads.emplace(uploadId, std::move(upload));
    }
    return future;
}

void Bridge::handlePut(const QJsonObject &envelope)
{
    const QJsonValue uploadId = envelope.value(QStringLiteral("upload"));
    const QJsonValue at = envelope.value(QStringLiteral("at"));
    const QJsonValue n = envelope.value(QStringLiteral("n"));
    if (!isPositiveInteger(uploadId)
        || !(at.isDouble() && (at.toDouble() == 0 || isPositiveInteger(at)))
        || !isPositiveInteger(n)) {
        drop(QStringLiteral("'put' needs an upload, an offset 'at' and a positive count 'n'"));
        return;
    }
    const auto id = qint64(uploadId.toDouble());
    const auto it = m_uploads.find(id);
    if (it == m_uploads.end()) {
        // The page heard (or will) that the call was refused; its put crossed that answer.
        if (!m_refusedUploads.contains(id))
            drop(QStringLiteral("'put' for upload %1, which no call waits for").arg(id));
        return;
    }
    Upload &upload = it->second;
    const auto waiting = m_waiting.find(upload.call);
    if (waiting == m_waiting.end() || waiting->second.gate->isCanceled()) {
        m_uploads.erase(it); // the call was cancelled or timed out: nobody waits for the rest
        return;
    }
    if (qint64(at.toDouble()) != upload.staged) {
        refuseUpload(id, QStringLiteral("'put' at %1, but %2 bytes were staged before")
                             .arg(qint64(at.toDouble()))
                             .arg(upload.staged));
        return;
    }
    if (upload.staged + n.toDouble() > double(upload.size)) {
        refuseUpload(id, QStringLiteral("more bytes than the %1 announced").arg(upload.size));
        return;
    }
    upload.staged += qint64(n.toDouble());
    readUpload(id);
}

void Bridge::readUpload(qint64 uploadId)
{
    const auto it = m_uploads.find(uploadId);
    if (it == m_uploads.end())
        return;
    Upload &upload = it->second;
    const qint64 at = upload.data.size();
    if (upload.reading || at >= upload.staged)
        return;
    if (!m_uploadReader) {
        refuseUpload(uploadId, QStringLiteral("this bridge cannot read uploads from its page"));
        return;
    }
    const qint64 n = std::min<qint64>(m_limits.uploadReadBytes, upload.staged - at);
    upload.reading = true;
    // The page answers in this thread; the bridge may be gone by then, or serve another page
    // (whose uploads have other serials).
    m_uploadReader(uploadId, at, n,
                   [home = m_home, uploadId, serial = upload.serial, at, n](const QVariant &bytes) {
                       if (Bridge *bridge = home->bridge)
                           bridge->takeUploadRead(uploadId, serial, at, n, bytes);
                   });
}

void Bridge::takeUploadRead(qint64 uploadId, quint64 serial, qint64 at, qint64 n,
                            const QVariant &bytes)
{
    const auto it = m_uploads.find(uploadId);
    if (it == m_uploads.end() || it->second.serial != serial)
        return; // the call ended, or the page went away, while the read travelled
    Upload &upload = it->second;
    upload.reading = false;
    const auto waiting = m_waiting.find(upload.call);
    if (waiting == m_waiting.end() || waiting->second.gate->isCanceled()) {
        m_uploads.erase(it);
        return;
    }
    if (bytes.typeId() != QMetaType::QByteArray || bytes.toByteArray().size() != n) {
        refuseUpload(
            uploadId,
            QStringLiteral("the page did not give the %1 bytes it staged at %2").arg(n).arg(at));
        return;
    }
    upload.data.append(bytes.toByteArray());
    enqueue(QJsonObject{{kT, QStringLiteral("grant")},
                        {QStringLiteral("upload"), double(uploadId)},
                        {QStringLiteral("bytes"), double(n)}});
    if (upload.data.size() < upload.size) {
        readUpload(uploadId);
        return;
    }
    const qint64 callId = upload.call;
    waiting->second.call.bytes.insert(upload.argument, std::move(upload.data));
    m_uploads.erase(it);
    if (--waiting->second.uploadsLeft == 0)
        runWaitingCall(callId);
}

void Bridge::refuseUpload(qint64 uploadId, const QString &reason)
{
    const auto it = m_uploads.find(uploadId);
    if (it == m_uploads.end())
        return;
    const qint64 callId = it->second.call;
    const CommandError error(ErrorCode::InvalidArgs, reason,
                             {{QStringLiteral("argument"), it->second.argument}});
    const auto waiting = m_waiting.find(callId);
    if (waiting == m_waiting.end()) {
        m_uploads.erase(it);
        return;
    }
    const std::shared_ptr<QPromise<QJsonValue>> gate = waiting->second.gate;
    forgetUploads(callId);
    gate->setException(error);
    gate->finish();
}

void Bridge::runWaitingCall(qint64 id)
{
    const auto it = m_waiting.find(id);
    if (it == m_waiting.end())
        return;
    WaitingCall waiting = std::move(it->second);
    m_waiting.erase(it);
    if (waiting.gate->isCanceled())
        return;
    QFuture<QJsonValue> future;
    QFuture<void> work;
    try {
        future = startCall(*waiting.command, waiting.call, &work);
    } catch (...) {
        waiting.gate->setException(std::current_exception());
        waiting.gate->finish();
        return;
    }
    // The call's future is the gate: its cancel and deadline must reach the handler's work.
    if (const auto pending = m_calls.find(id); pending != m_calls.end())
        pending->second.work = work.isValid() ? work : QFuture<void>(future);
    // The handler's outcome becomes the call's: its value, its error, or its cancellation.
    future
        .then(QtFuture::Launch::Sync,
              [gate = waiting.gate](const QFuture<QJsonValue> &done) {
                  try {
                      if (done.resultCount() > 0)
                          gate->addResult(done.result());
                      else
                          QFuture<QJsonValue>(done).waitForFinished(); // rethrows its exception
                  } catch (...) {
                      gate->setException(std::current_exception());
                  }
                  gate->finish();
              })
        .onCanceled([gate = waiting.gate] {
            gate->future().cancel();
            gate->finish();
        });
}

void Bridge::forgetUploads(qint64 callId)
{
    if (m_waiting.erase(callId) == 0)
        return;
    for (auto it = m_uploads.begin(); it != m_uploads.end();)
        it = it->second.call == callId ? m_uploads.erase(it) : std::next(it);
}

void Bridge::dropUploads()
{
    m_uploads.clear();
    m_refusedUploads.clear();
    auto waiting = std::move(m_waiting);
    m_waiting.clear();
    for (auto &[id, call] : waiting) {
        call.gate->future().cancel();
        call.gate->finish();
    }
}

void Bridge::watchCall(qint64 id, PendingCall &pending)
{
    pending.token = m_nextCallToken++;
    // A future finished in this thread (the usual case: the gateway fulfils it when the async
    // process answers) is answered at once; one finished elsewhere (a pool thread) is posted
    // here. No QFutureWatcher: destroying one sweeps the whole posted-event queue, so each call
    // cost more the more calls were in flight.
    pending.future.then(QtFuture::Launch::Sync, [id, token = pending.token, home = m_home,
                                                 thread = thread()](const QFuture<QJsonValue> &) {
        if (QThread::currentThread() == thread) {
            if (home->bridge)
                home->bridge->finishCall(id, token);
            return;
        }
        const QMutexLocker locker(&home->lock);
        if (Bridge *bridge = home->bridge) {
            QMetaObject::invokeMethod(
                bridge, [bridge, id, token] { bridge->finishCall(id, token); },
                Qt::QueuedConnection);
        }
    });
}

void Bridge::finishCall(qint64 id, quint64 token)
{
    const auto it = m_calls.find(id);
    if (it == m_calls.end() || (token && it->second.token != token))
        return;
    QFuture<QJsonValue> future = it->second.future;
    const StreamHandle stream = it->second.stream;
    const bool streamOutlivesCall = it->second.streamOutlivesCall;
    const bool bytes = it->second.bytes;
    m_calls.erase(it);

    std::optional<CommandError> error;
    QJsonValue value;
    try {
        // A failed future is also "canceled" in Qt: rethrow its exception before asking.
        future.waitForFinished();
        if (future.isCanceled())
            error = CommandError(ErrorCode::Cancelled, QStringLiteral("the command was cancelled"));
        else if (future.resultCount() > 0)
            value = future.result();
    } catch (const CommandError &thrown) {
        error = thrown;
    } catch (const std::exception &thrown) {
        qCWarning(lcBridge) << "call" << id << "failed:" << thrown.what();
        error = CommandError(ErrorCode::Internal, QString::fromLocal8Bit(thrown.what()));
    } catch (...) {
        error = CommandError(ErrorCode::Internal, QStringLiteral("the command failed"));
    }
    if (error)
        sendError(id, *error);
    else
        sendResult(id, value, bytes);
    if (error || !streamOutlivesCall)
        m_streams.end(stream, error);
}

void Bridge::abortCall(qint64 id, const CommandError &error)
{
    const auto it = m_calls.find(id);
    if (it == m_calls.end())
        return;
    PendingCall call = std::move(it->second);
    m_calls.erase(it);
    forgetUploads(id);
    call.future.cancel();
    call.work.cancel();
    sendError(id, error);
    m_streams.end(call.stream, error);
}

void Bridge::failRequest(qint64 id, const CommandError &error)
{
    const auto it = m_requests.find(id);
    if (it == m_requests.end())
        return;
    const std::shared_ptr<QPromise<QJsonValue>> promise = it->second.promise;
    m_requests.erase(it);
    promise->setException(error);
    promise->finish();
}

void Bridge::sendResult(qint64 id, const QJsonValue &value, bool bytes)
{
    // Filled in from a copy of its shape: replacing two values costs one copy of the object,
    // where building it key by key grew it four times (every call's answer goes through here).
    const QString key = bytes ? QStringLiteral("bytes") : QStringLiteral("value");
    const auto shapeWith = [](const QString &answer) {
        return QJsonObject{{kT, QStringLiteral("result")},
                           {kId, 0},
                           {QStringLiteral("ok"), true},
                           {answer, QJsonValue()}};
    };
    static const QJsonObject valueShape = shapeWith(QStringLiteral("value"));
    static const QJsonObject bytesShape = shapeWith(QStringLiteral("bytes"));
    QJsonObject envelope = bytes ? bytesShape : valueShape;
    envelope[kId] = double(id);
    envelope[key] = value;
    enqueue(envelope);
    if (bytes && !m_bytesSweep.isActive())
        m_bytesSweep.start();
}

QFuture<QJsonValue> Bridge::startCall(const Command &command, const CommandCall &call,
                                      QFuture<void> *work)
{
    if (!command.bytesHandler)
        return command.handler(call);
    // Offered for the page load that asked, from whichever thread finishes the bytes.
    QFuture<Bytes> handled = command.bytesHandler(call);
    if (work)
        *work = handled; // a continuation's cancel does not reach its parent in Qt 6.4
    return handled.then(
        QtFuture::Launch::Sync,
        [tokens = m_byteTokens, generation = m_generation, limit = command.maxBytes,
         name = command.name](const QFuture<Bytes> &done) -> QJsonValue {
            // Taken as a future: result() of one finished without a value is undefined behaviour.
            if (done.resultCount() == 0) {
                QFuture<Bytes>(done).waitForFinished(); // rethrows its exception
                throw CommandError(ErrorCode::Internal,
                                   QStringLiteral("'%1' answered no bytes").arg(name));
            }
            const Bytes bytes = done.result();
            if (bytes.size() > limit)
                throw CommandError(ErrorCode::TooLarge,
                                   QStringLiteral("'%1' answered %2 bytes; the limit is %3")
                                       .arg(name)
                                       .arg(bytes.size())
                                       .arg(limit),
                                   {{QStringLiteral("limit"), double(limit)},
                                    {QStringLiteral("size"), double(bytes.size())}});
            const QString token = tokens->offer(generation, bytes);
            if (token.isEmpty())
                throw CommandError(ErrorCode::Cancelled,
                                   QStringLiteral("the page that asked has gone"));
            return QJsonObject{{QStringLiteral("token"), token},
                               {QStringLiteral("size"), double(bytes.size())},
                               {QStringLiteral("type"), QString::fromLatin1(bytes.type())}};
        });
}

void Bridge::sendError(qint64 id, const CommandError &error)
{
    enqueue(QJsonObject{{kT, QStringLiteral("result")},
                        {kId, double(id)},
                        {QStringLiteral("ok"), false},
                        {QStringLiteral("error"), error.toJson()}});
}

void Bridge::drop(const QString &reason)
{
    qCWarning(lcBridge).noquote() << "dropped envelope:" << reason;
    Q_EMIT envelopeDropped(reason);
}

void Bridge::enqueue(const QJsonObject &envelope)
{
    m_outbox.append(envelope);
    if ((!m_attached || m_suspended) && m_outbox.size() > m_limits.maxBufferedWhileDetached) {
        qCWarning(lcBridge) << "no page attached: dropping the oldest buffered event";
        m_outbox.removeFirst();
    }
    if (!m_dispatching)
        requestFlush();
}

void Bridge::requestFlush()
{
    if (m_flushScheduled || !m_attached || m_suspended || m_dispatching)
        return;
    // Leading edge: the first thing due in a turn goes now (a result should not wait for the
    // next turn); the flush posted here collects whatever else the same turn produces.
    flush();
    postFlush();
}

void Bridge::postFlush()
{
    if (m_flushScheduled)
        return;
    m_flushScheduled = true;
    QMetaObject::invokeMethod(this, &Bridge::flush, Qt::QueuedConnection);
}

void Bridge::flush()
{
    m_flushScheduled = false;
    if (!m_attached || m_suspended)
        return;
    const qsizetype count = std::min(m_outbox.size(), m_limits.maxEnvelopesPerFlush);
    QJsonArray batch;
    for (qsizetype i = 0; i < count; ++i)
        batch.append(m_outbox.at(i));
    m_outbox.remove(0, count);
    for (const QJsonValue &envelope : m_streams.takeDue())
        batch.append(envelope);
    if (!batch.isEmpty())
        Q_EMIT m_endpoint.receive(QJsonDocument(batch));
    if (!m_outbox.isEmpty() || m_streams.hasDue())
        postFlush(); // the rest in the next turn, so the page gets to breathe in between
}

} // namespace Conduit
