// SPDX-License-Identifier: MIT
// TaskGateway as the page meets it: a real Bridge driven by a simulated page, the ProcessGateway,
// and the real AsyncProcess in its own QThread with real task kinds (count, tail on a real file,
// hash on a real folder), wired as ConduitRuntime wires them.
#include "PageSimulator.h"
#include <app/ProcessGateway.h>
#include <app/TaskGateway.h>
#include <bridge/PageHub.h>
#include <schema/WireError.h>
#include <worker/AsyncProcess.h>
#include <worker/CountTask.h>
#include <worker/TaskManager.h>
#include <worker/TaskOutputLog.h>
#include <worker/TaskSnapshot.h>

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QPointer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <memory>
#include <optional>

using namespace Conduit;
using namespace std::chrono_literals;
using ConduitTest::drainEvents;

namespace {

constexpr int kWait = 20000; // generous: a shared two-core machine
// How far a producer runs ahead of acks.
constexpr int kWindow = TaskOutputLog::kDefaultWindow;

QJsonObject countArgs(qint64 to, qint64 stepMs)
{
    return QJsonObject{{"kind", "count"},
                       {"params", QJsonObject{{"to", double(to)}, {"stepMs", double(stepMs)}}}};
}

// A count that runs until it is stopped, nearly idle (it sleeps between steps).
QJsonObject endless()
{
    return countArgs(1'000'000'000, 10);
}

QJsonObject tailArgs(const QString &path)
{
    return QJsonObject{{"kind", "tail"},
                       {"params", QJsonObject{{"path", path}, {"fromStart", true}}}};
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

// A growing log file in a temporary folder: "line 1", "line 2", …
struct LogFile
{
    LogFile()
        : file(dir.filePath("app.log"))
    {
        QVERIFY(dir.isValid());
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Unbuffered));
    }
    void append(int from, int to)
    {
        for (int i = from; i <= to; ++i)
            file.write(QStringLiteral("line %1\n").arg(i).toUtf8());
    }
    QString path() const { return file.fileName(); }

    QTemporaryDir dir;
    QFile file;
};

// Everything behind the page, as ConduitRuntime has it, with the page simulated.
struct Runtime
{
    // `historyPath`: the process's task history (none if empty). `startNow` false: the process
    // starts only at thread.start(), so a page can say hello first.
    explicit Runtime(const BridgeLimits &limits = {}, const QString &historyPath = {},
                     bool startNow = true)
        : pages(limits)
    {
        const TaskKinds kinds = TaskKinds::builtIn().add(CountTask::declaration());
        process.registerCommands();
        tasks.registerCommands(kinds);
        worker = new AsyncProcess(1h, kinds, historyPath); // no ticks in the way
        worker->moveToThread(&thread);
        QObject::connect(&thread, &QThread::started, worker, &AsyncProcess::start);
        QObject::connect(&thread, &QThread::finished, worker, &QObject::deleteLater);
        QObject::connect(&process, &ProcessGateway::toProcess, worker, &AsyncProcess::post,
                         Qt::QueuedConnection);
        QObject::connect(worker, &AsyncProcess::output, &process, &ProcessGateway::fromProcess,
                         Qt::QueuedConnection);
        if (startNow)
            thread.start();
    }

    ~Runtime()
    {
        if (thread.isRunning()) {
            QMetaObject::invokeMethod(
                worker, [w = worker.data()] { w->stop(5s); }, Qt::QueuedConnection);
            thread.quit();
            if (!thread.wait(kWait))
                qFatal("the async process did not stop");
        }
        QCoreApplication::sendPostedEvents(); // its last words reach the gateways
        // Settled while the gateways (the context of their continuations) are alive.
        bridge.abandonRequests();
        process.abandonCalls();
    }

    // Sends hello; the page forgets everything before it. Returns the welcome.
    QJsonObject hello(const QString &document = QString())
    {
        drainEvents();
        page.clear();
        const QJsonObject welcome = page.hello(document, kWait);
        page.clear();
        return welcome;
    }

    // Invokes and waits for the result envelope.
    QJsonObject call(const QString &command, const QJsonObject &args = {},
                     const QJsonObject &extra = {})
    {
        const qint64 id = page.invoke(command, args, extra);
        if (!page.waitForResult(id, kWait))
            return {};
        return *page.result(id);
    }
    // The snapshot of a successful call (start, pause, …); an empty object otherwise.
    QJsonObject snapshot(const QString &command, const QJsonObject &args = {},
                         const QJsonObject &extra = {})
    {
        const QJsonObject result = call(command, args, extra);
        if (!result.value("ok").toBool())
            qWarning() << command << "failed:" << result;
        return result.value("value").toObject();
    }
    quint64 start(const QJsonObject &args, qint64 stream = 0)
    {
        const QJsonObject extra = stream ? QJsonObject{{"stream", double(stream)}} : QJsonObject{};
        return quint64(snapshot("tasks.start", args, extra).value("id").toDouble());
    }
    QJsonObject listed(quint64 id)
    {
        for (const QJsonValue &task : call("tasks.list").value("value").toArray()) {
            if (quint64(task["id"].toDouble()) == id)
                return task.toObject();
        }
        return {};
    }
    qint64 outputSeq(quint64 id) { return qint64(listed(id).value("outputSeq").toDouble()); }

    // The page's view: task.state events of one task.
    QStringList states(quint64 id) const
    {
        QStringList names;
        for (const QJsonValue &state : page.events("task.state")) {
            if (quint64(state["id"].toDouble()) == id)
                names.append(state["state"].toString());
        }
        return names;
    }
    QString lastState(quint64 id) const { return states(id).value(states(id).size() - 1); }

    PageHub pages;
    Bridge &bridge = pages.open(QLatin1String(Bridge::kMainLabel));
    ProcessGateway process{pages};
    TaskGateway tasks{pages, process};
    ConduitTest::PageSimulator page{bridge};
    QThread thread;
    QPointer<AsyncProcess> worker;
};

// The items a stream delivered must be exactly seq first, first + 1, …, each "line <seq>",
// and its chunks numbered 0, 1, 2, … in arrival order.
bool deliveredInOrder(const ConduitTest::PageSimulator &page, qint64 stream, int first,
                      QString *why)
{
    const QList<QJsonObject> chunks = page.ofStream("chunk", stream);
    for (qsizetype i = 0; i < chunks.size(); ++i) {
        if (chunks.at(i).value("seq").toInt() != i) {
            *why = QStringLiteral("chunk %1 has seq %2")
                       .arg(i)
                       .arg(chunks.at(i).value("seq").toInt());
            return false;
        }
    }
    const QJsonArray items = page.items(stream);
    for (int i = 0; i < items.size(); ++i) {
        const int seq = first + i;
        if (items.at(i)["seq"].toInt() != seq
            || items.at(i)["value"].toString() != QStringLiteral("line %1").arg(seq)) {
            *why = QStringLiteral("item %1 is seq %2 value %3, not %4")
                       .arg(i)
                       .arg(items.at(i)["seq"].toInt())
                       .arg(items.at(i)["value"].toString())
                       .arg(seq);
            return false;
        }
    }
    return true;
}

} // namespace

