// SPDX-License-Identifier: MIT
// ProcessGateway between a real Bridge, driven by a simulated page, and the async process: played
// by the test (what the gateway sends is recorded, what the process says is handed to
// fromProcess()), or the real AsyncProcess in its own QThread, wired as ConduitRuntime wires it.
#include "PageSimulator.h"
#include <app/ProcessGateway.h>
#include <bridge/PageHub.h>
#include <worker/AsyncProcess.h>
#include <worker/ProcessMessage.h>

#include <QDateTime>
#include <QPointer>
#include <QRegularExpression>
#include <QTest>
#include <QThread>

#include <memory>
#include <optional>

using namespace Conduit;
using namespace std::chrono_literals;
using ConduitTest::drainEvents;

namespace {

constexpr int kWait = 20000; // generous: a shared two-core machine
const QString kText = QStringLiteral("text");

std::optional<CommandError> failureOf(const QFuture<QJsonValue> &future)
{
    try {
        QFuture<QJsonValue>(future).waitForFinished();
    } catch (const CommandError &error) {
        return error;
    }
    return std::nullopt;
}

// A bridge with the gateway's commands and a page; the process is the test's, or a real one.
struct Fixture
{
    explicit Fixture(const BridgeLimits &limits = {})
        : pages(limits)
    {
        gateway.registerCommands();
        // Everything the gateway says to the process, whoever plays it.
        QObject::connect(&gateway, &ProcessGateway::toProcess, &gateway,
                         [this](const ProcessMessage &message) { sent.append(message); });
    }

    ~Fixture()
    {
        stopProcess();
        // Settled while the gateway (the context of their continuations) is still alive.
        bridge.abandonRequests();
        gateway.abandonCalls();
    }

    // The real process, wired as ConduitRuntime wires it: queued both ways. Tests attach the page
    // first, so that nothing the process says lands in the welcome's batch, which attach() forgets.
    void startProcess(std::chrono::milliseconds tick)
    {
        thread = std::make_unique<QThread>();
        process = new AsyncProcess(tick);
        process->moveToThread(thread.get());
        QObject::connect(thread.get(), &QThread::started, process, &AsyncProcess::start);
        QObject::connect(thread.get(), &QThread::finished, process, &QObject::deleteLater);
        QObject::connect(&gateway, &ProcessGateway::toProcess, process, &AsyncProcess::post,
                         Qt::QueuedConnection);
        QObject::connect(process, &AsyncProcess::output, &gateway, &ProcessGateway::fromProcess,
                         Qt::QueuedConnection);
        thread->start();
    }

    bool stopProcess()
    {
        if (!thread || !thread->isRunning())
            return true;
        QMetaObject::invokeMethod(
            process, [p = process.data()] { p->stop(); }, Qt::QueuedConnection);
        thread->quit();
        const bool stopped = thread->wait(kWait);
        QCoreApplication::sendPostedEvents(); // what it said before it stopped
        return stopped && process.isNull();
    }

    bool attach()
    {
        const bool welcomed = !page.hello().isEmpty();
        page.clear();
        return welcomed;
    }

    // The calls the gateway sent (the process's input), in order.
    QList<ProcessMessage> sentOf(ProcessMessage::Kind kind) const
    {
        QList<ProcessMessage> matching;
        for (const ProcessMessage &message : sent) {
            if (message.kind == kind)
                matching.append(message);
        }
        return matching;
    }

    // Index of the first envelope of type `t` that matches, among everything the page got.
    qsizetype indexOf(const std::function<bool(const QJsonObject &)> &match) const
    {
        const QList<QJsonObject> all = page.envelopes();
        for (qsizetype i = 0; i < all.size(); ++i) {
            if (match(all.at(i)))
                return i;
        }
        return -1;
    }

    PageHub pages;
    Bridge &bridge = pages.open(QLatin1String(Bridge::kMainLabel));
    ProcessGateway gateway{pages};
    ConduitTest::PageSimulator page{bridge};
    QList<ProcessMessage> sent;
    std::unique_ptr<QThread> thread;
    QPointer<AsyncProcess> process;
};

BridgeLimits shortRequestTimeout()
{
    BridgeLimits limits;
    limits.requestTimeout = 300ms;
    return limits;
}

} // namespace

class tst_ProcessGateway : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // what it registers
    void registersEchoAndTell();

    // page → process commands, the process played by the test
    void commandsGoToTheProcess_data();
    void commandsGoToTheProcess();
    void invalidArgsStayOnThePage_data();
    void invalidArgsStayOnThePage();
    void processFailuresReachThePage_data();
    void processFailuresReachThePage();
    void callCarriesTheProcessAnswer();
    void strayAnswersAreIgnored();
    void cancelledCallIgnoresItsLateAnswer();
    void abandonCallsAnswersEveryCall();

    // events
    void eventsReachThePage_data();
    void eventsReachThePage();
    void routedEventsGoToTheirRoute();
    void pageEventsReachTheProcess_data();
    void pageEventsReachTheProcess();

    // process → page requests
    void requestAnsweredByThePage_data();
    void requestAnsweredByThePage();
    void requestRefusedByThePage_data();
    void requestRefusedByThePage();
    void requestTimesOut();
    void requestWaitsForThePage();
    void requestsAbandoned_data();
    void requestsAbandoned();

    // the real AsyncProcess
    void echoThroughTheProcess();
    void tellSpeaksAfterItsResult();
    void questionAnsweredByThePage_data();
    void questionAnsweredByThePage();
    void questionRefusedByThePage();
    void questionTimesOut();
    void ticksReachThePage();
    void hiddenPageStopsTheTicks();
    void unknownProcessCommand();
    void stoppedProcessLeavesNoCallWaiting();
};

