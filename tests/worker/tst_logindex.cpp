// SPDX-License-Identifier: MIT
// The log view's native side on real files: LogIndex against coreutils and Python as oracles
// (line counts, every line's text, CRLF, no final newline, invalid UTF-8, control characters,
// a 2 MiB line), growth, truncation, rotation and rewrites, a 500 MiB file indexed in time; and
// LogFiles, the process's log.* commands, through its messages: windows, limits, events and
// their throttle, close.
#include <worker/LogFiles.h>
#include <worker/LogIndex.h>

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

using namespace Conduit;
using namespace std::chrono_literals;

Q_DECLARE_METATYPE(std::function<QByteArray()>)

namespace {
const std::atomic<bool> kGo = false;

void write(const QString &path, const QByteArray &data, QIODevice::OpenMode mode)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | mode));
    QCOMPARE(file.write(data), data.size());
}

QByteArray run(const QString &program, const QStringList &args)
{
    QProcess process;
    process.start(program, args);
    if (!process.waitForFinished(120000) || process.exitStatus() != QProcess::NormalExit
        || process.exitCode() != 0) {
        qWarning() << program << args << process.readAllStandardError();
        return {};
    }
    return process.readAllStandardOutput();
}

// Lines as `wc -l` counts them, and one more for a last line without a newline.
qint64 oracleLineCount(const QString &path)
{
    const qint64 newlines = run(QStringLiteral("wc"), {QStringLiteral("-l"), path})
                                .split(' ')
                                .constFirst()
                                .trimmed()
                                .toLongLong();
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly) || file.size() == 0)
        return newlines;
    file.seek(file.size() - 1);
    return newlines + (file.read(1) == "\n" ? 0 : 1);
}

// Line n (from 0) as `sed -n` prints it, without its "\r\n" or "\n".
QByteArray oracleLine(const QString &path, qint64 n)
{
    QByteArray line = run(QStringLiteral("sed"),
                          {QStringLiteral("-n"), QStringLiteral("%1p").arg(n + 1), path});
    if (line.endsWith('\n'))
        line.chop(1);
    if (line.endsWith('\r'))
        line.chop(1);
    return line;
}

// Every line as Python splits and shows it: [text, bytes] with the display rules of LogIndex.
const char *const kPythonOracle = R"py(
import json, sys
data = open(sys.argv[1], 'rb').read()
cap = int(sys.argv[2])
parts = data.split(b'\n')
if parts and parts[-1] == b'':
    parts.pop()
out = []
for p in parts:
    if p.endswith(b'\r'):
        p = p[:-1]
    full = len(p)
    if full > cap:
        cut = cap
        while cut > cap - 3 and (p[cut] & 0xC0) == 0x80:
            cut -= 1
        if (p[cut] & 0xC0) == 0x80:
            cut = cap
        p = p[:cut]
    s = p.decode('utf-8', 'replace')
    s = ''.join(chr(0x2400 + ord(c)) if ord(c) < 0x20 and c != '\t'
                else ('\u2421' if c == '\x7f' else c) for c in s)
    out.append([s, full])
json.dump(out, sys.stdout)
)py";

QJsonArray pythonLines(const QString &path)
{
    const QByteArray json
        = run(QStringLiteral("python3"), {QStringLiteral("-c"), QString::fromUtf8(kPythonOracle),
                                          path, QString::number(LogIndex::kMaxDisplayBytes)});
    return QJsonDocument::fromJson(json).array();
}

void rescan(LogIndex &index, const QString &path)
{
    const LogIndex::Scan scan = LogIndex::scan(path, index.position(), kGo);
    QCOMPARE(int(scan.outcome), int(LogIndex::Outcome::Ok));
    index.apply(scan);
}

// Every line of the index, read in windows of `window`, as [text, bytes] like the oracle's.
QJsonArray readAll(const LogIndex &index, const QString &path, qint64 window = 1000)
{
    QJsonArray all;
    for (qint64 from = 0; from < index.lineCount();) {
        const LogIndex::Window read = LogIndex::read(path, index.plan(from, window), kGo);
        if (read.outcome != LogIndex::Outcome::Ok || read.lines.isEmpty() || read.from != from)
            return all; // the caller's comparison fails
        for (qsizetype i = 0; i < read.lines.size(); ++i) {
            const auto cut = std::find_if(read.cut.cbegin(), read.cut.cend(),
                                          [i](const LogIndex::Cut &c) { return c.index == i; });
            const qint64 bytes
                = cut != read.cut.cend() ? cut->bytes : qint64(read.lines[i].toUtf8().size());
            all.append(QJsonArray{read.lines[i], double(bytes)});
        }
        from += read.lines.size();
    }
    return all;
}

