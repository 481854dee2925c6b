// SPDX-License-Identifier: MIT
// Bridge, driven exactly as the page drives it: JSON text envelopes into ChannelEndpoint::send(),
// batches out of ChannelEndpoint::receive(), parsed (docs/DESIGN.md §3).
#include "PageSimulator.h"
#include <bridge/Bridge.h>

#include <QElapsedTimer>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

#include <memory>
#include <stdexcept>

using namespace Conduit;
using ConduitTest::drainEvents;
using ConduitTest::envelopeText;

namespace {

const QRegularExpression kDropWarning(QStringLiteral("^dropped envelope: "));

QJsonObject env(std::initializer_list<QPair<QString, QJsonValue>> fields)
{
    return QJsonObject(fields);
}

std::optional<CommandError> failureOf(const QFuture<QJsonValue> &future)
{
    try {
        QFuture<QJsonValue>(future).waitForFinished();
    } catch (const CommandError &error) {
        return error;
    }
    return std::nullopt;
}

// A bridge with a page and a set of commands that count and record every handler call.
struct Harness
{
    explicit Harness(const BridgeLimits &limits = {})
        : bridge(limits)
    {
        auto &commands = bridge.commands();
        commands.addSync(
            QStringLiteral("echo"),
            Schema::object().required(QStringLiteral("text"), Schema::string().maxLength(64)),
            [this](const CommandCall &call) {
                record(call);
                return QJsonValue(QJsonObject{{"text", call.args.value("text")}});
            });
        // Finishes when the test says so, through the QPromise kept in `promises`.
        commands.add(QStringLiteral("slow"),
                     Schema::object().optional(QStringLiteral("label"), Schema::string(),
                                               QStringLiteral("none")),
                     [this](const CommandCall &call) {
                         record(call);
                         auto promise = std::make_shared<QPromise<QJsonValue>>();
                         promise->start();
                         promises.insert(call.id, promise);
                         return promise->future();
                     });
        commands.addSync(QStringLiteral("throws"), Schema::object(),
                         [this](const CommandCall &call) -> QJsonValue {
                             record(call);
                             throw CommandError(ErrorCode::NotFound,
                                                QStringLiteral("no such thing"),
                                                {{QStringLiteral("thing"), QStringLiteral("x")}});
                         });
        commands.addSync(QStringLiteral("std"), Schema::object(),
                         [this](const CommandCall &call) -> QJsonValue {
                             record(call);
                             throw std::runtime_error("boom");
                         });
        const Schema counted
            = Schema::object().required(QStringLiteral("count"), Schema::integer().range(0, 1000));
        const auto produce = [this](const CommandCall &call) {
            record(call);
            const int count = call.args.value(QStringLiteral("count")).toInt();
            for (int i = 0; i < count; ++i)
                writes.append(bridge.streams().write(call.stream, i));
            return QtFuture::makeReadyFuture(QJsonValue(QJsonObject{{"written", count}}));
        };
        commands.add(QStringLiteral("produce"), counted, produce);
        commands.add(QStringLiteral("progress"), counted, produce, StreamMode::LatestWins);
        commands.addSync(QStringLiteral("failstream"), Schema::object(),
                         [this](const CommandCall &call) -> QJsonValue {
                             record(call);
                             writes.append(
                                 bridge.streams().write(call.stream, QStringLiteral("partial")));
                             throw CommandError(ErrorCode::Busy, QStringLiteral("gave up"));
                         });
    }

    void record(const CommandCall &call) { seen.append(call); }
    int calls() const { return int(seen.size()); }
    std::shared_ptr<QPromise<QJsonValue>> promise(qint64 id) const { return promises.value(id); }

    // Attaches the page and forgets the welcome batch.
    bool attach()
    {
        const bool welcomed = !page.hello().isEmpty();
        page.clear();
        return welcomed;
    }

    QHash<qint64, std::shared_ptr<QPromise<QJsonValue>>> promises;
    Bridge bridge;
    ConduitTest::PageSimulator page{bridge};
    QList<CommandCall> seen;
    QList<bool> writes;
};

BridgeLimits smallLimits()
{
    BridgeLimits limits;
    limits.maxEnvelopeChars = 512;
    return limits;
}

} // namespace

class tst_Bridge : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // handshake
    void welcomeComesFirst();
    void secondHelloIsANewGeneration();
    void beforeHelloEverythingIsDropped_data();
    void beforeHelloEverythingIsDropped();

    // dispatch and refusals
    void syncResult();
    void refusedInvokes_data();
    void refusedInvokes();
    void duplicateInFlightId();
    void droppedWithoutAnId_data();
    void droppedWithoutAnId();
    void oversizeBatchIsRefusedPastTheCap();

    // handlers
    void handlerSeesValidatedArguments();
    void asyncResult();
    void handlerThrowsCommandError();
    void futureFailsWithCommandError();
    void futureFailsWithStdException();
    void stdExceptionIsInternal();

    // cancel and deadline
    void cancelReachesTheHandler();
    void cancelAfterCompletionChangesNothing();
    void deadlineTimesOut();
    void deadlineNotReached();

    // batching and page lifetime
    void oneTurnIsOneBatch();
    void firstInATurnGoesAtOnce();
    void batchesSplitAtMaxEnvelopesPerFlush();
    void bufferWhileDetachedIsBounded();
    void detachDropsResultsKeepsEvents();
    void suspendHoldsAndResumeDelivers();
    void newDocumentEndsASuspension();
    void secondHelloOfTheSameDocumentRejectsItsCalls();
    void shutdownRejectsPendingAndLaterCalls();

    // page events
    void pageEmit();

    // native → page requests
    void requestAnswered();
    void requestRefusedByThePage();
    void requestReplyMalformed_data();
    void requestReplyMalformed();
    void requestTimesOut();
    void requestResentAfterReload();
    void requestBeforeHelloWaitsForThePage();

    // streams
    void streamPacedByCredit();
    void streamCreditInTheSameSend();
    void streamClosedByThePage();
    void streamLatestWins();
    void streamEndsWithTheHandlerError();
    void streamCancelledWithItsCall();
    void detachClosesStreams();

    // lifetime
    void destructionCancelsEverything();
};

// ---- handshake -------------------------------------------------------------------------------