// A macro, so that a failure names the line that checked.
#define QVERIFY_IN_ORDER(page, stream, first)                                                      \
    do {                                                                                           \
        QString why;                                                                               \
        QVERIFY2(deliveredInOrder(page, stream, first, &why), qPrintable(why));                    \
    } while (false)

class tst_TaskGateway : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void registersTheTaskCommands();
    void startRunsToCompletion();
    void invalidArgsChangeNothing_data();
    void invalidArgsChangeNothing();
    void refusedByTheTaskManager_data();
    void refusedByTheTaskManager();
    void pauseResumeCancel();
    void finalStates_data();
    void finalStates();
    void progressIsNotBufferedForAnAbsentPage();
    void listAndForget();
    void nativeStart();
    void hashOnARealFolder();

    // output streams
    void outputIsPacedByCredit();
    void slowestReaderPacesTheProducer();
    void attachReplaysAfter_data();
    void attachReplaysAfter();
    void attachToAFinishedTask_data();
    void attachToAFinishedTask();
    void attachPastTheEndFollowsWhatComesNext();
    void aRefusedStartEndsItsStream();
    void forgetEndsALaggingReader();
    void aStreamInUseIsRefusedAndKept();

    // welcome and reload
    void welcomeReportsTasksAndTheRealLimit();
    void reloadFindsItsTasks();
    void everythingTheGatewaySendsHasItsDeclaredShape();

    // the task history
    void historyComesBackUnannounced_data();
    void historyComesBackUnannounced();
    void historyNoticeReachesThePage_data();
    void historyNoticeReachesThePage();
};

void tst_TaskGateway::registersTheTaskCommands()
{
    Runtime r;
    QVERIFY(!r.hello().isEmpty());
    const QStringList names = r.bridge.commands().names();
    for (const char *command : {"tasks.start", "tasks.attach", "tasks.pause", "tasks.resume",
                                "tasks.cancel", "tasks.list", "tasks.forget", "tasks.setLimit"})
        QVERIFY2(names.contains(QLatin1String(command)), command);
    // read and ack are between the gateway and the process: the page cannot invoke them.
    for (const char *command : {"tasks.read", "tasks.ack"}) {
        QVERIFY(!names.contains(QLatin1String(command)));
        QCOMPARE(r.call(command, {{"id", 1}}).value("error")["code"].toString(),
                 QStringLiteral("unknown_command"));
    }

    const QString ts = r.bridge.api().typeScript(r.bridge.commands());
    for (const char *line : {
             "'task.state': TaskSnapshot",
             "'task.progress': TaskProgressEvent",
             "export type TaskProgressEvent = { id: number; done: number; /** -1 while unknown "
             "*/ total: number;",
             "'tasks.pause': { args: { id: number }; result: TaskSnapshot }",
             "'tasks.attach': { args: { id: number; after?: number }; result: TaskSnapshot }",
             "'tasks.list': { args: Record<string, never>; result: TaskSnapshot[] }",
             "'tasks.setLimit': { args: { limit: number }; result: { limit: number } }",
             "'tasks.retry': { args: { id: number }; result: TaskSnapshot }",
             "'task.historyNotice': TaskHistoryNotice",
             "historyNotice?: TaskHistoryNotice",
             "export const taskLimit = {\"max\":64,\"min\":1} as const",
             "export const finalTaskStates = "
             "[\"completed\",\"failed\",\"cancelled\",\"timed_out\",\"interrupted\"]",
             "\"io_error\",\"network_error\",\"checksum_mismatch\",\"interrupted\"]",
             "count: { params: { to: number; stepMs?: number }; result: { count: number }",
         }) {
        QVERIFY2(ts.contains(QLatin1String(line)), line);
    }
}

void tst_TaskGateway::startRunsToCompletion()
{
    Runtime r;
    QVERIFY(!r.hello().isEmpty());
    QSignalSpy finished(&r.tasks, &TaskGateway::taskFinished);
    const QJsonObject started = r.snapshot("tasks.start", countArgs(5, 10));
    QCOMPARE(started.value("id").toInt(), 1);
    QCOMPARE(started.value("kind").toString(), QStringLiteral("count"));
    QCOMPARE(started.value("state").toString(), QStringLiteral("running"));
    QCOMPARE(started.value("params").toObject(), (QJsonObject{{"to", 5}, {"stepMs", 10}}));
    QCOMPARE(r.tasks.activeCount(), 1);

    QTRY_COMPARE_WITH_TIMEOUT(r.lastState(1), QStringLiteral("completed"), kWait);
    QCOMPARE(r.states(1), (QStringList{"queued", "running", "completed"}));
    const QJsonObject done = r.page.events("task.state").last().toObject();
    QCOMPARE(done.value("result").toObject(), (QJsonObject{{"count", 5}}));
    QCOMPARE(done.value("progress").toObject(),
             (QJsonObject{{"done", 5}, {"total", 5}, {"unit", "items"}}));
    // The final progress reached the page before the final state.
    const QList<QJsonValue> progress = r.page.events("task.progress");
    QVERIFY(!progress.isEmpty());
    QCOMPARE(progress.last().toObject(),
             (QJsonObject{{"id", 1}, {"done", 5}, {"total", 5}, {"unit", "items"}}));
    qsizetype lastProgress = -1;
    qsizetype finalState = -1;
    const QList<QJsonObject> all = r.page.envelopes();
    for (qsizetype i = 0; i < all.size(); ++i) {
        if (all.at(i).value("event") == QLatin1String("task.progress"))
            lastProgress = i;
        if (all.at(i).value("event") == QLatin1String("task.state")
            && all.at(i)["payload"]["state"] == QLatin1String("completed"))
            finalState = i;
    }
    QVERIFY(lastProgress >= 0 && lastProgress < finalState);

    QCOMPARE(finished.count(), 1);
    QCOMPARE(finished.first().first().toJsonObject().value("state").toString(),
             QStringLiteral("completed"));
    QCOMPARE(r.tasks.activeCount(), 0);
    QCOMPARE(r.listed(1), done); // the list is what the last event said
}