// The bytes column is only comparable for lines the index reports as cut (a control picture
// takes three bytes in UTF-8); keep the text, and the length of cut lines.
QJsonArray comparable(const QJsonArray &lines)
{
    QJsonArray out;
    for (const QJsonValue &line : lines) {
        const QJsonArray pair = line.toArray();
        const bool cut = pair.at(1).toDouble() > LogIndex::kMaxDisplayBytes;
        out.append(QJsonArray{pair.at(0), cut ? pair.at(1) : QJsonValue(-1)});
    }
    return out;
}

QByteArray numbered(int from, int to, const char *ending = "\n")
{
    QByteArray data;
    for (int i = from; i <= to; ++i)
        data += "line " + QByteArray::number(i) + ending;
    return data;
}

QJsonObject body(const ProcessMessage &message)
{
    return message.body.toObject();
}
} // namespace

class tst_LogIndex : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void linesMatchTheOracles_data();
    void linesMatchTheOracles();
    void growsWithAppends();
    void completesAPartialLastLine();
    void startsOverOnTruncation();
    void startsOverOnRotation();
    void startsOverOnARewrite();
    void longLineIsCutAndSkipped();
    void windowsStopAtTheirSize();
    void indexesFiveHundredMiBInTime();
    void logFilesOpenReadClose();
    void logFilesAnnounceChangesThrottled();
    void logFilesRefuseWhatTheyCannotOpen();
    void logFilesAreBounded();

private:
    QString file(const QString &name) const { return m_dir.filePath(name); }
    QTemporaryDir m_dir;
};

void tst_LogIndex::initTestCase()
{
    QVERIFY(m_dir.isValid());
}

void tst_LogIndex::linesMatchTheOracles_data()
{
    QTest::addColumn<std::function<QByteArray()>>("content");
    QTest::newRow("empty") << std::function<QByteArray()>([] { return QByteArray(); });
    QTest::newRow("one line") << std::function<QByteArray()>([] { return QByteArray("one\n"); });
    QTest::newRow("no final newline")
        << std::function<QByteArray()>([] { return numbered(1, 10) + "last, unfinished"; });
    QTest::newRow("only newlines")
        << std::function<QByteArray()>([] { return QByteArray(5000, '\n'); });
    QTest::newRow("CRLF") << std::function<QByteArray()>([] { return numbered(1, 500, "\r\n"); });
    QTest::newRow("CR inside, CRLF at the end, no newline")
        << std::function<QByteArray()>([] { return QByteArray("a\rb\r\nc\r\n\r\nd\r"); });
    QTest::newRow("invalid UTF-8 and control characters") << std::function<QByteArray()>([] {
        static const char raw[] = "ok \xc3\xa9\n\xff bad\nhalf \xc3 x\nnul \0 esc "
                                  "\x1b[1m del \x7f tab \t.\n\xf0\x9f\x98\x80 emoji\n";
        return QByteArray(raw, sizeof raw - 1);
    });
    QTest::newRow("many lines across checkpoints")
        << std::function<QByteArray()>([] { return numbered(1, 200000); });
    QTest::newRow("a 2 MiB line among short ones") << std::function<QByteArray()>([] {
        QByteArray big(2 * 1024 * 1024, 'x');
        for (int i = 0; i < big.size(); i += 1000)
            big[i] = char('a' + (i / 1000) % 26);
        return numbered(1, 3000) + big + "\n" + numbered(3001, 6000);
    });
    QTest::newRow("long lines of multi-byte characters") << std::function<QByteArray()>([] {
        QByteArray data;
        for (int i = 0; i < 40; ++i)
            data += QByteArray(i, 'a') + QString(3000, QChar(0x00e9 + i)).toUtf8() + "\n";
        return data;
    });
}