// ---- what it registers -----------------------------------------------------------------------

void tst_ProcessGateway::registersEchoAndTell()
{
    Fixture f;
    QStringList names = f.bridge.commands().names();
    names.removeIf([](const QString &name) { return name.startsWith("windows."); }); // the hub's
    names.sort();
    QCOMPARE(names, (QStringList{"echo", "process.tell"}));
    // The events and the request it owns are declared to the page's types.
    const QString ts = f.bridge.api().typeScript(f.bridge.commands());
    for (const char *line : {
             "'echo': { args: { text: string }; result: { text: string } }",
             "'process.tell': { args: { text: string }; result: { id: number } }",
             "'process.output': { id: number; text: string; answer?: boolean; error?: "
             "ErrorPayload }",
             "'process.tick': { count: number; time: string }",
             "'process.visibility': { ticking: boolean }",
             "'page.visible': { visible: boolean }",
             "'confirm': { args: { question: string }; result: boolean }",
         }) {
        QVERIFY2(ts.contains(QLatin1String(line)), line);
    }
    QVERIFY(ts.indexOf("'page.visible'") > ts.indexOf("interface GeneratedPageEvents"));
    QVERIFY(ts.indexOf("'confirm'") > ts.indexOf("interface GeneratedRequests"));
}

// ---- page → process commands -----------------------------------------------------------------

void tst_ProcessGateway::commandsGoToTheProcess_data()
{
    QTest::addColumn<QString>("command");
    QTest::addColumn<QJsonObject>("args");
    QTest::addColumn<QString>("processCommand");
    QTest::addColumn<QJsonObject>("answer");

    QTest::newRow("echo") << "echo" << QJsonObject{{kText, QStringLiteral("hi ✓")}} << "echo"
                          << QJsonObject{{kText, QStringLiteral("hi ✓")}};
    const QString longest(64 * 1024, QLatin1Char('x'));
    QTest::newRow("echo of 64 KiB")
        << "echo" << QJsonObject{{kText, longest}} << "echo" << QJsonObject{{kText, longest}};
    QTest::newRow("echo of nothing")
        << "echo" << QJsonObject{{kText, ""}} << "echo" << QJsonObject{{kText, ""}};
    QTest::newRow("tell") << "process.tell" << QJsonObject{{kText, "hello"}} << "tell"
                          << QJsonObject{{"id", 7}};
    QTest::newRow("tell a question")
        << "process.tell" << QJsonObject{{kText, "Go?"}} << "tell" << QJsonObject{{"id", 8}};
}

void tst_ProcessGateway::commandsGoToTheProcess()
{
    QFETCH(QString, command);
    QFETCH(QJsonObject, args);
    QFETCH(QString, processCommand);
    QFETCH(QJsonObject, answer);

    Fixture f;
    QVERIFY(f.attach());
    const qint64 call = f.page.invoke(command, args);
    QCOMPARE(f.sent.size(), 1);
    const ProcessMessage sent = f.sent.first();
    QCOMPARE(sent.kind, ProcessMessage::Kind::Command);
    QCOMPARE(sent.id, 1ULL); // the gateway's own numbering, not the page's
    QCOMPARE(sent.name, processCommand);
    QCOMPARE(sent.body, QJsonValue(args));
    drainEvents();
    QVERIFY(!f.page.result(call)); // waits for the process
    QCOMPARE(f.bridge.pendingCallCount(), 1);

    f.gateway.fromProcess(ProcessMessage::result(sent.id, answer));
    QVERIFY(f.page.waitForResult(call, kWait));
    QCOMPARE(f.page.outcome(call), QStringLiteral("ok"));
    QCOMPARE(f.page.result(call)->value("value").toObject(), answer);
    QCOMPARE(f.bridge.pendingCallCount(), 0);
}

