// SPDX-License-Identifier: MIT
// TaskCommands in the test's own thread, without the bridge: each `tasks.*` command of its
// table as the async process hands it over, and the task.state, task.progress and task.output
// events it says through its Output callback. Real kinds: count, tail on a real file, hash.
#include <worker/CountTask.h>
#include <worker/PoolTask.h>
#include <worker/ProcessMessage.h>
#include <worker/Task.h>
#include <worker/TaskCommands.h>
#include <worker/TaskKind.h>
#include <worker/TaskManager.h>
#include <worker/TaskOutputLog.h>

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Conduit;
using namespace std::chrono_literals;

namespace {

constexpr int kWait = 20000; // generous: a shared two-core machine

QJsonObject count(qint64 to, qint64 stepMs)
{
    return QJsonObject{{"kind", "count"},
                       {"params", QJsonObject{{"to", double(to)}, {"stepMs", double(stepMs)}}}};
}

// A count that runs until it is stopped.
QJsonObject endless()
{
    return count(1'000'000'000, 10);
}

// burst {items, announce}: appends all its output items at once as it starts, and completes. With
// `announce` false it never emits outputAppended, as a kind that finishes right after its last
// items may not: the items must still be forwarded, before the final state.
class BurstTask final : public Task
{
public:
    static const TaskKind &declaration()
    {
        static const TaskKind kind
            = TaskKind::of<BurstTask>("burst", "Appends its output at once.", "items",
                                      Schema::object()
                                          .required("items", Schema::integer().range(0, 10000))
                                          .required("announce", Schema::boolean()),
                                      Schema::object(), Schema::string());
        return kind;
    }
    explicit BurstTask(const QJsonObject &params)
        : Task(declaration())
        , m_items(params.value("items").toInt())
        , m_announce(params.value("announce").toBool())
    {
        enableOutput(qMax(1, m_items)); // room for all of it
    }

    void start(const TaskServices &) override
    {
        for (int i = 1; i <= m_items; ++i)
            outputLog()->append(QStringLiteral("item %1").arg(i));
        if (m_announce && m_items > 0)
            Q_EMIT outputAppended(outputLog()->lastSeq());
        complete(QJsonObject{});
    }
    void pause() override {}
    void resume() override {}
    void cancel() override {}

private:
    int m_items = 0;
    bool m_announce = true;
};

} // namespace

class tst_TaskCommands : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void handles_data();
    void handles();
    void startAnswersWithItsSnapshot();
    void refusalsChangeNothing_data();
    void refusalsChangeNothing();
    void pauseResumeCancel();
    void cancelQueuedIsAtOnce();
    void listAndForget();
    void setLimitAdmitsAndNeverPreempts();
    void priorityOrdersTheQueue();
    void timeoutFromArgs();
    void progressEvents();
    void hashOnARealFolder();
    void outputIsForwardedAsAcknowledged();
    void outputIsForwardedInBatchesBeforeTheFinalState_data();
    void outputIsForwardedInBatchesBeforeTheFinalState();
    void shutdownStopsEverything_data();
    void shutdownStopsEverything();
    void historyIsToldOnceAtStart_data();
    void historyIsToldOnceAtStart();
    void retryStartsTheTaskAgain();

private:
    ProcessMessage run(const QString &command, const QJsonObject &args = {})
    {
        return m_commands->run(ProcessMessage::command(m_nextId++, command, args));
    }
    quint64 start(const QJsonObject &args)
    {
        const ProcessMessage result = run("tasks.start", args);
        if (!result.ok)
            qWarning() << "tasks.start refused:" << result.body;
        return result.ok ? quint64(result.body["id"].toDouble()) : 0;
    }
    TaskManager &manager() { return *m_commands->findChild<TaskManager *>(); }
    QList<ProcessMessage> events(const QString &name, quint64 id) const;
    QStringList states(quint64 id) const;
    QString lastState(quint64 id) const { return states(id).value(states(id).size() - 1); }
    QJsonArray output(quint64 id) const; // every forwarded item, in order
    qsizetype indexOf(const QString &event, quint64 id, qsizetype from = 0) const;
    qsizetype lastIndexOf(const QString &event, quint64 id) const;

    std::unique_ptr<TaskCommands> m_commands;
    QList<ProcessMessage> m_out;
    quint64 m_nextId = 1;
};

void tst_TaskCommands::init()
{
    m_out.clear();
    m_nextId = 1;
    m_commands = std::make_unique<TaskCommands>(
        TaskKinds::builtIn().add(CountTask::declaration()).add(BurstTask::declaration()),
        [this](const ProcessMessage &message) { m_out.append(message); });
}

