// SPDX-License-Identifier: MIT
// The download kind against real servers in real processes on 127.0.0.1: a scripted
// misbehaving one (tests/support/misbehaving_http_server.py) for every way a server can go
// wrong, and Python's own `http.server` as an oracle for a plain file. Each failure row
// checks the error and its details, that nothing (no partial file either) is left behind,
// and that a file already at dest is byte-identical afterwards.
// Resuming runs against tests/support/range_http_server.py, which serves ranges with ETag and
// Last-Modified (or, asked to, ignores them, answers wrong ranges, drops, stalls or times out
// an idle connection) and logs every request; and against `http.server`, which ignores Range.
// Every resumed file is compared byte for byte with what was served.
#include <worker/DownloadTask.h>
#include <worker/TaskManager.h>

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QLocale>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace Conduit;
using namespace std::chrono_literals;

namespace {
// The same bytes as body() in misbehaving_http_server.py.
QByteArray makeBody(qsizetype size)
{
    QByteArray body(size, Qt::Uninitialized);
    for (qsizetype i = 0; i < size; ++i)
        body[i] = char((i * 7 + i / 4093) & 0xff);
    return body;
}

QString sha256Of(const QByteArray &data)
{
    return QString::fromLatin1(QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex());
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("<unreadable>");
}

bool writeFile(const QString &path, const QByteArray &data)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(data) == data.size();
}

// Starts `python3 args…` and returns the port it announces on stdout, matched by `pattern`.
int startServer(QProcess &process, const QStringList &args, const QRegularExpression &pattern)
{
    process.setProcessChannelMode(QProcess::SeparateChannels);
    process.start(QStringLiteral("python3"), args);
    if (!process.waitForStarted(10000))
        return 0;
    QByteArray out;
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < 20000) {
        if (const auto match = pattern.match(QString::fromLatin1(out)); match.hasMatch())
            return match.captured(1).toInt();
        if (process.state() != QProcess::Running)
            return 0;
        process.waitForReadyRead(200);
        out += process.readAllStandardOutput();
    }
    return 0;
}

void stopServer(QProcess &process)
{
    if (process.state() == QProcess::NotRunning)
        return;
    process.kill();
    process.waitForFinished(5000);
}

const QByteArray kOldContents = "an older version, which only a complete download may replace\n";
constexpr int kRedirectLimit = DownloadTask::kMaxRedirects;

// What the range server sends as a file's ETag: a digest of its bytes.
QString etagOf(const QByteArray &data)
{
    return QLatin1Char('"') + sha256Of(data).left(20) + QLatin1Char('"');
}

// Served files are this old, so that their Last-Modified is a strong validator.
const QDateTime kServedTime(QDate(2020, 1, 2), QTime(3, 4, 5), Qt::UTC);
const QString kServedLastModified = QStringLiteral("Thu, 02 Jan 2020 03:04:05 GMT");

// The sidecar as the task writes it (DownloadTask.h), for the partials a test leaves behind.
QByteArray sidecar(const QString &url, const QString &etag, const QString &lastModified,
                   qint64 length)
{
    QJsonObject o{{"version", 1}, {"url", url}, {"length", double(length)}};
    if (!etag.isEmpty())
        o.insert("etag", etag);
    if (!lastModified.isEmpty())
        o.insert("lastModified", lastModified);
    return QJsonDocument(o).toJson();
}
} // namespace

class tst_DownloadTask : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void cleanup();

    void completes_data();
    void completes();
    void fails_data();
    void fails();
    void finishedFileFollowsTheUmask_data();
    void finishedFileFollowsTheUmask();
    void replacesAnExistingFileAndKeepsItsMode();
    void manyDownloadsFromOneHostQueueAndComplete();
    void pauseStopsBytesArriving();
    void stopLeavesNothing_data();
    void stopLeavesNothing();
    void matchesPythonHttpServer();

    void continuesAfterAnInterruption_data();
    void continuesAfterAnInterruption();
    void interruptionWithoutAStrongValidatorFails_data();
    void interruptionWithoutAStrongValidatorFails();
    void pauseOverTheServersIdleTimeoutContinues();
    void stallFailsAfterItsRetriesAndKeepsThePartial();
    void stopKeepsOrRemovesThePartial_data();
    void stopKeepsOrRemovesThePartial();
    void killedProcessIsResumed();
    void partialLeftBehind_data();
    void partialLeftBehind();
    void oneDestIsDownloadedByOneTaskAtATime();
    void aPartialIsNeverASymlink();

private:
    QString url(const QString &path) const
    {
        return QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(path);
    }
    // Tagged with the test (and row) that asks, so that its requests can be told apart in the
    // server's log from any a former test's network layer still sends.
    QString rangeUrl(const QString &name, const QString &query = QString()) const
    {
        return QStringLiteral("http://127.0.0.1:%1/%2?%3t=%4")
            .arg(m_rangePort)
            .arg(name, query.isEmpty() ? QString() : query + QLatin1Char('&'))
            .arg(m_tag);
    }
    // Writes a file the range server (and http.server) serve, with an old mtime.
    void serve(const QString &name, const QByteArray &data)
    {
        QVERIFY(writeFile(m_served->filePath(name), data));
        QFile file(m_served->filePath(name));
        QVERIFY(file.open(QIODevice::ReadWrite));
        QVERIFY(file.setFileTime(kServedTime, QFileDevice::FileModificationTime));
    }
    // The range server's requests for this test's URLs, each as
    // "range=<Range or -> status=<status>"; if-ranges holds their If-Range headers. Qt sends a
    // request again by itself when the connection closes before it read the answer, so a
    // request right after the same one is left out unless `repeats` (where the task repeats them).
    QStringList requests(QStringList *ifRanges = nullptr, bool repeats = false) const;
    QString partialPath() const { return m_dest + QLatin1String(DownloadTask::kPartialSuffix); }
    QString sidecarPath() const { return m_dest + QLatin1String(DownloadTask::kSidecarSuffix); }
    TaskSnapshot waitForEnd(quint64 id, int timeoutMs = 20000);
    QStringList folderContents() const
    {
        return QDir(m_dir->path()).entryList(QDir::Files | QDir::Hidden | QDir::System);
    }

    const QByteArray m_body = makeBody(1024 * 1024 + 123);
    QProcess m_server;
    int m_port = 0;
    std::unique_ptr<QTemporaryDir> m_served; // what the range server serves
    QProcess m_rangeServer;
    int m_rangePort = 0;
    QStringList m_rangeLog; // its stdout, line by line
    QByteArray m_rangeLogTail;
    int m_tag = 0; // rangeUrl()'s, one per test run
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<TaskManager> m_manager;
    QString m_dest;
};

