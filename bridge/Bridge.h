// SPDX-License-Identifier: MIT
#pragma once

#include "ApiCatalogue.h"
#include "BridgeCommon.h"
#include "BridgeLimits.h"
#include "ByteTokens.h"
#include "ChannelEndpoint.h"
#include "CommandError.h"
#include "CommandRegistry.h"
#include "EnvelopeCodec.h"
#include "StreamOutbox.h"

#include <QFuture>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QMutex>
#include <QObject>
#include <QPromise>
#include <QTimer>

#include <functional>
#include <memory>

namespace Conduit {

// The GUI-thread side of the wire for one page (docs/DESIGN.md §3). Register endpoint() on the
// page's QWebChannel as `conduit`; register commands in commands(). Everything due in one
// event-loop turn leaves as one batch. While no page is attached (before its hello, during a
// reload) events and requests wait here, bounded, and reach the next page; results for a page
// that went away are dropped. Several pages (windows) share their commands through PageHub.
class Bridge final : public QObject
{
    Q_OBJECT

public:
    // A page on its own, labelled "main".
    explicit Bridge(const BridgeLimits &limits = {}, QObject *parent = nullptr);
    // One of several pages, which share `common` (PageHub makes these).
    Bridge(std::shared_ptr<BridgeCommon> common, const QString &label, QObject *parent = nullptr);
    ~Bridge() override;

    static constexpr char kMainLabel[] = "main";

    ChannelEndpoint *endpoint() { return &m_endpoint; }
    CommandRegistry &commands() { return m_common->commands(); }
    ApiCatalogue &api() { return m_common->api(); }
    // The page's window label, unique among the open pages: the welcome's `window`.
    QString label() const { return m_label; }
    StreamOutbox &streams() { return m_streams; }
    // The bytes commands answered with, until the page fetches them (the app:// handler).
    std::shared_ptr<ByteTokens> byteTokens() const { return m_byteTokens; }
    const BridgeLimits &limits() const { return m_limits; }

    // A field of the application's in every `welcome` (its locale, its version), with its
    // shape for the page's generated Welcome type.
    void addWelcomeField(const QString &name, const Schema &shape, const QJsonValue &value)
    {
        m_common->addWelcomeField(name, shape, value);
    }
    // The welcome's `snapshot`, which lets the page catch up after a reload (e.g. running
    // tasks), and its shape.
    void setSnapshotProvider(std::function<QJsonObject()> provider, const Schema &shape)
    {
        m_common->setSnapshotProvider(std::move(provider), shape);
    }
    // What a `welcome` carries besides its `t`, named Welcome; declared in api() as it grows.
    Schema welcomeSchema() const { return m_common->welcomeSchema(); }

    void emitEvent(const QString &event, const QJsonValue &payload = {});
    // Asks the page (a handler registered with conduit.handle) and resolves with its reply.
    // Fails with CommandError: the page's error, `timeout`, or `cancelled` on destruction.
    QFuture<QJsonValue> request(const QString &command, const QJsonObject &args = {});
    // The page may be navigating away: hold everything outgoing, keep serving its calls. Ends
    // with resumePage() (the document stayed) or the next hello (a new document).
    void suspendPage();
    // The document that said hello is still there (a refused navigation): send what was held.
    void resumePage();
    // The page is gone (its renderer died) or must be served no more: its pending calls are
    // rejected with `cancelled` (heard only by a page that is still alive), and outgoing
    // traffic waits for the next hello.
    void detachPage();
    // The application is quitting: every pending call is rejected with `shutting_down` at once,
    // and every later call gets the same answer. Requests are failed as by abandonRequests().
    void shutdown();
    // Fails every unanswered request with `cancelled`; for shutdown, while whoever awaits the
    // answers still exists (continuations bound to a destroyed context abort in Qt 6.4).
    void abandonRequests();