void tst_TaskCommands::cleanup()
{
    if (m_commands)
        QVERIFY(m_commands->shutdown(10s));
    m_commands.reset();
}

QList<ProcessMessage> tst_TaskCommands::events(const QString &name, quint64 id) const
{
    QList<ProcessMessage> matching;
    for (const ProcessMessage &message : m_out) {
        if (message.kind == ProcessMessage::Kind::Event && message.name == name
            && quint64(message.body["id"].toDouble()) == id)
            matching.append(message);
    }
    return matching;
}

QStringList tst_TaskCommands::states(quint64 id) const
{
    QStringList names;
    for (const ProcessMessage &state : events("task.state", id))
        names.append(state.body["state"].toString());
    return names;
}

QJsonArray tst_TaskCommands::output(quint64 id) const
{
    QJsonArray items;
    for (const ProcessMessage &event : events("task.output", id)) {
        for (const QJsonValue &item : event.body["items"].toArray())
            items.append(item);
    }
    return items;
}

qsizetype tst_TaskCommands::indexOf(const QString &event, quint64 id, qsizetype from) const
{
    for (qsizetype i = from; i < m_out.size(); ++i) {
        const ProcessMessage &message = m_out.at(i);
        if (message.kind == ProcessMessage::Kind::Event && message.name == event
            && quint64(message.body["id"].toDouble()) == id)
            return i;
    }
    return -1;
}

qsizetype tst_TaskCommands::lastIndexOf(const QString &event, quint64 id) const
{
    for (qsizetype i = m_out.size() - 1; i >= 0; --i) {
        const ProcessMessage &message = m_out.at(i);
        if (message.kind == ProcessMessage::Kind::Event && message.name == event
            && quint64(message.body["id"].toDouble()) == id)
            return i;
    }
    return -1;
}

void tst_TaskCommands::handles_data()
{
    QTest::addColumn<QString>("command");
    QTest::addColumn<bool>("handled");
    for (const char *command : {"tasks.start", "tasks.pause", "tasks.resume", "tasks.cancel",
                                "tasks.list", "tasks.forget", "tasks.setLimit", "tasks.read",
                                "tasks.ack", "tasks.retry", "tasks.unknown"})
        QTest::newRow(command) << command << true;
    QTest::newRow("echo") << "echo" << false;
    QTest::newRow("tell") << "tell" << false;
    QTest::newRow("an event's name") << "task.state" << false;
    QTest::newRow("no dot") << "tasks" << false;
    QTest::newRow("capitalised") << "Tasks.start" << false;
    QTest::newRow("empty") << "" << false;
}

void tst_TaskCommands::handles()
{
    QFETCH(QString, command);
    QFETCH(bool, handled);
    QCOMPARE(TaskCommands::handles(command), handled);
}

void tst_TaskCommands::startAnswersWithItsSnapshot()
{
    QJsonObject args = count(3, 0);
    args.insert("priority", 2);
    const ProcessMessage result = m_commands->run(ProcessMessage::command(41, "tasks.start", args));
    QCOMPARE(result.kind, ProcessMessage::Kind::Result);
    QCOMPARE(result.id, 41ULL); // the command's id
    QVERIFY(result.ok);
    const QJsonObject snapshot = result.body.toObject();
    QCOMPARE(snapshot.value("id").toInt(), 1);
    QCOMPARE(snapshot.value("kind").toString(), QStringLiteral("count"));
    QCOMPARE(snapshot.value("state").toString(), QStringLiteral("running"));
    QCOMPARE(snapshot.value("priority").toInt(), 2);
    QCOMPARE(snapshot.value("params").toObject(), (QJsonObject{{"to", 3}, {"stepMs", 0}}));
    QCOMPARE(snapshot.value("progress")["total"].toInt(), 3);
    QCOMPARE(snapshot.value("progress")["unit"].toString(), QStringLiteral("items"));
    // Said before the answer: queued, then admitted at once.
    QCOMPARE(states(1), (QStringList{"queued", "running"}));

    QTRY_COMPARE_WITH_TIMEOUT(lastState(1), QStringLiteral("completed"), kWait);
    QCOMPARE(states(1), (QStringList{"queued", "running", "completed"}));
    const QJsonObject done = events("task.state", 1).last().body.toObject();
    QCOMPARE(done.value("result").toObject(), (QJsonObject{{"count", 3}}));
    QVERIFY(!done.contains("error"));
    QCOMPARE(done.value("outputSeq").toInt(), 0);
    // The final progress comes before the final state.
    const QList<ProcessMessage> progress = events("task.progress", 1);
    QVERIFY(!progress.isEmpty());
    QCOMPARE(progress.last().body.toObject(),
             (QJsonObject{{"id", 1}, {"done", 3}, {"total", 3}, {"unit", "items"}}));
    QVERIFY(lastIndexOf("task.progress", 1) < lastIndexOf("task.state", 1));
}