void tst_DownloadTask::initTestCase()
{
    const QString script = QStringLiteral(CONDUIT_MISBEHAVING_SERVER);
    QVERIFY2(QFile::exists(script), qPrintable(script));
    m_port = startServer(m_server, {QStringLiteral("-u"), script},
                         QRegularExpression(QStringLiteral("^(\\d+)\\n")));
    QVERIFY2(m_port > 0, m_server.readAllStandardError().constData());

    m_served = std::make_unique<QTemporaryDir>();
    QVERIFY(m_served->isValid());
    serve(QStringLiteral("file.bin"), m_body);
    const QString ranged = QStringLiteral(CONDUIT_RANGE_SERVER);
    m_rangePort = startServer(m_rangeServer, {QStringLiteral("-u"), ranged, m_served->path()},
                              QRegularExpression(QStringLiteral("^(\\d+)\\n")));
    QVERIFY2(m_rangePort > 0, m_rangeServer.readAllStandardError().constData());
    m_rangeServer.readAllStandardOutput(); // the port
    connect(&m_rangeServer, &QProcess::readyReadStandardOutput, this, [this] {
        m_rangeLogTail += m_rangeServer.readAllStandardOutput();
        for (qsizetype end; (end = m_rangeLogTail.indexOf('\n')) >= 0;) {
            m_rangeLog.append(QString::fromLatin1(m_rangeLogTail.left(end)));
            m_rangeLogTail.remove(0, end + 1);
        }
    });
}

void tst_DownloadTask::cleanupTestCase()
{
    stopServer(m_server);
    stopServer(m_rangeServer);
}

QStringList tst_DownloadTask::requests(QStringList *ifRanges, bool repeats) const
{
    static const QRegularExpression line(
        QStringLiteral("^GET \\S+[?&]t=(\\d+) range=(\\S+) if-range=(.+) status=(\\d+)$"));
    QStringList requests;
    for (const QString &text : m_rangeLog) {
        const auto match = line.match(text);
        if (!match.hasMatch())
            return {QStringLiteral("unexpected: ") + text};
        if (match.captured(1).toInt() != m_tag)
            continue;
        const QString request
            = QStringLiteral("range=%1 status=%2").arg(match.captured(2), match.captured(4));
        if (!repeats && !requests.isEmpty() && requests.last() == request)
            continue;
        requests.append(request);
        if (ifRanges)
            ifRanges->append(match.captured(3));
    }
    return requests;
}

void tst_DownloadTask::init()
{
    QVERIFY2(m_server.state() == QProcess::Running, "the scripted server died");
    QVERIFY2(m_rangeServer.state() == QProcess::Running, "the range server died");
    ++m_tag;
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_dest = m_dir->filePath(QStringLiteral("download.bin"));
    m_manager = std::make_unique<TaskManager>();
}

void tst_DownloadTask::cleanup()
{
    m_manager.reset();
    m_dir.reset();
}

TaskSnapshot tst_DownloadTask::waitForEnd(quint64 id, int timeoutMs)
{
    if (!QTest::qWaitFor([&] { return isFinalState(m_manager->snapshot(id).state); }, timeoutMs))
        qWarning("task %llu did not finish within %d ms", id, timeoutMs);
    return m_manager->snapshot(id);
}

void tst_DownloadTask::completes_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QJsonObject>("extra");
    QTest::addColumn<QByteArray>("expected");
    QTest::addColumn<qint64>("total"); // the last progress total
    QTest::addColumn<QString>("finalPath");
    QTest::addColumn<int>("redirects");

    const qint64 size = m_body.size();
    QTest::newRow("plain") << "/file" << QJsonObject() << m_body << size << "/file" << 0;
    QTest::newRow("with sha256, in upper case")
        << "/file" << QJsonObject{{"sha256", sha256Of(m_body).toUpper()}} << m_body << size
        << "/file" << 0;
    QTest::newRow("1 redirect") << "/redirect/0" << QJsonObject() << m_body << size << "/file" << 1;
    QTest::newRow("redirects up to the limit")
        << QStringLiteral("/redirect/%1").arg(kRedirectLimit - 1) << QJsonObject() << m_body << size
        << "/file" << kRedirectLimit;
    QTest::newRow("no Content-Length, ended by a close")
        << "/nolength" << QJsonObject() << m_body << qint64(-1) << "/nolength" << 0;
    QTest::newRow("Content-Length shorter than what is sent")
        << "/long" << QJsonObject() << m_body.left(1000) << qint64(1000) << "/long" << 0;
    QTest::newRow("a slow trickle is not a stall")
        << "/trickle" << QJsonObject{{"stallTimeoutMs", 1000}} << m_body.left(1000) << qint64(1000)
        << "/trickle" << 0;
    QTest::newRow("204 No Content")
        << "/status/204" << QJsonObject() << QByteArray() << qint64(-1) << "/status/204" << 0;
}

void tst_DownloadTask::completes()
{
    QFETCH(QString, path);
    QFETCH(QJsonObject, extra);
    QFETCH(QByteArray, expected);
    QFETCH(qint64, total);
    QFETCH(QString, finalPath);
    QFETCH(int, redirects);

    QJsonObject params = extra;
    params.insert("url", url(path));
    params.insert("dest", m_dest);
    qint64 lastDone = -1;
    qint64 lastTotal = -2;
    connect(m_manager.get(), &TaskManager::progressChanged, this, [&](quint64, qint64 d, qint64 t) {
        lastDone = d;
        lastTotal = t;
    });
    const TaskSnapshot s = waitForEnd(m_manager->start(QStringLiteral("download"), params));
    QCOMPARE(s.state, TaskState::Completed);
    const QJsonObject result = s.result.toObject();
    QCOMPARE(result, (QJsonObject{{"bytes", expected.size()},
                                  {"path", m_dest},
                                  {"sha256", sha256Of(expected)},
                                  {"url", url(finalPath)},
                                  {"redirects", redirects},
                                  {"resumedFrom", 0},
                                  {"retries", 0}}));
    if (!expected.isEmpty())
        QCOMPARE(lastDone, expected.size());
    QCOMPARE(lastTotal == -2 ? qint64(-1) : lastTotal, total);
    QVERIFY(readFile(m_dest) == expected);
    QCOMPARE(folderContents(), QStringList{"download.bin"}); // no temporary file left
}