    bool isPageAttached() const { return m_attached; }
    // True while the envelopes of one page batch are being handled (pageBatchHandled() follows).
    bool isDispatching() const { return m_dispatching; }
    bool isPageSuspended() const { return m_suspended; }
    // The token the attached document sent with its hello ("" before one): tells a document
    // that stayed through a navigation from the one that replaced it.
    QString attachedDocument() const { return m_document; }
    // This page load's, unique among every page of the session (BridgeCommon::nextGeneration).
    quint64 generation() const { return m_generation; }
    QString session() const { return m_common->session(); }
    int pendingCallCount() const { return int(m_calls.size()); }
    // Schema::bytes() arguments still arriving.
    int pendingUploadCount() const { return int(m_uploads.size()); }

    // Where the page keeps the bytes it stages for its uploads: a global object whose
    // read(upload, at, n) answers a Uint8Array of them (the page's client defines it).
    static constexpr char kUploadReader[] = "__conduitUploads";
    // Reads bytes [at, at + n) of `upload` out of the page: QWebEnginePage::runJavaScript of
    // kUploadReader's read() hands a Uint8Array over as a QByteArray, several times faster
    // than any string on the channel. `done` gets the QByteArray, or anything else when the page
    // has no such bytes; it may never be called (the page went away): nothing waits on it.
    using UploadReader = std::function<void(qint64 upload, qint64 at, qint64 n,
                                            std::function<void(const QVariant &)> done)>;
    void setUploadReader(UploadReader reader) { m_uploadReader = std::move(reader); }

Q_SIGNALS:
    void pageAttached(quint64 generation);
    void pageEvent(const QString &event, const QJsonValue &payload);
    // A page batch has been dispatched: what its envelopes started may now leave together.
    void pageBatchHandled();
    // A malformed or refused envelope without an id, dropped (also logged as a warning).
    void envelopeDropped(const QString &reason);

private:
    struct PendingCall
    {
        quint64 generation = 0;
        QFuture<QJsonValue> future;
        std::unique_ptr<QTimer> deadline;
        StreamHandle stream; // the call's stream, if the page opened one
        // The handler ends `stream` itself once the call succeeds (StreamLifetime::Handler);
        // a call that fails or is cancelled always ends it, or the page would wait forever.
        bool streamOutlivesCall = false;
        bool bytes = false; // the value is a bytes offer: sent as the result's `bytes`
        quint64 token = 0;  // tells this call from a later one that reuses its id
        // The handler's own future when `future` is not it (a bytes offer, an upload's gate):
        // cancelling `future` does not reach it, so the call's end cancels it too.
        QFuture<void> work;
    };
    // A call whose handler waits for the bytes the page uploads beside it.
    struct WaitingCall
    {
        const Command *command = nullptr;
        CommandCall call;
        int uploadsLeft = 0;
        std::shared_ptr<QPromise<QJsonValue>> gate; // the call's future until the handler runs
    };
    // One Schema::bytes() argument on its way: the page stages its bytes and says so in
    // {t: 'put', upload, at, n} envelopes; native reads them out of the page (m_uploadReader),
    // one read at a time, and grants each read back.
    struct Upload
    {
        qint64 call = 0;
        QString argument;
        qint64 size = 0;
        QByteArray data;
        qint64 staged = 0;    // bytes the page has said it staged
        bool reading = false; // a read is on its way
        quint64 serial = 0;   // tells this upload from a later one that reuses its id
    };
    struct PendingRequest
    {
        QJsonObject envelope;
        std::shared_ptr<QPromise<QJsonValue>> promise;
        std::unique_ptr<QTimer> timeout;
    };

