// SPDX-License-Identifier: MIT
// The tail kind on real files: appends, partial lines, long lines cut at the item cap, line
// endings and binary bytes, truncation, deletion, rotation, pause, backpressure through the
// output log's acknowledgement window, and bounded memory on a file without newlines.
#include <worker/TailTask.h>
#include <worker/TaskManager.h>
#include <worker/TaskOutputLog.h>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QProcess>
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

// Runs `sh -c script` with the log's path as $1: a real writer in another process.
void shell(const QString &script, const QString &path)
{
    QProcess sh;
    sh.start(QStringLiteral("sh"), {QStringLiteral("-c"), script, QStringLiteral("sh"), path});
    QVERIFY(sh.waitForFinished(60000));
    QCOMPARE(sh.exitStatus(), QProcess::NormalExit);
    QCOMPARE(sh.exitCode(), 0);
}

// The peak resident set since the last reset, in KiB (Linux).
qint64 peakRssKiB()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}

constexpr qsizetype kCap = TailTask::kMaxItemBytes;
// How much the peak RSS may grow while 50 MB pass through: a few windows' worth of items. Under
// AddressSanitizer, freed memory waits in its quarantine (256 MiB by default) first.
#if defined(__SANITIZE_ADDRESS__)
constexpr qint64 kRssGrowthKiB = (96 + 256) * 1024;
#else
constexpr qint64 kRssGrowthKiB = 96 * 1024;
#endif
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
    void longLinesArriveInPieces_data();
    void longLinesArriveInPieces();
    void lineEndingsAndBinaryBytes_data();
    void lineEndingsAndBinaryBytes();
    void truncatedToZeroThenNewLines_data();
    void truncatedToZeroThenNewLines();
    void deletedThenRecreated();
    void growingWithoutNewlinesStaysBounded();

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
    QTRY_COMPARE(m_manager->snapshot(id).outputSeq, TaskOutputLog::kDefaultWindow);
    append(m_path, joined(all.mid(700)));
    QTest::qWait(400);
    QCOMPARE(m_manager->snapshot(id).outputSeq,
             TaskOutputLog::kDefaultWindow); // the producer stopped at the window
    QCOMPARE(m_manager->snapshot(id).done, TaskOutputLog::kDefaultWindow);

    // A consumer that went away and came back replays everything unacknowledged.
    QJsonArray replay = m_manager->readOutput(id, 0, 10000);
    QCOMPARE(replay.size(), TaskOutputLog::kDefaultWindow);
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

void tst_TailTask::longLinesArriveInPieces_data()
{
    QTest::addColumn<QByteArray>("line");         // written with its "\n", then "next\n"
    QTest::addColumn<QList<qsizetype>>("pieces"); // the items' sizes in bytes
    const QByteArray a(kCap, 'a');
    const QByteArray b(kCap, 'b');
    const QByteArray c(kCap, 'c');
    QTest::newRow("3x the cap") << a + b + c << QList<qsizetype>{kCap, kCap, kCap};
    QTest::newRow("exactly the cap") << a << QList<qsizetype>{kCap};
    QTest::newRow("the cap + 1") << a + "z" << QList<qsizetype>{kCap, 1};
    QTest::newRow("the cap - 1") << a.left(kCap - 1) << QList<qsizetype>{kCap - 1};
    QTest::newRow("the cap, CRLF") << a + "\r" << QList<qsizetype>{kCap};
    QTest::newRow("2x the cap, CRLF") << a + b + "\r" << QList<qsizetype>{kCap, kCap};
    // "é" is two bytes and the cap is even: "x" first puts every boundary inside a character.
    QTest::newRow("UTF-8 across the cap")
        << "x" + QString(kCap, QChar(0xE9)).toUtf8() << QList<qsizetype>{kCap - 1, kCap, 2};
}

void tst_TailTask::longLinesArriveInPieces()
{
    QFETCH(QByteArray, line);
    QFETCH(QList<qsizetype>, pieces);
    startTail();
    append(m_path, line + "\n" + "next\n");
    QTRY_COMPARE(m_lines.size(), pieces.size() + 1);
    QTest::qWait(300); // and nothing more: no empty item after a cut line
    QCOMPARE(m_lines.size(), pieces.size() + 1);
    QCOMPARE(m_lines.last(), QStringLiteral("next"));
    QByteArray whole;
    for (int i = 0; i < pieces.size(); ++i) {
        const QByteArray bytes = m_lines.at(i).toUtf8();
        QCOMPARE(bytes.size(), pieces.at(i));
        QVERIFY(!m_lines.at(i).contains(QChar::ReplacementCharacter));
        whole += bytes;
    }
    QByteArray expected = line;
    if (expected.endsWith('\r'))
        expected.chop(1);
    QCOMPARE(whole, expected);
}