void tst_DownloadTask::fails_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QJsonObject>("extra");
    QTest::addColumn<bool>("existing"); // a file is at dest before the download
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("message"); // or a regular expression, starting with ^
    QTest::addColumn<QJsonObject>("details");
    QTest::addColumn<int>("withinMs");

    QTcpServer closed; // a port that was free a moment ago and has no listener now
    QVERIFY(closed.listen(QHostAddress::LocalHost));
    const QString refused = QStringLiteral("http://127.0.0.1:%1/file").arg(closed.serverPort());
    closed.close();

    const QString zeros(64, QLatin1Char('0'));
    const QString actual = sha256Of(m_body);
    const QJsonObject stall{{"stallTimeoutMs", 400}};
    struct Row
    {
        const char *name;
        QString path;
        QJsonObject extra;
        QString code;
        QString message;
        QJsonObject details; // besides url, which is always there
        int withinMs;
    };
    const QString net = QStringLiteral("network_error");
    const QList<Row> rows{
        {"404", "/status/404", {}, net, "HTTP 404 Not Found", {{"status", 404}}, 5000},
        {"500", "/status/500", {}, net, "HTTP 500 Internal Server Error", {{"status", 500}}, 5000},
        {"304 without a request for it",
         "/status/304",
         {},
         net,
         "HTTP 304 Not Modified",
         {{"status", 304}},
         5000},
        {"302 without Location",
         "/redirect-nolocation",
         {},
         net,
         "HTTP 302 Found without a Location header",
         {{"status", 302}},
         5000},
        {"redirect, then 404",
         "/redirect-to/%2Fstatus%2F404",
         {},
         net,
         "HTTP 404 Not Found",
         {{"status", 404}, {"redirects", 1}},
         5000},
        {"redirect loop",
         "/loop",
         {},
         net,
         QStringLiteral("too many redirects (limit %1)").arg(kRedirectLimit),
         {{"redirects", kRedirectLimit}},
         5000},
        {"one redirect too many",
         QStringLiteral("/redirect/%1").arg(kRedirectLimit),
         {},
         net,
         QStringLiteral("too many redirects (limit %1)").arg(kRedirectLimit),
         {{"redirects", kRedirectLimit}},
         5000},
        {"redirect to ftp",
         "/redirect-to/ftp%3A%2F%2F127.0.0.1%2Fx",
         {},
         net,
         "refused redirect to ftp://127.0.0.1/x (only http and https)",
         {{"redirects", 0}, {"location", "ftp://127.0.0.1/x"}},
         5000},
        {"redirect to file",
         "/redirect-to/file%3A%2F%2F%2Fetc%2Fpasswd",
         {},
         net,
         "refused redirect to file:///etc/passwd (only http and https)",
         {{"redirects", 0}, {"location", "file:///etc/passwd"}},
         5000},
        {"redirect to an invalid URL",
         "/redirect-to/http%3A%2F%2F%5B%3A%3A1",
         {},
         net,
         "refused redirect to an invalid Location: http://[::1",
         {{"redirects", 0}, {"location", "http://[::1"}},
         5000},
        {"Content-Length longer than what is sent",
         "/short",
         {},
         net,
         "connection closed after 50000 of 200000 bytes",
         {},
         5000},
        {"huge declared size",
         "/huge",
         {},
         net,
         "connection closed after 65536 of 1000000000000000 bytes",
         {},
         5000},
        {"declared size beyond 64 bits",
         "/huge-overflow",
         {},
         net,
         "invalid Content-Length: 1000000000000000000000000000000",
         {},
         5000},
        {"stall in the body", "/stall-body", stall, net, "no data for 0.4 s", {}, 3000},
        {"stall, no Content-Length", "/nolength-stall", stall, net, "no data for 0.4 s", {}, 3000},
        {"no answer",
         "/stall-headers",
         {{"connectTimeoutMs", 400}},
         net,
         "no response within 0.4 s",
         {},
         3000},
        {"reset before the answer",
         "/reset-headers",
         {},
         net,
         "connection closed by the server",
         {},
         5000},
        {"reset in the body",
         "/reset-body",
         {},
         net,
         // How much of what was sent arrives before the reset is up to the kernel.
         QStringLiteral("^connection closed after \\d+ of %1 bytes$").arg(m_body.size()),
         {},
         5000},
        {"closed before the answer",
         "/close-headers",
         {},
         net,
         "connection closed by the server",
         {},
         5000},
        {"not HTTP", "/garbage", {}, net, "connection closed by the server", {}, 5000},
        {"connection refused", refused, {}, net, "connection refused", {}, 5000},
        {"sha256 mismatch",
         "/file",
         {{"sha256", zeros}},
         "checksum_mismatch",
         QStringLiteral("sha256 of the download is %1, expected %2").arg(actual, zeros),
         {{"expected", zeros}, {"actual", actual}},
         5000},
    };
    for (const Row &row : rows) {
        const QString target = row.path.startsWith(QLatin1Char('/')) ? url(row.path) : row.path;
        QJsonObject details = row.details;
        if (row.code == net)
            details.insert("url", target);
        for (const bool existing : {false, true}) {
            QTest::addRow("%s%s", row.name, existing ? ", over an existing file" : "")
                << target << row.extra << existing << row.code << row.message << details
                << row.withinMs;
        }
    }
}