void tst_TaskCommands::refusalsChangeNothing_data()
{
    QTest::addColumn<QString>("command");
    QTest::addColumn<QJsonObject>("args");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QJsonObject>("details");

    // Task 1, an endless count, is running in every row.
    const QJsonObject toArgument = {{"argument", "to"}};
    QTest::newRow("start: no kind") << "tasks.start" << QJsonObject{} << "invalid_args"
                                    << QJsonObject{{"argument", "kind"}, {"kind", ""}};
    QTest::newRow("start: unknown kind")
        << "tasks.start" << QJsonObject{{"kind", "mine-bitcoin"}} << "invalid_args"
        << QJsonObject{{"argument", "kind"}, {"kind", "mine-bitcoin"}};
    QTest::newRow("start: no params")
        << "tasks.start" << QJsonObject{{"kind", "count"}} << "invalid_args" << toArgument;
    QTest::newRow("start: params not an object")
        << "tasks.start" << QJsonObject{{"kind", "count"}, {"params", 5}} << "invalid_args"
        << toArgument;
    QTest::newRow("start: param of the wrong type")
        << "tasks.start" << QJsonObject{{"kind", "count"}, {"params", QJsonObject{{"to", "ten"}}}}
        << "invalid_args" << toArgument;
    QTest::newRow("start: param out of range")
        << "tasks.start" << QJsonObject{{"kind", "count"}, {"params", QJsonObject{{"to", -1}}}}
        << "invalid_args" << toArgument;
    QTest::newRow("start: unknown param")
        << "tasks.start"
        << QJsonObject{{"kind", "count"}, {"params", QJsonObject{{"to", 1}, {"fast", true}}}}
        << "invalid_args" << QJsonObject{{"argument", "fast"}};
    QJsonObject zeroTimeout = count(1, 0);
    zeroTimeout.insert("timeoutMs", 0);
    QTest::newRow("start: timeout 0")
        << "tasks.start" << zeroTimeout << "invalid_args" << QJsonObject{{"argument", "timeoutMs"}};
    QJsonObject negativeTimeout = count(1, 0);
    negativeTimeout.insert("timeoutMs", -5);
    QTest::newRow("start: negative timeout") << "tasks.start" << negativeTimeout << "invalid_args"
                                             << QJsonObject{{"argument", "timeoutMs"}};
    QTest::newRow("start: relative root")
        << "tasks.start" << QJsonObject{{"kind", "hash"}, {"params", QJsonObject{{"root", "a/b"}}}}
        << "invalid_args" << QJsonObject{{"argument", "root"}};
    QTest::newRow("start: missing root")
        << "tasks.start"
        << QJsonObject{{"kind", "hash"}, {"params", QJsonObject{{"root", "/no/such/folder/x"}}}}
        << "invalid_args" << QJsonObject{{"argument", "root"}};
    QTest::newRow("start: tail of a folder")
        << "tasks.start"
        << QJsonObject{{"kind", "tail"}, {"params", QJsonObject{{"path", QDir::tempPath()}}}}
        << "invalid_args" << QJsonObject{{"argument", "path"}};

    for (const char *verb : {"pause", "resume", "cancel", "forget", "retry"}) {
        const QString command = QStringLiteral("tasks.%1").arg(QLatin1String(verb));
        QTest::addRow("%s: unknown id", verb)
            << command << QJsonObject{{"id", 99}} << "not_found" << QJsonObject{{"id", 99}};
        QTest::addRow("%s: no id", verb)
            << command << QJsonObject{} << "not_found" << QJsonObject{{"id", 0}};
    }
    QTest::newRow("resume: a running task") << "tasks.resume" << QJsonObject{{"id", 1}}
                                            << "invalid_args" << QJsonObject{{"state", "running"}};
    QTest::newRow("forget: a running task") << "tasks.forget" << QJsonObject{{"id", 1}}
                                            << "invalid_args" << QJsonObject{{"state", "running"}};
    QTest::newRow("retry: a running task") << "tasks.retry" << QJsonObject{{"id", 1}}
                                           << "invalid_args" << QJsonObject{{"state", "running"}};

    const QJsonObject limitArgument = {{"argument", "limit"}};
    QTest::newRow("setLimit: 0") << "tasks.setLimit" << QJsonObject{{"limit", 0}} << "invalid_args"
                                 << limitArgument;
    QTest::newRow("setLimit: 65") << "tasks.setLimit" << QJsonObject{{"limit", 65}}
                                  << "invalid_args" << limitArgument;
    QTest::newRow("setLimit: none")
        << "tasks.setLimit" << QJsonObject{} << "invalid_args" << limitArgument;
    QTest::newRow("setLimit: a string")
        << "tasks.setLimit" << QJsonObject{{"limit", "4"}} << "invalid_args" << limitArgument;
    QTest::newRow("setLimit: a fraction")
        << "tasks.setLimit" << QJsonObject{{"limit", 2.5}} << "invalid_args" << limitArgument;

    QTest::newRow("read: unknown id") << "tasks.read" << QJsonObject{{"id", 99}, {"after", 0}}
                                      << "not_found" << QJsonObject{{"id", 99}};
    QTest::newRow("read: max 0") << "tasks.read" << QJsonObject{{"id", 1}, {"after", 0}, {"max", 0}}
                                 << "invalid_args" << QJsonObject{{"argument", "max"}};
    QTest::newRow("ack: unknown id") << "tasks.ack" << QJsonObject{{"id", 99}, {"seq", 1}}
                                     << "not_found" << QJsonObject{{"id", 99}};
    QTest::newRow("unknown command")
        << "tasks.frobnicate" << QJsonObject{} << "unknown_command" << QJsonObject{};
}