void tst_TailTask::lineEndingsAndBinaryBytes_data()
{
    QTest::addColumn<QString>("script"); // sh -c, $1 is the log
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("CRLF") << "printf 'one\\r\\ntwo\\r\\n' >> \"$1\"" << QStringList{"one", "two"};
    QTest::newRow("a lone CR stays") << "printf 'a\\rb\\n' >> \"$1\"" << QStringList{"a\rb"};
    QTest::newRow("empty lines") << "printf '\\n\\nx\\n' >> \"$1\"" << QStringList{"", "", "x"};
    QTest::newRow("NUL stays U+0000")
        << "printf 'a\\000b\\n' >> \"$1\"" << QStringList{QString::fromUtf8("a\0b", 3)};
    QTest::newRow("invalid bytes become U+FFFD")
        << "printf '\\377ok\\n' >> \"$1\""
        << QStringList{QString(QChar::ReplacementCharacter) + QStringLiteral("ok")};
    QTest::newRow("a cut-off character becomes U+FFFD")
        << "printf 'caf\\303\\n' >> \"$1\""
        << QStringList{QStringLiteral("caf") + QChar(QChar::ReplacementCharacter)};
}

void tst_TailTask::lineEndingsAndBinaryBytes()
{
    QFETCH(QString, script);
    QFETCH(QStringList, expected);
    startTail();
    shell(script, m_path);
    QTRY_COMPARE(m_lines, expected);
}

void tst_TailTask::truncatedToZeroThenNewLines_data()
{
    QTest::addColumn<bool>("settle"); // the tail sees the empty file before the new lines
    QTest::newRow("seen empty") << true;
    QTest::newRow("rewritten longer at once") << false;
}

void tst_TailTask::truncatedToZeroThenNewLines()
{
    QFETCH(bool, settle);
    const quint64 id = startTail();
    append(m_path, "a\nb\n");
    QTRY_COMPARE(m_lines, (QStringList{"a", "b"}));
    {
        QFile file(m_path);
        QVERIFY(file.open(QIODevice::ReadWrite));
        QVERIFY(file.resize(0));
    }
    if (settle)
        QTest::qWait(400); // more than a poll interval
    // Longer than all that came before, so only the rewrite gives the truncation away.
    append(m_path, "after the truncation, line one\nline two\n");
    QTRY_COMPARE(m_lines, (QStringList{"a", "b", "after the truncation, line one", "line two"}));
    QCOMPARE(m_manager->snapshot(id).state, TaskState::Running);
}

void tst_TailTask::deletedThenRecreated()
{
    startTail();
    append(m_path, "old\n");
    QTRY_COMPARE(m_lines, QStringList{"old"});
    QVERIFY(QFile::remove(m_path));
    QTest::qWait(400); // the path names nothing for a while
    QCOMPARE(m_lines, QStringList{"old"});
    shell(QStringLiteral("printf 'new 1\\nnew 2\\n' > \"$1\""), m_path);
    QTRY_COMPARE(m_lines, (QStringList{"old", "new 1", "new 2"}));
}

void tst_TailTask::growingWithoutNewlinesStaysBounded()
{
    constexpr qint64 kBytes = 50LL * 1024 * 1024;
    const quint64 id
        = m_manager->start(QStringLiteral("tail"), {{"path", m_path}, {"fromStart", false}});
    // A consumer that keeps nothing: it checks each item and acknowledges it.
    qint64 received = 0;
    qsizetype largest = 0;
    bool allX = true;
    qint64 lastSeq = 0;
    connect(m_manager.get(), &TaskManager::outputAvailable, this, [&](quint64 task) {
        // Everything there, in reads of at most 64 items, each acknowledged at once.
        for (;;) {
            const QJsonArray items = m_manager->readOutput(task, lastSeq, 64);
            if (items.isEmpty())
                break;
            for (const QJsonValue &item : items) {
                const QByteArray bytes = item.toObject().value("value").toString().toUtf8();
                received += bytes.size();
                largest = qMax(largest, bytes.size());
                allX = allX && bytes.count('x') == bytes.size();
                lastSeq = item.toObject().value("seq").toInteger();
            }
            m_manager->acknowledgeOutput(task, lastSeq);
        }
    });
    QTRY_COMPARE(m_manager->snapshot(id).state, TaskState::Running);
    QTest::qWait(50);
    // Linux: writing 5 to clear_refs resets the peak RSS, so VmHWM measures this test alone.
    {
        QFile clear(QStringLiteral("/proc/self/clear_refs"));
        QVERIFY(clear.open(QIODevice::WriteOnly));
        QCOMPARE(clear.write("5"), 1);
    }
    const qint64 baseline = peakRssKiB();
    QVERIFY(baseline > 0);
    shell(QStringLiteral("head -c %1 /dev/zero | tr '\\0' x >> \"$1\"").arg(kBytes), m_path);
    // All of it but the last partial piece, which waits for its newline.
    QTRY_VERIFY_WITH_TIMEOUT(received >= kBytes - kCap - 1, 60000);
    const qint64 growth = peakRssKiB() - baseline;
    qInfo("%lld bytes in %lld items, largest %lld, peak RSS grew by %lld KiB", received, lastSeq,
          qlonglong(largest), growth);
    QVERIFY(allX);
    QCOMPARE(largest, kCap);
    QVERIFY2(growth < kRssGrowthKiB, qPrintable(QString::number(growth)));
    append(m_path, "\n");
    QTRY_COMPARE(received, kBytes);
}

QTEST_GUILESS_MAIN(tst_TailTask)
#include "tst_tailtask.moc"