void tst_Bridge::welcomeComesFirst()
{
    Harness h;
    int snapshots = 0;
    h.bridge.addWelcomeField("locale", Schema::string(), "de_DE");
    h.bridge.addWelcomeField("version", Schema::string(), "9.9");
    h.bridge.setSnapshotProvider(
        [&] {
            ++snapshots;
            return QJsonObject{{"tasks", QJsonArray{"t1"}}};
        },
        Schema::object().required("tasks", Schema::arrayOf(Schema::string())));
    QSignalSpy attached(&h.bridge, &Bridge::pageAttached);

    h.bridge.emitEvent(QStringLiteral("early.1"), 1);
    h.bridge.emitEvent(QStringLiteral("early.2"), QJsonObject{{"n", 2}});
    drainEvents();
    QCOMPARE(h.page.batches().size(), 0); // nobody to send to yet
    QVERIFY(!h.bridge.isPageAttached());

    const QJsonObject welcome = h.page.hello();
    QCOMPARE(welcome.value("t").toString(), QStringLiteral("welcome"));
    QCOMPARE(welcome.value("session").toString(), h.bridge.session());
    QVERIFY(!h.bridge.session().isEmpty());
    QCOMPARE(welcome.value("generation").toDouble(), 1.0);
    QCOMPARE(welcome.value("snapshot").toObject(), (QJsonObject{{"tasks", QJsonArray{"t1"}}}));
    QCOMPARE(welcome.value("locale").toString(), QStringLiteral("de_DE"));
    QCOMPARE(welcome.value("version").toString(), QStringLiteral("9.9"));
    QCOMPARE(snapshots, 1);

    // Events that waited come right after the welcome, in the same batch, in order.
    QCOMPARE(h.page.batches().size(), 1);
    const QJsonArray batch = h.page.batches().first();
    QCOMPARE(batch.size(), 3);
    QCOMPARE(batch.at(1).toObject(),
             (QJsonObject{{"t", "event"}, {"event", "early.1"}, {"payload", 1}}));
    QCOMPARE(batch.at(2)["event"].toString(), QStringLiteral("early.2"));
    QCOMPARE(batch.at(2)["payload"]["n"].toInt(), 2);

    QCOMPARE(attached.count(), 1);
    QCOMPARE(attached.first().first().toULongLong(), 1ULL);
    QVERIFY(h.bridge.isPageAttached());
    QCOMPARE(h.bridge.generation(), 1ULL);
    QCOMPARE(h.page.unparsableBatches(), 0);
}

void tst_Bridge::secondHelloIsANewGeneration()
{
    Harness h;
    int snapshots = 0;
    h.bridge.setSnapshotProvider(
        [&] {
            return QJsonObject{{"n", ++snapshots}};
        },
        Schema::object().required("n", Schema::integer()));
    QSignalSpy attached(&h.bridge, &Bridge::pageAttached);

    const QJsonObject first = h.page.hello();
    const QJsonObject second = h.page.hello(); // a reload: the page says hello again
    QCOMPARE(first.value("generation").toDouble(), 1.0);
    QCOMPARE(second.value("t").toString(), QStringLiteral("welcome"));
    QCOMPARE(second.value("generation").toDouble(), 2.0);
    QCOMPARE(second.value("session").toString(), first.value("session").toString());
    QCOMPARE(second.value("snapshot").toObject(), (QJsonObject{{"n", 2}})); // asked again
    QCOMPARE(attached.count(), 2);
    QCOMPARE(attached.at(1).first().toULongLong(), 2ULL);
    QCOMPARE(h.bridge.generation(), 2ULL);

    // Without a provider the snapshot is an empty object, never missing.
    Harness plain;
    const QJsonObject welcome = plain.page.hello();
    QVERIFY(welcome.value("snapshot").isObject());
    QVERIFY(welcome.value("snapshot").toObject().isEmpty());
    QVERIFY(plain.bridge.session() != h.bridge.session());
}

void tst_Bridge::beforeHelloEverythingIsDropped_data()
{
    QTest::addColumn<QString>("text");

    QTest::newRow("invoke") << envelopeText(
        env({{"t", "invoke"}, {"id", 1}, {"cmd", "echo"}, {"args", QJsonObject{{"text", "x"}}}}));
    QTest::newRow("emit") << envelopeText(env({{"t", "emit"}, {"event", "page.visible"}}));
    QTest::newRow("cancel") << envelopeText(env({{"t", "cancel"}, {"id", 1}}));
    QTest::newRow("credit") << envelopeText(env({{"t", "credit"}, {"stream", 1}, {"n", 5}}));
    QTest::newRow("close") << envelopeText(env({{"t", "close"}, {"stream", 1}}));
    QTest::newRow("reply") << envelopeText(env({{"t", "reply"}, {"id", 1}, {"ok", true}}));
    QTest::newRow("oversize invoke with an id")
        << envelopeText(env({{"t", "invoke"},
                             {"id", 2},
                             {"cmd", "echo"},
                             {"args", QJsonObject{{"text", QString(600, 'x')}}}}));
    QTest::newRow("malformed invoke with an id") << R"({"t":"invoke","id":3,"cmd":)";
}

void tst_Bridge::beforeHelloEverythingIsDropped()
{
    QFETCH(QString, text);

    Harness h(smallLimits());
    QSignalSpy dropped(&h.bridge, &Bridge::envelopeDropped);
    QSignalSpy pageEvents(&h.bridge, &Bridge::pageEvent);
    QTest::ignoreMessage(QtWarningMsg, kDropWarning);
    h.page.sendTexts({text});
    drainEvents();

    QCOMPARE(dropped.count(), 1);
    QCOMPARE(h.calls(), 0);
    QCOMPARE(pageEvents.count(), 0);
    QCOMPARE(h.bridge.pendingCallCount(), 0);
    QCOMPARE(h.page.batches().size(), 0);

    // Nothing of it reaches the page that does say hello.
    h.page.hello();
    drainEvents();
    QCOMPARE(h.page.batches().size(), 1);
    QCOMPARE(h.page.batches().first().size(), 1);
    QCOMPARE(h.page.envelopes().first().value("t").toString(), QStringLiteral("welcome"));
}

// ---- dispatch and refusals -------------------------------------------------------------------

void tst_Bridge::syncResult()
{
    Harness h;
    QVERIFY(h.attach());
    const qint64 id = h.page.invoke(QStringLiteral("echo"), {{"text", "hello"}});
    QVERIFY(h.page.waitForResult(id));
    QCOMPARE(*h.page.result(id), (QJsonObject{{"t", "result"},
                                              {"id", double(id)},
                                              {"ok", true},
                                              {"value", QJsonObject{{"text", "hello"}}}}));
    QCOMPARE(h.calls(), 1);
    QCOMPARE(h.bridge.pendingCallCount(), 0);
}