void tst_LogIndex::linesMatchTheOracles()
{
    QFETCH(std::function<QByteArray()>, content);
    const QString path = file(QStringLiteral("oracle.log"));
    write(path, content(), QIODevice::Truncate);

    LogIndex index;
    rescan(index, path);
    QCOMPARE(index.lineCount(), oracleLineCount(path));
    QCOMPARE(index.size(), QFileInfo(path).size());
    const QJsonArray expected = pythonLines(path);
    QCOMPARE(qint64(expected.size()), index.lineCount());
    QCOMPARE(comparable(readAll(index, path)), comparable(expected));
    QCOMPARE(comparable(readAll(index, path, 7)), comparable(expected)); // windows anywhere
    // Spot lines against sed (plain lines only: sed prints raw bytes).
    for (const qint64 n : {qint64(0), index.lineCount() / 2, index.lineCount() - 1}) {
        if (n < 0 || n >= index.lineCount())
            continue;
        const QByteArray raw = oracleLine(path, n);
        if (raw.size() > LogIndex::kMaxDisplayBytes
            || std::any_of(raw.cbegin(), raw.cend(), [](char c) { return uchar(c) < 0x20; }))
            continue;
        const LogIndex::Window one = LogIndex::read(path, index.plan(n, 1), kGo);
        QCOMPARE(one.lines.value(0), QString::fromUtf8(raw));
    }
}

void tst_LogIndex::growsWithAppends()
{
    const QString path = file(QStringLiteral("grows.log"));
    write(path, numbered(1, 1000), QIODevice::Truncate);
    LogIndex index;
    rescan(index, path);
    QCOMPARE(index.lineCount(), 1000);
    for (int round = 1; round <= 5; ++round) {
        write(path, numbered(round * 1000 + 1, round * 1000 + 1000), QIODevice::Append);
        const LogIndex::Scan scan = LogIndex::scan(path, index.position(), kGo);
        QVERIFY(!scan.reset);
        QVERIFY(index.apply(scan));
        QCOMPARE(index.lineCount(), oracleLineCount(path));
    }
    QCOMPARE(comparable(readAll(index, path, 333)), comparable(pythonLines(path)));
    // Nothing new: nothing changes.
    QVERIFY(!index.apply(LogIndex::scan(path, index.position(), kGo)));
}

void tst_LogIndex::completesAPartialLastLine()
{
    const QString path = file(QStringLiteral("partial.log"));
    write(path, "first\nsecond, half", QIODevice::Truncate);
    LogIndex index;
    rescan(index, path);
    QCOMPARE(index.lineCount(), 2);
    QCOMPARE(LogIndex::read(path, index.plan(1, 1), kGo).lines, QStringList{"second, half"});
    write(path, " and whole\r\nthird", QIODevice::Append);
    rescan(index, path);
    QCOMPARE(index.lineCount(), 3);
    QCOMPARE(LogIndex::read(path, index.plan(0, 10), kGo).lines,
             (QStringList{"first", "second, half and whole", "third"}));
}

void tst_LogIndex::startsOverOnTruncation()
{
    const QString path = file(QStringLiteral("truncated.log"));
    write(path, numbered(1, 5000), QIODevice::Truncate);
    LogIndex index;
    rescan(index, path);
    write(path, numbered(1, 3), QIODevice::Truncate);
    const LogIndex::Scan scan = LogIndex::scan(path, index.position(), kGo);
    QVERIFY(scan.reset);
    QVERIFY(index.apply(scan));
    QCOMPARE(index.lineCount(), 3);
    QCOMPARE(LogIndex::read(path, index.plan(0, 10), kGo).lines,
             (QStringList{"line 1", "line 2", "line 3"}));
}

void tst_LogIndex::startsOverOnRotation()
{
    const QString path = file(QStringLiteral("rotated.log"));
    write(path, numbered(1, 100), QIODevice::Truncate);
    LogIndex index;
    rescan(index, path);
    const auto before = LogIndex::statOf(path);
    QVERIFY(before);
    QVERIFY(QFile::rename(path, path + QStringLiteral(".1")));
    // Longer than before, so only the identity tells.
    write(path, numbered(1001, 1300), QIODevice::Truncate);
    const auto after = LogIndex::statOf(path);
    QVERIFY(after && after->identity != before->identity);
    const LogIndex::Scan scan = LogIndex::scan(path, index.position(), kGo);
    QVERIFY(scan.reset);
    index.apply(scan);
    QCOMPARE(index.lineCount(), 300);
    QCOMPARE(LogIndex::read(path, index.plan(0, 1), kGo).lines, QStringList{"line 1001"});
    // A plan made for the old file is refused, not answered with the new file's lines.
    LogIndex old;
    rescan(old, path + QStringLiteral(".1"));
    LogIndex::ReadPlan stale = old.plan(0, 5);
    QCOMPARE(int(LogIndex::read(path, stale, kGo).outcome), int(LogIndex::Outcome::Changed));
}