void tst_TaskCommands::refusalsChangeNothing()
{
    QFETCH(QString, command);
    QFETCH(QJsonObject, args);
    QFETCH(QString, code);
    QFETCH(QJsonObject, details);

    QCOMPARE(start(endless()), 1ULL);
    const qsizetype said = m_out.size();
    const int limit = manager().limit();

    const ProcessMessage result = m_commands->run(ProcessMessage::command(7, command, args));
    QCOMPARE(result.kind, ProcessMessage::Kind::Result);
    QCOMPARE(result.id, 7ULL);
    QVERIFY(!result.ok);
    QCOMPARE(result.body["code"].toString(), code);
    QVERIFY(!result.body["message"].toString().isEmpty());
    QCOMPARE(result.body["details"].toObject(), details);

    // Nothing said, nothing made, nothing moved.
    QCOMPARE(m_out.size(), said);
    QCOMPARE(manager().limit(), limit);
    const ProcessMessage list = run("tasks.list");
    QCOMPARE(list.body.toArray().size(), 1);
    QCOMPARE(list.body[0]["id"].toInt(), 1);
    QCOMPARE(list.body[0]["state"].toString(), QStringLiteral("running"));
    QCOMPARE(start(count(1, 0)), 2ULL); // no id was taken
}

void tst_TaskCommands::pauseResumeCancel()
{
    const quint64 id = start(count(1'000'000, 5));
    QCOMPARE(id, 1ULL);
    QTRY_VERIFY_WITH_TIMEOUT(!events("task.progress", id).isEmpty(), kWait);

    const ProcessMessage paused = run("tasks.pause", {{"id", 1}});
    QVERIFY(paused.ok);
    QCOMPARE(paused.body["state"].toString(), QStringLiteral("paused"));
    QCOMPARE(lastState(id), QStringLiteral("paused"));
    QCOMPARE(run("tasks.pause", {{"id", 1}}).body["details"]["state"].toString(),
             QStringLiteral("paused"));

    const ProcessMessage resumed = run("tasks.resume", {{"id", 1}});
    QVERIFY(resumed.ok);
    QCOMPARE(resumed.body["state"].toString(), QStringLiteral("running"));
    QCOMPARE(lastState(id), QStringLiteral("running"));

    const ProcessMessage cancelled = run("tasks.cancel", {{"id", 1}});
    QVERIFY(cancelled.ok);
    QCOMPARE(cancelled.body["id"].toInt(), 1);
    // A pool task is cancelled once its job has stopped.
    QTRY_COMPARE_WITH_TIMEOUT(lastState(id), QStringLiteral("cancelled"), kWait);
    QCOMPARE(states(id), (QStringList{"queued", "running", "paused", "running", "cancelled"}));
    const QJsonObject final = events("task.state", id).last().body.toObject();
    QCOMPARE(final.value("error")["code"].toString(), QStringLiteral("cancelled"));
    QVERIFY(!final.value("finishedAt").isNull());
    const ProcessMessage again = run("tasks.cancel", {{"id", 1}});
    QVERIFY(!again.ok);
    QCOMPARE(again.body["code"].toString(), QStringLiteral("invalid_args"));
    QCOMPARE(again.body["details"]["state"].toString(), QStringLiteral("cancelled"));
}