void tst_ProcessGateway::invalidArgsStayOnThePage_data()
{
    QTest::addColumn<QString>("command");
    QTest::addColumn<QJsonObject>("args");
    QTest::addColumn<QString>("argument");

    const QString tooLong(64 * 1024 + 1, QLatin1Char('x'));
    for (const QString &command : {QStringLiteral("echo"), QStringLiteral("process.tell")}) {
        const QByteArray c = command.toUtf8();
        QTest::addRow("%s: no text", c.constData()) << command << QJsonObject{} << "text";
        QTest::addRow("%s: null text", c.constData())
            << command << QJsonObject{{kText, QJsonValue::Null}} << "text";
        QTest::addRow("%s: a number", c.constData())
            << command << QJsonObject{{kText, 5}} << "text";
        QTest::addRow("%s: an array", c.constData())
            << command << QJsonObject{{kText, QJsonArray{"a"}}} << "text";
        QTest::addRow("%s: 64 KiB + 1", c.constData())
            << command << QJsonObject{{kText, tooLong}} << "text";
        QTest::addRow("%s: unknown argument", c.constData())
            << command << QJsonObject{{kText, "a"}, {"loud", true}} << "loud";
    }
}

void tst_ProcessGateway::invalidArgsStayOnThePage()
{
    QFETCH(QString, command);
    QFETCH(QJsonObject, args);
    QFETCH(QString, argument);

    Fixture f;
    QVERIFY(f.attach());
    const qint64 call = f.page.invoke(command, args);
    QVERIFY(f.page.waitForResult(call, kWait));
    QCOMPARE(f.page.outcome(call), QStringLiteral("invalid_args"));
    QCOMPARE(f.page.result(call)->value("error")["details"]["argument"].toString(), argument);
    QVERIFY(f.sent.isEmpty()); // the process never heard of it
    QCOMPARE(f.bridge.pendingCallCount(), 0);
}

void tst_ProcessGateway::processFailuresReachThePage_data()
{
    QTest::addColumn<QJsonValue>("body");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("message");
    QTest::addColumn<QJsonObject>("details");

    QTest::newRow("bridge code with details") << QJsonValue(QJsonObject{
        {"code", "not_found"}, {"message", "no task 9"}, {"details", QJsonObject{{"id", 9}}}})
                                              << "not_found"
                                              << "no task 9" << QJsonObject{{"id", 9}};
    QTest::newRow("unknown_command")
        << QJsonValue(QJsonObject{{"code", "unknown_command"}, {"message", "no 'x'"}})
        << "unknown_command"
        << "no 'x'" << QJsonObject{};
    QTest::newRow("shutting_down")
        << QJsonValue(QJsonObject{{"code", "shutting_down"}, {"message", "bye"}}) << "shutting_down"
        << "bye" << QJsonObject{};
    // Codes the bridge does not know are not passed through as they are.
    QTest::newRow("a task failure code")
        << QJsonValue(QJsonObject{{"code", "io_error"}, {"message", "disk"}}) << "internal"
        << "disk" << QJsonObject{};
    QTest::newRow("made-up code") << QJsonValue(QJsonObject{{"code", "oops"}, {"message", "m"}})
                                  << "internal"
                                  << "m" << QJsonObject{};
    QTest::newRow("empty object") << QJsonValue(QJsonObject{}) << "internal"
                                  << "" << QJsonObject{};
    QTest::newRow("not an object") << QJsonValue("boom") << "internal"
                                   << "" << QJsonObject{};
}

void tst_ProcessGateway::processFailuresReachThePage()
{
    QFETCH(QJsonValue, body);
    QFETCH(QString, code);
    QFETCH(QString, message);
    QFETCH(QJsonObject, details);

    Fixture f;
    QVERIFY(f.attach());
    const qint64 call = f.page.invoke("echo", {{kText, "x"}});
    QCOMPARE(f.sent.size(), 1);
    ProcessMessage failure = ProcessMessage::result(f.sent.first().id, body);
    failure.ok = false;
    f.gateway.fromProcess(failure);
    QVERIFY(f.page.waitForResult(call, kWait));
    const QJsonObject error = f.page.result(call)->value("error").toObject();
    QCOMPARE(error.value("code").toString(), code);
    QCOMPARE(error.value("message").toString(), message);
    QCOMPARE(error.value("details").toObject(), details);
    QCOMPARE(f.page.results(call).size(), 1);
}

void tst_ProcessGateway::callCarriesTheProcessAnswer()
{
    Fixture f;
    const QFuture<QJsonValue> first = f.gateway.call("any.thing", QJsonArray{1, 2});
    const QFuture<QJsonValue> second = f.gateway.call("other", QJsonObject{{"a", true}});
    const QFuture<QJsonValue> third = f.gateway.call("third", {});
    QCOMPARE(f.sent.size(), 3);
    QCOMPARE(f.sent.at(0).name, QStringLiteral("any.thing"));
    QCOMPARE(f.sent.at(0).body, QJsonValue(QJsonArray{1, 2}));
    QCOMPARE(f.sent.at(1).body, QJsonValue(QJsonObject{{"a", true}}));
    // Each call its own id, in order.
    QCOMPARE(f.sent.at(0).id, 1ULL);
    QCOMPARE(f.sent.at(1).id, 2ULL);
    QCOMPARE(f.sent.at(2).id, 3ULL);
    QVERIFY(!first.isFinished() && !second.isFinished() && !third.isFinished());

    // Answers in any order reach their own call.
    f.gateway.fromProcess(ProcessMessage::result(2, QJsonValue("second")));
    QVERIFY(second.isFinished());
    QVERIFY(!first.isFinished());
    QCOMPARE(second.result(), QJsonValue("second"));
    f.gateway.fromProcess(ProcessMessage::failure(1, "not_found", "no such thing"));
    const auto error = failureOf(first);
    QVERIFY(error);
    QCOMPARE(error->code(), QStringLiteral("not_found"));
    QCOMPARE(error->message(), QStringLiteral("no such thing"));
    f.gateway.fromProcess(ProcessMessage::result(3, QJsonValue()));
    QVERIFY(third.isFinished());
    QVERIFY(!failureOf(third));
}