void tst_DownloadTask::fails()
{
    QFETCH(QString, path);
    QFETCH(QJsonObject, extra);
    QFETCH(bool, existing);
    QFETCH(QString, code);
    QFETCH(QString, message);
    QFETCH(QJsonObject, details);
    QFETCH(int, withinMs);

    if (existing)
        QVERIFY(writeFile(m_dest, kOldContents));
    QJsonObject params = extra;
    params.insert("url", path);
    params.insert("dest", m_dest);
    QElapsedTimer clock;
    clock.start();
    const TaskSnapshot s = waitForEnd(m_manager->start(QStringLiteral("download"), params));
    const qint64 elapsed = clock.elapsed();
    QCOMPARE(s.state, TaskState::Failed);
    QVERIFY(s.error);
    QCOMPARE(s.error->code(), code);
    if (message.startsWith(QLatin1Char('^')))
        QVERIFY2(QRegularExpression(message).match(s.error->message()).hasMatch(),
                 qPrintable(s.error->message()));
    else
        QCOMPARE(s.error->message(), message);
    QCOMPARE(s.error->details(), details);
    QVERIFY2(elapsed < withinMs, qPrintable(QString::number(elapsed)));
    if (existing) {
        QCOMPARE(folderContents(), QStringList{"download.bin"});
        QCOMPARE(readFile(m_dest), kOldContents);
    } else {
        QCOMPARE(folderContents(), QStringList()); // neither the file nor a temporary one
    }
}

void tst_DownloadTask::finishedFileFollowsTheUmask_data()
{
    QTest::addColumn<int>("mask");
    QTest::newRow("022") << 022;
    QTest::newRow("027") << 027;
    QTest::newRow("002") << 002;
}

void tst_DownloadTask::finishedFileFollowsTheUmask()
{
    QFETCH(int, mask);
    const mode_t before = ::umask(mode_t(mask));
    const TaskSnapshot s = waitForEnd(
        m_manager->start(QStringLiteral("download"), {{"url", url("/file")}, {"dest", m_dest}}));
    ::umask(before);
    QCOMPARE(s.state, TaskState::Completed);
    struct stat info = {};
    QCOMPARE(::stat(QFile::encodeName(m_dest).constData(), &info), 0);
    QCOMPARE(int(info.st_mode & 07777), 0666 & ~mask);
}

void tst_DownloadTask::replacesAnExistingFileAndKeepsItsMode()
{
    QVERIFY(writeFile(m_dest, kOldContents));
    QVERIFY(QFile::setPermissions(m_dest, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup));
    const TaskSnapshot s = waitForEnd(
        m_manager->start(QStringLiteral("download"), {{"url", url("/file")}, {"dest", m_dest}}));
    QCOMPARE(s.state, TaskState::Completed);
    QVERIFY(readFile(m_dest) == m_body);
    struct stat info = {};
    QCOMPARE(::stat(QFile::encodeName(m_dest).constData(), &info), 0);
    QCOMPARE(int(info.st_mode & 07777), 0640);
    QCOMPARE(folderContents(), QStringList{"download.bin"});
}

void tst_DownloadTask::manyDownloadsFromOneHostQueueAndComplete()
{
    // 20 at once from one host, each taking ~0.6 s, with a 1.5 s connect timeout: more than
    // the network layer's connections per host, so the later ones wait for a connection
    // much longer than their timeout. Waiting must not count.
    constexpr int count = 20;
    m_manager->setLimit(count);
    QList<quint64> ids;
    for (int i = 0; i < count; ++i) {
        ids.append(m_manager->start(QStringLiteral("download"),
                                    {{"url", url("/slow?ms=600")},
                                     {"dest", m_dir->filePath(QStringLiteral("d%1").arg(i))},
                                     {"connectTimeoutMs", 1500}}));
    }
    QElapsedTimer clock;
    clock.start();
    int running = 0;
    for (quint64 id : std::as_const(ids))
        running += m_manager->snapshot(id).state == TaskState::Running;
    QCOMPARE(running, count);
    for (int i = 0; i < count; ++i) {
        const TaskSnapshot s = waitForEnd(ids[i], 40000);
        QVERIFY2(s.state == TaskState::Completed,
                 qPrintable(QStringLiteral("download %1: %2")
                                .arg(i)
                                .arg(s.error ? s.error->message() : taskStateName(s.state))));
        QVERIFY(readFile(m_dir->filePath(QStringLiteral("d%1").arg(i))) == m_body);
    }
    // Several rounds of connections: proof that some really waited past their timeout.
    QVERIFY2(clock.elapsed() > 1500, qPrintable(QString::number(clock.elapsed())));
    QCOMPARE(folderContents().size(), count);
}

void tst_DownloadTask::pauseStopsBytesArriving()
{
    const quint64 id = m_manager->start(QStringLiteral("download"),
                                        {{"url", url("/slow?ms=2000")},
                                         {"dest", m_dest},
                                         {"sha256", sha256Of(m_body)},
                                         {"stallTimeoutMs", 700}}); // a pause is not a stall
    QTRY_VERIFY(m_manager->snapshot(id).done > 0);
    m_manager->pause(id);
    QTest::qWait(50);
    const qint64 before = m_manager->snapshot(id).done;
    QTest::qWait(1200);
    QCOMPARE(m_manager->snapshot(id).done, before);
    QCOMPARE(m_manager->snapshot(id).state, TaskState::Paused);
    QVERIFY(before < m_body.size());
    m_manager->resume(id);
    const TaskSnapshot s = waitForEnd(id);
    QCOMPARE(s.state, TaskState::Completed);
    QVERIFY(readFile(m_dest) == m_body);
    QCOMPARE(folderContents(), QStringList{"download.bin"});
}

void tst_DownloadTask::stopLeavesNothing_data()
{
    QTest::addColumn<QString>("how");
    QTest::addColumn<bool>("existing");
    for (const char *how : {"cancel", "paused", "timeout", "shutdown", "waiting"}) {
        QTest::addRow("%s", how) << how << false;
        QTest::addRow("%s, over an existing file", how) << how << true;
    }
}

