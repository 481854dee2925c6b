// The tail kind on real files: appends, partial lines, truncation, rotation, pause, and
// backpressure through the output log's acknowledgement window.
#include "TaskManager.h"
#include "TaskOutputLog.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

using namespace Conduit;
using namespace std::chrono_literals;

namespace {
void append(const QString &path, const QByteArray &data)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Append));
    QCOMPARE(file.write(data), data.size());
}

void rewrite(const QString &path, const QByteArray &data)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(file.write(data), data.size());
}

QStringList numbered(int from, int to)
{
    QStringList lines;
    for (int i = from; i <= to; ++i)
        lines.append(QStringLiteral("line %1").arg(i));
    return lines;
}

QByteArray joined(const QStringList &lines)
{
    return (lines.join(QLatin1Char('\n')) + QLatin1Char('\n')).toUtf8();
}
} // namespace

class tst_TailTask : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void outputLogWindow();
    void appendsArriveInOrder_data();
    void appendsArriveInOrder();
    void partialLineWaitsForItsNewline();
    void truncationRestartsAtZero();
    void rotationFollowsTheNewFile_data();
    void rotationFollowsTheNewFile();
    void pauseStopsEmitting();
    void backpressureStopsAtTheWindow();
    void cancelStopsIt();

private:
    quint64 startTail(bool fromStart = false, bool consume = true);

    QTemporaryDir m_dir;
    QString m_path;
    std::unique_ptr<TaskManager> m_manager;
    QStringList m_lines; // what the consumer took, in order
    qint64 m_lastRead = 0;
};

void tst_TailTask::init()
{
    QVERIFY(m_dir.isValid());
    m_path = m_dir.filePath(QStringLiteral("app.log"));
    QFile::remove(m_path);
    rewrite(m_path, "before the tail started\n");
    m_manager = std::make_unique<TaskManager>();
    m_lines.clear();
    m_lastRead = 0;
}

void tst_TailTask::cleanup()
{
    m_manager.reset();
}

quint64 tst_TailTask::startTail(bool fromStart, bool consume)
{
    const quint64 id
        = m_manager->start(QStringLiteral("tail"), {{"path", m_path}, {"fromStart", fromStart}});
    if (consume) {
        // A consumer that takes everything and acknowledges it at once.
        connect(m_manager.get(), &TaskManager::outputAvailable, this, [this, id](quint64 task) {
            if (task != id)
                return;
            const QJsonArray items = m_manager->readOutput(id, m_lastRead, 1000);
            for (const QJsonValue &item : items) {
                const QJsonObject o = item.toObject();
                QCOMPARE(o.value("seq").toInteger(), m_lastRead + 1);
                m_lastRead = o.value("seq").toInteger();
                m_lines.append(o.value("value").toString());
            }
            m_manager->acknowledgeOutput(id, m_lastRead);
        });
    }
    // Admitted at once; the check below fails the test if not. It has then opened the file
    // and taken its position.
    if (!QTest::qWaitFor([&] { return m_manager->snapshot(id).state == TaskState::Running; }))
        qWarning("the tail task was not admitted");
    QTest::qWait(50);
    return id;
}

void tst_TailTask::outputLogWindow()
{
    TaskOutputLog log(3);
    QCOMPARE(log.room(), 3);
    QCOMPARE(log.append("a"), 1);
    QCOMPARE(log.append("b"), 2);
    QCOMPARE(log.append("c"), 3);
    QCOMPARE(log.room(), 0);
    QCOMPARE(log.read(0, 10).size(), 3);
    QCOMPARE(log.read(1, 1).first().toObject().value("seq").toInt(), 2);
    QVERIFY(log.acknowledge(2));
    QCOMPARE(log.room(), 2);
    QCOMPARE(log.read(0, 10).size(), 1); // acknowledged items are dropped
    QCOMPARE(log.read(0, 10).first().toObject().value("value").toString(), QStringLiteral("c"));
    QVERIFY(!log.acknowledge(1)); // going back changes nothing
    QVERIFY(log.acknowledge(99)); // clamped to the last seq
    QCOMPARE(log.acknowledgedSeq(), 3);
    QCOMPARE(log.room(), 3);
}

void tst_TailTask::appendsArriveInOrder_data()
{
    QTest::addColumn<bool>("fromStart");
    QTest::newRow("from the end") << false;
    QTest::newRow("from the start") << true;
}

void tst_TailTask::appendsArriveInOrder()
{
    QFETCH(bool, fromStart);
    const quint64 id = startTail(fromStart);
    QCOMPARE(m_manager->snapshot(id).state, TaskState::Running);
    QStringList expected = fromStart ? QStringList{"before the tail started"} : QStringList();
    for (int batch = 0; batch < 5; ++batch) {
        const QStringList lines = numbered(batch * 40 + 1, batch * 40 + 40);
        append(m_path, joined(lines));
        expected += lines;
        QTest::qWait(20);
    }
    append(m_path, "Grüße, naïve café\n");
    expected.append(QStringLiteral("Grüße, naïve café"));
    QTRY_COMPARE(m_lines, expected);
    const TaskSnapshot s = m_manager->snapshot(id);
    QCOMPARE(s.unit, QStringLiteral("lines"));
    QCOMPARE(s.done, expected.size());
    QCOMPARE(s.outputSeq, expected.size());
}