void tst_ProcessGateway::strayAnswersAreIgnored()
{
    Fixture f;
    QVERIFY(f.attach());
    const qint64 call = f.page.invoke("echo", {{kText, "x"}});
    QCOMPARE(f.sent.size(), 1);
    const quint64 id = f.sent.first().id;

    f.gateway.fromProcess(ProcessMessage::result(id + 1, QJsonValue("never asked")));
    f.gateway.fromProcess(ProcessMessage::failure(id + 2, "internal", "never asked"));
    // Input kinds coming back are nobody's business.
    f.gateway.fromProcess(ProcessMessage::command(id, "echo", QJsonObject{{kText, "x"}}));
    f.gateway.fromProcess(ProcessMessage::reply(id, true, true));
    drainEvents();
    QVERIFY(f.page.envelopes().isEmpty());
    QCOMPARE(f.sent.size(), 1);
    QCOMPARE(f.bridge.pendingCallCount(), 1);

    f.gateway.fromProcess(ProcessMessage::result(id, QJsonObject{{kText, "x"}}));
    f.gateway.fromProcess(ProcessMessage::result(id, QJsonObject{{kText, "again"}}));
    QVERIFY(f.page.waitForResult(call, kWait));
    drainEvents();
    QCOMPARE(f.page.results(call).size(), 1);
    QCOMPARE(f.page.result(call)->value("value").toObject(), (QJsonObject{{kText, "x"}}));
}

void tst_ProcessGateway::cancelledCallIgnoresItsLateAnswer()
{
    Fixture f;
    QVERIFY(f.attach());
    const qint64 call = f.page.invoke("process.tell", {{kText, "slow"}});
    QCOMPARE(f.sent.size(), 1);
    f.page.send(QJsonObject{{"t", "cancel"}, {"id", double(call)}, {"reason", "aborted"}});
    QVERIFY(f.page.waitForResult(call, kWait));
    QCOMPARE(f.page.outcome(call), QStringLiteral("cancelled"));
    QCOMPARE(f.sent.size(), 1); // there is no cancel message for the process

    f.gateway.fromProcess(ProcessMessage::result(f.sent.first().id, QJsonObject{{"id", 1}}));
    drainEvents();
    QCOMPARE(f.page.results(call).size(), 1);
    QCOMPARE(f.page.outcome(call), QStringLiteral("cancelled"));
}

void tst_ProcessGateway::abandonCallsAnswersEveryCall()
{
    Fixture f;
    QVERIFY(f.attach());
    const QList<qint64> calls{f.page.invoke("echo", {{kText, "a"}}),
                              f.page.invoke("process.tell", {{kText, "b"}}),
                              f.page.invoke("echo", {{kText, "c"}})};
    const QFuture<QJsonValue> direct = f.gateway.call("tasks.list", QJsonObject{});
    QCOMPARE(f.sent.size(), 4);
    drainEvents();
    QCOMPARE(f.bridge.pendingCallCount(), 3);

    f.gateway.abandonCalls();
    for (qint64 call : calls) {
        QVERIFY(f.page.waitForResult(call, kWait));
        QCOMPARE(f.page.outcome(call), QStringLiteral("shutting_down"));
    }
    const auto error = failureOf(direct);
    QVERIFY(error);
    QCOMPARE(error->code(), QStringLiteral("shutting_down"));
    QCOMPARE(f.bridge.pendingCallCount(), 0);

    // A late answer to an abandoned call changes nothing; later calls work as before.
    f.gateway.fromProcess(ProcessMessage::result(1, QJsonObject{{kText, "a"}}));
    drainEvents();
    QCOMPARE(f.page.results(calls.first()).size(), 1);
    const qint64 later = f.page.invoke("echo", {{kText, "d"}});
    QCOMPARE(f.sent.last().id, 5ULL);
    f.gateway.fromProcess(ProcessMessage::result(5, QJsonObject{{kText, "d"}}));
    QVERIFY(f.page.waitForResult(later, kWait));
    QCOMPARE(f.page.outcome(later), QStringLiteral("ok"));
}

// ---- events ----------------------------------------------------------------------------------

