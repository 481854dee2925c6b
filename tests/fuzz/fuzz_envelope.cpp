// SPDX-License-Identifier: MIT
// The page's send() batches, fed into a real Bridge after a hello, and everything they
// dispatch: every envelope type, argument validation, streams (ordered and latest-wins, with
// credit and close), calls still in flight (cancel, deadline), and two native requests
// waiting for the page's `reply`.
//
// Input: one envelope text per line, as the page's client writes them (JSON.stringify); an
// empty line ends one send() batch. A line starting with \x01 is a non-string array element.
// A line starting with \x02 is a native action, by its next byte: d (the page navigates away),
// e (an event), r (another request), f (every call in flight finishes), anything else (one
// event-loop turn). Timers never fire (a run must not depend on the clock): a deadline is
// parsed and armed, and its expiry is left to tst_bridge.
//
// Besides the sanitizers: every batch the page receives is a JSON array of well-formed
// envelopes, and once every handler has finished nothing is left waiting.
//
// One Bridge serves the whole run, as one serves the application: each input is a new page
// (detach, then hello), so what one page leaves behind in the Bridge is exercised by the next,
// and the cost per input is the page's, not the Bridge's construction (~3× faster).
#include <bridge/Bridge.h>
#include <bridge/ErrorCode.h>

#include "FuzzApplication.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QPromise>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

using namespace Conduit;

namespace {

BridgeLimits smallLimits()
{
    BridgeLimits limits;
    // Small enough that inputs of -max_len=256 (tests/fuzz/CMakeLists.txt) reach every cap: one
    // long envelope, 13 array elements, 7 events or results in one flush, 17 while detached.
    limits.maxEnvelopeChars = 200;
    limits.maxEnvelopesPerBatch = 12;
    limits.maxEnvelopesPerFlush = 6;
    limits.maxBufferedWhileDetached = 16;
    limits.maxPendingStreamItems = 4;
    limits.maxPendingUploads = 3;
    return limits;
}

bool isId(const QJsonValue &value)
{
    return value.isDouble() && value.toDouble() >= 0 && value.toDouble() <= 9007199254740991.0;
}

void checkEnvelope(const QJsonValue &value)
{
    CONDUIT_FUZZ_CHECK(value.isObject());
    const QJsonObject envelope = value.toObject();
    const QString type = envelope.value(QStringLiteral("t")).toString();
    if (type == QLatin1String("result")) {
        CONDUIT_FUZZ_CHECK(isId(envelope.value(QStringLiteral("id"))));
        const QJsonValue ok = envelope.value(QStringLiteral("ok"));
        CONDUIT_FUZZ_CHECK(ok.isBool());
        if (!ok.toBool()) {
            const QJsonObject error = envelope.value(QStringLiteral("error")).toObject();
            CONDUIT_FUZZ_CHECK(errorCodeFromName(error.value(QStringLiteral("code")).toString()));
            CONDUIT_FUZZ_CHECK(!error.value(QStringLiteral("message")).toString().isEmpty());
        }
    } else if (type == QLatin1String("chunk") || type == QLatin1String("end")) {
        CONDUIT_FUZZ_CHECK(envelope.value(QStringLiteral("stream")).toDouble() >= 1);
    } else if (type == QLatin1String("grant")) {
        // Never more than a put staged: the limit of the upload command below.
        CONDUIT_FUZZ_CHECK(envelope.value(QStringLiteral("upload")).toDouble() >= 1);
        CONDUIT_FUZZ_CHECK(envelope.value(QStringLiteral("bytes")).toDouble() >= 1);
        CONDUIT_FUZZ_CHECK(envelope.value(QStringLiteral("bytes")).toDouble() <= 64);
    } else if (type == QLatin1String("request")) {
        CONDUIT_FUZZ_CHECK(envelope.value(QStringLiteral("id")).toDouble() >= 1);
        CONDUIT_FUZZ_CHECK(envelope.value(QStringLiteral("cmd")).isString());
    } else {
        CONDUIT_FUZZ_CHECK(type == QLatin1String("welcome") || type == QLatin1String("event"));
    }
}

class Harness
{
public:
    Harness()
        : m_bridge(smallLimits())
    {
        QObject::connect(m_bridge.endpoint(), &ChannelEndpoint::receive,
                         [](const QJsonDocument &batch) {
                             CONDUIT_FUZZ_CHECK(batch.isArray() && !batch.array().isEmpty());
                             for (const QJsonValue &envelope : batch.array())
                                 checkEnvelope(envelope);
                         });
        m_bridge.addWelcomeField(QStringLiteral("app"), Schema::string(), QStringLiteral("fuzz"));
        m_bridge.setSnapshotProvider(
            [] {
                return QJsonObject{{QStringLiteral("tasks"), 0}};
            },
            Schema::object().required(QStringLiteral("tasks"), Schema::integer()));
        registerCommands();
        // The page's staged bytes, read later as AppPage's runJavaScript answers (a posted
        // event, so turn() delivers it): `n` bytes of a pattern, whatever was staged.
        m_bridge.setUploadReader(
            [](qint64, qint64 at, qint64 n, std::function<void(const QVariant &)> done) {
                QMetaObject::invokeMethod(
                    QCoreApplication::instance(),
                    [at, n, done = std::move(done)] {
                        QByteArray bytes(n, Qt::Uninitialized);
                        for (qint64 i = 0; i < n; ++i)
                            bytes[i] = char('a' + (at + i) % 26);
                        done(bytes);
                    },
                    Qt::QueuedConnection);
            });
    }