void tst_TailTask::partialLineWaitsForItsNewline()
{
    startTail();
    append(m_path, "first\nhalf a li");
    QTRY_COMPARE(m_lines, QStringList{"first"});
    QTest::qWait(400); // more than a poll interval
    QCOMPARE(m_lines, QStringList{"first"});
    append(m_path, "ne\n");
    QTRY_COMPARE(m_lines, (QStringList{"first", "half a line"}));
}

void tst_TailTask::truncationRestartsAtZero()
{
    startTail();
    append(m_path, "a\nb\n");
    QTRY_COMPARE(m_lines, (QStringList{"a", "b"}));
    rewrite(m_path, "c\n"); // shorter than where the tail was
    QTRY_COMPARE(m_lines, (QStringList{"a", "b", "c"}));
    append(m_path, "d\n");
    QTRY_COMPARE(m_lines, (QStringList{"a", "b", "c", "d"}));
}

void tst_TailTask::rotationFollowsTheNewFile_data()
{
    QTest::addColumn<bool>("removeOld");
    QTest::newRow("renamed, new file created") << false;
    QTest::newRow("removed, new file created") << true;
}

void tst_TailTask::rotationFollowsTheNewFile()
{
    QFETCH(bool, removeOld);
    startTail();
    append(m_path, "old 1\n");
    QTRY_COMPARE(m_lines, QStringList{"old 1"});
    {
        // Written through a handle opened before the rotation, like a logger does.
        QFile logger(m_path);
        QVERIFY(logger.open(QIODevice::WriteOnly | QIODevice::Append));
        const QString rotated = m_path + QStringLiteral(".1");
        QFile::remove(rotated);
        if (removeOld)
            QVERIFY(QFile::remove(m_path));
        else
            QVERIFY(QFile::rename(m_path, rotated));
        logger.write("old 2\n");
        logger.flush();
    }
    rewrite(m_path, "new 1\n");
    QTRY_COMPARE(m_lines, (QStringList{"old 1", "old 2", "new 1"}));
    append(m_path, "new 2\n");
    QTRY_COMPARE(m_lines, (QStringList{"old 1", "old 2", "new 1", "new 2"}));
}

void tst_TailTask::pauseStopsEmitting()
{
    const quint64 id = startTail();
    append(m_path, "one\n");
    QTRY_COMPARE(m_lines, QStringList{"one"});
    m_manager->pause(id);
    append(m_path, "two\nthree\n");
    QTest::qWait(400);
    QCOMPARE(m_lines, QStringList{"one"});
    QCOMPARE(m_manager->snapshot(id).outputSeq, 1);
    m_manager->resume(id);
    QTRY_COMPARE(m_lines, (QStringList{"one", "two", "three"}));
}

void tst_TailTask::backpressureStopsAtTheWindow()
{
    const QStringList all = numbered(1, 1000);
    rewrite(m_path, joined(all.mid(0, 700)));
    const quint64 id = startTail(true, false); // nobody acknowledges
    QTRY_COMPARE(m_manager->snapshot(id).outputSeq, 256);
    append(m_path, joined(all.mid(700)));
    QTest::qWait(400);
    QCOMPARE(m_manager->snapshot(id).outputSeq, 256); // the producer stopped at the window
    QCOMPARE(m_manager->snapshot(id).done, 256);

    // A consumer that went away and came back replays everything unacknowledged.
    QJsonArray replay = m_manager->readOutput(id, 0, 10000);
    QCOMPARE(replay.size(), 256);
    QCOMPARE(replay.first().toObject().value("value").toString(), QStringLiteral("line 1"));

    // Acknowledging in uneven steps lets it go on, nothing lost or repeated.
    QStringList taken;
    qint64 last = 0;
    int step = 0;
    while (taken.size() < all.size()) {
        QTRY_VERIFY(m_manager->snapshot(id).outputSeq > last);
        const QJsonArray items = m_manager->readOutput(id, last, 97 + (step++ % 5) * 31);
        for (const QJsonValue &item : items) {
            QCOMPARE(item.toObject().value("seq").toInteger(), last + 1);
            last = item.toObject().value("seq").toInteger();
            taken.append(item.toObject().value("value").toString());
        }
        QVERIFY(m_manager->snapshot(id).outputSeq - last <= 256);
        m_manager->acknowledgeOutput(id, last);
    }
    QCOMPARE(taken, all);
}

void tst_TailTask::cancelStopsIt()
{
    const quint64 id = startTail();
    append(m_path, "x\n");
    QTRY_COMPARE(m_lines, QStringList{"x"});
    m_manager->cancel(id);
    QTRY_COMPARE(m_manager->snapshot(id).state, TaskState::Cancelled);
    append(m_path, "y\n");
    QTest::qWait(300);
    QCOMPARE(m_lines, QStringList{"x"});
}

QTEST_GUILESS_MAIN(tst_TailTask)
#include "tst_tailtask.moc"