void tst_DownloadTask::stopLeavesNothing()
{
    QFETCH(QString, how);
    QFETCH(bool, existing);
    if (existing)
        QVERIFY(writeFile(m_dest, kOldContents));
    TaskOptions options;
    if (how == QLatin1String("timeout"))
        options.timeout = 1500ms; // after the first bytes, long before the last
    // "waiting": the host's connections are all taken by stalled downloads, so ours waits.
    QList<quint64> blockers;
    if (how == QLatin1String("waiting")) {
        m_manager->setLimit(16);
        for (int i = 0; i < 12; ++i) {
            blockers.append(
                m_manager->start(QStringLiteral("download"),
                                 {{"url", url("/stall-body")},
                                  {"dest", m_dir->filePath(QStringLiteral("blocker%1").arg(i))}}));
        }
        QTRY_VERIFY(m_manager->snapshot(blockers.first()).done > 0);
    }
    const quint64 id = m_manager->start(QStringLiteral("download"),
                                        {{"url", url("/slow?ms=3000")}, {"dest", m_dest}}, options);
    if (how != QLatin1String("waiting"))
        QTRY_VERIFY(m_manager->snapshot(id).done > 0);
    if (how == QLatin1String("cancel") || how == QLatin1String("waiting")) {
        m_manager->cancel(id);
    } else if (how == QLatin1String("paused")) {
        m_manager->pause(id);
        m_manager->cancel(id);
    } else if (how == QLatin1String("shutdown")) {
        QVERIFY(m_manager->shutdown(1s));
    }
    const TaskSnapshot s = waitForEnd(id, 5000);
    QCOMPARE(s.state, how == QLatin1String("timeout") ? TaskState::TimedOut : TaskState::Cancelled);
    for (quint64 blocker : std::as_const(blockers))
        m_manager->cancel(blocker);
    for (quint64 blocker : std::as_const(blockers))
        QCOMPARE(waitForEnd(blocker, 5000).state, TaskState::Cancelled);
    if (existing) {
        QCOMPARE(folderContents(), QStringList{"download.bin"});
        QCOMPARE(readFile(m_dest), kOldContents);
    } else {
        QCOMPARE(folderContents(), QStringList());
    }
}

void tst_DownloadTask::matchesPythonHttpServer()
{
    // The oracle: a file served by `python3 -m http.server` arrives byte for byte.
    QTemporaryDir served;
    QVERIFY(served.isValid());
    QByteArray data = makeBody(3 * 1024 * 1024 + 17);
    std::reverse(data.begin(), data.end());
    QVERIFY(writeFile(served.filePath(QStringLiteral("data.bin")), data));
    QProcess oracle;
    const int port
        = startServer(oracle,
                      {QStringLiteral("-u"), QStringLiteral("-m"), QStringLiteral("http.server"),
                       QStringLiteral("--bind"), QStringLiteral("127.0.0.1"),
                       QStringLiteral("--directory"), served.path(), QStringLiteral("0")},
                      QRegularExpression(QStringLiteral("port (\\d+)")));
    QVERIFY2(port > 0, oracle.readAllStandardError().constData());
    const QString source = QStringLiteral("http://127.0.0.1:%1/data.bin").arg(port);
    const TaskSnapshot s = waitForEnd(
        m_manager->start(QStringLiteral("download"), {{"url", source}, {"dest", m_dest}}));
    stopServer(oracle);
    QCOMPARE(s.state, TaskState::Completed);
    QVERIFY(readFile(m_dest) == data);
    QCOMPARE(s.result.toObject().value("sha256").toString(), sha256Of(data));
    QCOMPARE(s.result.toObject().value("url").toString(), source);
}

void tst_DownloadTask::continuesAfterAnInterruption_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<bool>("withSha256");
    QTest::addColumn<QString>("ifRange"); // what every range request's If-Range is

    const QString etag = etagOf(m_body);
    QTest::newRow("uninterrupted") << "" << false << etag;
    // Every answer closes its connection after 300 000 bytes: at least three interruptions.
    QTest::newRow("connection closed in the body") << "drop=300000" << false << etag;
    QTest::newRow("connection reset in the body") << "drop=300000&rst=1" << false << etag;
    QTest::newRow("with a sha256, which covers every part") << "drop=300000" << true << etag;
    QTest::newRow("ETag only") << "drop=300000&lm=0" << false << etag;
    QTest::newRow("Last-Modified only") << "drop=300000&etag=0" << false << kServedLastModified;
}

void tst_DownloadTask::continuesAfterAnInterruption()
{
    QFETCH(QString, query);
    QFETCH(bool, withSha256);
    QFETCH(QString, ifRange);

    QJsonObject params{{"url", rangeUrl("file.bin", query)}, {"dest", m_dest}};
    if (withSha256)
        params.insert("sha256", sha256Of(m_body));
    const TaskSnapshot s = waitForEnd(m_manager->start(QStringLiteral("download"), params));
    QVERIFY2(s.state == TaskState::Completed, qPrintable(s.error ? s.error->message() : ""));
    const QJsonObject result = s.result.toObject();
    QCOMPARE(result.value("sha256").toString(), sha256Of(m_body));
    QCOMPARE(result.value("bytes").toInteger(), m_body.size());
    QCOMPARE(result.value("resumedFrom").toInteger(), 0);
    QVERIFY(readFile(m_dest) == m_body);
    QCOMPARE(folderContents(), QStringList{"download.bin"});

    // The whole file first, then each range where the bytes so far end. How many of the bytes
    // sent before a close arrive is up to the network layer (Qt drops what is beyond its read
    // buffer), so each range starts at most 300 000 bytes after the one before.
    const int retries = result.value("retries").toInt();
    QVERIFY(query.isEmpty() ? retries == 0 : retries >= 3);
    QTRY_COMPARE(requests().size(), retries + 1);
    QStringList ifRanges;
    const QStringList seen = requests(&ifRanges);
    QCOMPARE(seen.first(), "range=- status=200");
    static const QRegularExpression range(QStringLiteral("^range=bytes=(\\d+)- status=206$"));
    qint64 from = 0;
    for (qsizetype i = 1; i < seen.size(); ++i) {
        const auto match = range.match(seen[i]);
        QVERIFY2(match.hasMatch(), qPrintable(seen[i]));
        const qint64 next = match.captured(1).toLongLong();
        QVERIFY2(next > from && next <= from + 300000, qPrintable(seen[i]));
        from = next;
        QCOMPARE(ifRanges[i], ifRange);
    }
}

void tst_DownloadTask::interruptionWithoutAStrongValidatorFails_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("query");
    QTest::newRow("neither ETag nor Last-Modified") << "file.bin"
                                                    << "drop=300000&etag=0&lm=0";
    QTest::newRow("a weak ETag") << "file.bin"
                                 << "drop=300000&weak=1&lm=0";
    // Modified within the second the answer was sent: it could change again unseen.
    QTest::newRow("a Last-Modified as recent as the answer") << "fresh.bin"
                                                             << "drop=300000&etag=0";
}