void tst_TaskGateway::invalidArgsChangeNothing_data()
{
    QTest::addColumn<QString>("command");
    QTest::addColumn<QJsonObject>("args");
    QTest::addColumn<QString>("argument");

    const auto withCount = [](std::initializer_list<QPair<QString, QJsonValue>> extra) {
        QJsonObject args = countArgs(1, 0);
        for (const auto &[key, value] : extra)
            args.insert(key, value);
        return args;
    };
    // Refused by the command's schema, before the process hears of it …
    QTest::newRow("start: no kind") << "tasks.start" << QJsonObject{} << "kind";
    QTest::newRow("start: unknown kind")
        << "tasks.start" << QJsonObject{{"kind", "mine"}} << "kind";
    QTest::newRow("start: kind a number") << "tasks.start" << QJsonObject{{"kind", 5}} << "kind";
    QTest::newRow("start: params a number")
        << "tasks.start" << QJsonObject{{"kind", "count"}, {"params", 5}} << "params";
    QTest::newRow("start: priority too high")
        << "tasks.start" << withCount({{"priority", 1001}}) << "priority";
    QTest::newRow("start: priority a fraction")
        << "tasks.start" << withCount({{"priority", 1.5}}) << "priority";
    QTest::newRow("start: timeout 0")
        << "tasks.start" << withCount({{"timeoutMs", 0}}) << "timeoutMs";
    QTest::newRow("start: timeout over 7 days")
        << "tasks.start" << withCount({{"timeoutMs", 7.0 * 24 * 3600 * 1000 + 1}}) << "timeoutMs";
    QTest::newRow("start: unknown argument")
        << "tasks.start" << withCount({{"bogus", 1}}) << "bogus";
    // … and by the kind's declaration, in the process.
    QTest::newRow("start: param of the wrong type")
        << "tasks.start" << QJsonObject{{"kind", "count"}, {"params", QJsonObject{{"to", "ten"}}}}
        << "to";
    QTest::newRow("start: unknown param")
        << "tasks.start"
        << QJsonObject{{"kind", "count"}, {"params", QJsonObject{{"to", 1}, {"x", 1}}}} << "x";
    QTest::newRow("start: relative root")
        << "tasks.start" << QJsonObject{{"kind", "hash"}, {"params", QJsonObject{{"root", "a"}}}}
        << "root";
    QTest::newRow("start: missing root")
        << "tasks.start"
        << QJsonObject{{"kind", "hash"}, {"params", QJsonObject{{"root", "/no/such/folder"}}}}
        << "root";
    QTest::newRow("start: a resource path")
        << "tasks.start"
        << QJsonObject{{"kind", "tail"}, {"params", QJsonObject{{"path", ":/web/index.html"}}}}
        << "path";

    for (const char *verb : {"pause", "resume", "cancel", "forget", "attach"}) {
        const QString command = QStringLiteral("tasks.%1").arg(QLatin1String(verb));
        QTest::addRow("%s: no id", verb) << command << QJsonObject{} << "id";
        QTest::addRow("%s: id 0", verb) << command << QJsonObject{{"id", 0}} << "id";
        QTest::addRow("%s: id a string", verb) << command << QJsonObject{{"id", "1"}} << "id";
        QTest::addRow("%s: id a fraction", verb) << command << QJsonObject{{"id", 1.5}} << "id";
        QTest::addRow("%s: unknown argument", verb)
            << command << QJsonObject{{"id", 1}, {"force", true}} << "force";
    }
    QTest::newRow("attach: negative after")
        << "tasks.attach" << QJsonObject{{"id", 1}, {"after", -1}} << "after";
    QTest::newRow("list: unknown argument") << "tasks.list" << QJsonObject{{"all", true}} << "all";
    QTest::newRow("setLimit: 0") << "tasks.setLimit" << QJsonObject{{"limit", 0}} << "limit";
    QTest::newRow("setLimit: 65") << "tasks.setLimit" << QJsonObject{{"limit", 65}} << "limit";
    QTest::newRow("setLimit: none") << "tasks.setLimit" << QJsonObject{} << "limit";
    QTest::newRow("setLimit: a string")
        << "tasks.setLimit" << QJsonObject{{"limit", "4"}} << "limit";
}

void tst_TaskGateway::invalidArgsChangeNothing()
{
    QFETCH(QString, command);
    QFETCH(QJsonObject, args);
    QFETCH(QString, argument);

    Runtime r;
    QVERIFY(!r.hello().isEmpty());
    QCOMPARE(r.start(countArgs(1, 0)), 1ULL);
    QTRY_COMPARE_WITH_TIMEOUT(r.lastState(1), QStringLiteral("completed"), kWait);
    const QJsonObject before = r.hello().value("snapshot").toObject();
    QCOMPARE(before.value("tasks").toArray().size(), 1);

    const QJsonObject result = r.call(command, args, {{"stream", 1}});
    QCOMPARE(result.value("ok"), QJsonValue(false));
    QCOMPARE(result.value("error")["code"].toString(), QStringLiteral("invalid_args"));
    QCOMPARE(result.value("error")["details"]["argument"].toString(), argument);

    // Nothing was said, kept, made or changed.
    drainEvents();
    QVERIFY(r.page.events("task.state").isEmpty());
    QVERIFY(r.page.ofType("chunk").isEmpty());
    QCOMPARE(r.hello().value("snapshot").toObject(), before);
    QCOMPARE(r.start(countArgs(1, 0)), 2ULL); // the process took no id
}

void tst_TaskGateway::refusedByTheTaskManager_data()
{
    QTest::addColumn<QString>("command");
    QTest::addColumn<QString>(
        "task"); // "completed" (id 1), "running" (2), "queued" (3), "none" (99)
    QTest::addColumn<QString>("code");
    QTest::addColumn<QJsonObject>("details");

    QTest::newRow("pause a completed task")
        << "tasks.pause"
        << "completed"
        << "invalid_args" << QJsonObject{{"state", "completed"}};
    QTest::newRow("pause a queued task") << "tasks.pause"
                                         << "queued"
                                         << "invalid_args" << QJsonObject{{"state", "queued"}};
    QTest::newRow("resume a running task") << "tasks.resume"
                                           << "running"
                                           << "invalid_args" << QJsonObject{{"state", "running"}};
    QTest::newRow("cancel a completed task")
        << "tasks.cancel"
        << "completed"
        << "invalid_args" << QJsonObject{{"state", "completed"}};
    QTest::newRow("forget a running task") << "tasks.forget"
                                           << "running"
                                           << "invalid_args" << QJsonObject{{"state", "running"}};
    QTest::newRow("forget a queued task") << "tasks.forget"
                                          << "queued"
                                          << "invalid_args" << QJsonObject{{"state", "queued"}};
    for (const char *command :
         {"tasks.pause", "tasks.resume", "tasks.cancel", "tasks.forget", "tasks.attach"})
        QTest::addRow("%s an unknown task", command) << command << "none"
                                                     << "not_found" << QJsonObject{{"id", 99}};
}

void tst_TaskGateway::refusedByTheTaskManager()
{
    QFETCH(QString, command);
    QFETCH(QString, task);
    QFETCH(QString, code);
    QFETCH(QJsonObject, details);

    Runtime r;
    QVERIFY(!r.hello().isEmpty());
    QCOMPARE(r.start(countArgs(1, 0)), 1ULL);
    QTRY_COMPARE_WITH_TIMEOUT(r.lastState(1), QStringLiteral("completed"), kWait);
    QCOMPARE(r.snapshot("tasks.setLimit", {{"limit", 1}}), (QJsonObject{{"limit", 1}}));
    QCOMPARE(r.start(endless()), 2ULL);
    QCOMPARE(r.start(endless()), 3ULL);
    QTRY_COMPARE_WITH_TIMEOUT(r.lastState(2), QStringLiteral("running"), kWait);
    QCOMPARE(r.lastState(3), QStringLiteral("queued"));
    const QJsonArray before = r.call("tasks.list").value("value").toArray();

    const int id
        = QHash<QString, int>{{"completed", 1}, {"running", 2}, {"queued", 3}}.value(task, 99);
    const QJsonObject result = r.call(command, {{"id", id}});
    QCOMPARE(result.value("ok"), QJsonValue(false));
    QCOMPARE(result.value("error")["code"].toString(), code);
    QCOMPARE(result.value("error")["details"].toObject(), details);
    QStringList states;
    for (const QJsonValue &listed : r.call("tasks.list").value("value").toArray())
        states.append(listed["state"].toString());
    QCOMPARE(states, (QStringList{"completed", "running", "queued"}));
    QCOMPARE(r.call("tasks.list").value("value").toArray().size(), before.size());
}

