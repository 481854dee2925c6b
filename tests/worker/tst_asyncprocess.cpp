// SPDX-License-Identifier: MIT
// AsyncProcess in its own QThread, wired the way app/ConduitRuntime wires it: started by
// QThread::started, input through a queued connection, output back through a queued connection.
#include <worker/AsyncProcess.h>
#include <worker/CountTask.h>
#include <worker/ProcessMessage.h>

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonObject>
#include <QPointer>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <atomic>

using namespace Conduit;
using namespace std::chrono_literals;

namespace {
constexpr auto kTick = 20ms;
const QString kTickEvent = QStringLiteral("process.tick");
const QString kOutputEvent = QStringLiteral("process.output");
const QString kVisibilityEvent = QStringLiteral("process.visibility");
} // namespace

class tst_AsyncProcess : public QObject
{
    Q_OBJECT

Q_SIGNALS:
    // The test's end of the process's input channel.
    void input(const Conduit::ProcessMessage &message);

private Q_SLOTS:
    void init();
    void cleanup();

    void messageFactories();
    void echo();
    void tellAnswersThenSpeaks();
    void questionIsConfirmed_data();
    void questionIsConfirmed();
    void questionRefused();
    void strayRepliesAreIgnored();
    void unknownCommand();
    void ticksArriveByThemselves();
    void hiddenPageStopsTheTicks();
    void hundredThousandEachWay();
    void stopsCleanly();
    void stopWithBusyTasksIsBounded();

private:
    void post(const ProcessMessage &message) { Q_EMIT input(message); }
    QList<ProcessMessage> events(const QString &name) const;
    qsizetype indexOf(ProcessMessage::Kind kind, quint64 id) const;
    qsizetype indexOfEvent(const QString &name, qsizetype from = 0) const;
    std::optional<ProcessMessage> resultFor(quint64 id) const;

    QThread *m_thread = nullptr;
    QPointer<AsyncProcess> m_process;
    QList<ProcessMessage> m_output;
    QList<ProcessMessage> m_results;
    std::atomic<QThread *> m_emittingThread{nullptr};
};

void tst_AsyncProcess::init()
{
    m_output.clear();
    m_results.clear();
    m_emittingThread = nullptr;

    m_thread = new QThread;
    m_thread->setObjectName(QStringLiteral("AsyncProcess"));
    m_process = new AsyncProcess(kTick, TaskKinds::builtIn().add(CountTask::declaration()));
    m_process->moveToThread(m_thread);
    connect(m_thread, &QThread::started, m_process, &AsyncProcess::start);
    connect(m_thread, &QThread::finished, m_process, &QObject::deleteLater);
    connect(this, &tst_AsyncProcess::input, m_process, &AsyncProcess::post, Qt::QueuedConnection);
    connect(
        m_process, &AsyncProcess::output, this,
        [this](const ProcessMessage &message) {
            m_output.append(message);
            if (message.kind == ProcessMessage::Kind::Result)
                m_results.append(message);
        },
        Qt::QueuedConnection);
    // Where output() is emitted from: recorded without a queue in between.
    connect(
        m_process, &AsyncProcess::output, m_process,
        [this] { m_emittingThread = QThread::currentThread(); }, Qt::DirectConnection);
    m_thread->start();
}

void tst_AsyncProcess::cleanup()
{
    if (m_thread->isRunning()) {
        QMetaObject::invokeMethod(
            m_process, [p = m_process] { p->stop(); }, Qt::QueuedConnection);
        m_thread->quit();
        QVERIFY(m_thread->wait(10000));
    }
    QVERIFY(m_process.isNull()); // deleteLater ran as the thread finished
    // Output already queued to this thread belongs to this test, not to the next one.
    QCoreApplication::sendPostedEvents();
    delete m_thread;
    m_thread = nullptr;
}

QList<ProcessMessage> tst_AsyncProcess::events(const QString &name) const
{
    QList<ProcessMessage> matching;
    for (const ProcessMessage &message : m_output) {
        if (message.kind == ProcessMessage::Kind::Event && message.name == name)
            matching.append(message);
    }
    return matching;
}

