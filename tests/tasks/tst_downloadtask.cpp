// SPDX-License-Identifier: MIT
// The download kind against real servers in real processes on 127.0.0.1: a scripted
// misbehaving one (tests/support/misbehaving_http_server.py) for every way a server can go
// wrong, and Python's own `http.server` as an oracle for a plain file. Each failure row
// checks the error and its details, that nothing (no temporary file either) is left behind,
// and that a file already at dest is byte-identical afterwards.
#include <worker/DownloadTask.h>
#include <worker/TaskManager.h>

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
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

private:
    QString url(const QString &path) const
    {
        return QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(path);
    }
    TaskSnapshot waitForEnd(quint64 id, int timeoutMs = 20000);
    QStringList folderContents() const
    {
        return QDir(m_dir->path()).entryList(QDir::Files | QDir::Hidden | QDir::System);
    }

    const QByteArray m_body = makeBody(1024 * 1024 + 123);
    QProcess m_server;
    int m_port = 0;
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
}

void tst_DownloadTask::cleanupTestCase()
{
    stopServer(m_server);
}

void tst_DownloadTask::init()
{
    QVERIFY2(m_server.state() == QProcess::Running, "the scripted server died");
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

QTEST_GUILESS_MAIN(tst_DownloadTask)
#include "tst_downloadtask.moc"