void tst_TaskGateway::pauseResumeCancel()
{
    Runtime r;
    QVERIFY(!r.hello().isEmpty());
    QSignalSpy finished(&r.tasks, &TaskGateway::taskFinished);
    QCOMPARE(r.start(countArgs(1'000'000, 5)), 1ULL);
    QTRY_VERIFY_WITH_TIMEOUT(!r.page.events("task.progress").isEmpty(), kWait);

    QCOMPARE(r.snapshot("tasks.pause", {{"id", 1}}).value("state").toString(),
             QStringLiteral("paused"));
    QTRY_COMPARE_WITH_TIMEOUT(r.lastState(1), QStringLiteral("paused"), kWait);
    QCOMPARE(r.listed(1).value("state").toString(), QStringLiteral("paused"));
    QCOMPARE(r.tasks.activeCount(), 1); // paused is still active

    QCOMPARE(r.snapshot("tasks.resume", {{"id", 1}}).value("state").toString(),
             QStringLiteral("running"));
    QTRY_COMPARE_WITH_TIMEOUT(r.lastState(1), QStringLiteral("running"), kWait);
    const qint64 resumedAt = qint64(r.page.events("task.progress").last()["done"].toDouble());
    QTRY_VERIFY_WITH_TIMEOUT(
        r.page.events("task.progress").last()["done"].toDouble() > double(resumedAt), kWait);

    QCOMPARE(r.snapshot("tasks.cancel", {{"id", 1}}).value("id").toInt(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(r.lastState(1), QStringLiteral("cancelled"), kWait);
    QCOMPARE(r.states(1), (QStringList{"queued", "running", "paused", "running", "cancelled"}));
    const QJsonObject final = r.listed(1);
    QCOMPARE(final.value("state").toString(), QStringLiteral("cancelled"));
    QCOMPARE(final.value("error")["code"].toString(), QStringLiteral("cancelled"));
    QCOMPARE(finished.count(), 1);
    QCOMPARE(r.tasks.activeCount(), 0);
}

void tst_TaskGateway::finalStates_data()
{
    QTest::addColumn<QJsonObject>("args");
    QTest::addColumn<QString>("how"); // what the test does after starting it
    QTest::addColumn<QString>("state");
    QTest::addColumn<QString>("code"); // the final error's, "" for none

    QTest::newRow("completed") << countArgs(3, 0) << ""
                               << "completed"
                               << "";
    QTest::newRow("cancelled while running") << endless() << "cancel"
                                             << "cancelled"
                                             << "cancelled";
    QTest::newRow("cancelled while queued") << endless() << "queue, cancel"
                                            << "cancelled"
                                            << "cancelled";
    QJsonObject timed = endless();
    timed.insert("timeoutMs", 200);
    QTest::newRow("timed out") << timed << ""
                               << "timed_out"
                               << "timeout";
}

void tst_TaskGateway::finalStates()
{
    QFETCH(QJsonObject, args);
    QFETCH(QString, how);
    QFETCH(QString, state);
    QFETCH(QString, code);

    Runtime r;
    QVERIFY(!r.hello().isEmpty());
    QSignalSpy finished(&r.tasks, &TaskGateway::taskFinished);
    quint64 id = 0;
    if (how.startsWith("queue")) {
        QVERIFY(r.call("tasks.setLimit", {{"limit", 1}}).value("ok").toBool());
        QCOMPARE(r.start(endless()), 1ULL);
        id = r.start(args);
        QCOMPARE(r.lastState(id), QStringLiteral("queued"));
        QCOMPARE(r.tasks.activeCount(), 2);
    } else {
        id = r.start(args);
    }
    QVERIFY(id > 0);
    if (how.endsWith("cancel"))
        QVERIFY(r.call("tasks.cancel", {{"id", double(id)}}).value("ok").toBool());

    QTRY_COMPARE_WITH_TIMEOUT(r.lastState(id), state, kWait);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWait);
    const QJsonObject snapshot = finished.first().first().toJsonObject();
    QCOMPARE(snapshot.value("id").toInt(), int(id));
    QCOMPARE(snapshot.value("state").toString(), state);
    QCOMPARE(snapshot.value("error")["code"].toString(), code);
    QCOMPARE(r.listed(id), snapshot);
    if (how.startsWith("queue"))
        QCOMPARE(r.states(id), (QStringList{"queued", "cancelled"})); // it never ran
    QCOMPARE(r.tasks.activeCount(), how.startsWith("queue") ? 1 : 0);
}

void tst_TaskGateway::progressIsNotBufferedForAnAbsentPage()
{
    Runtime r;
    QVERIFY(!r.hello().isEmpty());
    QSignalSpy finished(&r.tasks, &TaskGateway::taskFinished);
    QCOMPARE(r.start(countArgs(30, 20)), 1ULL);
    QTRY_VERIFY_WITH_TIMEOUT(!r.page.events("task.progress").isEmpty(), kWait);
    drainEvents();
    r.bridge.detachPage(); // the renderer died
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWait);

    r.page.clear();
    const QJsonObject welcome = r.page.hello(QString(), kWait);
    const QJsonArray tasks = welcome.value("snapshot")["tasks"].toArray();
    QCOMPARE(tasks.size(), 1);
    QCOMPARE(tasks.at(0)["state"].toString(), QStringLiteral("completed"));
    QCOMPARE(tasks.at(0)["progress"].toObject(),
             (QJsonObject{{"done", 30}, {"total", 30}, {"unit", "items"}}));
    drainEvents();
    // After the welcome: the state changes that happened while away, and no progress.
    QList<QJsonObject> after = r.page.envelopes();
    QCOMPARE(after.takeFirst().value("t").toString(), QStringLiteral("welcome"));
    QVERIFY(!after.isEmpty());
    for (const QJsonObject &envelope : after) {
        QCOMPARE(envelope.value("t").toString(), QStringLiteral("event"));
        QCOMPARE(envelope.value("event").toString(), QStringLiteral("task.state"));
    }
    QCOMPARE(after.last().value("payload")["state"].toString(), QStringLiteral("completed"));
}