void tst_ProcessGateway::eventsReachThePage_data()
{
    QTest::addColumn<QString>("event");
    QTest::addColumn<QJsonValue>("payload");

    QTest::newRow("process.output")
        << "process.output" << QJsonValue(QJsonObject{{"id", 1}, {kText, "hi"}});
    QTest::newRow("process.output answered")
        << "process.output" << QJsonValue(QJsonObject{{"id", 2}, {kText, "Go?"}, {"answer", true}});
    QTest::newRow("process.output refused")
        << "process.output"
        << QJsonValue(QJsonObject{
               {"id", 3},
               {kText, "Go?"},
               {"error", QJsonObject{{"code", "timeout"}, {"message", "nobody answered"}}}});
    QTest::newRow("process.tick") << "process.tick"
                                  << QJsonValue(QJsonObject{{"count", 3},
                                                            {"time", "2024-01-01T00:00:00.000Z"}});
    QTest::newRow("process.visibility")
        << "process.visibility" << QJsonValue(QJsonObject{{"ticking", false}});
    QTest::newRow("undeclared, not an object") << "custom.event" << QJsonValue(42);
}

void tst_ProcessGateway::eventsReachThePage()
{
    QFETCH(QString, event);
    QFETCH(QJsonValue, payload);

    Fixture f;
    QVERIFY(f.attach());
    f.gateway.fromProcess(ProcessMessage::event(event, payload));
    QVERIFY(f.page.waitFor([&] { return !f.page.events(event).isEmpty(); }, kWait));
    drainEvents();
    QCOMPARE(f.page.events(event), QList<QJsonValue>{payload});
    QCOMPARE(f.page.envelopes().size(), 1);
    QVERIFY(f.sent.isEmpty());
}

void tst_ProcessGateway::routedEventsGoToTheirRoute()
{
    Fixture f;
    QVERIFY(f.attach());
    QList<QJsonValue> first;
    QList<QJsonValue> second;
    f.gateway.routeEvent("task.state", [&](const QJsonValue &payload) { first.append(payload); });
    f.gateway.fromProcess(ProcessMessage::event("task.state", QJsonObject{{"id", 1}}));
    f.gateway.fromProcess(ProcessMessage::event("process.output", QJsonObject{{"id", 2}}));
    QCOMPARE(first, (QList<QJsonValue>{QJsonObject{{"id", 1}}}));

    // A second route for the same event replaces the first.
    f.gateway.routeEvent("task.state", [&](const QJsonValue &payload) { second.append(payload); });
    f.gateway.fromProcess(ProcessMessage::event("task.state", QJsonObject{{"id", 3}}));
    QCOMPARE(first.size(), 1);
    QCOMPARE(second, (QList<QJsonValue>{QJsonObject{{"id", 3}}}));

    QVERIFY(f.page.waitFor([&] { return !f.page.events("process.output").isEmpty(); }, kWait));
    drainEvents();
    QVERIFY(f.page.events("task.state").isEmpty()); // routed events skip the page
    QCOMPARE(f.page.events("process.output"), (QList<QJsonValue>{QJsonObject{{"id", 2}}}));
}

void tst_ProcessGateway::pageEventsReachTheProcess_data()
{
    QTest::addColumn<QString>("event");
    QTest::addColumn<QJsonValue>("payload");
    QTest::addColumn<bool>("forwarded");

    QTest::newRow("page.visible false")
        << "page.visible" << QJsonValue(QJsonObject{{"visible", false}}) << true;
    QTest::newRow("page.visible true")
        << "page.visible" << QJsonValue(QJsonObject{{"visible", true}}) << true;
    QTest::newRow("any other name") << "page.custom" << QJsonValue(QJsonArray{1, 2}) << true;
    QTest::newRow("128 characters") << QString(128, QLatin1Char('e')) << QJsonValue(1) << true;
    QTest::newRow("empty name") << "" << QJsonValue(1) << false;
    QTest::newRow("129 characters") << QString(129, QLatin1Char('e')) << QJsonValue(1) << false;
}

void tst_ProcessGateway::pageEventsReachTheProcess()
{
    QFETCH(QString, event);
    QFETCH(QJsonValue, payload);
    QFETCH(bool, forwarded);

    Fixture f;
    QVERIFY(f.attach());
    if (!forwarded)
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(QStringLiteral("^dropped envelope: ")));
    f.page.emitEvent(event, payload);
    if (!forwarded) {
        QVERIFY(f.sent.isEmpty());
        return;
    }
    QCOMPARE(f.sent.size(), 1);
    QCOMPARE(f.sent.first().kind, ProcessMessage::Kind::Event);
    QCOMPARE(f.sent.first().name, event);
    QCOMPARE(f.sent.first().body, payload);
}

// ---- process → page requests -----------------------------------------------------------------

void tst_ProcessGateway::requestAnsweredByThePage_data()
{
    QTest::addColumn<QJsonValue>("answer");
    QTest::newRow("yes") << QJsonValue(true);
    QTest::newRow("no") << QJsonValue(false);
    QTest::newRow("null") << QJsonValue(QJsonValue::Null);
}