void tst_Bridge::refusedInvokes_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("detail");
    QTest::addColumn<QJsonValue>("detailValue");

    const auto invoke
        = [](const QJsonValue &cmd, const QJsonValue &args, const QJsonObject &extra = {}) {
              QJsonObject envelope{{"t", "invoke"}, {"id", 9}};
              if (!cmd.isUndefined())
                  envelope.insert("cmd", cmd);
              if (!args.isUndefined())
                  envelope.insert("args", args);
              for (auto it = extra.begin(); it != extra.end(); ++it)
                  envelope.insert(it.key(), it.value());
              return envelopeText(envelope);
          };
    const QJsonObject text{{"text", "x"}};
    const QJsonValue none = QJsonValue::Undefined;

    QTest::newRow("unknown command") << invoke("nope", QJsonObject{}) << "unknown_command"
                                     << "command" << QJsonValue("nope");
    QTest::newRow("wrong argument type")
        << invoke("echo", QJsonObject{{"text", 5}}) << "invalid_args"
        << "argument" << QJsonValue("text");
    QTest::newRow("missing argument") << invoke("echo", QJsonObject{}) << "invalid_args"
                                      << "argument" << QJsonValue("text");
    QTest::newRow("missing args field") << invoke("echo", none) << "invalid_args"
                                        << "argument" << QJsonValue("text");
    QTest::newRow("unknown argument")
        << invoke("echo", QJsonObject{{"text", "x"}, {"txet", "y"}}) << "invalid_args"
        << "argument" << QJsonValue("txet");
    QTest::newRow("argument too long")
        << invoke("echo", QJsonObject{{"text", QString(65, 'x')}}) << "invalid_args"
        << "argument" << QJsonValue("text");
    QTest::newRow("args is an array") << invoke("echo", QJsonArray{"x"}) << "invalid_args"
                                      << "" << QJsonValue();
    QTest::newRow("args is a string") << invoke("echo", "text=x") << "invalid_args"
                                      << "" << QJsonValue();
    QTest::newRow("args is null") << invoke("echo", QJsonValue::Null) << "invalid_args"
                                  << "" << QJsonValue();
    QTest::newRow("cmd missing") << invoke(none, text) << "invalid_args"
                                 << "" << QJsonValue();
    QTest::newRow("cmd empty") << invoke("", text) << "invalid_args"
                               << "" << QJsonValue();
    QTest::newRow("cmd not a string") << invoke(7, text) << "invalid_args"
                                      << "" << QJsonValue();
    QTest::newRow("stream zero") << invoke("echo", text, {{"stream", 0}}) << "invalid_args"
                                 << "" << QJsonValue();
    QTest::newRow("stream negative") << invoke("echo", text, {{"stream", -2}}) << "invalid_args"
                                     << "" << QJsonValue();
    QTest::newRow("stream fractional") << invoke("echo", text, {{"stream", 1.5}}) << "invalid_args"
                                       << "" << QJsonValue();
    QTest::newRow("stream a string") << invoke("echo", text, {{"stream", "1"}}) << "invalid_args"
                                     << "" << QJsonValue();
    QTest::newRow("deadline zero") << invoke("echo", text, {{"deadline", 0}}) << "invalid_args"
                                   << "" << QJsonValue();
    QTest::newRow("deadline above a day")
        << invoke("echo", text, {{"deadline", 86400001}}) << "invalid_args"
        << "" << QJsonValue();
    QTest::newRow("deadline fractional")
        << invoke("echo", text, {{"deadline", 2.5}}) << "invalid_args"
        << "" << QJsonValue();
    QTest::newRow("deadline a string")
        << invoke("echo", text, {{"deadline", "10"}}) << "invalid_args"
        << "" << QJsonValue();
    QTest::newRow("too large, id recovered")
        << invoke("echo", QJsonObject{{"text", QString(600, 'x')}}) << "too_large"
        << "limit" << QJsonValue(512);
    QTest::newRow("malformed JSON, id recovered")
        << R"({"t":"invoke","id":9,"cmd":"echo","args":{"text":)"
        << "invalid_args"
        << "" << QJsonValue();
}

void tst_Bridge::refusedInvokes()
{
    QFETCH(QString, text);
    QFETCH(QString, code);
    QFETCH(QString, detail);
    QFETCH(QJsonValue, detailValue);

    Harness h(smallLimits());
    QVERIFY(h.attach());
    QSignalSpy dropped(&h.bridge, &Bridge::envelopeDropped);
    h.page.sendTexts({text});
    QVERIFY(h.page.waitForResult(9));
    drainEvents();

    const QList<QJsonObject> results = h.page.results(9);
    QCOMPARE(results.size(), 1);
    const QJsonObject result = results.first();
    QCOMPARE(result.value("ok"), QJsonValue(false));
    QVERIFY(!result.contains("value"));
    const QJsonObject error = result.value("error").toObject();
    QCOMPARE(error.value("code").toString(), code);
    QVERIFY(!error.value("message").toString().isEmpty());
    if (!detail.isEmpty())
        QCOMPARE(error.value("details").toObject().value(detail), detailValue);

    // Nothing ran, nothing is pending, no stream was opened, nothing else was said.
    QCOMPARE(h.calls(), 0);
    QCOMPARE(h.bridge.pendingCallCount(), 0);
    QCOMPARE(h.page.envelopes().size(), 1);
    QCOMPARE(dropped.count(), 0);
}

void tst_Bridge::duplicateInFlightId()
{
    Harness h;
    QVERIFY(h.attach());
    const QJsonObject slow{{"t", "invoke"}, {"id", 4}, {"cmd", "slow"}, {"args", QJsonObject{}}};
    h.page.send(slow);
    const QJsonObject echo{
        {"t", "invoke"}, {"id", 4}, {"cmd", "echo"}, {"args", QJsonObject{{"text", "x"}}}};
    h.page.send(echo);
    QVERIFY(h.page.waitForResult(4));
    QCOMPARE(h.page.outcome(4), QStringLiteral("invalid_args"));
    QVERIFY(h.page.result(4)->value("error")["message"].toString().contains("in flight"));
    QCOMPARE(h.calls(), 1); // the echo never ran
    QCOMPARE(h.bridge.pendingCallCount(), 1);

    // The first call is untouched and still answers.
    h.promise(4)->addResult(QJsonValue(QStringLiteral("first")));
    h.promise(4)->finish();
    QVERIFY(h.page.waitFor([&] { return h.page.results(4).size() == 2; }));
    QCOMPARE(h.page.results(4).at(1).value("value").toString(), QStringLiteral("first"));
    QVERIFY(!h.promise(4)->isCanceled());

    // Once finished, the id may be used again.
    h.page.send(echo);
    QVERIFY(h.page.waitFor([&] { return h.page.results(4).size() == 3; }));
    QCOMPARE(h.page.results(4).at(2).value("ok"), QJsonValue(true));
}

void tst_Bridge::droppedWithoutAnId_data()
{
    QTest::addColumn<QJsonValue>("envelope");
    QTest::addColumn<QString>("reason");

    QTest::newRow("too large, header not first")
        << QJsonValue(QStringLiteral(R"({"args":{"text":")") + QString(600, 'x')
                      + QStringLiteral(R"("},"t":"invoke","id":3})"))
        << "exceeds";
    QTest::newRow("too large, no id") << QJsonValue(
        envelopeText(env({{"t", "emit"}, {"event", "e"}, {"payload", QString(600, 'x')}})))
                                      << "exceeds";
    QTest::newRow("not JSON") << QJsonValue("hello?") << "malformed";
    QTest::newRow("JSON array") << QJsonValue("[1]") << "not a JSON object";
    QTest::newRow("JSON number") << QJsonValue("42") << "malformed";
    QTest::newRow("missing t") << QJsonValue(R"({"id":3,"cmd":"echo","args":{"text":"x"}})")
                               << "'t'";
    QTest::newRow("negative id") << QJsonValue(
        R"({"t":"invoke","id":-1,"cmd":"echo","args":{"text":"x"}})")
                                 << "non-negative integer";
    QTest::newRow("fractional id")
        << QJsonValue(R"({"t":"invoke","id":1.5,"cmd":"echo","args":{"text":"x"}})")
        << "non-negative integer";
    QTest::newRow("string id") << QJsonValue(
        R"({"t":"invoke","id":"1","cmd":"echo","args":{"text":"x"}})")
                               << "non-negative integer";
    QTest::newRow("invoke without id")
        << QJsonValue(R"({"t":"invoke","cmd":"echo","args":{"text":"x"}})") << "without an id";
    QTest::newRow("unknown type with id")
        << QJsonValue(R"({"t":"bogus","id":5})") << "unknown envelope type";
    QTest::newRow("unknown type without id") << QJsonValue(R"({"t":"bogus"})") << "without an id";
    QTest::newRow("not text") << QJsonValue(QJsonObject{{"t", "invoke"}, {"id", 1}})
                              << "not JSON text";
    QTest::newRow("emit without event")
        << QJsonValue(R"({"t":"emit","payload":1})") << "event name";
    QTest::newRow("emit with empty event")
        << QJsonValue(R"({"t":"emit","event":""})") << "event name";
    QTest::newRow("emit with numeric event")
        << QJsonValue(R"({"t":"emit","event":4})") << "event name";
    QTest::newRow("emit with long event")
        << QJsonValue(envelopeText(env({{"t", "emit"}, {"event", QString(129, 'e')}})))
        << "event name";
    QTest::newRow("credit for stream 0")
        << QJsonValue(R"({"t":"credit","stream":0,"n":1})") << "positive integer 'stream'";
    QTest::newRow("credit of 0 items")
        << QJsonValue(R"({"t":"credit","stream":1,"n":0})") << "positive integer 'n'";
    QTest::newRow("close without stream")
        << QJsonValue(R"({"t":"close"})") << "positive integer 'stream'";
    QTest::newRow("reply to an unknown request")
        << QJsonValue(R"({"t":"reply","id":77,"ok":true,"value":1})") << "unknown request";
}