void tst_TaskGateway::listAndForget()
{
    Runtime r;
    QVERIFY(!r.hello().isEmpty());
    QCOMPARE(r.call("tasks.list").value("value"), QJsonValue(QJsonArray{}));
    QCOMPARE(r.start(countArgs(1, 0)), 1ULL);
    QCOMPARE(r.start(countArgs(2, 0)), 2ULL);
    QTRY_VERIFY_WITH_TIMEOUT(r.lastState(1) == QLatin1String("completed")
                                 && r.lastState(2) == QLatin1String("completed"),
                             kWait);
    const QJsonArray listed = r.call("tasks.list").value("value").toArray();
    QCOMPARE(listed.size(), 2);
    QCOMPARE(listed.at(0)["id"].toInt(), 1);
    QCOMPARE(listed.at(1)["id"].toInt(), 2);

    QCOMPARE(r.call("tasks.forget", {{"id", 1}}).value("value"), QJsonValue(QJsonObject{}));
    const QJsonArray after = r.call("tasks.list").value("value").toArray();
    QCOMPARE(after.size(), 1);
    QCOMPARE(after.at(0)["id"].toInt(), 2);
    QCOMPARE(r.call("tasks.attach", {{"id", 1}}).value("error")["code"].toString(),
             QStringLiteral("not_found"));
    QCOMPARE(r.call("tasks.forget", {{"id", 1}}).value("error")["code"].toString(),
             QStringLiteral("not_found"));
    const QJsonArray welcomed = r.hello().value("snapshot")["tasks"].toArray();
    QCOMPARE(welcomed.size(), 1);
    QCOMPARE(welcomed.at(0)["id"].toInt(), 2);
}

void tst_TaskGateway::nativeStart()
{
    Runtime r;
    QVERIFY(!r.hello().isEmpty());
    const QFuture<QJsonValue> started
        = r.tasks.start("count", QJsonObject{{"to", 2}, {"stepMs", 0}});
    QTRY_VERIFY_WITH_TIMEOUT(started.isFinished(), kWait);
    QVERIFY(!failureOf(started));
    QCOMPARE(started.result()["id"].toInt(), 1);
    QCOMPARE(started.result()["kind"].toString(), QStringLiteral("count"));
    QTRY_COMPARE_WITH_TIMEOUT(r.lastState(1), QStringLiteral("completed"), kWait);

    // No schema stands between a native caller and the process: the task manager refuses.
    const QFuture<QJsonValue> badParams = r.tasks.start("count", QJsonObject{{"to", "x"}});
    QTRY_VERIFY_WITH_TIMEOUT(badParams.isFinished(), kWait);
    auto error = failureOf(badParams);
    QVERIFY(error);
    QCOMPARE(error->code(), QStringLiteral("invalid_args"));
    QCOMPARE(error->details().value("argument").toString(), QStringLiteral("to"));
    const QFuture<QJsonValue> badKind = r.tasks.start("mine", QJsonObject{});
    QTRY_VERIFY_WITH_TIMEOUT(badKind.isFinished(), kWait);
    error = failureOf(badKind);
    QVERIFY(error);
    QCOMPARE(error->code(), QStringLiteral("invalid_args"));
    QCOMPARE(error->details().value("kind").toString(), QStringLiteral("mine"));
    QCOMPARE(r.tasks.tasks().size(), 1);
}

void tst_TaskGateway::hashOnARealFolder()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QStringList expected;
    qint64 bytes = 0;
    for (int i = 0; i < 3; ++i) {
        const QByteArray content(1000 * (i + 1), char('a' + i));
        QFile file(dir.filePath(QStringLiteral("f%1.txt").arg(i)));
        QVERIFY(file.open(QIODevice::WriteOnly));
        bytes += file.write(content);
        expected.append(QString::fromLatin1(
                            QCryptographicHash::hash(content, QCryptographicHash::Sha256).toHex())
                        + QStringLiteral("  f%1.txt").arg(i));
    }

    Runtime r;
    QVERIFY(!r.hello().isEmpty());
    const quint64 id = r.start({{"kind", "hash"}, {"params", QJsonObject{{"root", dir.path()}}}});
    QCOMPARE(id, 1ULL);
    QTRY_COMPARE_WITH_TIMEOUT(r.lastState(id), QStringLiteral("completed"), kWait);
    const QJsonObject result = r.listed(id).value("result").toObject();
    QCOMPARE(result.value("files").toInt(), 3);
    QCOMPARE(result.value("bytes").toInteger(), bytes);
    QCOMPARE(result.value("manifest").toString(), dir.filePath("SHA256SUMS"));
    QCOMPARE(result.value("skipped").toArray(), QJsonArray{});
    QCOMPARE(r.listed(id).value("progress")["unit"].toString(), QStringLiteral("bytes"));
    QFile manifest(dir.filePath("SHA256SUMS"));
    QVERIFY(manifest.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(manifest.readAll()), expected.join('\n') + '\n');
}

// ---- output streams --------------------------------------------------------------------------

void tst_TaskGateway::outputIsPacedByCredit()
{
    LogFile log;
    log.append(1, 600);
    Runtime r;
    QVERIFY(!r.hello().isEmpty());
    QCOMPARE(r.start(tailArgs(log.path()), 1), 1ULL);

    // No credit: the page gets nothing, nothing is acknowledged, the producer stops at its window.
    QTRY_COMPARE_WITH_TIMEOUT(r.outputSeq(1), qint64(kWindow), kWait);
    QTest::qWait(300); // past a poll of the file: still nothing beyond the window
    QCOMPARE(r.outputSeq(1), qint64(kWindow));
    QCOMPARE(r.page.items(1).size(), 0);

    // Each grant: exactly that many items, and the producer runs that much further.
    qint64 granted = 0;
    for (const qint64 grant : {10, 300, 1000}) {
        r.page.grant(1, grant);
        granted += grant;
        const qint64 delivered = qMin<qint64>(granted, 600);
        QTRY_COMPARE_WITH_TIMEOUT(r.page.items(1).size(), delivered, kWait);
        QTRY_COMPARE_WITH_TIMEOUT(r.outputSeq(1), qMin<qint64>(delivered + kWindow, 600), kWait);
        QTest::qWait(100);
        QCOMPARE(r.page.items(1).size(), delivered); // never more than the credit
        QVERIFY_IN_ORDER(r.page, 1, 1);
    }
    // Live lines follow as they are written.
    log.append(601, 620);
    QTRY_COMPARE_WITH_TIMEOUT(r.page.items(1).size(), 620, kWait);
    QVERIFY_IN_ORDER(r.page, 1, 1);
    QVERIFY(r.page.ofStream("end", 1).isEmpty());

    // The task's end ends its stream, with its error.
    QVERIFY(r.call("tasks.cancel", {{"id", 1}}).value("ok").toBool());
    QTRY_COMPARE_WITH_TIMEOUT(r.page.ofStream("end", 1).size(), 1, kWait);
    QCOMPARE(r.page.ofStream("end", 1).first().value("error")["code"].toString(),
             QStringLiteral("cancelled"));
    QCOMPARE(r.lastState(1), QStringLiteral("cancelled"));
    QCOMPARE(r.listed(1).value("outputSeq").toInt(), 620);
    QCOMPARE(r.page.items(1).size(), 620);
}