    // A new page: the previous one navigated away; a question asked before its hello is
    // re-sent at the hello.
    void beginPage()
    {
        m_bridge.detachPage();
        CONDUIT_FUZZ_CHECK(m_bridge.pendingCallCount() == 0);
        CONDUIT_FUZZ_CHECK(m_bridge.pendingUploadCount() == 0);
        ask();
        send({QStringLiteral(R"({"t":"hello"})")});
        ask();
    }

    // Everything the page started ends once its handlers finish; questions end when abandoned.
    void endPage()
    {
        finishCalls();
        turn();
        // A call still pending waits for bytes the input never sent (each such call has at least
        // one upload open), until its deadline, a cancel or the page leaving.
        CONDUIT_FUZZ_CHECK(m_bridge.pendingCallCount() <= m_bridge.pendingUploadCount());
        CONDUIT_FUZZ_CHECK(m_bridge.pendingUploadCount() <= smallLimits().maxPendingUploads);
        m_bridge.abandonRequests();
        turn();
        for (const QFuture<QJsonValue> &question : std::as_const(m_questions))
            CONDUIT_FUZZ_CHECK(question.isFinished());
        m_questions.clear();
    }

    void ask() { m_questions.append(m_bridge.request(QStringLiteral("confirm"), {})); }

    void send(const QJsonArray &batch)
    {
        if (!batch.isEmpty())
            m_bridge.endpoint()->send(batch);
        turn();
    }