void tst_TaskCommands::cancelQueuedIsAtOnce()
{
    QCOMPARE(run("tasks.setLimit", {{"limit", 1}}).body.toObject(), (QJsonObject{{"limit", 1}}));
    QCOMPARE(start(endless()), 1ULL);
    QCOMPARE(start(endless()), 2ULL);
    QCOMPARE(states(2), (QStringList{"queued"}));
    const ProcessMessage paused = run("tasks.pause", {{"id", 2}});
    QCOMPARE(paused.body["code"].toString(), QStringLiteral("invalid_args"));
    QCOMPARE(paused.body["details"]["state"].toString(), QStringLiteral("queued"));

    const ProcessMessage cancelled = run("tasks.cancel", {{"id", 2}});
    QVERIFY(cancelled.ok);
    QCOMPARE(cancelled.body["state"].toString(), QStringLiteral("cancelled"));
    QCOMPARE(states(2), (QStringList{"queued", "cancelled"})); // it never ran
    QVERIFY(cancelled.body["startedAt"].isNull());
    QCOMPARE(states(1), (QStringList{"queued", "running"}));
}

void tst_TaskCommands::listAndForget()
{
    QCOMPARE(run("tasks.list").body, QJsonValue(QJsonArray{}));
    QCOMPARE(start(count(1, 0)), 1ULL);
    QCOMPARE(start(count(2, 0)), 2ULL);
    QTRY_VERIFY_WITH_TIMEOUT(lastState(1) == QLatin1String("completed")
                                 && lastState(2) == QLatin1String("completed"),
                             kWait);
    const QJsonArray listed = run("tasks.list").body.toArray();
    QCOMPARE(listed.size(), 2);
    QCOMPARE(listed.at(0)["id"].toInt(), 1);
    QCOMPARE(listed.at(1)["id"].toInt(), 2);
    QCOMPARE(listed.at(1)["result"].toObject(), (QJsonObject{{"count", 2}}));
    // The list says what the last events said.
    QCOMPARE(listed.at(1).toObject(), events("task.state", 2).last().body.toObject());

    const ProcessMessage forgotten = run("tasks.forget", {{"id", 1}});
    QVERIFY(forgotten.ok);
    QCOMPARE(forgotten.body, QJsonValue(QJsonObject{}));
    const QJsonArray after = run("tasks.list").body.toArray();
    QCOMPARE(after.size(), 1);
    QCOMPARE(after.at(0)["id"].toInt(), 2);
    for (const char *command : {"tasks.forget", "tasks.pause", "tasks.read", "tasks.ack"}) {
        const ProcessMessage gone = run(command, {{"id", 1}, {"after", 0}, {"seq", 0}});
        QCOMPARE(gone.body["code"].toString(), QStringLiteral("not_found"));
    }
    QCOMPARE(start(count(1, 0)), 3ULL); // ids are not reused
}

void tst_TaskCommands::setLimitAdmitsAndNeverPreempts()
{
    QCOMPARE(run("tasks.setLimit", {{"limit", 1}}).body.toObject(), (QJsonObject{{"limit", 1}}));
    for (quint64 id = 1; id <= 3; ++id)
        QCOMPARE(start(endless()), id);
    QCOMPARE(lastState(1), QStringLiteral("running"));
    QCOMPARE(lastState(2), QStringLiteral("queued"));
    QCOMPARE(lastState(3), QStringLiteral("queued"));

    // Admission happens inside the command: the events are out before its answer.
    const ProcessMessage raised = run("tasks.setLimit", {{"limit", 3}});
    QCOMPARE(raised.body.toObject(), (QJsonObject{{"limit", 3}}));
    QCOMPARE(lastState(2), QStringLiteral("running"));
    QCOMPARE(lastState(3), QStringLiteral("running"));

    QCOMPARE(run("tasks.setLimit", {{"limit", 1}}).body.toObject(), (QJsonObject{{"limit", 1}}));
    for (const QJsonValue &task : run("tasks.list").body.toArray())
        QCOMPARE(task["state"].toString(), QStringLiteral("running"));
    QCOMPARE(manager().runningCount(), 3);
    QCOMPARE(start(endless()), 4ULL);
    QCOMPARE(lastState(4), QStringLiteral("queued"));
}

void tst_TaskCommands::priorityOrdersTheQueue()
{
    QCOMPARE(run("tasks.setLimit", {{"limit", 1}}).body["limit"].toInt(), 1);
    QCOMPARE(start(endless()), 1ULL);
    QJsonObject low = endless();
    low.insert("priority", 0);
    QJsonObject high = endless();
    high.insert("priority", 5);
    QCOMPARE(start(low), 2ULL);
    QCOMPARE(start(high), 3ULL);
    QCOMPARE(events("task.state", 2).first().body["priority"].toInt(), 0);
    QCOMPARE(events("task.state", 3).first().body["priority"].toInt(), 5);

    QVERIFY(run("tasks.cancel", {{"id", 1}}).ok);
    QTRY_COMPARE_WITH_TIMEOUT(lastState(3), QStringLiteral("running"), kWait);
    QCOMPARE(lastState(1), QStringLiteral("cancelled"));
    QCOMPARE(states(2), (QStringList{"queued"})); // the later but higher one went first
}