void tst_DownloadTask::interruptionWithoutAStrongValidatorFails()
{
    QFETCH(QString, name);
    QFETCH(QString, query);
    QVERIFY(writeFile(m_served->filePath("fresh.bin"), m_body));
    const QString source = rangeUrl(name, query);
    const TaskSnapshot s = waitForEnd(
        m_manager->start(QStringLiteral("download"), {{"url", source}, {"dest", m_dest}}));
    QCOMPARE(s.state, TaskState::Failed);
    const QString closed = QStringLiteral("^connection closed after \\d+ of %1 bytes$");
    QVERIFY2(QRegularExpression(closed.arg(m_body.size())).match(s.error->message()).hasMatch(),
             qPrintable(s.error->message()));
    QCOMPARE(s.error->details(), (QJsonObject{{"url", source}}));
    QCOMPARE(folderContents(), QStringList()); // no partial, no sidecar
    QTest::qWait(1500);                        // past the first retry's delay
    QCOMPARE(requests(), QStringList{"range=- status=200"});
}

void tst_DownloadTask::pauseOverTheServersIdleTimeoutContinues()
{
    // More than the socket buffers on both sides hold, so that a paused reader blocks the
    // server's send, which gives up after 1 s and closes the connection.
    const QByteArray big = makeBody(16 * 1024 * 1024 + 7);
    serve(QStringLiteral("big.bin"), big);
    const quint64 id = m_manager->start(
        QStringLiteral("download"),
        {{"url", rangeUrl("big.bin", "idle=1")}, {"dest", m_dest}, {"sha256", sha256Of(big)}});
    QTRY_VERIFY(m_manager->snapshot(id).done > 0);
    m_manager->pause(id);
    QTest::qWait(3000);
    QVERIFY(m_manager->snapshot(id).done < big.size());
    m_manager->resume(id);
    const TaskSnapshot s = waitForEnd(id, 30000);
    QVERIFY2(s.state == TaskState::Completed, qPrintable(s.error ? s.error->message() : ""));
    QVERIFY(readFile(m_dest) == big);
    QCOMPARE(s.result.toObject().value("retries").toInt(), 1);
    const QStringList seen = requests();
    QCOMPARE(seen.size(), 2);
    QCOMPARE(seen[0], "range=- status=200");
    QVERIFY2(QRegularExpression("^range=bytes=\\d+- status=206$").match(seen[1]).hasMatch(),
             qPrintable(seen[1]));
    QCOMPARE(folderContents(), QStringList{"download.bin"});
}

void tst_DownloadTask::stallFailsAfterItsRetriesAndKeepsThePartial()
{
    const QString source = rangeUrl("file.bin", "stallat=300000");
    QElapsedTimer clock;
    clock.start();
    const TaskSnapshot s = waitForEnd(m_manager->start(
        QStringLiteral("download"), {{"url", source}, {"dest", m_dest}, {"stallTimeoutMs", 400}}));
    QCOMPARE(s.state, TaskState::Failed);
    QCOMPARE(s.error->message(), "no data for 0.4 s");
    QCOMPARE(s.error->details(), (QJsonObject{{"url", source},
                                              {"retries", DownloadTask::kMaxRetries},
                                              {"partial", partialPath()},
                                              {"partialBytes", 300000}}));
    // Each stall, then the delays doubling from kRetryDelayMs.
    qint64 least = (DownloadTask::kMaxRetries + 1) * 400;
    for (int i = 0; i < DownloadTask::kMaxRetries; ++i)
        least += DownloadTask::kRetryDelayMs << i;
    QVERIFY2(clock.elapsed() >= least, qPrintable(QString::number(clock.elapsed())));
    // The whole file, then a range from where it stalled, once for each retry.
    const QString range = QStringLiteral("range=bytes=300000- status=206");
    QCOMPARE(requests(), (QStringList{"range=- status=200", range}));
    QVERIFY(requests(nullptr, true).count(range) >= DownloadTask::kMaxRetries);
    // Kept for a later task, every byte of it good.
    QCOMPARE(folderContents(), (QStringList{"download.bin.part", "download.bin.part.json"}));
    QVERIFY(readFile(partialPath()) == m_body.left(300000));
}

void tst_DownloadTask::stopKeepsOrRemovesThePartial_data()
{
    QTest::addColumn<QString>("how");
    QTest::addColumn<bool>("kept");
    QTest::addColumn<bool>("existing");
    for (const bool existing : {false, true}) {
        const char *over = existing ? ", over an existing file" : "";
        QTest::addRow("cancel removes it%s", over) << "cancel" << false << existing;
        QTest::addRow("cancel while paused removes it%s", over) << "paused" << false << existing;
        QTest::addRow("a timeout keeps it%s", over) << "timeout" << true << existing;
        QTest::addRow("a shutdown (quitting) keeps it%s", over) << "shutdown" << true << existing;
    }
}

void tst_DownloadTask::stopKeepsOrRemovesThePartial()
{
    QFETCH(QString, how);
    QFETCH(bool, kept);
    QFETCH(bool, existing);
    if (existing)
        QVERIFY(writeFile(m_dest, kOldContents));
    // 64 KiB every 100 ms: about 1.6 s for the whole file.
    const QString source = rangeUrl("file.bin", "chunk=65536&delay=100");
    TaskOptions options;
    if (how == QLatin1String("timeout"))
        options.timeout = 700ms;
    const quint64 id = m_manager->start(QStringLiteral("download"),
                                        {{"url", source}, {"dest", m_dest}}, options);
    QTRY_VERIFY(m_manager->snapshot(id).done > 0);
    if (how == QLatin1String("cancel")) {
        m_manager->cancel(id);
    } else if (how == QLatin1String("paused")) {
        m_manager->pause(id);
        m_manager->cancel(id);
    } else if (how == QLatin1String("shutdown")) {
        QVERIFY(m_manager->shutdown(1s));
    }
    const TaskSnapshot s = waitForEnd(id, 5000);
    QCOMPARE(s.state, how == QLatin1String("timeout") ? TaskState::TimedOut : TaskState::Cancelled);
    if (existing)
        QCOMPARE(readFile(m_dest), kOldContents);
    QStringList expected;
    if (existing)
        expected.append("download.bin");
    if (!kept) {
        QCOMPARE(folderContents(), expected);
        return;
    }
    expected.append({"download.bin.part", "download.bin.part.json"});
    QCOMPARE(folderContents(), expected);
    const QByteArray partial = readFile(partialPath());
    QVERIFY(partial.size() > 0 && partial.size() < m_body.size());
    QVERIFY(partial == m_body.left(partial.size()));

    // A new task (a new process, as far as it can tell) goes on from there.
    m_manager = std::make_unique<TaskManager>();
    const TaskSnapshot again = waitForEnd(
        m_manager->start(QStringLiteral("download"), {{"url", source}, {"dest", m_dest}}));
    QVERIFY2(again.state == TaskState::Completed,
             qPrintable(again.error ? again.error->message() : ""));
    QCOMPARE(again.result.toObject().value("resumedFrom").toInteger(), partial.size());
    QVERIFY(readFile(m_dest) == m_body);
    QCOMPARE(folderContents(), QStringList{"download.bin"});
    QCOMPARE(requests(),
             (QStringList{"range=- status=200",
                          QStringLiteral("range=bytes=%1- status=206").arg(partial.size())}));
}