void tst_ProcessGateway::requestAnsweredByThePage()
{
    QFETCH(QJsonValue, answer);

    Fixture f;
    QVERIFY(f.attach());
    f.gateway.fromProcess(ProcessMessage::request(5, "confirm", QJsonObject{{"question", "Go?"}}));
    QVERIFY(f.page.waitFor([&] { return !f.page.ofType("request").isEmpty(); }, kWait));
    const QJsonObject request = f.page.ofType("request").first();
    QCOMPARE(request.value("cmd").toString(), QStringLiteral("confirm"));
    QCOMPARE(request.value("args").toObject(), (QJsonObject{{"question", "Go?"}}));
    QVERIFY(f.sent.isEmpty()); // nothing goes back before the page answers

    f.page.reply(request.value("id"), answer);
    QTRY_COMPARE_WITH_TIMEOUT(f.sent.size(), 1, kWait);
    const ProcessMessage reply = f.sent.first();
    QCOMPARE(reply.kind, ProcessMessage::Kind::Reply);
    QCOMPARE(reply.id, 5ULL); // the process's id, not the bridge's
    QVERIFY(reply.ok);
    QCOMPARE(reply.body, answer);
}

void tst_ProcessGateway::requestRefusedByThePage_data()
{
    QTest::addColumn<QJsonObject>("reply"); // the reply envelope without t and id
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("message");

    QTest::newRow("no handler") << QJsonObject{{"ok", false},
                                               {"error", QJsonObject{{"code", "unknown_command"},
                                                                     {"message", "none"}}}}
                                << "unknown_command"
                                << "none";
    QTest::newRow("handler threw")
        << QJsonObject{{"ok", false},
                       {"error", QJsonObject{{"code", "internal"}, {"message", "it broke"}}}}
        << "internal"
        << "it broke";
    QTest::newRow("a code native does not know")
        << QJsonObject{{"ok", false}, {"error", QJsonObject{{"code", "nope"}, {"message", "m"}}}}
        << "internal"
        << "m";
    QTest::newRow("ok is not a boolean")
        << QJsonObject{{"ok", "yes"}, {"value", true}} << "invalid_args"
        << "reply needs a boolean 'ok'";
}

void tst_ProcessGateway::requestRefusedByThePage()
{
    QFETCH(QJsonObject, reply);
    QFETCH(QString, code);
    QFETCH(QString, message);

    Fixture f;
    QVERIFY(f.attach());
    f.gateway.fromProcess(ProcessMessage::request(9, "confirm", QJsonObject{{"question", "Go?"}}));
    QVERIFY(f.page.waitFor([&] { return !f.page.ofType("request").isEmpty(); }, kWait));
    QJsonObject envelope = reply;
    envelope.insert("t", "reply");
    envelope.insert("id", f.page.ofType("request").first().value("id"));
    f.page.send(envelope);
    QTRY_COMPARE_WITH_TIMEOUT(f.sent.size(), 1, kWait);
    QCOMPARE(f.sent.first().kind, ProcessMessage::Kind::Reply);
    QCOMPARE(f.sent.first().id, 9ULL);
    QVERIFY(!f.sent.first().ok);
    QCOMPARE(f.sent.first().body["code"].toString(), code);
    QCOMPARE(f.sent.first().body["message"].toString(), message);
}

void tst_ProcessGateway::requestTimesOut()
{
    Fixture f(shortRequestTimeout());
    QVERIFY(f.attach());
    f.gateway.fromProcess(ProcessMessage::request(3, "confirm", QJsonObject{{"question", "Go?"}}));
    QTRY_COMPARE_WITH_TIMEOUT(f.sent.size(), 1, kWait);
    QCOMPARE(f.sent.first().kind, ProcessMessage::Kind::Reply);
    QCOMPARE(f.sent.first().id, 3ULL);
    QVERIFY(!f.sent.first().ok);
    QCOMPARE(f.sent.first().body["code"].toString(), QStringLiteral("timeout"));
    // A reply that comes too late is the page's problem, not the process's.
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("^dropped envelope: ")));
    f.page.reply(f.page.ofType("request").first().value("id"), true);
    drainEvents();
    QCOMPARE(f.sent.size(), 1);
}

void tst_ProcessGateway::requestWaitsForThePage()
{
    Fixture f;
    f.gateway.fromProcess(ProcessMessage::request(4, "confirm", QJsonObject{{"question", "Go?"}}));
    drainEvents();
    QVERIFY(f.page.envelopes().isEmpty()); // no page yet
    const QJsonObject welcome = f.page.hello();
    QCOMPARE(welcome.value("t").toString(), QStringLiteral("welcome"));
    QVERIFY(f.page.waitFor([&] { return !f.page.ofType("request").isEmpty(); }, kWait));
    f.page.reply(f.page.ofType("request").first().value("id"), true);
    QTRY_COMPARE_WITH_TIMEOUT(f.sent.size(), 1, kWait);
    QCOMPARE(f.sent.first().id, 4ULL);
    QVERIFY(f.sent.first().ok);
    QCOMPARE(f.sent.first().body, QJsonValue(true));
}

void tst_ProcessGateway::requestsAbandoned_data()
{
    QTest::addColumn<bool>("shutdown"); // Bridge::shutdown, or abandonRequests alone
    QTest::newRow("abandonRequests") << false;
    QTest::newRow("shutdown") << true;
}