void tst_TaskCommands::timeoutFromArgs()
{
    QJsonObject args = endless();
    args.insert("timeoutMs", 100);
    QCOMPARE(start(args), 1ULL);
    QTRY_COMPARE_WITH_TIMEOUT(lastState(1), QStringLiteral("timed_out"), kWait);
    QCOMPARE(events("task.state", 1).last().body["error"]["code"].toString(),
             QStringLiteral("timeout"));
}

void tst_TaskCommands::progressEvents()
{
    QCOMPARE(start(count(20, 10)), 1ULL);
    QTRY_COMPARE_WITH_TIMEOUT(lastState(1), QStringLiteral("completed"), kWait);
    const QList<ProcessMessage> progress = events("task.progress", 1);
    QVERIFY(!progress.isEmpty());
    qint64 done = -1;
    for (const ProcessMessage &event : progress) {
        QCOMPARE(event.body["unit"].toString(), QStringLiteral("items"));
        QCOMPARE(event.body["total"].toInt(), 20);
        QVERIFY(event.body["done"].toInt() > done); // published only when it moved
        done = event.body["done"].toInt();
    }
    QCOMPARE(done, 20);
    QVERIFY(lastIndexOf("task.progress", 1) < lastIndexOf("task.state", 1));
}

void tst_TaskCommands::hashOnARealFolder()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    qint64 bytes = 0;
    for (int i = 0; i < 3; ++i) {
        QFile file(dir.filePath(QStringLiteral("f%1.txt").arg(i)));
        QVERIFY(file.open(QIODevice::WriteOnly));
        bytes += file.write(QByteArray(1000 * (i + 1), char('a' + i)));
    }
    const quint64 id = start({{"kind", "hash"}, {"params", QJsonObject{{"root", dir.path()}}}});
    QCOMPARE(id, 1ULL);
    QTRY_COMPARE_WITH_TIMEOUT(lastState(id), QStringLiteral("completed"), kWait);
    const QJsonObject result = events("task.state", id).last().body["result"].toObject();
    QCOMPARE(result.value("files").toInt(), 3);
    QCOMPARE(result.value("bytes").toInteger(), bytes);
    QCOMPARE(result.value("manifest").toString(), dir.filePath("SHA256SUMS"));
    QVERIFY(QFile::exists(dir.filePath("SHA256SUMS")));
    QCOMPARE(events("task.progress", id).last().body["done"].toInteger(), bytes);
    QCOMPARE(events("task.progress", id).last().body["unit"].toString(), QStringLiteral("bytes"));
}

void tst_TaskCommands::outputIsForwardedAsAcknowledged()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QFile log(dir.filePath("app.log"));
    QVERIFY(log.open(QIODevice::WriteOnly | QIODevice::Unbuffered));
    const auto append = [&](int from, int to) {
        for (int i = from; i <= to; ++i)
            log.write(QStringLiteral("line %1\n").arg(i).toUtf8());
    };
    append(1, 600);
    const quint64 id = start(
        {{"kind", "tail"}, {"params", QJsonObject{{"path", log.fileName()}, {"fromStart", true}}}});
    QCOMPARE(id, 1ULL);

    // Nothing acknowledged: the producer stops at its window.
    constexpr int window = TaskOutputLog::kDefaultWindow;
    QTRY_COMPARE_WITH_TIMEOUT(output(id).size(), window, kWait);
    QTest::qWait(300); // a poll of the file and more: still nothing beyond the window
    QCOMPARE(output(id).size(), window);
    for (const ProcessMessage &event : events("task.output", id))
        QVERIFY(event.body["items"].toArray().size() <= window);

    // Unacknowledged items are still held; read() gives them by seq.
    const ProcessMessage read = run("tasks.read", {{"id", 1}, {"after", 250}, {"max", 3}});
    QVERIFY(read.ok);
    QCOMPARE(read.body["items"].toArray(),
             (QJsonArray{QJsonObject{{"seq", 251}, {"value", "line 251"}},
                         QJsonObject{{"seq", 252}, {"value", "line 252"}},
                         QJsonObject{{"seq", 253}, {"value", "line 253"}}}));
    QCOMPARE(run("tasks.read", {{"id", 1}, {"after", 256}}).body["items"].toArray().size(), 0);

    // Each acknowledgement opens exactly that much room.
    QCOMPARE(run("tasks.ack", {{"id", 1}, {"seq", 100}}).body, QJsonValue(QJsonObject{}));
    QTRY_COMPARE_WITH_TIMEOUT(output(id).size(), 356, kWait);
    // Acknowledged items are gone from the log.
    QCOMPARE(
        run("tasks.read", {{"id", 1}, {"after", 50}, {"max", 1}}).body["items"][0]["seq"].toInt(),
        101);
    QVERIFY(run("tasks.ack", {{"id", 1}, {"seq", 356}}).ok);
    QTRY_COMPARE_WITH_TIMEOUT(output(id).size(), 600, kWait);
    append(601, 610); // live lines, within the room
    QTRY_COMPARE_WITH_TIMEOUT(output(id).size(), 610, kWait);

    QVERIFY(run("tasks.cancel", {{"id", 1}}).ok);
    QTRY_COMPARE_WITH_TIMEOUT(lastState(id), QStringLiteral("cancelled"), kWait);
    const QJsonArray items = output(id);
    QCOMPARE(items.size(), 610); // nothing dropped, nothing twice, in order
    for (int i = 0; i < items.size(); ++i) {
        QCOMPARE(items.at(i)["seq"].toInt(), i + 1);
        QCOMPARE(items.at(i)["value"].toString(), QStringLiteral("line %1").arg(i + 1));
    }
    QCOMPARE(events("task.state", id).last().body["outputSeq"].toInt(), 610);
    QVERIFY(lastIndexOf("task.output", id) < lastIndexOf("task.state", id));
}