void tst_DownloadTask::killedProcessIsResumed()
{
    QProcess child;
    const QString source = rangeUrl("file.bin", "chunk=65536&delay=100");
    child.start(QStringLiteral(CONDUIT_DOWNLOAD_IN_CHILD), {source, m_dest});
    QVERIFY(child.waitForStarted(10000));
    static const QRegularExpression done(QStringLiteral("done (\\d+)\\n$"));
    QByteArray out;
    QTRY_VERIFY_WITH_TIMEOUT(
        ((out += child.readAllStandardOutput()),
         done.match(QString::fromLatin1(out)).captured(1).toLongLong() >= 300000),
        10000);
    child.kill(); // SIGKILL: nothing of it runs after this
    QVERIFY(child.waitForFinished(5000));
    QCOMPARE(child.exitStatus(), QProcess::CrashExit);
    QCOMPARE(folderContents(), (QStringList{"download.bin.part", "download.bin.part.json"}));
    const QByteArray partial = readFile(partialPath());
    QVERIFY(partial.size() >= 300000 && partial.size() < m_body.size());
    QVERIFY(partial == m_body.left(partial.size()));

    const TaskSnapshot s = waitForEnd(
        m_manager->start(QStringLiteral("download"),
                         {{"url", source}, {"dest", m_dest}, {"sha256", sha256Of(m_body)}}));
    QVERIFY2(s.state == TaskState::Completed, qPrintable(s.error ? s.error->message() : ""));
    QCOMPARE(s.result.toObject().value("resumedFrom").toInteger(), partial.size());
    QCOMPARE(s.result.toObject().value("bytes").toInteger(), m_body.size());
    QVERIFY(readFile(m_dest) == m_body);
    QCOMPARE(folderContents(), QStringList{"download.bin"});
    QCOMPARE(requests(),
             (QStringList{"range=- status=200",
                          QStringLiteral("range=bytes=%1- status=206").arg(partial.size())}));
}

void tst_DownloadTask::partialLeftBehind_data()
{
    QTest::addColumn<QString>("server"); // "range", or "python" (http.server)
    QTest::addColumn<QString>("query");
    QTest::addColumn<QByteArray>("partial");
    QTest::addColumn<QByteArray>("sidecar"); // as the task writes it; empty: none
    QTest::addColumn<bool>("withSha256");
    QTest::addColumn<qint64>("resumedFrom");   // -1: fails with checksum_mismatch
    QTest::addColumn<QStringList>("expected"); // the requests the range server saw

    // As a killed process leaves them: a prefix of the file and what the answer said of it.
    // The range server serves changed.bin as m_body, and its partials are of an older version.
    const QByteArray body = m_body;
    QByteArray older = body;
    std::reverse(older.begin(), older.end());
    const qint64 size = body.size();
    const QByteArray part = body.left(400000);
    const QString url = QStringLiteral("/changed.bin"); // rangeUrl() in the test
    const auto side
        = [&](const QString &query, const QString &etag, const QString &lm, qint64 length = -2) {
              return sidecar(query, etag, lm, length == -2 ? body.size() : length);
          };
    const QString etag = etagOf(body);
    const QStringList resumed{"range=bytes=400000- status=206"};
    QByteArray wrong = part;
    wrong[1234] = char(wrong[1234] ^ 0x40);

    QTest::newRow("resumed by its ETag")
        << "range"
        << "" << part << side("", etag, kServedLastModified) << false << qint64(400000) << resumed;
    QTest::newRow("resumed by its Last-Modified")
        << "range"
        << "etag=0" << part << side("etag=0", "", kServedLastModified) << false << qint64(400000)
        << resumed;
    QTest::newRow("resumed, with a sha256 over the whole file")
        << "range"
        << "" << part << side("", etag, "") << true << qint64(400000) << resumed;
    QTest::newRow("a bad byte in the partial fails the sha256")
        << "range"
        << "" << wrong << side("", etag, "") << true << qint64(-1) << resumed;
    QTest::newRow("as long as the file: its last byte is asked again")
        << "range"
        << "" << body << side("", etag, "") << false << size - 1
        << QStringList{QStringLiteral("range=bytes=%1- status=206").arg(size - 1)};
    QTest::newRow("the file changed: If-Range gets it whole")
        << "range"
        << "" << older.left(400000) << side("", etagOf(older), "") << false << qint64(0)
        << QStringList{"range=bytes=400000- status=200"};
    QTest::newRow("the file changed, If-Range ignored: another ETag, asked again")
        << "range"
        << "ifrange=0" << older.left(400000) << side("ifrange=0", etagOf(older), "") << false
        << qint64(0) << QStringList{"range=bytes=400000- status=206", "range=- status=200"};
    QTest::newRow("the file changed, If-Range ignored: another Last-Modified, asked again")
        << "range"
        << "ifrange=0&etag=0" << older.left(400000)
        << side("ifrange=0&etag=0", "", "Wed, 01 Jan 2020 00:00:00 GMT") << false << qint64(0)
        << QStringList{"range=bytes=400000- status=206", "range=- status=200"};
    QTest::newRow("a wrong Content-Range: asked again")
        << "range"
        << "badrange=1" << part << side("badrange=1", etag, "") << false << qint64(0)
        << QStringList{"range=bytes=400000- status=206", "range=- status=200"};
    QTest::newRow("a length on record that differs: asked again")
        << "range"
        << "" << part << side("", etag, "", size + 1) << false << qint64(0)
        << QStringList{"range=bytes=400000- status=206", "range=- status=200"};
    QTest::newRow("416 for a partial as long as a file of unknown length: asked again")
        << "range"
        << "" << body << side("", etag, "", -1) << false << qint64(0)
        << QStringList{QStringLiteral("range=bytes=%1- status=416").arg(size),
                       "range=- status=200"};
    QTest::newRow("ranges ignored: the 200 is taken whole")
        << "range"
        << "ranges=0" << part << side("ranges=0", etag, "") << false << qint64(0)
        << QStringList{"range=bytes=400000- status=200"};
    QTest::newRow("a sidecar of another URL: not resumed")
        << "range"
        << "" << part << side("other=1", etag, "") << false << qint64(0)
        << QStringList{"range=- status=200"};
    QTest::newRow("no sidecar: not resumed")
        << "range"
        << "" << part << QByteArray() << false << qint64(0) << QStringList{"range=- status=200"};
    QTest::newRow("a sidecar that is not JSON: not resumed")
        << "range"
        << "" << part << QByteArray("{\"version\": 1, \"url\":") << false << qint64(0)
        << QStringList{"range=- status=200"};
    QTest::newRow("a sidecar without a validator: not resumed")
        << "range"
        << "" << part << side("", "", "") << false << qint64(0)
        << QStringList{"range=- status=200"};
    QTest::newRow("python http.server ignores Range: the 200 is taken whole")
        << "python"
        << "" << part << side("", "", kServedLastModified) << false << qint64(0) << QStringList();
}