void tst_TaskGateway::slowestReaderPacesTheProducer()
{
    LogFile log;
    log.append(1, 600);
    Runtime r;
    QVERIFY(!r.hello().isEmpty());
    QCOMPARE(r.start(tailArgs(log.path()), 1), 1ULL);
    QCOMPARE(r.snapshot("tasks.attach", {{"id", 1}}, {{"stream", 2}}).value("id").toInt(), 1);
    r.page.grant(1, 1000);
    r.page.grant(2, 50);

    // Only what the slower reader has is acknowledged: the faster one gets the window beyond it.
    QTRY_COMPARE_WITH_TIMEOUT(r.page.items(2).size(), 50, kWait);
    QTRY_COMPARE_WITH_TIMEOUT(r.page.items(1).size(), 50 + kWindow, kWait);
    QTest::qWait(300);
    QCOMPARE(r.page.items(1).size(), 50 + kWindow);
    QCOMPARE(r.outputSeq(1), qint64(50 + kWindow));

    // The slower one closes its channel: the other paces the producer alone.
    r.page.closeStream(2);
    QTRY_COMPARE_WITH_TIMEOUT(r.page.items(1).size(), 600, kWait);
    QVERIFY_IN_ORDER(r.page, 1, 1);
    QVERIFY_IN_ORDER(r.page, 2, 1);
    QCOMPARE(r.page.items(2).size(), 50);
}

void tst_TaskGateway::attachReplaysAfter_data()
{
    QTest::addColumn<int>("after");
    QTest::newRow("from the start") << 0;
    QTest::newRow("after 5") << 5;
    QTest::newRow("after 19") << 19;
    QTest::newRow("after all") << 20;
}

void tst_TaskGateway::attachReplaysAfter()
{
    QFETCH(int, after);

    LogFile log;
    log.append(1, 20);
    Runtime r;
    QVERIFY(!r.hello().isEmpty());
    QCOMPARE(r.start(tailArgs(log.path())), 1ULL); // no reader yet
    QTRY_COMPARE_WITH_TIMEOUT(r.outputSeq(1), 20, kWait);

    const QJsonObject attached
        = r.snapshot("tasks.attach", {{"id", 1}, {"after", after}}, {{"stream", 3}});
    QCOMPARE(attached.value("id").toInt(), 1);
    QCOMPARE(attached.value("state").toString(), QStringLiteral("running"));
    QCOMPARE(attached.value("outputSeq").toInt(), 20);
    r.page.grant(3, 100);
    QTRY_COMPARE_WITH_TIMEOUT(r.page.items(3).size(), 20 - after, kWait);
    QVERIFY_IN_ORDER(r.page, 3, after + 1);
    // Then the live ones.
    log.append(21, 22);
    QTRY_COMPARE_WITH_TIMEOUT(r.page.items(3).size(), 22 - after, kWait);
    QVERIFY_IN_ORDER(r.page, 3, after + 1);
}

void tst_TaskGateway::attachToAFinishedTask_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<int>("after");
    QTest::addColumn<int>("items");
    QTest::addColumn<QString>("code"); // of the end's error, "" for none

    QTest::newRow("completed count") << "count" << 0 << 0 << "";
    QTest::newRow("cancelled tail, from the start") << "tail" << 0 << 10 << "cancelled";
    QTest::newRow("cancelled tail, after 7") << "tail" << 7 << 3 << "cancelled";
    QTest::newRow("cancelled tail, after all") << "tail" << 10 << 0 << "cancelled";
}

void tst_TaskGateway::attachToAFinishedTask()
{
    QFETCH(QString, kind);
    QFETCH(int, after);
    QFETCH(int, items);
    QFETCH(QString, code);

    LogFile log;
    log.append(1, 10);
    Runtime r;
    QVERIFY(!r.hello().isEmpty());
    if (kind == QLatin1String("count")) {
        QCOMPARE(r.start(countArgs(2, 0)), 1ULL);
        QTRY_COMPARE_WITH_TIMEOUT(r.lastState(1), QStringLiteral("completed"), kWait);
    } else {
        QCOMPARE(r.start(tailArgs(log.path())), 1ULL);
        QTRY_COMPARE_WITH_TIMEOUT(r.outputSeq(1), 10, kWait);
        QVERIFY(r.call("tasks.cancel", {{"id", 1}}).value("ok").toBool());
        QTRY_COMPARE_WITH_TIMEOUT(r.lastState(1), QStringLiteral("cancelled"), kWait);
    }

    const QJsonObject attached
        = r.snapshot("tasks.attach", {{"id", 1}, {"after", after}}, {{"stream", 4}});
    QCOMPARE(attached.value("state").toString(),
             QString(kind == "count" ? "completed" : "cancelled"));
    r.page.grant(4, 100);
    // It gets what is left, then its end: nothing waits for output that will never come.
    QTRY_COMPARE_WITH_TIMEOUT(r.page.ofStream("end", 4).size(), 1, kWait);
    QCOMPARE(r.page.items(4).size(), items);
    QVERIFY_IN_ORDER(r.page, 4, after + 1);
    QCOMPARE(r.page.ofStream("end", 4).first().value("error")["code"].toString(), code);
}

void tst_TaskGateway::attachPastTheEndFollowsWhatComesNext()
{
    LogFile log;
    log.append(1, 10);
    Runtime r;
    QVERIFY(!r.hello().isEmpty());
    QCOMPARE(r.start(tailArgs(log.path())), 1ULL);
    QTRY_COMPARE_WITH_TIMEOUT(r.outputSeq(1), 10, kWait);

    // A page that claims to have seen more than there is gets what comes next, and the
    // producer is not told that items it has not even written were read.
    QCOMPARE(r.snapshot("tasks.attach", {{"id", 1}, {"after", 1000}}, {{"stream", 5}})
                 .value("id")
                 .toInt(),
             1);
    r.page.grant(5, 1000);
    log.append(11, 10 + 2 * kWindow);
    QTRY_COMPARE_WITH_TIMEOUT(r.page.items(5).size(), 2 * kWindow, kWait);
    QVERIFY_IN_ORDER(r.page, 5, 11);
    QCOMPARE(r.outputSeq(1), qint64(10 + 2 * kWindow));
}

void tst_TaskGateway::aRefusedStartEndsItsStream()
{
    Runtime r;
    QVERIFY(!r.hello().isEmpty());
    // Passes the gateway's schema, refused by the kind's own params: no task, and the stream
    // the page opened for its output ends with the refusal instead of waiting forever.
    const qint64 id
        = r.page.invoke("tasks.start", {{"kind", "tail"}, {"params", QJsonObject{{"path", "rel"}}}},
                        {{"stream", 6}});
    QVERIFY(r.page.waitForResult(id, kWait));
    QCOMPARE(r.page.result(id)->value("ok"), QJsonValue(false));
    const QString code = r.page.result(id)->value("error")["code"].toString();
    QCOMPARE(code, QStringLiteral("invalid_args"));
    QTRY_COMPARE_WITH_TIMEOUT(r.page.ofStream("end", 6).size(), 1, kWait);
    QCOMPARE(r.page.ofStream("end", 6).first().value("error")["code"].toString(), code);
    QVERIFY(r.call("tasks.list").value("value").toArray().isEmpty());
}