void tst_TaskCommands::outputIsForwardedInBatchesBeforeTheFinalState_data()
{
    QTest::addColumn<int>("items");
    QTest::addColumn<bool>("announce");
    QTest::addColumn<QList<int>>("batches"); // items per task.output event, at most 256 each

    QTest::newRow("announced") << 600 << true << QList<int>{256, 256, 88};
    QTest::newRow("not announced") << 600 << false << QList<int>{256, 256, 88};
    QTest::newRow("one batch exactly") << 256 << false << QList<int>{256};
    QTest::newRow("one item") << 1 << true << QList<int>{1};
    QTest::newRow("none") << 0 << false << QList<int>{};
}

void tst_TaskCommands::outputIsForwardedInBatchesBeforeTheFinalState()
{
    QFETCH(int, items);
    QFETCH(bool, announce);
    QFETCH(QList<int>, batches);

    QCOMPARE(start({{"kind", "burst"},
                    {"params", QJsonObject{{"items", items}, {"announce", announce}}}}),
             1ULL);
    QTRY_COMPARE_WITH_TIMEOUT(lastState(1), QStringLiteral("completed"), kWait);
    QList<int> sizes;
    for (const ProcessMessage &event : events("task.output", 1))
        sizes.append(int(event.body["items"].toArray().size()));
    QCOMPARE(sizes, batches);
    const QJsonArray forwarded = output(1);
    for (int i = 0; i < forwarded.size(); ++i) {
        QCOMPARE(forwarded.at(i)["seq"].toInt(), i + 1);
        QCOMPARE(forwarded.at(i)["value"].toString(), QStringLiteral("item %1").arg(i + 1));
    }
    QCOMPARE(events("task.state", 1).last().body["outputSeq"].toInt(), items);
    if (items > 0)
        QVERIFY(lastIndexOf("task.output", 1) < lastIndexOf("task.state", 1));
}

void tst_TaskCommands::shutdownStopsEverything_data()
{
    QTest::addColumn<int>("counts"); // endless counts, one admitted (limit 1), the rest queued
    QTest::addColumn<bool>("hash");  // and a long hash over sparse files
    QTest::newRow("nothing") << 0 << false;
    QTest::newRow("running and queued") << 3 << false;
    QTest::newRow("busy hash") << 0 << true;
}