void tst_DownloadTask::partialLeftBehind()
{
    QFETCH(QString, server);
    QFETCH(QString, query);
    QFETCH(QByteArray, partial);
    QFETCH(QByteArray, sidecar);
    QFETCH(bool, withSha256);
    QFETCH(qint64, resumedFrom);
    QFETCH(QStringList, expected);

    serve(QStringLiteral("changed.bin"), m_body);
    QProcess python;
    QString source = rangeUrl("changed.bin", query);
    if (server == QLatin1String("python")) {
        const int port = startServer(python,
                                     {QStringLiteral("-u"), QStringLiteral("-m"),
                                      QStringLiteral("http.server"), QStringLiteral("--bind"),
                                      QStringLiteral("127.0.0.1"), QStringLiteral("--directory"),
                                      m_served->path(), QStringLiteral("0")},
                                     QRegularExpression(QStringLiteral("port (\\d+)")));
        QVERIFY2(port > 0, python.readAllStandardError().constData());
        source = QStringLiteral("http://127.0.0.1:%1/changed.bin").arg(port);
    }
    // The sidecar's url was written for the range server's changed.bin and the row's query.
    if (!sidecar.isEmpty()) {
        QJsonObject o = QJsonDocument::fromJson(sidecar).object();
        if (o.contains("url")) {
            const QString query = o.value("url").toString();
            o.insert("url",
                     server == QLatin1String("python") ? source : rangeUrl("changed.bin", query));
            sidecar = QJsonDocument(o).toJson();
        }
        QVERIFY(writeFile(sidecarPath(), sidecar));
    }
    QVERIFY(writeFile(partialPath(), partial));

    QJsonObject params{{"url", source}, {"dest", m_dest}};
    if (withSha256)
        params.insert("sha256", sha256Of(m_body));
    const TaskSnapshot s = waitForEnd(m_manager->start(QStringLiteral("download"), params));
    stopServer(python);
    if (resumedFrom < 0) {
        QCOMPARE(s.state, TaskState::Failed);
        QCOMPARE(s.error->code(), "checksum_mismatch");
        QCOMPARE(folderContents(), QStringList()); // known bad: nothing kept
    } else {
        QVERIFY2(s.state == TaskState::Completed, qPrintable(s.error ? s.error->message() : ""));
        QCOMPARE(s.result.toObject().value("resumedFrom").toInteger(), resumedFrom);
        QCOMPARE(s.result.toObject().value("sha256").toString(), sha256Of(m_body));
        QVERIFY(readFile(m_dest) == m_body);
        QCOMPARE(folderContents(), QStringList{"download.bin"});
    }
    if (server == QLatin1String("range")) {
        QTRY_VERIFY(requests().size() >= expected.size());
        QCOMPARE(requests(), expected);
    }
}

void tst_DownloadTask::oneDestIsDownloadedByOneTaskAtATime()
{
    const QString source = rangeUrl("file.bin", "chunk=65536&delay=50");
    const quint64 first
        = m_manager->start(QStringLiteral("download"), {{"url", source}, {"dest", m_dest}});
    QTRY_VERIFY(m_manager->snapshot(first).done > 0);
    const TaskSnapshot second = waitForEnd(
        m_manager->start(QStringLiteral("download"), {{"url", source}, {"dest", m_dest}}));
    QCOMPARE(second.state, TaskState::Failed);
    QCOMPARE(second.error->code(), "io_error");
    QCOMPARE(second.error->message(),
             QStringLiteral("%1 is being downloaded by another task").arg(m_dest));
    const TaskSnapshot s = waitForEnd(first);
    QCOMPARE(s.state, TaskState::Completed);
    QVERIFY(readFile(m_dest) == m_body);
    QCOMPARE(folderContents(), QStringList{"download.bin"});
}

void tst_DownloadTask::aPartialIsNeverASymlink()
{
    // Someone who can write in dest's folder must not make the download write elsewhere.
    const QString victim = m_dir->filePath(QStringLiteral("victim"));
    QVERIFY(writeFile(victim, kOldContents));
    QVERIFY(QFile::link(victim, partialPath()));
    const TaskSnapshot s = waitForEnd(m_manager->start(
        QStringLiteral("download"), {{"url", rangeUrl("file.bin")}, {"dest", m_dest}}));
    QCOMPARE(s.state, TaskState::Failed);
    QCOMPARE(s.error->code(), "io_error");
    QVERIFY2(s.error->message().startsWith(QStringLiteral("cannot create %1: ").arg(partialPath())),
             qPrintable(s.error->message()));
    QCOMPARE(readFile(victim), kOldContents);
    QCOMPARE(folderContents(), (QStringList{"download.bin.part", "victim"}));
}

QTEST_GUILESS_MAIN(tst_DownloadTask)
#include "tst_downloadtask.moc"