void tst_ProcessGateway::requestsAbandoned()
{
    QFETCH(bool, shutdown);

    Fixture f;
    QVERIFY(f.attach());
    f.gateway.fromProcess(ProcessMessage::request(1, "confirm", QJsonObject{{"question", "a?"}}));
    f.gateway.fromProcess(ProcessMessage::request(2, "confirm", QJsonObject{{"question", "b?"}}));
    QVERIFY(f.page.waitFor([&] { return f.page.ofType("request").size() == 2; }, kWait));
    if (shutdown)
        f.bridge.shutdown();
    else
        f.bridge.abandonRequests();
    // The process hears of each, so none of its questions waits forever.
    QTRY_COMPARE_WITH_TIMEOUT(f.sent.size(), 2, kWait);
    QList<quint64> ids;
    for (const ProcessMessage &reply : f.sent) {
        QCOMPARE(reply.kind, ProcessMessage::Kind::Reply);
        QVERIFY(!reply.ok);
        QCOMPARE(reply.body["code"].toString(), QStringLiteral("cancelled"));
        ids.append(reply.id);
    }
    std::sort(ids.begin(), ids.end());
    QCOMPARE(ids, (QList<quint64>{1, 2}));
}

// ---- the real AsyncProcess -------------------------------------------------------------------

void tst_ProcessGateway::echoThroughTheProcess()
{
    Fixture f;
    QVERIFY(f.attach());
    f.startProcess(1h);
    const qint64 call = f.page.invoke("echo", {{kText, QStringLiteral("hi ✓")}});
    QVERIFY(f.page.waitForResult(call, kWait));
    QCOMPARE(f.page.outcome(call), QStringLiteral("ok"));
    QCOMPARE(f.page.result(call)->value("value").toObject(),
             (QJsonObject{{kText, QStringLiteral("hi ✓")}}));
}

void tst_ProcessGateway::tellSpeaksAfterItsResult()
{
    Fixture f;
    QVERIFY(f.attach());
    f.startProcess(1h);
    const qint64 first = f.page.invoke("process.tell", {{kText, "hello"}});
    const qint64 second = f.page.invoke("process.tell", {{kText, "again"}});
    QVERIFY(f.page.waitFor([&] { return f.page.events("process.output").size() == 2; }, kWait));
    QCOMPARE(f.page.outcome(first), QStringLiteral("ok"));
    const double id = f.page.result(first)->value("value")["id"].toDouble();
    QVERIFY(id >= 1);
    QCOMPARE(f.page.result(second)->value("value")["id"].toDouble(), id + 1);
    QCOMPARE(f.page.events("process.output"),
             (QList<QJsonValue>{QJsonObject{{"id", id}, {kText, "hello"}},
                                QJsonObject{{"id", id + 1}, {kText, "again"}}}));
    // "Later": the result reaches the page before the output it announces.
    const qsizetype result = f.indexOf([&](const QJsonObject &e) {
        return e.value("t") == QLatin1String("result") && e.value("id").toDouble() == first;
    });
    const qsizetype output = f.indexOf([](const QJsonObject &e) {
        return e.value("t") == QLatin1String("event")
               && e.value("event") == QLatin1String("process.output");
    });
    QVERIFY2(result >= 0 && result < output,
             qPrintable(QStringLiteral("%1 %2").arg(result).arg(output)));
}

void tst_ProcessGateway::questionAnsweredByThePage_data()
{
    QTest::addColumn<bool>("answer");
    QTest::newRow("yes") << true;
    QTest::newRow("no") << false;
}

void tst_ProcessGateway::questionAnsweredByThePage()
{
    QFETCH(bool, answer);

    Fixture f;
    QVERIFY(f.attach());
    f.startProcess(1h);
    const qint64 call = f.page.invoke("process.tell", {{kText, "Shall we?"}});
    QVERIFY(f.page.waitFor([&] { return !f.page.ofType("request").isEmpty(); }, kWait));
    const QJsonObject request = f.page.ofType("request").first();
    QCOMPARE(request.value("cmd").toString(), QStringLiteral("confirm"));
    QCOMPARE(request.value("args").toObject(), (QJsonObject{{"question", "Shall we?"}}));
    QCOMPARE(f.page.outcome(call), QStringLiteral("ok"));
    QVERIFY(f.page.events("process.output").isEmpty()); // waits for the answer

    f.page.reply(request.value("id"), answer);
    QVERIFY(f.page.waitFor([&] { return !f.page.events("process.output").isEmpty(); }, kWait));
    QCOMPARE(f.page.events("process.output").first().toObject(),
             (QJsonObject{{"id", f.page.result(call)->value("value")["id"]},
                          {kText, "Shall we?"},
                          {"answer", answer}}));
}