qsizetype tst_AsyncProcess::indexOf(ProcessMessage::Kind kind, quint64 id) const
{
    for (qsizetype i = 0; i < m_output.size(); ++i) {
        if (m_output.at(i).kind == kind && m_output.at(i).id == id)
            return i;
    }
    return -1;
}

qsizetype tst_AsyncProcess::indexOfEvent(const QString &name, qsizetype from) const
{
    for (qsizetype i = from; i < m_output.size(); ++i) {
        if (m_output.at(i).kind == ProcessMessage::Kind::Event && m_output.at(i).name == name)
            return i;
    }
    return -1;
}

std::optional<ProcessMessage> tst_AsyncProcess::resultFor(quint64 id) const
{
    for (const ProcessMessage &message : m_results) {
        if (message.id == id)
            return message;
    }
    return std::nullopt;
}

void tst_AsyncProcess::messageFactories()
{
    const QJsonObject body{{"text", "x"}};
    const ProcessMessage command = ProcessMessage::command(4, QStringLiteral("echo"), body);
    QCOMPARE(command.kind, ProcessMessage::Kind::Command);
    QCOMPARE(command.id, 4ULL);
    QCOMPARE(command.name, QStringLiteral("echo"));
    QCOMPARE(command.body, QJsonValue(body));

    const ProcessMessage reply = ProcessMessage::reply(5, false, QJsonValue("no"));
    QCOMPARE(reply.kind, ProcessMessage::Kind::Reply);
    QCOMPARE(reply.id, 5ULL);
    QVERIFY(!reply.ok);

    const ProcessMessage failure
        = ProcessMessage::failure(6, QStringLiteral("busy"), QStringLiteral("later"));
    QCOMPARE(failure.kind, ProcessMessage::Kind::Result);
    QVERIFY(!failure.ok);
    QCOMPARE(failure.body.toObject(), (QJsonObject{{"code", "busy"}, {"message", "later"}}));

    const ProcessMessage event = ProcessMessage::event(QStringLiteral("e"), 1);
    QCOMPARE(event.kind, ProcessMessage::Kind::Event);
    QCOMPARE(event.id, 0ULL);
    QCOMPARE(ProcessMessage::request(7, QStringLiteral("confirm"), {}).kind,
             ProcessMessage::Kind::Request);
    QVERIFY(ProcessMessage::result(8, 1).ok);

    // A value type that crosses threads inside a QVariant (what a queued connection does).
    const QVariant carried = QVariant::fromValue(command);
    QCOMPARE(carried.value<ProcessMessage>().name, QStringLiteral("echo"));
    QCOMPARE(carried.value<ProcessMessage>().body, QJsonValue(body));
}

void tst_AsyncProcess::echo()
{
    post(ProcessMessage::command(1, QStringLiteral("echo"), QJsonObject{{"text", "hi ✓"}}));
    QTRY_VERIFY(resultFor(1));
    const ProcessMessage result = *resultFor(1);
    QVERIFY(result.ok);
    QCOMPARE(result.body.toObject(), (QJsonObject{{"text", QStringLiteral("hi ✓")}}));
    QCOMPARE(m_emittingThread.load(), m_thread); // the process speaks from its own thread
    QVERIFY(m_emittingThread.load() != QThread::currentThread());
}

void tst_AsyncProcess::tellAnswersThenSpeaks()
{
    post(ProcessMessage::command(2, QStringLiteral("tell"), QJsonObject{{"text", "hello"}}));
    post(ProcessMessage::command(3, QStringLiteral("tell"), QJsonObject{{"text", "again"}}));
    QTRY_COMPARE(events(kOutputEvent).size(), 2);

    const ProcessMessage first = *resultFor(2);
    const ProcessMessage second = *resultFor(3);
    QVERIFY(first.ok);
    const double firstId = first.body[QStringLiteral("id")].toDouble();
    QVERIFY(firstId >= 1);
    QCOMPARE(second.body[QStringLiteral("id")].toDouble(), firstId + 1);

    const QList<ProcessMessage> outputs = events(kOutputEvent);
    QCOMPARE(outputs.at(0).body.toObject(), (QJsonObject{{"id", firstId}, {"text", "hello"}}));
    QCOMPARE(outputs.at(1).body.toObject(), (QJsonObject{{"id", firstId + 1}, {"text", "again"}}));
    // "Later": each result leaves before the output it announces.
    QVERIFY(indexOf(ProcessMessage::Kind::Result, 2) < indexOfEvent(kOutputEvent));
}