void tst_LogIndex::startsOverOnARewrite()
{
    const QString path = file(QStringLiteral("rewritten.log"));
    write(path, numbered(1, 100), QIODevice::Truncate);
    LogIndex index;
    rescan(index, path);
    // Same file, longer, but the byte before the indexed end is no newline any more.
    QFile rewrite(path);
    QVERIFY(rewrite.open(QIODevice::ReadWrite));
    const QByteArray other = QByteArray(int(rewrite.size()) + 10, 'y') + "\n";
    QCOMPARE(rewrite.write(other), other.size());
    rewrite.close();
    const LogIndex::Scan scan = LogIndex::scan(path, index.position(), kGo);
    QVERIFY(scan.reset);
    index.apply(scan);
    QCOMPARE(index.lineCount(), 1);
}

void tst_LogIndex::longLineIsCutAndSkipped()
{
    const QString path = file(QStringLiteral("long.log"));
    const qint64 length = 2 * 1024 * 1024;
    write(path, "before\n" + QByteArray(length, 'z') + "\r\nafter\n", QIODevice::Truncate);
    LogIndex index;
    rescan(index, path);
    QCOMPARE(index.lineCount(), 3);
    const LogIndex::Window window = LogIndex::read(path, index.plan(0, 3), kGo);
    QCOMPARE(window.lines.size(), 3);
    QCOMPARE(window.lines[0], QStringLiteral("before"));
    QCOMPARE(window.lines[1].size(), LogIndex::kMaxDisplayBytes);
    QCOMPARE(window.lines[2], QStringLiteral("after"));
    QCOMPARE(window.cut.size(), 1);
    QCOMPARE(window.cut[0].index, 1);
    QCOMPARE(window.cut[0].bytes, length);
    // The line after a long one is reached through its checkpoint, not by scanning.
    QCOMPARE(LogIndex::read(path, index.plan(2, 1), kGo).lines, QStringList{"after"});
}

void tst_LogIndex::windowsStopAtTheirSize()
{
    const QString path = file(QStringLiteral("wide.log"));
    QByteArray data;
    for (int i = 0; i < 1000; ++i)
        data += QByteArray(3000, char('a' + i % 26)) + "\n";
    write(path, data, QIODevice::Truncate);
    LogIndex index;
    rescan(index, path);
    const LogIndex::Window window = LogIndex::read(path, index.plan(0, 1000), kGo);
    QVERIFY(window.lines.size() < 1000);
    QVERIFY(window.lines.size() * 3000 <= LogIndex::kMaxReadChars);
    // Asking past the end gives what exists; count is capped.
    QCOMPARE(index.plan(990, 1000).count, 10);
    QCOMPARE(index.plan(0, 5000).count, LogIndex::kMaxReadLines);
    QCOMPARE(index.plan(1000, 5).count, 0);
}

void tst_LogIndex::indexesFiveHundredMiBInTime()
{
    const QString path = file(QStringLiteral("big.log"));
    // 100-byte lines: "line 000000001 " and filler, 5 242 880 of them.
    constexpr qint64 kLines = 500LL * 1024 * 1024 / 100;
    {
        QFile out(path);
        QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Truncate));
        QByteArray block;
        block.reserve(100 * 65536);
        for (qint64 i = 0; i < kLines; ++i) {
            char line[101];
            std::snprintf(line, sizeof line, "line %09lld %084d\n", i + 1, 0);
            block.append(line, 100);
            if (block.size() >= 100 * 65536 || i + 1 == kLines) {
                QCOMPARE(out.write(block), block.size());
                block.clear();
            }
        }
    }
    QCOMPARE(QFileInfo(path).size(), 500LL * 1024 * 1024);
    // Read once so the timing below is the index's, not the disk's first read.
    run(QStringLiteral("cat"), {path, QStringLiteral("/dev/null")});

    QElapsedTimer timer;
    timer.start();
    LogIndex index;
    rescan(index, path);
    const qint64 ms = timer.elapsed();
    qInfo("500 MiB, %lld lines indexed in %lld ms, %lld checkpoints (%lld KiB)", kLines, ms,
          qlonglong(index.checkpointCount()),
          qlonglong(index.checkpointCount() * qsizetype(sizeof(LogIndex::Checkpoint)) / 1024));
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    constexpr qint64 kBoundMs = 20000; // every memchr checked by the sanitizer
#else
    constexpr qint64 kBoundMs = 2000;