void tst_Bridge::droppedWithoutAnId()
{
    QFETCH(QJsonValue, envelope);
    QFETCH(QString, reason);

    Harness h(smallLimits());
    QVERIFY(h.attach());
    QSignalSpy dropped(&h.bridge, &Bridge::envelopeDropped);
    QSignalSpy pageEvents(&h.bridge, &Bridge::pageEvent);
    QTest::ignoreMessage(QtWarningMsg, kDropWarning); // and it is logged
    h.page.sendTexts({envelope});
    drainEvents();

    QCOMPARE(dropped.count(), 1);
    QVERIFY2(dropped.first().first().toString().contains(reason),
             qPrintable(dropped.first().first().toString()));
    QCOMPARE(h.calls(), 0);
    QCOMPARE(pageEvents.count(), 0);
    QCOMPARE(h.bridge.pendingCallCount(), 0);
    QCOMPARE(h.page.batches().size(), 0); // no answer of any kind
}

void tst_Bridge::oversizeBatchIsRefusedPastTheCap()
{
    BridgeLimits limits;
    limits.maxEnvelopesPerBatch = 3;
    Harness h(limits);
    QVERIFY(h.attach());
    QList<QJsonObject> envelopes;
    for (int i = 0; i < 5; ++i)
        envelopes.append(h.page.invokeEnvelope(QStringLiteral("echo"), {{"text", "x"}}));
    h.page.send(envelopes);
    QVERIFY(h.page.waitFor([&] { return h.page.ofType("result").size() == 5; }));
    QCOMPARE(h.page.outcome(1), QStringLiteral("ok"));
    QCOMPARE(h.page.outcome(3), QStringLiteral("ok"));
    QCOMPARE(h.page.outcome(4), QStringLiteral("too_large"));
    QCOMPARE(h.page.outcome(5), QStringLiteral("too_large"));
    QCOMPARE(h.calls(), 3);
}

// ---- handlers --------------------------------------------------------------------------------

void tst_Bridge::handlerSeesValidatedArguments()
{
    Harness h;
    QVERIFY(h.attach());
    const qint64 id = h.page.invoke(QStringLiteral("slow"), {{"label", QJsonValue::Null}});
    QCOMPARE(h.calls(), 1); // handlers run synchronously inside send()
    const CommandCall &call = h.seen.first();
    QCOMPARE(call.command, QStringLiteral("slow"));
    QCOMPARE(call.id, id);
    QCOMPARE(call.args, (QJsonObject{{"label", "none"}})); // null is missing: the default
    QVERIFY(!call.stream.isValid());
}

void tst_Bridge::asyncResult()
{
    Harness h;
    QVERIFY(h.attach());
    const qint64 id = h.page.invoke(QStringLiteral("slow"));
    drainEvents();
    QVERIFY(!h.page.result(id)); // not before the future finishes
    QCOMPARE(h.bridge.pendingCallCount(), 1);

    const auto promise = h.promise(id);
    QVERIFY(promise);
    promise->addResult(QJsonValue(QJsonObject{{"done", true}}));
    promise->finish();
    QVERIFY(h.page.waitForResult(id));
    QCOMPARE(h.page.result(id)->value("ok"), QJsonValue(true));
    QCOMPARE(h.page.result(id)->value("value").toObject(), (QJsonObject{{"done", true}}));
    QCOMPARE(h.bridge.pendingCallCount(), 0);
}

void tst_Bridge::handlerThrowsCommandError()
{
    Harness h;
    QVERIFY(h.attach());
    const qint64 id = h.page.invoke(QStringLiteral("throws"));
    QVERIFY(h.page.waitForResult(id));
    const QJsonObject error = h.page.result(id)->value("error").toObject();
    QCOMPARE(error, (QJsonObject{{"code", "not_found"},
                                 {"message", "no such thing"},
                                 {"details", QJsonObject{{"thing", "x"}}}}));
    QCOMPARE(h.bridge.pendingCallCount(), 0);
}

void tst_Bridge::futureFailsWithCommandError()
{
    Harness h;
    QVERIFY(h.attach());
    const qint64 id = h.page.invoke(QStringLiteral("slow"));
    h.promise(id)->setException(
        CommandError(ErrorCode::Busy, QStringLiteral("queue full"), {{"retryMs", 100}}));
    h.promise(id)->finish();
    QVERIFY(h.page.waitForResult(id));
    const QJsonObject error = h.page.result(id)->value("error").toObject();
    QCOMPARE(error.value("code").toString(), QStringLiteral("busy"));
    QCOMPARE(error.value("message").toString(), QStringLiteral("queue full"));
    QCOMPARE(error.value("details").toObject(), (QJsonObject{{"retryMs", 100}}));
}

void tst_Bridge::futureFailsWithStdException()
{
    Harness h;
    QVERIFY(h.attach());
    const qint64 id = h.page.invoke(QStringLiteral("slow"));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("failed.*disk full")));
    h.promise(id)->setException(std::make_exception_ptr(std::runtime_error("disk full")));
    h.promise(id)->finish();
    QVERIFY(h.page.waitForResult(id));
    QCOMPARE(h.page.outcome(id), QStringLiteral("internal"));
    QCOMPARE(h.page.result(id)->value("error")["message"].toString(), QStringLiteral("disk full"));
}

void tst_Bridge::stdExceptionIsInternal()
{
    Harness h;
    QVERIFY(h.attach());
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("threw.*boom")));
    const qint64 id = h.page.invoke(QStringLiteral("std"));
    QVERIFY(h.page.waitForResult(id));
    QCOMPARE(h.page.outcome(id), QStringLiteral("internal"));
    QCOMPARE(h.page.result(id)->value("error")["message"].toString(), QStringLiteral("boom"));
    QCOMPARE(h.bridge.pendingCallCount(), 0);
}

// ---- cancel and deadline ---------------------------------------------------------------------

void tst_Bridge::cancelReachesTheHandler()
{
    Harness h;
    QVERIFY(h.attach());
    const qint64 id = h.page.invoke(QStringLiteral("slow"));
    const auto promise = h.promise(id);
    QVERIFY(!promise->isCanceled());

    h.page.send(QJsonObject{{"t", "cancel"}, {"id", double(id)}, {"reason", "user left"}});
    QVERIFY(promise->isCanceled()); // the native work sees it at its next check
    QVERIFY(h.page.waitForResult(id));
    QCOMPARE(h.page.outcome(id), QStringLiteral("cancelled"));
    QVERIFY(h.page.result(id)->value("error")["message"].toString().contains("user left"));
    QCOMPARE(h.bridge.pendingCallCount(), 0);

    // The handler finishing anyway sends nothing more.
    promise->addResult(QJsonValue(1));
    promise->finish();
    drainEvents();
    QCOMPARE(h.page.results(id).size(), 1);
}