void tst_AsyncProcess::questionIsConfirmed_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("answer");

    QTest::newRow("yes") << "Shall we?" << true;
    QTest::newRow("no") << "Really?" << false;
    QTest::newRow("trailing space") << "Sure? " << true;
}

void tst_AsyncProcess::questionIsConfirmed()
{
    QFETCH(QString, text);
    QFETCH(bool, answer);

    post(ProcessMessage::command(10, QStringLiteral("tell"), QJsonObject{{"text", text}}));
    QTRY_VERIFY(indexOf(ProcessMessage::Kind::Request, 1) >= 0);
    const ProcessMessage request = m_output.at(indexOf(ProcessMessage::Kind::Request, 1));
    QCOMPARE(request.name, QStringLiteral("confirm"));
    QCOMPARE(request.body.toObject(), (QJsonObject{{"question", text}}));
    const ProcessMessage result = *resultFor(10);
    QVERIFY(result.ok);
    QVERIFY(indexOf(ProcessMessage::Kind::Result, 10) < indexOf(ProcessMessage::Kind::Request, 1));
    QCOMPARE(events(kOutputEvent).size(), 0); // waits for the answer

    post(ProcessMessage::reply(request.id, true, answer));
    QTRY_COMPARE(events(kOutputEvent).size(), 1);
    QCOMPARE(events(kOutputEvent).first().body.toObject(),
             (QJsonObject{
                 {"id", result.body[QStringLiteral("id")]}, {"text", text}, {"answer", answer}}));
}

void tst_AsyncProcess::questionRefused()
{
    post(ProcessMessage::command(1, QStringLiteral("tell"), QJsonObject{{"text", "Go?"}}));
    QTRY_VERIFY(indexOf(ProcessMessage::Kind::Request, 1) >= 0);
    const QJsonObject error{{"code", "timeout"}, {"message", "nobody answered"}};
    post(ProcessMessage::reply(1, false, error));
    QTRY_COMPARE(events(kOutputEvent).size(), 1);
    const QJsonObject payload = events(kOutputEvent).first().body.toObject();
    QCOMPARE(payload.value("error").toObject(), error);
    QVERIFY(!payload.contains("answer"));
    QCOMPARE(payload.value("text").toString(), QStringLiteral("Go?"));
}

void tst_AsyncProcess::strayRepliesAreIgnored()
{
    post(ProcessMessage::command(1, QStringLiteral("tell"), QJsonObject{{"text", "Go?"}}));
    QTRY_VERIFY(indexOf(ProcessMessage::Kind::Request, 1) >= 0);
    post(ProcessMessage::reply(1, true, true));
    post(ProcessMessage::reply(1, true, false)); // answered already
    post(ProcessMessage::reply(99, true, true)); // never asked
    post(ProcessMessage::event(QStringLiteral("page.other"), QJsonObject{{"visible", false}}));
    post(ProcessMessage::result(5, 1)); // output kinds are not input
    // Input is handled in order, so this echo's result means all of the above was handled.
    post(ProcessMessage::command(2, QStringLiteral("echo"), QJsonObject{{"text", "barrier"}}));
    QTRY_VERIFY(resultFor(2));
    QCOMPARE(events(kOutputEvent).size(), 1);
    QCOMPARE(events(kOutputEvent).first().body[QStringLiteral("answer")], QJsonValue(true));
    QCOMPARE(events(kVisibilityEvent).size(), 0);
    QCOMPARE(m_results.size(), 2); // the tell's and the echo's, nothing for the stray result
}