    void act(char action)
    {
        switch (action) {
        case 'd':
            m_bridge.detachPage();
            break;
        case 'e':
            m_bridge.emitEvent(QStringLiteral("tick"), QJsonObject{{QStringLiteral("n"), 1}});
            break;
        case 'r':
            ask();
            break;
        case 'f':
            finishCalls();
            break;
        default:
            turn();
        }
    }

private:
    void registerCommands()
    {
        CommandRegistry &commands = m_bridge.commands();
        commands.addSync(
            QStringLiteral("echo"),
            Schema::object()
                .required(QStringLiteral("text"), Schema::string().maxLength(32))
                .optional(QStringLiteral("times"), Schema::integer().range(1, 3), 1)
                .optional(QStringLiteral("mode"),
                          Schema::oneOf({QStringLiteral("upper"), QStringLiteral("lower")})),
            [](const CommandCall &call) { return QJsonValue(call.args); });
        commands.addSync(QStringLiteral("fail"), Schema::object(), [](const CommandCall &) {
            throw CommandError(ErrorCode::NotFound, QStringLiteral("nothing here"));
            return QJsonValue();
        });
        commands.addSync(QStringLiteral("boom"), Schema::object(), [](const CommandCall &) {
            throw std::runtime_error("a handler bug");
            return QJsonValue();
        });
        // In flight until act('f') or the end of the input: cancel and deadline reach it.
        commands.add(QStringLiteral("wait"),
                     Schema::object().optional(QStringLiteral("ms"), Schema::number()),
                     [this](const CommandCall &) { return hold(); });
        // Bytes uploaded beside the invoke (staged, put, read): answered with what arrived, whole.
        commands
            .addSync(QStringLiteral("upload"),
                     Schema::object()
                         .required(QStringLiteral("data"), Schema::bytes())
                         .optional(QStringLiteral("more"), Schema::bytes()),
                     [](const CommandCall &call) {
                         const QByteArray data = call.bytes.value(QStringLiteral("data"));
                         CONDUIT_FUZZ_CHECK(qint64(data.size())
                                            == qint64(call.args.value(QStringLiteral("data"))
                                                          .toObject()
                                                          .value(QStringLiteral("size"))
                                                          .toDouble()));
                         return QJsonValue(double(data.size()));
                     })
            .limitBytes(64);
        // Ordered items paced by the page's credit, ended with the call.
        commands.add(
            QStringLiteral("produce"),
            Schema::object().optional(QStringLiteral("items"), Schema::integer().range(0, 8), 3),
            [this](const CommandCall &call) {
                for (int i = 0; i < call.args.value(QStringLiteral("items")).toInt(); ++i)
                    m_bridge.streams().write(call.stream, i);
                return hold();
            });
        // Latest-wins items on a stream that outlives the call, as a task's progress does.
        commands.add(
            QStringLiteral("progress"), Schema::object(),
            [this](const CommandCall &call) {
                for (int i = 0; i < 3; ++i)
                    m_bridge.streams().write(call.stream, i);
                if (call.stream.isValid())
                    m_handlerStreams.push_back(call.stream);
                QPromise<QJsonValue> done;
                done.start();
                done.addResult(QJsonValue(true));
                done.finish();
                return done.future();
            },
            StreamMode::LatestWins, StreamLifetime::Handler);
    }

    QFuture<QJsonValue> hold()
    {
        auto promise = std::make_shared<QPromise<QJsonValue>>();
        promise->start();
        m_held.push_back(promise);
        return promise->future();
    }

    void finishCalls()
    {
        auto held = std::move(m_held);
        m_held.clear();
        for (size_t i = 0; i < held.size(); ++i) {
            if (i % 2 == 0)
                held[i]->addResult(QJsonValue(double(i)));
            else
                held[i]->setException(CommandError(ErrorCode::Busy, QStringLiteral("busy")));
            held[i]->finish();
        }
        for (const StreamHandle &stream : m_handlerStreams)
            m_bridge.streams().end(stream);
        m_handlerStreams.clear();
    }

    // One event-loop turn without timers, so a run does not depend on the clock: the batched
    // flush and the futures' queued notifications are posted events.
    static void turn()
    {
        QCoreApplication::sendPostedEvents();
        QCoreApplication::sendPostedEvents(); // what the first turn posted
    }

    Bridge m_bridge;
    std::vector<std::shared_ptr<QPromise<QJsonValue>>> m_held;
    std::vector<StreamHandle> m_handlerStreams;
    QList<QFuture<QJsonValue>> m_questions;
};

void run(Harness &harness, const QByteArray &input)
{
    harness.beginPage();

    QJsonArray batch;
    for (const QByteArray &line : input.split('\n')) {
        if (line.isEmpty()) {
            harness.send(batch);
            batch = {};
        } else if (line.startsWith('\x01')) {
            batch.append(double(line.size()));
        } else if (line.startsWith('\x02')) {
            harness.act(line.size() > 1 ? line.at(1) : '\0');
        } else {
            batch.append(QString::fromUtf8(line));
        }
    }
    harness.send(batch);
    harness.endPage();
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    Fuzz::startApplication(argc, argv);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    // Reachable until exit, like the application (LeakSanitizer does not count it).
    static Harness *harness = new Harness;
    run(*harness, QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size)));
    return 0;
}