void tst_Bridge::cancelAfterCompletionChangesNothing()
{
    Harness h;
    QVERIFY(h.attach());
    QSignalSpy dropped(&h.bridge, &Bridge::envelopeDropped);
    const qint64 id = h.page.invoke(QStringLiteral("echo"), {{"text", "x"}});
    QVERIFY(h.page.waitForResult(id));
    const qsizetype batches = h.page.batches().size();

    h.page.send(QJsonObject{{"t", "cancel"}, {"id", double(id)}});
    h.page.send(QJsonObject{{"t", "cancel"}, {"id", 4242}}); // never existed
    drainEvents();
    QCOMPARE(h.page.batches().size(), batches);
    QCOMPARE(h.page.results(id).size(), 1);
    QCOMPARE(h.page.outcome(id), QStringLiteral("ok"));
    QCOMPARE(dropped.count(), 0);
    QCOMPARE(h.calls(), 1);
}

void tst_Bridge::deadlineTimesOut()
{
    Harness h;
    QVERIFY(h.attach());
    QElapsedTimer elapsed;
    elapsed.start();
    const qint64 id = h.page.invoke(QStringLiteral("slow"), {}, {{"deadline", 50}});
    QVERIFY(h.page.waitForResult(id));
    QVERIFY2(elapsed.elapsed() >= 40, qPrintable(QString::number(elapsed.elapsed())));
    QCOMPARE(h.page.outcome(id), QStringLiteral("timeout"));
    QVERIFY(h.page.result(id)->value("error")["message"].toString().contains("50"));
    QVERIFY(h.promise(id)->isCanceled());
    QCOMPARE(h.bridge.pendingCallCount(), 0);
}

void tst_Bridge::deadlineNotReached()
{
    Harness h;
    QVERIFY(h.attach());
    const qint64 slow = h.page.invoke(QStringLiteral("slow"), {}, {{"deadline", 60000}});
    const qint64 echo = h.page.invoke(QStringLiteral("echo"), {{"text", "x"}}, {{"deadline", 1}});
    h.promise(slow)->addResult(QJsonValue(7));
    h.promise(slow)->finish();
    QVERIFY(h.page.waitForResult(slow));
    QVERIFY(h.page.waitForResult(echo));
    QCOMPARE(h.page.outcome(slow), QStringLiteral("ok"));
    QCOMPARE(h.page.result(slow)->value("value"), QJsonValue(7));
    QCOMPARE(h.page.outcome(echo), QStringLiteral("ok")); // finished before its 1 ms ran out
    QVERIFY(!h.promise(slow)->isCanceled());
}

// ---- batching and page lifetime --------------------------------------------------------------

void tst_Bridge::oneTurnIsOneBatch()
{
    Harness h;
    QVERIFY(h.attach());
    drainEvents(); // a fresh turn: nothing went out in it yet
    const qsizetype before = h.page.batches().size();
    QList<QJsonObject> invokes;
    for (int i = 0; i < 20; ++i)
        invokes.append(
            h.page.invokeEnvelope(QStringLiteral("echo"), {{"text", QString::number(i)}}));
    // Everything one page batch produces is answered at once, as one batch, before send()
    // returns: a result does not wait for the next turn.
    h.page.send(invokes);
    QCOMPARE(h.page.batches().size(), before + 1);
    const QJsonArray results = h.page.batches().at(before);
    QCOMPARE(results.size(), 20);
    for (int i = 0; i < 20; ++i) {
        QCOMPARE(results.at(i)["t"].toString(), QStringLiteral("result"));
        QCOMPARE(results.at(i)["id"].toInt(), i + 1);
        QCOMPARE(results.at(i)["value"]["text"].toString(), QString::number(i));
    }
    // Whatever else the same turn produces waits for the turn to end and leaves as one batch.
    for (int i = 0; i < 30; ++i)
        h.bridge.emitEvent(QStringLiteral("tick"), i);
    QCOMPARE(h.page.batches().size(), before + 1);
    QVERIFY(h.page.waitForBatches(before + 2));
    drainEvents();
    QCOMPARE(h.page.batches().size(), before + 2);
    const QJsonArray events = h.page.batches().at(before + 1);
    QCOMPARE(events.size(), 30);
    for (int i = 0; i < 30; ++i) {
        QCOMPARE(events.at(i)["t"].toString(), QStringLiteral("event"));
        QCOMPARE(events.at(i)["payload"].toInt(), i);
    }
}

void tst_Bridge::firstInATurnGoesAtOnce()
{
    Harness h;
    QVERIFY(h.attach());
    drainEvents();
    const qsizetype before = h.page.batches().size();
    h.bridge.emitEvent(QStringLiteral("first"), 1);
    QCOMPARE(h.page.batches().size(), before + 1); // leading edge: no wait
    for (int i = 0; i < 100; ++i)
        h.bridge.emitEvent(QStringLiteral("flood"), i);
    QCOMPARE(h.page.batches().size(), before + 1); // the rest of the turn is batched
    QVERIFY(h.page.waitForBatches(before + 2));
    drainEvents();
    QCOMPARE(h.page.batches().size(), before + 2);
    QCOMPARE(h.page.batches().at(before + 1).size(), 100);
}

void tst_Bridge::batchesSplitAtMaxEnvelopesPerFlush()
{
    BridgeLimits limits;
    limits.maxEnvelopesPerFlush = 4;
    Harness h(limits);
    QVERIFY(h.attach());
    for (int i = 0; i < 10; ++i)
        h.bridge.emitEvent(QStringLiteral("e"), i);
    QVERIFY(h.page.waitForBatches(3));
    drainEvents();
    QCOMPARE(h.page.batches().size(), 3);
    QCOMPARE(h.page.batches().at(0).size(), 4);
    QCOMPARE(h.page.batches().at(1).size(), 4);
    QCOMPARE(h.page.batches().at(2).size(), 2);
    const QList<QJsonObject> all = h.page.envelopes();
    for (int i = 0; i < 10; ++i)
        QCOMPARE(all.at(i).value("payload").toInt(), i); // order survives the split
}

void tst_Bridge::bufferWhileDetachedIsBounded()
{
    BridgeLimits limits;
    limits.maxBufferedWhileDetached = 3;
    Harness h(limits);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("dropping the oldest")));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("dropping the oldest")));
    for (int i = 1; i <= 5; ++i)
        h.bridge.emitEvent(QStringLiteral("e"), i);
    h.page.hello();
    const QJsonArray batch = h.page.batches().first();
    QCOMPARE(batch.size(), 4);
    QCOMPARE(batch.at(0)["t"].toString(), QStringLiteral("welcome"));
    QCOMPARE(batch.at(1)["payload"].toInt(), 3); // the newest three survived
    QCOMPARE(batch.at(3)["payload"].toInt(), 5);
}