void tst_AsyncProcess::unknownCommand()
{
    post(ProcessMessage::command(7, QStringLiteral("frobnicate"), QJsonObject{}));
    QTRY_VERIFY(resultFor(7));
    const ProcessMessage result = *resultFor(7);
    QVERIFY(!result.ok);
    QCOMPARE(result.body[QStringLiteral("code")].toString(), QStringLiteral("unknown_command"));
    QVERIFY(result.body[QStringLiteral("message")].toString().contains("frobnicate"));
}

void tst_AsyncProcess::ticksArriveByThemselves()
{
    QElapsedTimer elapsed;
    elapsed.start();
    QTRY_VERIFY_WITH_TIMEOUT(events(kTickEvent).size() >= 5, 10000);
    // Five 20 ms ticks cannot arrive in much less than 100 ms (generous: timers may coalesce).
    QVERIFY2(elapsed.elapsed() >= 60, qPrintable(QString::number(elapsed.elapsed())));
    const QList<ProcessMessage> ticks = events(kTickEvent);
    for (qsizetype i = 0; i < ticks.size(); ++i) {
        QCOMPARE(ticks.at(i).body[QStringLiteral("count")].toInt(), int(i + 1));
        const QDateTime time = QDateTime::fromString(
            ticks.at(i).body[QStringLiteral("time")].toString(), Qt::ISODateWithMs);
        QVERIFY(time.isValid());
        QVERIFY(qAbs(time.msecsTo(QDateTime::currentDateTimeUtc())) < 60000);
    }
}

void tst_AsyncProcess::hiddenPageStopsTheTicks()
{
    QTRY_VERIFY_WITH_TIMEOUT(events(kTickEvent).size() >= 2, 10000);

    post(ProcessMessage::event(QStringLiteral("page.visible"), QJsonObject{{"visible", false}}));
    QTRY_VERIFY(indexOfEvent(kVisibilityEvent) >= 0);
    const qsizetype hiddenAt = indexOfEvent(kVisibilityEvent);
    QCOMPARE(m_output.at(hiddenAt).body.toObject(), (QJsonObject{{"ticking", false}}));
    const int ticksBefore = int(events(kTickEvent).size());

    // Absence can only be shown by watching for a while: 15 tick intervals.
    QTest::qWait(300);
    QCOMPARE(indexOfEvent(kTickEvent, hiddenAt), -1);
    QCOMPARE(int(events(kTickEvent).size()), ticksBefore);

    post(ProcessMessage::event(QStringLiteral("page.visible"), QJsonObject{{"visible", true}}));
    QTRY_VERIFY(indexOfEvent(kVisibilityEvent, hiddenAt + 1) >= 0);
    const qsizetype shownAt = indexOfEvent(kVisibilityEvent, hiddenAt + 1);
    QCOMPARE(m_output.at(shownAt).body.toObject(), (QJsonObject{{"ticking", true}}));
    QTRY_VERIFY_WITH_TIMEOUT(indexOfEvent(kTickEvent, shownAt) >= 0, 10000);
    // The count carries on where it stopped.
    QCOMPARE(m_output.at(indexOfEvent(kTickEvent, shownAt)).body[QStringLiteral("count")].toInt(),
             ticksBefore + 1);

    // The count never skips or repeats across the pause.
    QTRY_VERIFY_WITH_TIMEOUT(events(kTickEvent).size() >= ticksBefore + 5, 10000);
    const QList<ProcessMessage> ticks = events(kTickEvent);
    for (qsizetype i = 0; i < ticks.size(); ++i)
        QCOMPARE(ticks.at(i).body[QStringLiteral("count")].toInt(), int(i + 1));
}