void tst_ProcessGateway::questionRefusedByThePage()
{
    Fixture f;
    QVERIFY(f.attach());
    f.startProcess(1h);
    const qint64 call = f.page.invoke("process.tell", {{kText, "Go?"}});
    QVERIFY(f.page.waitFor([&] { return !f.page.ofType("request").isEmpty(); }, kWait));
    const QJsonObject error{{"code", "cancelled"}, {"message", "the dialog was closed"}};
    f.page.replyError(f.page.ofType("request").first().value("id"), error);
    QVERIFY(f.page.waitFor([&] { return !f.page.events("process.output").isEmpty(); }, kWait));
    const QJsonObject payload = f.page.events("process.output").first().toObject();
    QCOMPARE(payload.value("id"), f.page.result(call)->value("value")["id"]);
    QCOMPARE(payload.value("error").toObject(), error);
    QVERIFY(!payload.contains("answer"));
}

void tst_ProcessGateway::questionTimesOut()
{
    Fixture f(shortRequestTimeout());
    QVERIFY(f.attach());
    f.startProcess(1h);
    f.page.invoke("process.tell", {{kText, "Anyone?"}});
    QVERIFY(f.page.waitFor([&] { return !f.page.events("process.output").isEmpty(); }, kWait));
    const QJsonObject payload = f.page.events("process.output").first().toObject();
    QCOMPARE(payload.value(kText).toString(), QStringLiteral("Anyone?"));
    QCOMPARE(payload.value("error")["code"].toString(), QStringLiteral("timeout"));
    QVERIFY(!payload.contains("answer"));
}

void tst_ProcessGateway::ticksReachThePage()
{
    Fixture f;
    QVERIFY(f.attach());
    f.startProcess(20ms);
    QVERIFY(f.page.waitFor([&] { return f.page.events("process.tick").size() >= 3; }, kWait));
    const QList<QJsonValue> ticks = f.page.events("process.tick");
    for (qsizetype i = 0; i < ticks.size(); ++i) {
        QCOMPARE(ticks.at(i)["count"].toInt(), int(i + 1));
        const QDateTime time
            = QDateTime::fromString(ticks.at(i)["time"].toString(), Qt::ISODateWithMs);
        QVERIFY(time.isValid());
        QVERIFY(qAbs(time.msecsTo(QDateTime::currentDateTimeUtc())) < 600000);
    }
}

void tst_ProcessGateway::hiddenPageStopsTheTicks()
{
    Fixture f;
    QVERIFY(f.attach());
    f.startProcess(20ms);
    QVERIFY(f.page.waitFor([&] { return f.page.events("process.tick").size() >= 2; }, kWait));

    f.page.emitEvent("page.visible", QJsonObject{{"visible", false}});
    QVERIFY(f.page.waitFor([&] { return !f.page.events("process.visibility").isEmpty(); }, kWait));
    QCOMPARE(f.page.events("process.visibility").first().toObject(),
             (QJsonObject{{"ticking", false}}));
    drainEvents();
    const qsizetype before = f.page.events("process.tick").size();
    // Absence can only be shown by watching a while: fifteen tick intervals.
    QTest::qWait(300);
    QCOMPARE(f.page.events("process.tick").size(), before);

    f.page.emitEvent("page.visible", QJsonObject{{"visible", true}});
    QVERIFY(f.page.waitFor([&] { return f.page.events("process.visibility").size() == 2; }, kWait));
    QCOMPARE(f.page.events("process.visibility").last().toObject(),
             (QJsonObject{{"ticking", true}}));
    QVERIFY(f.page.waitFor([&] { return f.page.events("process.tick").size() > before; }, kWait));
    // The count carries on where it stopped.
    QCOMPARE(f.page.events("process.tick").at(before)["count"].toInt(), int(before + 1));
}

void tst_ProcessGateway::unknownProcessCommand()
{
    Fixture f;
    f.startProcess(1h);
    const QFuture<QJsonValue> future = f.gateway.call("frobnicate", QJsonObject{});
    QTRY_VERIFY_WITH_TIMEOUT(future.isFinished(), kWait);
    const auto error = failureOf(future);
    QVERIFY(error);
    QCOMPARE(error->code(), QStringLiteral("unknown_command"));
    QVERIFY(error->message().contains("frobnicate"));
}

void tst_ProcessGateway::stoppedProcessLeavesNoCallWaiting()
{
    Fixture f;
    QVERIFY(f.attach());
    f.startProcess(1h);
    const qint64 before = f.page.invoke("echo", {{kText, "alive"}});
    QVERIFY(f.page.waitForResult(before, kWait));
    QVERIFY(f.stopProcess());

    // Nobody is there to answer: the call waits until the gateway gives it up.
    const qint64 call = f.page.invoke("echo", {{kText, "anyone?"}});
    drainEvents();
    QVERIFY(!f.page.result(call));
    QCOMPARE(f.bridge.pendingCallCount(), 1);
    f.gateway.abandonCalls();
    QVERIFY(f.page.waitForResult(call, kWait));
    QCOMPARE(f.page.outcome(call), QStringLiteral("shutting_down"));
    QCOMPARE(f.bridge.pendingCallCount(), 0);
}

QTEST_GUILESS_MAIN(tst_ProcessGateway)
#include "tst_processgateway.moc"