void tst_Bridge::detachDropsResultsKeepsEvents()
{
    Harness h;
    QVERIFY(h.attach());
    const qint64 echo = h.page.invoke(QStringLiteral("echo"), {{"text", "x"}});
    const qint64 slow = h.page.invoke(QStringLiteral("slow"));
    h.bridge.emitEvent(QStringLiteral("kept"), 1);
    h.bridge.detachPage(); // in the same turn: the echo's result has not left yet
    QVERIFY(!h.bridge.isPageAttached());
    QVERIFY(h.promise(slow)->isCanceled());
    QCOMPARE(h.bridge.pendingCallCount(), 0);
    // A page that is still there hears at once that its pending call ends: nothing hangs.
    QCOMPARE(h.page.batches().size(), 1);
    QCOMPARE(h.page.envelopes().size(), 1);
    QCOMPARE(h.page.outcome(slow), QStringLiteral("cancelled"));
    h.page.clear();
    h.bridge.emitEvent(QStringLiteral("while.away"), 2);
    drainEvents();
    QCOMPARE(h.page.batches().size(), 0);

    const QJsonObject welcome = h.page.hello();
    QCOMPARE(welcome.value("generation").toDouble(), 2.0);
    drainEvents();
    const QList<QJsonObject> all = h.page.envelopes();
    QCOMPARE(all.size(), 3);
    QCOMPARE(all.at(1).value("event").toString(), QStringLiteral("kept"));
    QCOMPARE(all.at(2).value("event").toString(), QStringLiteral("while.away"));
    QVERIFY(!h.page.result(echo));
}

void tst_Bridge::suspendHoldsAndResumeDelivers()
{
    Harness h;
    QVERIFY(!h.page.hello(QStringLiteral("doc-a")).isEmpty());
    h.page.clear();
    QCOMPARE(h.bridge.attachedDocument(), QStringLiteral("doc-a"));
    const qint64 slow = h.page.invoke(QStringLiteral("slow"));
    drainEvents();
    h.page.clear();
    h.bridge.suspendPage(); // a navigation started
    QVERIFY(h.bridge.isPageSuspended());
    h.bridge.emitEvent(QStringLiteral("during"), 1);
    h.promise(slow)->addResult(QJsonValue(7));
    h.promise(slow)->finish();
    const qint64 echo = h.page.invoke(QStringLiteral("echo"), {{"text", "held"}}); // still served
    drainEvents();
    QCOMPARE(h.page.batches().size(), 0);

    h.bridge.resumePage(); // it was refused: the same document is there
    QVERIFY(h.page.waitForResult(echo));
    drainEvents();
    QCOMPARE(h.page.outcome(slow), QStringLiteral("ok"));
    QCOMPARE(h.page.outcome(echo), QStringLiteral("ok"));
    QCOMPARE(h.page.ofType(QStringLiteral("event")).size(), 1);
    QVERIFY(h.page.ofType(QStringLiteral("welcome")).isEmpty());
}

void tst_Bridge::newDocumentEndsASuspension()
{
    Harness h;
    QVERIFY(!h.page.hello(QStringLiteral("doc-a")).isEmpty());
    const qint64 slow = h.page.invoke(QStringLiteral("slow"));
    drainEvents();
    h.page.clear();
    h.bridge.suspendPage();
    h.bridge.emitEvent(QStringLiteral("kept"), 1);
    const QJsonObject welcome = h.page.hello(QStringLiteral("doc-b"));
    QCOMPARE(welcome.value("generation").toDouble(), 2.0);
    QVERIFY(!h.bridge.isPageSuspended());
    QCOMPARE(h.bridge.attachedDocument(), QStringLiteral("doc-b"));
    QVERIFY(h.promise(slow)->isCanceled());
    drainEvents();
    // The old document is gone: its call is not answered to the new one, the event is.
    QVERIFY(!h.page.result(slow));
    QCOMPARE(h.page.envelopes().first().value("t").toString(), QStringLiteral("welcome"));
    QCOMPARE(h.page.ofType(QStringLiteral("event")).size(), 1);
}

void tst_Bridge::secondHelloOfTheSameDocumentRejectsItsCalls()
{
    Harness h;
    QVERIFY(!h.page.hello(QStringLiteral("doc-a")).isEmpty());
    const qint64 slow = h.page.invoke(QStringLiteral("slow"));
    drainEvents();
    h.page.clear();
    h.page.send(QJsonObject{{"t", "hello"}, {"doc", "doc-a"}});
    drainEvents();
    const QList<QJsonObject> all = h.page.envelopes();
    QVERIFY(all.size() >= 2);
    QCOMPARE(all.at(0).value("t").toString(), QStringLiteral("result")); // before the welcome
    QCOMPARE(h.page.outcome(slow), QStringLiteral("cancelled"));
    QCOMPARE(all.at(1).value("t").toString(), QStringLiteral("welcome"));
    QVERIFY(h.promise(slow)->isCanceled());
    QCOMPARE(h.bridge.pendingCallCount(), 0);
}

void tst_Bridge::shutdownRejectsPendingAndLaterCalls()
{
    Harness h;
    QVERIFY(h.attach());
    const qint64 slow = h.page.invoke(QStringLiteral("slow"));
    drainEvents();
    h.bridge.shutdown();
    QCOMPARE(h.page.outcome(slow), QStringLiteral("shutting_down"));
    QVERIFY(h.promise(slow)->isCanceled());
    const qint64 late = h.page.invoke(QStringLiteral("echo"), {{"text", "late"}});
    QVERIFY(h.page.waitForResult(late));
    QCOMPARE(h.page.outcome(late), QStringLiteral("shutting_down"));
}

// ---- page events -----------------------------------------------------------------------------

void tst_Bridge::pageEmit()
{
    Harness h;
    QVERIFY(h.attach());
    QSignalSpy events(&h.bridge, &Bridge::pageEvent);
    h.page.send({QJsonObject{{"t", "emit"},
                             {"event", "page.visible"},
                             {"payload", QJsonObject{{"visible", false}}}},
                 QJsonObject{{"t", "emit"}, {"event", QString(128, 'e')}}});
    QCOMPARE(events.count(), 2);
    QCOMPARE(events.at(0).at(0).toString(), QStringLiteral("page.visible"));
    QCOMPARE(events.at(0).at(1).value<QJsonValue>(), QJsonValue(QJsonObject{{"visible", false}}));
    QCOMPARE(events.at(1).at(0).toString().size(), 128);
    QVERIFY(events.at(1).at(1).value<QJsonValue>().isUndefined());
    drainEvents();
    QCOMPARE(h.page.batches().size(), 0); // page events are not echoed back
    QCOMPARE(h.calls(), 0);
}

// ---- native → page requests ------------------------------------------------------------------

void tst_Bridge::requestAnswered()
{
    Harness h;
    QVERIFY(h.attach());
    const QFuture<QJsonValue> future
        = h.bridge.request(QStringLiteral("confirm"), {{"question", "Proceed?"}});
    QVERIFY(!future.isFinished());
    QVERIFY(h.page.waitForBatches(1));
    const QList<QJsonObject> requests = h.page.ofType("request");
    QCOMPARE(requests.size(), 1);
    const QJsonObject request = requests.first();
    QCOMPARE(request.value("cmd").toString(), QStringLiteral("confirm"));
    QCOMPARE(request.value("args").toObject(), (QJsonObject{{"question", "Proceed?"}}));
    QVERIFY(request.value("id").toDouble() > 0);

    h.page.send(
        QJsonObject{{"t", "reply"}, {"id", request.value("id")}, {"ok", true}, {"value", true}});
    QTRY_VERIFY(future.isFinished());
    QVERIFY(!failureOf(future));
    QCOMPARE(future.result(), QJsonValue(true));
    QCOMPARE(h.calls(), 0);
}