    void receive(const QJsonArray &envelopes);
    void dispatch(const DecodedEnvelope &decoded);
    void handleHello(const QJsonObject &envelope);
    // Answers every pending call with `error` in one batch sent now, and forgets the calls.
    void rejectPendingCalls(const CommandError &error);
    // Cancels every pending call's future; nobody is told.
    void forgetPendingCalls();
    void handleInvoke(qint64 id, const QJsonObject &envelope);
    void handleCancel(qint64 id, const QJsonObject &envelope);
    void handleEmit(const QJsonObject &envelope);
    void handleReply(qint64 id, const QJsonObject &envelope);
    void handleStreamControl(const QString &type, const QJsonObject &envelope);
    void handlePut(const QJsonObject &envelope);
    // Reads the next staged bytes of `uploadId` unless a read is on its way or none are staged.
    void readUpload(qint64 uploadId);
    void takeUploadRead(qint64 uploadId, quint64 serial, qint64 at, qint64 n,
                        const QVariant &bytes);
    // The call waiting for `uploadId` fails with invalid_args, and its other uploads with it.
    void refuseUpload(qint64 uploadId, const QString &reason);
    // The uploads of a call's Schema::bytes() arguments; returns the future the call waits on,
    // or an invalid one if it has none. Throws CommandError for a reference it cannot take.
    // A call whose uploads are all empty waits too: handleInvoke runs it once it is pending.
    QFuture<QJsonValue> awaitUploads(qint64 id, const Command &command, const CommandCall &call);
    void runWaitingCall(qint64 id);
    void dropUploads();                // the page went away
    void forgetUploads(qint64 callId); // the call ended before its bytes all arrived

    void watchCall(qint64 id, PendingCall &pending);
    void finishCall(qint64 id, quint64 token = 0);
    void abortCall(qint64 id, const CommandError &error);
    void failRequest(qint64 id, const CommandError &error);
    void sendResult(qint64 id, const QJsonValue &value, bool bytes = false);
    // The call's future: its handler's, or for a bytes command the token of its bytes (then
    // `work`, if given, is the handler's own future, to cancel with the call).
    QFuture<QJsonValue> startCall(const Command &command, const CommandCall &call,
                                  QFuture<void> *work = nullptr);
    void sendError(qint64 id, const CommandError &error);
    void drop(const QString &reason);

    void enqueue(const QJsonObject &envelope);
    // Sends what is due now if nothing went out yet in this event-loop turn, and batches
    // everything else due in the same turn into one later flush.
    void requestFlush();
    void postFlush();
    void flush();

    std::shared_ptr<BridgeCommon> m_common;
    QString m_label;
    const BridgeLimits &m_limits; // m_common's
    EnvelopeCodec m_codec;
    ChannelEndpoint m_endpoint;
    StreamOutbox m_streams;
    std::shared_ptr<ByteTokens> m_byteTokens;
    QTimer m_bytesSweep; // while bytes are outstanding: drops those nobody read in time

    bool m_attached = false;
    bool m_suspended = false;
    bool m_shuttingDown = false;
    QString m_document;
    bool m_flushScheduled = false;
    bool m_dispatching = false;
    quint64 m_nextCallToken = 1;
    // Where a future finished in another thread posts its call's end; outlives the bridge, and
    // stops posting once ~Bridge has cleared it.
    struct Home
    {
        QMutex lock;
        Bridge *bridge = nullptr;
    };
    std::shared_ptr<Home> m_home = std::make_shared<Home>();
    quint64 m_generation = 0;
    quint64 m_loads = 0; // pages that said hello here: the welcome's `generation`
    qint64 m_nextRequestId = 1;
    QList<QJsonObject> m_outbox;
    std::unordered_map<qint64, PendingCall> m_calls;
    std::unordered_map<qint64, PendingRequest> m_requests;
    std::unordered_map<qint64, WaitingCall> m_waiting;
    std::unordered_map<qint64, Upload> m_uploads; // by upload id, this generation's
    // Uploads named by invokes that were refused, the latest maxPendingUploads of them: the page
    // staged and announced them before it heard, and their puts are expected, not dropped.
    QList<qint64> m_refusedUploads;
    UploadReader m_uploadReader;
    quint64 m_nextUploadSerial = 1;
};

} // namespace Conduit