void tst_AsyncProcess::hundredThousandEachWay()
{
    constexpr int kCount = 100000;
    QElapsedTimer elapsed;
    elapsed.start();
    for (int i = 1; i <= kCount; ++i) {
        post(ProcessMessage::command(quint64(i), QStringLiteral("echo"),
                                     QJsonObject{{"text", QStringLiteral("m%1").arg(i)}}));
    }
    QTRY_COMPARE_WITH_TIMEOUT(m_results.size(), qsizetype(kCount), 120000);
    const qint64 ms = elapsed.elapsed();

    // None lost, none reordered, none altered.
    for (int i = 0; i < kCount; ++i) {
        const ProcessMessage &result = m_results.at(i);
        if (result.id != quint64(i + 1) || !result.ok
            || result.body[QStringLiteral("text")].toString() != QStringLiteral("m%1").arg(i + 1)) {
            QFAIL(qPrintable(QStringLiteral("result %1 is id %2 text %3")
                                 .arg(i)
                                 .arg(result.id)
                                 .arg(result.body[QStringLiteral("text")].toString())));
        }
    }
    qInfo("%d round trips in %lld ms (%.0f/s)", kCount, qlonglong(ms),
          ms > 0 ? kCount * 1000.0 / double(ms) : 0.0);
}

void tst_AsyncProcess::stopsCleanly()
{
    QTRY_VERIFY_WITH_TIMEOUT(events(kTickEvent).size() >= 1, 10000);
    post(ProcessMessage::command(1, QStringLiteral("tell"), QJsonObject{{"text", "bye"}}));
    QTRY_COMPARE(events(kOutputEvent).size(), 1);

    QMetaObject::invokeMethod(
        m_process, [p = m_process] { p->stop(); }, Qt::QueuedConnection);
    m_thread->quit();
    QVERIFY(m_thread->wait(5000));
    QVERIFY(m_thread->isFinished());
    QVERIFY(m_process.isNull()); // QThread::finished → deleteLater ran in the finished thread

    // What it said before it stopped is delivered; after that, nothing more arrives.
    QCoreApplication::sendPostedEvents();
    const qsizetype said = m_output.size();
    QTest::qWait(100); // five tick intervals
    QCOMPARE(m_output.size(), said);
}

void tst_AsyncProcess::stopWithBusyTasksIsBounded()
{
    // Two long hashes over sparse files (real CPU work) and a counter, all running.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    for (int i = 0; i < 2; ++i) {
        QFile file(dir.filePath(QStringLiteral("big-%1.bin").arg(i)));
        QVERIFY(file.open(QIODevice::WriteOnly));
        QVERIFY(file.resize(8LL * 1024 * 1024 * 1024));
    }
    post(ProcessMessage::command(
        1, QStringLiteral("tasks.start"),
        QJsonObject{{"kind", "hash"}, {"params", QJsonObject{{"root", dir.path()}}}}));
    post(ProcessMessage::command(
        2, QStringLiteral("tasks.start"),
        QJsonObject{{"kind", "count"}, {"params", QJsonObject{{"to", 1e9}, {"stepMs", 1}}}}));
    QTRY_VERIFY(resultFor(1) && resultFor(2));
    QVERIFY(resultFor(1)->ok);
    QTRY_VERIFY_WITH_TIMEOUT(!events(QStringLiteral("task.progress")).isEmpty(), 10000);

    std::atomic<int> stopped{-1}; // stop()'s answer, from the process's thread
    QElapsedTimer clock;
    clock.start();
    QMetaObject::invokeMethod(
        m_process, [p = m_process, &stopped] { stopped = p->stop(500ms) ? 1 : 0; },
        Qt::QueuedConnection);
    m_thread->quit();
    QVERIFY(m_thread->wait(3000));
    const qint64 elapsed = clock.elapsed();
    qInfo("stop(500 ms) with a hash and a count running: joined after %lld ms", elapsed);
    QCOMPARE(stopped.load(), 1); // both noticed the cancellation
    QVERIFY2(elapsed < 1500, qPrintable(QString::number(elapsed)));
    QVERIFY(m_process.isNull());
    QCoreApplication::sendPostedEvents();
    int cancelled = 0;
    for (const ProcessMessage &state : events(QStringLiteral("task.state")))
        cancelled += state.body[QStringLiteral("state")].toString() == QLatin1String("cancelled");
    QCOMPARE(cancelled, 2);
}

QTEST_GUILESS_MAIN(tst_AsyncProcess)
#include "tst_asyncprocess.moc"