void tst_Bridge::requestRefusedByThePage()
{
    Harness h;
    QVERIFY(h.attach());
    const QFuture<QJsonValue> future = h.bridge.request(QStringLiteral("confirm"));
    QVERIFY(h.page.waitForBatches(1));
    const QJsonValue id = h.page.ofType("request").first().value("id");
    h.page.send(QJsonObject{{"t", "reply"},
                            {"id", id},
                            {"ok", false},
                            {"error", QJsonObject{{"code", "not_found"},
                                                  {"message", "no handler"},
                                                  {"details", QJsonObject{{"cmd", "confirm"}}}}}});
    QTRY_VERIFY(future.isFinished());
    const auto error = failureOf(future);
    QVERIFY(error);
    QCOMPARE(error->code(), errorCodeName(ErrorCode::NotFound));
    QCOMPARE(error->message(), QStringLiteral("no handler"));
    QCOMPARE(error->details(), (QJsonObject{{"cmd", "confirm"}}));

    // A second reply to the same id is a stranger now.
    QSignalSpy dropped(&h.bridge, &Bridge::envelopeDropped);
    QTest::ignoreMessage(QtWarningMsg, kDropWarning);
    h.page.send(QJsonObject{{"t", "reply"}, {"id", id}, {"ok", true}, {"value", 1}});
    QCOMPARE(dropped.count(), 1);
}

void tst_Bridge::requestReplyMalformed_data()
{
    QTest::addColumn<QString>("template_"); // %1 is the request id
    QTest::addColumn<ErrorCode>("code");

    QTest::newRow("ok is not a boolean")
        << R"({"t":"reply","id":%1,"ok":"yes"})" << ErrorCode::InvalidArgs;
    QTest::newRow("ok missing") << R"({"t":"reply","id":%1,"value":1})" << ErrorCode::InvalidArgs;
    QTest::newRow("unknown error code")
        << R"({"t":"reply","id":%1,"ok":false,"error":{"code":"eh"}})" << ErrorCode::Internal;
    QTest::newRow("too large") << QStringLiteral(R"({"t":"reply","id":%1,"ok":true,"value":")")
                                      + QString(600, 'x') + QStringLiteral(R"("})")
                               << ErrorCode::TooLarge;
    QTest::newRow("malformed") << R"({"t":"reply","id":%1,"ok":tru)" << ErrorCode::InvalidArgs;
}

void tst_Bridge::requestReplyMalformed()
{
    QFETCH(QString, template_);
    QFETCH(ErrorCode, code);

    Harness h(smallLimits());
    QVERIFY(h.attach());
    const QFuture<QJsonValue> future = h.bridge.request(QStringLiteral("confirm"));
    QVERIFY(h.page.waitForBatches(1));
    const qint64 id = qint64(h.page.ofType("request").first().value("id").toDouble());
    h.page.sendTexts({template_.arg(id)});
    QTRY_VERIFY(future.isFinished());
    const auto error = failureOf(future);
    QVERIFY(error);
    QCOMPARE(error->code(), errorCodeName(code));
}

void tst_Bridge::requestTimesOut()
{
    BridgeLimits limits;
    limits.requestTimeout = std::chrono::milliseconds(50);
    Harness h(limits);
    QVERIFY(h.attach());
    const QFuture<QJsonValue> future = h.bridge.request(QStringLiteral("confirm"));
    QTRY_VERIFY_WITH_TIMEOUT(future.isFinished(), 5000);
    const auto error = failureOf(future);
    QVERIFY(error);
    QCOMPARE(error->code(), errorCodeName(ErrorCode::Timeout));
    QVERIFY(error->message().contains("confirm"));

    // A late reply finds nothing to answer.
    QSignalSpy dropped(&h.bridge, &Bridge::envelopeDropped);
    QTest::ignoreMessage(QtWarningMsg, kDropWarning);
    const QJsonValue id = h.page.ofType("request").first().value("id");
    h.page.send(QJsonObject{{"t", "reply"}, {"id", id}, {"ok", true}, {"value", 1}});
    QCOMPARE(dropped.count(), 1);
}

void tst_Bridge::requestResentAfterReload()
{
    Harness h;
    QVERIFY(h.attach());
    const QFuture<QJsonValue> future = h.bridge.request(QStringLiteral("confirm"), {{"q", 1}});
    QVERIFY(h.page.waitForBatches(1));
    const QJsonObject sent = h.page.ofType("request").first();

    h.bridge.detachPage(); // the page reloads before answering
    h.page.clear();
    h.page.hello();
    drainEvents();
    const QJsonArray batch = h.page.batches().first();
    QCOMPARE(batch.size(), 2);
    QCOMPARE(batch.at(0)["t"].toString(), QStringLiteral("welcome"));
    QCOMPARE(batch.at(1).toObject(), sent); // the same question, the same id
    QVERIFY(!future.isFinished());

    h.page.send(
        QJsonObject{{"t", "reply"}, {"id", sent.value("id")}, {"ok", true}, {"value", "yes"}});
    QTRY_VERIFY(future.isFinished());
    QCOMPARE(future.result(), QJsonValue("yes"));
}

void tst_Bridge::requestBeforeHelloWaitsForThePage()
{
    Harness h;
    const QFuture<QJsonValue> future = h.bridge.request(QStringLiteral("confirm"));
    drainEvents();
    QCOMPARE(h.page.batches().size(), 0);
    h.page.hello();
    const QJsonArray batch = h.page.batches().first();
    QCOMPARE(batch.size(), 2);
    QCOMPARE(batch.at(1)["t"].toString(), QStringLiteral("request"));
    h.page.send(QJsonObject{{"t", "reply"}, {"id", batch.at(1)["id"]}, {"ok", true}, {"value", 3}});
    QTRY_VERIFY(future.isFinished());
    QCOMPARE(future.result(), QJsonValue(3));
}

// ---- streams ---------------------------------------------------------------------------------

void tst_Bridge::streamPacedByCredit()
{
    Harness h;
    QVERIFY(h.attach());
    const qint64 id = h.page.invoke(QStringLiteral("produce"), {{"count", 5}}, {{"stream", 3}});
    QVERIFY(h.page.waitForResult(id));
    QCOMPARE(h.page.result(id)->value("value").toObject(), (QJsonObject{{"written", 5}}));
    QCOMPARE(h.writes, QList<bool>(5, true));
    QCOMPARE(h.seen.first().stream, (StreamHandle{h.bridge.generation(), 3}));
    drainEvents();
    QCOMPARE(h.page.ofType("chunk").size(), 0); // no credit yet: nothing flows
    QCOMPARE(h.page.ofType("end").size(), 0);   // and the end waits behind the items

    const auto grant = [&](int n) {
        h.page.send(QJsonObject{{"t", "credit"}, {"stream", 3}, {"n", n}});
    };
    grant(2);
    QVERIFY(h.page.waitFor([&] { return h.page.ofType("chunk").size() == 1; }));
    grant(2);
    QVERIFY(h.page.waitFor([&] { return h.page.ofType("chunk").size() == 2; }));
    drainEvents();
    QCOMPARE(h.page.ofType("end").size(), 0);
    grant(10);
    QVERIFY(h.page.waitFor([&] { return h.page.ofType("end").size() == 1; }));
    drainEvents();

    const QList<QJsonObject> chunks = h.page.ofType("chunk");
    QCOMPARE(chunks.size(), 3);
    const QList<QJsonArray> expected{QJsonArray{0, 1}, QJsonArray{2, 3}, QJsonArray{4}};
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(chunks.at(i).value("stream").toInt(), 3);
        QCOMPARE(chunks.at(i).value("seq").toInt(), i);
        QCOMPARE(chunks.at(i).value("items").toArray(), expected.at(i));
    }
    const QList<QJsonObject> all = h.page.envelopes();
    const QJsonObject end = h.page.ofType("end").first();
    QCOMPARE(end, (QJsonObject{{"t", "end"}, {"stream", 3}}));
    QVERIFY(all.indexOf(end) > all.indexOf(*h.page.result(id))); // end after the result
    QVERIFY(all.indexOf(end) > all.indexOf(chunks.last()));
    QVERIFY(!h.bridge.streams().isOpen(h.seen.first().stream));
}