#endif
    QVERIFY2(ms < kBoundMs, qPrintable(QStringLiteral("took %1 ms").arg(ms)));
    QCOMPARE(index.lineCount(), oracleLineCount(path));
    QVERIFY(index.checkpointCount() < 40000);

    for (const qint64 n : {qint64(0), kLines / 3, kLines - 1}) {
        timer.restart();
        const LogIndex::Window window = LogIndex::read(path, index.plan(n, 1000), kGo);
        QVERIFY(timer.elapsed() < 500);
        QCOMPARE(window.lines.value(0), QString::fromLatin1(oracleLine(path, n)));
        QCOMPARE(window.lines.size(), qMin<qint64>(1000, kLines - n));
    }
    QFile::remove(path);
}

void tst_LogIndex::logFilesOpenReadClose()
{
    const QString path = file(QStringLiteral("files.log"));
    write(path, numbered(1, 2500), QIODevice::Truncate);
    QList<ProcessMessage> out;
    LogFiles logs([&out](const ProcessMessage &m) { out.append(m); });
    QVERIFY(LogFiles::handles(QStringLiteral("log.open")));
    QVERIFY(!LogFiles::handles(QStringLiteral("tasks.open")));

    logs.run(ProcessMessage::command(1, QStringLiteral("log.open"), QJsonObject{{"path", path}}));
    QTRY_COMPARE(out.size(), 1);
    QVERIFY(out[0].ok);
    QCOMPARE(out[0].kind, ProcessMessage::Kind::Result);
    const double id = body(out[0]).value("id").toDouble();
    QCOMPARE(body(out[0]).value("lines").toInt(), 2500);
    QCOMPARE(body(out[0]).value("size").toDouble(), double(QFileInfo(path).size()));

    logs.run(ProcessMessage::command(2, QStringLiteral("log.lines"),
                                     QJsonObject{{"id", id}, {"from", 2495}, {"count", 100}}));
    QTRY_COMPARE(out.size(), 2);
    QCOMPARE(out[1].id, 2u);
    QCOMPARE(body(out[1]).value("from").toInt(), 2495);
    QCOMPARE(body(out[1]).value("lines").toArray(),
             QJsonArray({"line 2496", "line 2497", "line 2498", "line 2499", "line 2500"}));
    QCOMPARE(body(out[1]).value("cut").toArray(), QJsonArray());

    logs.run(ProcessMessage::command(3, QStringLiteral("log.lines"),
                                     QJsonObject{{"id", id}, {"from", 9999}, {"count", 10}}));
    QTRY_COMPARE(out.size(), 3);
    QCOMPARE(body(out[2]).value("lines").toArray(), QJsonArray());

    logs.run(ProcessMessage::command(4, QStringLiteral("log.close"), QJsonObject{{"id", id}}));
    QTRY_COMPARE(out.size(), 4);
    QVERIFY(out[3].ok);
    QCOMPARE(logs.openCount(), 0);
    logs.run(ProcessMessage::command(5, QStringLiteral("log.lines"),
                                     QJsonObject{{"id", id}, {"from", 0}, {"count", 10}}));
    QTRY_COMPARE(out.size(), 5);
    QVERIFY(!out[4].ok);
    QCOMPARE(body(out[4]).value("code").toString(), QStringLiteral("not_found"));
    // No event for a closed log, whatever happens to its file.
    write(path, numbered(1, 10), QIODevice::Append);
    QTest::qWait(300);
    QCOMPARE(out.size(), 5);
}