void tst_TaskGateway::forgetEndsALaggingReader()
{
    LogFile log;
    log.append(1, 20);
    Runtime r;
    QVERIFY(!r.hello().isEmpty());
    QCOMPARE(r.start(tailArgs(log.path()), 7), 1ULL);
    r.page.grant(7, 5);
    QTRY_COMPARE_WITH_TIMEOUT(r.page.items(7).size(), 5, kWait);
    QVERIFY(r.call("tasks.cancel", {{"id", 1}}).value("ok").toBool());
    QTRY_COMPARE_WITH_TIMEOUT(r.lastState(1), QStringLiteral("cancelled"), kWait);
    QVERIFY(r.page.ofStream("end", 7).isEmpty()); // 15 items still unread

    // Forgetting the task ends its reader, saying why: it does not wait for the rest.
    QVERIFY(r.call("tasks.forget", {{"id", 1}}).value("ok").toBool());
    QTRY_COMPARE_WITH_TIMEOUT(r.page.ofStream("end", 7).size(), 1, kWait);
    const QJsonObject error = r.page.ofStream("end", 7).first().value("error").toObject();
    QCOMPARE(error.value("code").toString(), QStringLiteral("not_found"));
    QCOMPARE(error.value("details")["id"].toInt(), 1);
    QCOMPARE(r.page.items(7).size(), 5);
}

void tst_TaskGateway::aStreamInUseIsRefusedAndKept()
{
    LogFile log;
    log.append(1, 10);
    Runtime r;
    QVERIFY(!r.hello().isEmpty());
    QCOMPARE(r.start(tailArgs(log.path()), 7), 1ULL);
    r.page.grant(7, 1000);
    QTRY_COMPARE_WITH_TIMEOUT(r.page.items(7).size(), 10, kWait);

    // A second call on stream 7 (of a task that does not exist, or of the same one) is refused
    // with invalid_args, and stream 7 goes on unharmed: nothing ends it, nothing doubles it.
    for (const int id : {999, 1}) {
        const QJsonObject refused = r.call("tasks.attach", {{"id", id}}, {{"stream", 7}});
        QCOMPARE(refused.value("error")["code"].toString(), QStringLiteral("invalid_args"));
        QCOMPARE(refused.value("error")["details"]["stream"].toInt(), 7);
    }
    log.append(11, 10 + 3 * kWindow);
    QTRY_COMPARE_WITH_TIMEOUT(r.page.items(7).size(), 10 + 3 * kWindow, kWait);
    QVERIFY_IN_ORDER(r.page, 7, 1);
    QVERIFY(r.page.ofStream("end", 7).isEmpty());
}

// ---- welcome and reload ----------------------------------------------------------------------

void tst_TaskGateway::welcomeReportsTasksAndTheRealLimit()
{
    Runtime r;
    const int limit = TaskManager::defaultLimit();
    const QJsonObject first = r.hello().value("snapshot").toObject();
    QCOMPARE(first, (QJsonObject{{"tasks", QJsonArray{}}, {"limit", limit}}));

    // The limit the welcome states is the one the process admits by.
    for (int i = 1; i <= limit + 1; ++i)
        QCOMPARE(r.start(endless()), quint64(i));
    for (int i = 1; i <= limit; ++i)
        QTRY_COMPARE_WITH_TIMEOUT(r.lastState(i), QStringLiteral("running"), kWait);
    QCOMPARE(r.lastState(limit + 1), QStringLiteral("queued"));
    QCOMPARE(r.tasks.activeCount(), limit + 1);

    QJsonObject welcomed = r.hello().value("snapshot").toObject();
    QCOMPARE(welcomed.value("limit").toInt(), limit);
    QJsonArray tasks = welcomed.value("tasks").toArray();
    QCOMPARE(tasks.size(), limit + 1);
    for (int i = 0; i <= limit; ++i) {
        QCOMPARE(tasks.at(i)["id"].toInt(), i + 1);
        QCOMPARE(tasks.at(i)["state"].toString(), QString(i < limit ? "running" : "queued"));
    }

    QCOMPARE(r.snapshot("tasks.setLimit", {{"limit", limit + 1}}),
             (QJsonObject{{"limit", limit + 1}}));
    QTRY_COMPARE_WITH_TIMEOUT(r.lastState(limit + 1), QStringLiteral("running"), kWait);
    QCOMPARE(r.call("tasks.setLimit", {{"limit", 0}}).value("error")["code"].toString(),
             QStringLiteral("invalid_args"));
    welcomed = r.hello().value("snapshot").toObject();
    QCOMPARE(welcomed.value("limit").toInt(), limit + 1);
    tasks = welcomed.value("tasks").toArray();
    for (const QJsonValue &task : tasks)
        QCOMPARE(task["state"].toString(), QStringLiteral("running"));

    // Lowering it preempts nothing; the next task waits.
    QCOMPARE(r.snapshot("tasks.setLimit", {{"limit", 1}}).value("limit").toInt(), 1);
    const quint64 next = r.start(endless());
    QCOMPARE(r.lastState(next), QStringLiteral("queued"));
    QCOMPARE(r.hello().value("snapshot")["limit"].toInt(), 1);
}

void tst_TaskGateway::reloadFindsItsTasks()
{
    LogFile log;
    log.append(1, 30);
    Runtime r;
    QVERIFY(!r.hello("doc-1").isEmpty());
    QCOMPARE(r.start(tailArgs(log.path()), 1), 1ULL);
    QCOMPARE(r.start(endless()), 2ULL);
    r.page.grant(1, 256);
    QTRY_COMPARE_WITH_TIMEOUT(r.page.items(1).size(), 30, kWait);
    QVERIFY_IN_ORDER(r.page, 1, 1);

    // A new document: the old one's channel is gone; lines keep coming while nobody reads.
    const QJsonObject welcome = r.hello("doc-2");
    QCOMPARE(welcome.value("generation").toInt(), 2);
    log.append(31, 50);
    QTRY_COMPARE_WITH_TIMEOUT(r.outputSeq(1), 50, kWait);
    const QJsonArray tasks = welcome.value("snapshot")["tasks"].toArray();
    QCOMPARE(tasks.size(), 2);
    QCOMPARE(tasks.at(0)["id"].toInt(), 1);
    QCOMPARE(tasks.at(0)["kind"].toString(), QStringLiteral("tail"));
    QCOMPARE(tasks.at(0)["state"].toString(), QStringLiteral("running"));
    QCOMPARE(tasks.at(0)["outputSeq"].toInt(), 30);
    QCOMPARE(tasks.at(0)["params"]["path"].toString(), log.path());
    QCOMPARE(tasks.at(1)["id"].toInt(), 2);
    QCOMPARE(tasks.at(1)["state"].toString(), QStringLiteral("running"));

    // The new page attaches after what it had (stream ids start again with the new page).
    const QJsonObject attached
        = r.snapshot("tasks.attach", {{"id", 1}, {"after", 30}}, {{"stream", 1}});
    QCOMPARE(attached.value("state").toString(), QStringLiteral("running"));
    r.page.grant(1, 256);
    QTRY_COMPARE_WITH_TIMEOUT(r.page.items(1).size(), 20, kWait);
    QVERIFY_IN_ORDER(r.page, 1, 31); // no gap, nothing twice
    log.append(51, 55);
    QTRY_COMPARE_WITH_TIMEOUT(r.page.items(1).size(), 25, kWait);
    QVERIFY_IN_ORDER(r.page, 1, 31);
    QCOMPARE(r.page.events("task.state").size(), 0); // nothing changed state meanwhile
}