void tst_Bridge::streamCreditInTheSameSend()
{
    Harness h;
    QVERIFY(h.attach());
    const QJsonObject invoke
        = h.page.invokeEnvelope(QStringLiteral("produce"), {{"count", 3}}, {{"stream", 4}});
    h.page.send({invoke, QJsonObject{{"t", "credit"}, {"stream", 4}, {"n", 10}}});
    QVERIFY(h.page.waitForBatches(1));
    drainEvents();
    QCOMPARE(h.page.batches().size(), 1); // result, items and end leave together
    const QJsonArray batch = h.page.batches().first();
    QCOMPARE(batch.size(), 3);
    QCOMPARE(batch.at(0)["t"].toString(), QStringLiteral("result"));
    QCOMPARE(batch.at(1)["t"].toString(), QStringLiteral("chunk"));
    QCOMPARE(batch.at(1)["items"].toArray(), (QJsonArray{0, 1, 2}));
    QCOMPARE(batch.at(2)["t"].toString(), QStringLiteral("end"));
}

void tst_Bridge::streamClosedByThePage()
{
    Harness h;
    QVERIFY(h.attach());
    QSignalSpy closed(&h.bridge.streams(), &StreamOutbox::closed);
    const qint64 id = h.page.invoke(QStringLiteral("slow"), {}, {{"stream", 6}});
    const StreamHandle stream = h.seen.first().stream;
    QCOMPARE(stream, (StreamHandle{h.bridge.generation(), 6}));
    QVERIFY(h.bridge.streams().write(stream, "first"));
    h.page.send(QJsonObject{{"t", "credit"}, {"stream", 6}, {"n", 10}});
    QVERIFY(h.page.waitFor([&] { return h.page.ofType("chunk").size() == 1; }));

    h.page.send(QJsonObject{{"t", "close"}, {"stream", 6}});
    QCOMPARE(closed.count(), 1);
    QCOMPARE(closed.first().first().value<StreamHandle>(), stream);
    QVERIFY(!h.bridge.streams().isOpen(stream));
    QVERIFY(!h.bridge.streams().write(stream, "second")); // the producer learns to stop
    QVERIFY(!h.promise(id)->isCanceled()); // closing the stream is not cancelling the call

    h.promise(id)->addResult(QJsonValue("done"));
    h.promise(id)->finish();
    QVERIFY(h.page.waitForResult(id));
    drainEvents();
    QCOMPARE(h.page.outcome(id), QStringLiteral("ok"));
    QCOMPARE(h.page.ofType("chunk").size(), 1);
    QCOMPARE(h.page.ofType("end").size(), 0); // the page already let go of it
}

void tst_Bridge::streamLatestWins()
{
    Harness h;
    QVERIFY(h.attach());
    const qint64 id = h.page.invoke(QStringLiteral("progress"), {{"count", 5}}, {{"stream", 7}});
    QVERIFY(h.page.waitForResult(id));
    drainEvents();
    const QList<QJsonObject> chunks = h.page.ofType("chunk");
    QCOMPARE(chunks.size(), 1); // no credit needed, and only the newest survived
    QCOMPARE(chunks.first().value("items").toArray(), QJsonArray{4});
    QCOMPARE(h.page.ofType("end").size(), 1);
    QCOMPARE(h.writes, QList<bool>(5, true));
}

void tst_Bridge::streamEndsWithTheHandlerError()
{
    Harness h;
    QVERIFY(h.attach());
    const QJsonObject invoke
        = h.page.invokeEnvelope(QStringLiteral("failstream"), {}, {{"stream", 8}});
    h.page.send({invoke, QJsonObject{{"t", "credit"}, {"stream", 8}, {"n", 5}}});
    QVERIFY(h.page.waitFor([&] { return h.page.ofType("end").size() == 1; }));
    QCOMPARE(h.page.outcome(invoke.value("id").toInt()), QStringLiteral("busy"));
    QCOMPARE(h.page.ofType("chunk").first().value("items").toArray(), QJsonArray{"partial"});
    const QJsonObject end = h.page.ofType("end").first();
    QCOMPARE(end.value("error")["code"].toString(), QStringLiteral("busy"));
}

void tst_Bridge::streamCancelledWithItsCall()
{
    Harness h;
    QVERIFY(h.attach());
    const qint64 id = h.page.invoke(QStringLiteral("slow"), {}, {{"stream", 9}});
    h.page.send(QJsonObject{{"t", "cancel"}, {"id", double(id)}});
    QVERIFY(h.page.waitFor([&] { return h.page.ofType("end").size() == 1; }));
    QCOMPARE(h.page.outcome(id), QStringLiteral("cancelled"));
    QCOMPARE(h.page.ofType("end").first().value("error")["code"].toString(),
             QStringLiteral("cancelled"));
    QVERIFY(!h.bridge.streams().isOpen(h.seen.first().stream));
}

void tst_Bridge::detachClosesStreams()
{
    Harness h;
    QVERIFY(h.attach());
    QSignalSpy closed(&h.bridge.streams(), &StreamOutbox::closed);
    h.page.invoke(QStringLiteral("slow"), {}, {{"stream", 2}});
    const StreamHandle stream = h.seen.first().stream;
    QVERIFY(h.bridge.streams().isOpen(stream));
    h.bridge.detachPage();
    QCOMPARE(closed.count(), 1);
    QVERIFY(!h.bridge.streams().write(stream, 1));

    // The next page's stream 2 is a different stream.
    h.page.hello();
    h.page.invoke(QStringLiteral("slow"), {}, {{"stream", 2}});
    const StreamHandle next = h.seen.last().stream;
    QCOMPARE(next.id, stream.id);
    QVERIFY(!(next == stream));
    QVERIFY(h.bridge.streams().isOpen(next));
    QVERIFY(!h.bridge.streams().isOpen(stream));
}

// ---- lifetime ------------------------------------------------------------------------------

void tst_Bridge::destructionCancelsEverything()
{
    auto h = std::make_unique<Harness>();
    QVERIFY(h->attach());
    const qint64 id = h->page.invoke(QStringLiteral("slow"));
    const auto promise = h->promise(id);
    const QFuture<QJsonValue> request = h->bridge.request(QStringLiteral("confirm"));
    h.reset();

    QVERIFY(promise->isCanceled()); // the native work is told to stop
    QVERIFY(request.isFinished());  // and nobody waits forever for the page
    const auto error = failureOf(request);
    QVERIFY(error);
    QCOMPARE(error->code(), errorCodeName(ErrorCode::Cancelled));
}

QTEST_GUILESS_MAIN(tst_Bridge)
#include "tst_bridge.moc"