void tst_LogIndex::logFilesAnnounceChangesThrottled()
{
    const QString path = file(QStringLiteral("events.log"));
    write(path, numbered(1, 10), QIODevice::Truncate);
    QList<ProcessMessage> out;
    LogFiles logs([&out](const ProcessMessage &m) { out.append(m); });
    logs.run(ProcessMessage::command(1, QStringLiteral("log.open"), QJsonObject{{"path", path}}));
    QTRY_COMPARE(out.size(), 1);
    const double id = body(out[0]).value("id").toDouble();
    out.clear();

    // Appends every 5 ms for 1.5 s: events at most every kMinEventGap, the last one complete.
    QElapsedTimer timer;
    timer.start();
    int written = 10;
    while (timer.elapsed() < 1500) {
        write(path, numbered(written + 1, written + 20), QIODevice::Append);
        written += 20;
        QTest::qWait(5);
    }
    const qint64 took = timer.elapsed();
    QTRY_VERIFY(!out.isEmpty() && body(out.constLast()).value("lines").toInt() == written);
    for (const ProcessMessage &m : out) {
        QCOMPARE(m.kind, ProcessMessage::Kind::Event);
        QCOMPARE(m.name, QStringLiteral("log.changed"));
        QCOMPARE(body(m).value("id").toDouble(), id);
        QCOMPARE(body(m).value("reset").toBool(), false);
    }
    const double perSecond = out.size() * 1000.0 / double(took);
    qInfo("%lld events in %lld ms (%.1f/s) for %d appends", qlonglong(out.size()), took, perSecond,
          (written - 10) / 20);
    QVERIFY(out.size() >= 3);
    QVERIFY2(perSecond <= 12, qPrintable(QString::number(perSecond)));

    // Truncated: an event with reset.
    out.clear();
    write(path, numbered(1, 2), QIODevice::Truncate);
    QTRY_VERIFY(!out.isEmpty());
    QCOMPARE(body(out.constLast()).value("reset").toBool(), true);
    QCOMPARE(body(out.constLast()).value("lines").toInt(), 2);

    // Rotated: another reset, the new file's lines.
    out.clear();
    QVERIFY(QFile::rename(path, path + QStringLiteral(".1")));
    write(path, numbered(1, 7), QIODevice::Truncate);
    QTRY_VERIFY(!out.isEmpty() && body(out.constLast()).value("lines").toInt() == 7);
    QCOMPARE(body(out.constLast()).value("reset").toBool(), true);
}

void tst_LogIndex::logFilesRefuseWhatTheyCannotOpen()
{
    QList<ProcessMessage> out;
    LogFiles logs([&out](const ProcessMessage &m) { out.append(m); });
    logs.run(ProcessMessage::command(1, QStringLiteral("log.open"),
                                     QJsonObject{{"path", file(QStringLiteral("missing"))}}));
    logs.run(ProcessMessage::command(2, QStringLiteral("log.open"),
                                     QJsonObject{{"path", m_dir.path()}}));
    logs.run(ProcessMessage::command(3, QStringLiteral("log.open"),
                                     QJsonObject{{"path", QStringLiteral(":/relative")}}));
    logs.run(ProcessMessage::command(4, QStringLiteral("log.nothing"), QJsonObject{}));
    QTRY_COMPARE(out.size(), 4);
    QHash<quint64, QString> codes;
    for (const ProcessMessage &m : out) {
        QVERIFY(!m.ok);
        codes.insert(m.id, body(m).value("code").toString());
    }
    QCOMPARE(codes.value(1), QStringLiteral("not_found"));
    QCOMPARE(codes.value(2), QStringLiteral("io_error"));
    QCOMPARE(codes.value(3), QStringLiteral("invalid_args"));
    QCOMPARE(codes.value(4), QStringLiteral("unknown_command"));
    QCOMPARE(logs.openCount(), 0);
}

void tst_LogIndex::logFilesAreBounded()
{
    const QString path = file(QStringLiteral("bounded.log"));
    write(path, numbered(1, 3), QIODevice::Truncate);
    QList<ProcessMessage> out;
    LogFiles logs([&out](const ProcessMessage &m) { out.append(m); });
    for (int i = 0; i <= LogFiles::kMaxOpen; ++i)
        logs.run(ProcessMessage::command(quint64(i + 1), QStringLiteral("log.open"),
                                         QJsonObject{{"path", path}}));
    QTRY_COMPARE(out.size(), LogFiles::kMaxOpen + 1);
    const auto refused
        = std::find_if(out.cbegin(), out.cend(), [](const ProcessMessage &m) { return !m.ok; });
    QVERIFY(refused != out.cend());
    QCOMPARE(refused->id, quint64(LogFiles::kMaxOpen + 1));
    QCOMPARE(body(*refused).value("code").toString(), QStringLiteral("busy"));
    QCOMPARE(logs.openCount(), LogFiles::kMaxOpen);
    QVERIFY(logs.shutdown(5s));
    QCOMPARE(logs.openCount(), 0);
    out.clear();
    logs.run(ProcessMessage::command(99, QStringLiteral("log.open"), QJsonObject{{"path", path}}));
    QCOMPARE(out.size(), 1);
    QCOMPARE(body(out[0]).value("code").toString(), QStringLiteral("shutting_down"));
}

QTEST_GUILESS_MAIN(tst_LogIndex)
#include "tst_logindex.moc"