// The page's types are generated from these Schemas: the JSON the code builds must match them,
// or the page is typed against a fiction.
void tst_TaskGateway::everythingTheGatewaySendsHasItsDeclaredShape()
{
    LogFile log;
    log.append(1, 3);
    Runtime r;
    QVERIFY(!r.hello().isEmpty());
    QCOMPARE(r.start(countArgs(3, 0)), 1ULL);
    QCOMPARE(r.start(tailArgs(log.path()), 8), 2ULL);
    r.page.grant(8, 100);
    QTRY_COMPARE_WITH_TIMEOUT(r.page.items(8).size(), 3, kWait);
    QTRY_COMPARE_WITH_TIMEOUT(r.lastState(1), QStringLiteral("completed"), kWait);
    QVERIFY(r.call("tasks.cancel", {{"id", 2}}).value("ok").toBool());
    QTRY_COMPARE_WITH_TIMEOUT(r.page.ofStream("end", 8).size(), 1, kWait);
    const QJsonObject refused
        = r.call("tasks.start", {{"kind", "tail"}, {"params", QJsonObject{{"path", "rel"}}}});
    QCOMPARE(refused.value("ok"), QJsonValue(false));

    const auto holds = [](const Schema &shape, const QJsonValue &value) {
        try {
            shape.validate(value);
            return QString();
        } catch (const SchemaError &error) {
            return QStringLiteral("%1 at %2 in %3")
                .arg(error.message(), error.where(),
                     QString::fromUtf8(QJsonDocument(value.toObject()).toJson()));
        }
    };
    const QList<QJsonValue> states = r.page.events("task.state");
    QVERIFY(states.size() >= 4);
    for (const QJsonValue &state : states)
        QCOMPARE(holds(TaskSnapshot::schema(), state), QString());
    for (const QJsonValue &task : r.call("tasks.list").value("value").toArray())
        QCOMPARE(holds(TaskSnapshot::schema(), task), QString());
    for (const QJsonValue &item : r.page.items(8))
        QCOMPARE(holds(TaskOutputLog::itemSchema(), item), QString());
    QCOMPARE(holds(WireError::payload(), r.page.ofStream("end", 8).first().value("error")),
             QString());
    QCOMPARE(holds(WireError::payload(), refused.value("error")), QString());

    QJsonObject welcome = r.hello();
    QCOMPARE(welcome.take("t").toString(), QStringLiteral("welcome"));
    QCOMPARE(welcome.value("snapshot")["tasks"].toArray().size(), 2);
    QCOMPARE(holds(r.bridge.welcomeSchema(), welcome), QString());
}

void tst_TaskGateway::historyComesBackUnannounced_data()
{
    QTest::addColumn<bool>("pageFirst"); // the page says hello before the process starts
    QTest::newRow("page after") << false;
    QTest::newRow("page first") << true;
}

void tst_TaskGateway::historyComesBackUnannounced()
{
    QFETCH(bool, pageFirst);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath("history.sqlite");
    {
        Runtime r({}, path);
        QVERIFY(!r.hello().isEmpty());
        QCOMPARE(r.start(countArgs(2, 0)), 1ULL);
        QCOMPARE(r.start(countArgs(3, 200)), 2ULL); // cut off by the shutdown below
        QTRY_COMPARE_WITH_TIMEOUT(r.lastState(1), QStringLiteral("completed"), kWait);
        QCOMPARE(r.lastState(2), QStringLiteral("running"));
    }

    Runtime r({}, path, !pageFirst);
    QSignalSpy finished(&r.tasks, &TaskGateway::taskFinished);
    QJsonArray told;
    if (pageFirst) {
        QCOMPARE(r.hello().value("snapshot")["tasks"].toArray(), QJsonArray());
        r.thread.start();
        // The page that is here hears of them as of any task.
        QTRY_COMPARE_WITH_TIMEOUT(r.page.events("task.state").size(), 2, kWait);
        for (const QJsonValue &state : r.page.events("task.state"))
            told.append(state);
    } else {
        QTRY_COMPARE_WITH_TIMEOUT(r.tasks.tasks().size(), 2, kWait);
        told = r.hello().value("snapshot")["tasks"].toArray();
    }
    QCOMPARE(told.size(), 2);
    QCOMPARE(told.at(0)["state"].toString(), QStringLiteral("completed"));
    QCOMPARE(told.at(0)["result"].toObject(), (QJsonObject{{"count", 2}}));
    QCOMPARE(told.at(1)["state"].toString(), QStringLiteral("interrupted"));
    QCOMPARE(told.at(1)["error"]["code"].toString(), QStringLiteral("interrupted"));
    QCOMPARE(r.call("tasks.list").value("value").toArray(), told);
    QCOMPARE(r.tasks.activeCount(), 0);
    QCOMPARE(finished.count(), 0); // they ended in the last run: nothing to announce now

    // The interrupted one again, as a new task; this one is announced when it ends.
    const QJsonObject again = r.snapshot("tasks.retry", {{"id", 2}});
    QCOMPARE(again.value("id").toInt(), 3);
    QCOMPARE(again.value("params").toObject(), countArgs(3, 200).value("params").toObject());
    QTRY_COMPARE_WITH_TIMEOUT(r.lastState(3), QStringLiteral("completed"), kWait);
    QCOMPARE(finished.count(), 1);
    QCOMPARE(r.call("tasks.retry", {{"id", 9}}).value("error")["code"].toString(),
             QStringLiteral("not_found"));
}

void tst_TaskGateway::historyNoticeReachesThePage_data()
{
    QTest::addColumn<bool>("pageFirst");
    QTest::newRow("page after") << false;
    QTest::newRow("page first") << true;
}

void tst_TaskGateway::historyNoticeReachesThePage()
{
    QFETCH(bool, pageFirst);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath("history.sqlite");
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray(8192, '?'));
    }
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression("task history .* set aside as"));
    Runtime r({}, path, !pageFirst);
    QJsonObject notice;
    if (pageFirst) {
        QVERIFY(!r.hello().value("snapshot").toObject().contains("historyNotice"));
        r.thread.start();
        QTRY_COMPARE_WITH_TIMEOUT(r.page.events("task.historyNotice").size(), 1, kWait);
        notice = r.page.events("task.historyNotice").first().toObject();
    } else {
        QTRY_VERIFY_WITH_TIMEOUT(r.hello().value("snapshot").toObject().contains("historyNotice"),
                                 kWait);
    }
    // Every page of this run is told, in its welcome.
    const QJsonObject welcome = r.hello();
    const QJsonObject welcomed = welcome.value("snapshot")["historyNotice"].toObject();
    if (pageFirst)
        QCOMPARE(welcomed, notice);
    QCOMPARE(welcomed.value("reason").toString(), QStringLiteral("corrupt"));
    QVERIFY(welcomed.value("path").toString().startsWith(path + ".corrupt-"));
    QVERIFY(QFile::exists(welcomed.value("path").toString()));
    QJsonObject checked = welcome;
    checked.remove("t");
    try {
        r.bridge.welcomeSchema().validate(checked);
    } catch (const SchemaError &error) {
        QFAIL(qPrintable(error.message()));
    }
}

QTEST_GUILESS_MAIN(tst_TaskGateway)
#include "tst_taskgateway.moc"