void tst_TaskCommands::shutdownStopsEverything()
{
    QFETCH(int, counts);
    QFETCH(bool, hash);

    QVERIFY(run("tasks.setLimit", {{"limit", 1}}).ok);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QList<quint64> ids;
    if (hash) {
        for (int i = 0; i < 2; ++i) {
            QFile file(dir.filePath(QStringLiteral("big-%1.bin").arg(i)));
            QVERIFY(file.open(QIODevice::WriteOnly));
            QVERIFY(file.resize(8LL * 1024 * 1024 * 1024));
        }
        ids.append(start({{"kind", "hash"}, {"params", QJsonObject{{"root", dir.path()}}}}));
        QTRY_VERIFY_WITH_TIMEOUT(!events("task.progress", ids.first()).isEmpty(), kWait);
    }
    for (int i = 0; i < counts; ++i)
        ids.append(start(endless()));
    for (quint64 id : ids)
        QVERIFY(id > 0);

    QElapsedTimer clock;
    clock.start();
    QVERIFY(m_commands->shutdown(5s));
    QVERIFY2(clock.elapsed() < 10000, qPrintable(QString::number(clock.elapsed())));
    for (quint64 id : ids) {
        QCOMPARE(lastState(id), QStringLiteral("cancelled"));
        QCOMPARE(events("task.state", id).last().body["error"]["code"].toString(),
                 QStringLiteral("cancelled"));
    }
    // The queued ones never started: nothing got admitted while the others stopped.
    for (qsizetype i = 1; i < ids.size(); ++i)
        QCOMPARE(states(ids.at(i)), (QStringList{"queued", "cancelled"}));

    const ProcessMessage refused = run("tasks.start", count(1, 0));
    QVERIFY(!refused.ok);
    QCOMPARE(refused.body["code"].toString(), QStringLiteral("shutting_down"));
    const QJsonArray listed = run("tasks.list").body.toArray();
    QCOMPARE(listed.size(), ids.size());
    for (const QJsonValue &task : listed)
        QCOMPARE(task["state"].toString(), QStringLiteral("cancelled"));
}

void tst_TaskCommands::historyIsToldOnceAtStart_data()
{
    QTest::addColumn<QString>("before"); // what the history's file holds
    QTest::addColumn<int>("tasks");      // how many tasks come back
    QTest::addColumn<QString>("notice"); // its reason, or ""
    QTest::newRow("no file yet") << "nothing" << 0 << "";
    QTest::newRow("a task kept") << "a task" << 1 << "";
    QTest::newRow("not a database") << "garbage" << 0 << "corrupt";
}

void tst_TaskCommands::historyIsToldOnceAtStart()
{
    QFETCH(QString, before);
    QFETCH(int, tasks);
    QFETCH(QString, notice);

    QVERIFY(m_out.isEmpty()); // init()'s has no history, and says nothing of one
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath("history.sqlite");
    const auto make = [&] {
        m_commands.reset();
        m_out.clear();
        m_commands = std::make_unique<TaskCommands>(
            TaskKinds::builtIn().add(CountTask::declaration()),
            [this](const ProcessMessage &message) { m_out.append(message); }, path);
    };
    if (before == QLatin1String("a task")) {
        make();
        QCOMPARE(start(count(2, 0)), 1ULL);
        QTRY_COMPARE_WITH_TIMEOUT(lastState(1), QStringLiteral("completed"), kWait);
    } else if (before == QLatin1String("garbage")) {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray(8192, 'x'));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression("task history .* set aside as"));
    }
    make();
    QCOMPARE(m_out.size(), 1);
    const ProcessMessage told = m_out.first();
    QCOMPARE(told.kind, ProcessMessage::Kind::Event);
    QCOMPARE(told.name, QStringLiteral("task.history"));
    const QJsonArray restored = told.body["tasks"].toArray();
    QCOMPARE(restored.size(), tasks);
    if (tasks > 0) {
        QCOMPARE(restored.first()["state"].toString(), QStringLiteral("completed"));
        QCOMPARE(restored.first()["result"].toObject(), (QJsonObject{{"count", 2}}));
        QCOMPARE(run("tasks.list").body.toArray(), restored);
    }
    QCOMPARE(told.body["notice"]["reason"].toString(), notice);
    QCOMPARE(told.body.toObject().contains("notice"), !notice.isEmpty());
    if (!notice.isEmpty())
        QVERIFY(told.body["notice"]["path"].toString().startsWith(path + ".corrupt-"));
}

void tst_TaskCommands::retryStartsTheTaskAgain()
{
    QJsonObject args = count(2, 0);
    args.insert("priority", -4);
    QCOMPARE(start(args), 1ULL);
    QTRY_COMPARE_WITH_TIMEOUT(lastState(1), QStringLiteral("completed"), kWait);
    const ProcessMessage retried = run("tasks.retry", {{"id", 1}});
    QVERIFY(retried.ok);
    QCOMPARE(retried.body["id"].toInt(), 2);
    QCOMPARE(retried.body["kind"].toString(), QStringLiteral("count"));
    QCOMPARE(retried.body["params"].toObject(), args["params"].toObject());
    QCOMPARE(retried.body["priority"].toInt(), -4);
    QCOMPARE(states(2).first(), QStringLiteral("queued"));
    QTRY_COMPARE_WITH_TIMEOUT(lastState(2), QStringLiteral("completed"), kWait);
    QCOMPARE(lastState(1), QStringLiteral("completed"));
}

QTEST_GUILESS_MAIN(tst_TaskCommands)
#include "tst_taskcommands.moc"
