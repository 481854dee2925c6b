// The download kind against a real HTTP server on 127.0.0.1 written here with QTcpServer:
// success and checksum, progress, HTTP errors, stalls, resets, timeouts, redirects, pause and
// cancel, and that nothing but a complete file is ever left behind.
#include "TaskManager.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace Conduit;
using namespace std::chrono_literals;

namespace {
QByteArray makeBody(qsizetype size)
{
    QByteArray body(size, Qt::Uninitialized);
    for (qsizetype i = 0; i < size; ++i)
        body[i] = char((i * 7 + i / 4093) & 0xff);
    return body;
}
} // namespace

// A small HTTP/1.1 server; the request path picks the behaviour:
//   /file          200, Content-Length, the body in 64 KiB chunks
//   /slow          200, the body in 16 KiB chunks every 20 ms
//   /missing       404 Not Found
//   /stall         200, 100 KiB of the body, then silence with the connection open
//   /reset         200, 100 KiB of the body, then the connection is aborted
//   /silent        reads the request and never answers
//   /redirect      302 to /file;  /redirect-ftp  302 to an ftp:// URL
class HttpServer : public QObject
{
public:
    explicit HttpServer(QByteArray body)
        : m_body(std::move(body))
    {
        QVERIFY(m_server.listen(QHostAddress::LocalHost));
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                socket->setParent(this);
                connect(socket, &QTcpSocket::readyRead, this, [this, socket] { read(socket); });
            }
        });
    }

    QString url(const QString &path) const
    {
        return QStringLiteral("http://127.0.0.1:%1%2").arg(m_server.serverPort()).arg(path);
    }

private:
    void read(QTcpSocket *socket)
    {
        QByteArray &request = m_requests[socket];
        request += socket->readAll();
        if (!request.contains("\r\n\r\n"))
            return;
        const QList<QByteArray> first = request.left(request.indexOf("\r\n")).split(' ');
        request = "served";
        serve(socket, first.value(1));
    }

    void serve(QTcpSocket *socket, const QByteArray &path)
    {
        if (path == "/missing") {
            socket->write("HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found");
        } else if (path == "/redirect") {
            socket->write("HTTP/1.1 302 Found\r\nLocation: /file\r\nContent-Length: 0\r\n\r\n");
        } else if (path == "/redirect-ftp") {
            socket->write(
                "HTTP/1.1 302 Found\r\nLocation: ftp://127.0.0.1/x\r\nContent-Length: 0\r\n\r\n");
        } else if (path == "/silent") {
            return;
        } else {
            socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                          "Content-Length: "
                          + QByteArray::number(m_body.size()) + "\r\n\r\n");
            const bool slow = path == "/slow";
            const bool cut = path == "/stall" || path == "/reset";
            sendChunks(socket, slow ? 16 * 1024 : 64 * 1024, slow ? 20 : 0,
                       cut ? 100 * 1024 : m_body.size(), path == "/reset");
        }
    }

    void sendChunks(QTcpSocket *socket, qsizetype chunk, int intervalMs, qsizetype until,
                    bool abort)
    {
        auto *timer = new QTimer(socket);
        timer->setInterval(intervalMs);
        auto offset = std::make_shared<qsizetype>(0);
        connect(timer, &QTimer::timeout, socket, [=] {
            if (*offset >= until) {
                timer->stop();
                if (abort) {
                    socket->flush();
                    socket->abort();
                }
                return; // a stall keeps the connection open
            }
            const qsizetype n = qMin(chunk, until - *offset);
            socket->write(m_body.constData() + *offset, n);
            *offset += n;
        });
        timer->start();
    }

    QTcpServer m_server;
    QByteArray m_body;
    QHash<QTcpSocket *, QByteArray> m_requests;
};

class tst_DownloadTask : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void downloadsAndChecksums_data();
    void downloadsAndChecksums();
    void replacesAnExistingFile();
    void failures_data();
    void failures();
    void pauseStopsBytesArriving();
    void stopLeavesNothing_data();
    void stopLeavesNothing();

private:
    TaskSnapshot waitForEnd(quint64 id, int timeoutMs = 20000);
    QStringList folderContents() const
    {
        return QDir(m_dir->path()).entryList(QDir::Files | QDir::Hidden);
    }

    const QByteArray m_body = makeBody(2 * 1024 * 1024 + 123);
    const QString m_sha256
        = QString::fromLatin1(QCryptographicHash::hash(m_body, QCryptographicHash::Sha256).toHex());
    std::unique_ptr<HttpServer> m_server;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<TaskManager> m_manager;
    QString m_dest;
};

void tst_DownloadTask::init()
{
    m_server = std::make_unique<HttpServer>(m_body);
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_dest = m_dir->filePath(QStringLiteral("download.bin"));
    m_manager = std::make_unique<TaskManager>();
}

void tst_DownloadTask::cleanup()
{
    m_manager.reset();
    m_server.reset();
    m_dir.reset();
}

TaskSnapshot tst_DownloadTask::waitForEnd(quint64 id, int timeoutMs)
{
    if (!QTest::qWaitFor([&] { return isFinalState(m_manager->snapshot(id).state); }, timeoutMs))
        qWarning("task %llu did not finish within %d ms", id, timeoutMs);
    return m_manager->snapshot(id);
}

void tst_DownloadTask::downloadsAndChecksums_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<bool>("withSha256");
    QTest::newRow("plain") << "/file" << false;
    QTest::newRow("with sha256") << "/file" << true;
    QTest::newRow("redirected") << "/redirect" << true;
}

void tst_DownloadTask::downloadsAndChecksums()
{
    QFETCH(QString, path);
    QFETCH(bool, withSha256);
    QJsonObject params{{"url", m_server->url(path)}, {"dest", m_dest}};
    if (withSha256)
        params.insert("sha256", m_sha256.toUpper()); // any case
    qint64 lastDone = -1;
    qint64 lastTotal = -2;
    connect(m_manager.get(), &TaskManager::progressChanged, this, [&](quint64, qint64 d, qint64 t) {
        lastDone = d;
        lastTotal = t;
    });
    const TaskSnapshot s = waitForEnd(m_manager->start(QStringLiteral("download"), params));
    QCOMPARE(s.state, TaskState::Completed);
    const QJsonObject result = s.result.toObject();
    QCOMPARE(result.value("bytes").toInteger(), m_body.size());
    QCOMPARE(result.value("path").toString(), m_dest);
    QCOMPARE(result.value("sha256").toString(), m_sha256);
    QCOMPARE(lastDone, m_body.size());
    QCOMPARE(lastTotal, m_body.size());
    QFile file(m_dest);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(file.readAll() == m_body);
    QCOMPARE(folderContents(), QStringList{"download.bin"}); // no .part file left
}

void tst_DownloadTask::replacesAnExistingFile()
{
    QFile old(m_dest);
    QVERIFY(old.open(QIODevice::WriteOnly));
    old.write("an older version");
    old.close();
    const TaskSnapshot s = waitForEnd(m_manager->start(
        QStringLiteral("download"), {{"url", m_server->url("/file")}, {"dest", m_dest}}));
    QCOMPARE(s.state, TaskState::Completed);
    QCOMPARE(QFileInfo(m_dest).size(), m_body.size());
    QCOMPARE(folderContents(), QStringList{"download.bin"});
}

void tst_DownloadTask::failures_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QJsonObject>("extra");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("message");
    QTest::addColumn<int>("withinMs");

    const QString wrongSha(64, QLatin1Char('0'));
    QTest::newRow("404") << "/missing" << QJsonObject() << "network_error"
                         << "HTTP 404 Not Found" << 5000;
    QTest::newRow("sha256 mismatch")
        << "/file" << QJsonObject{{"sha256", wrongSha}} << "checksum_mismatch"
        << "expected" << 5000;
    QTest::newRow("stall") << "/stall" << QJsonObject{{"stallTimeoutMs", 500}} << "network_error"
                           << "no data for 0.5 s" << 2500;
    QTest::newRow("reset") << "/reset" << QJsonObject() << "network_error"
                           << "reset" << 5000;
    QTest::newRow("no answer") << "/silent" << QJsonObject{{"connectTimeoutMs", 300}}
                               << "network_error"
                               << "connection timed out" << 2500;
    QTest::newRow("redirect to ftp") << "/redirect-ftp" << QJsonObject() << "network_error"
                                     << "refused redirect" << 5000;
    QTest::newRow("connection refused") << "refused" << QJsonObject() << "network_error"
                                        << "connection refused" << 5000;
}

void tst_DownloadTask::failures()
{
    QFETCH(QString, path);
    QFETCH(QJsonObject, extra);
    QFETCH(QString, code);
    QFETCH(QString, message);
    QFETCH(int, withinMs);

    QString url = m_server->url(path);
    if (path == QLatin1String("refused")) {
        QTcpServer closed; // a port that was free a moment ago and has no listener now
        QVERIFY(closed.listen(QHostAddress::LocalHost));
        url = QStringLiteral("http://127.0.0.1:%1/file").arg(closed.serverPort());
    }
    QJsonObject params = extra;
    params.insert("url", url);
    params.insert("dest", m_dest);
    QElapsedTimer clock;
    clock.start();
    const TaskSnapshot s = waitForEnd(m_manager->start(QStringLiteral("download"), params));
    const qint64 elapsed = clock.elapsed();
    QCOMPARE(s.state, TaskState::Failed);
    QVERIFY(s.error);
    QCOMPARE(s.error->code(), code);
    QVERIFY2(s.error->message().contains(message), qPrintable(s.error->message()));
    QVERIFY2(elapsed < withinMs, qPrintable(QString::number(elapsed)));
    QCOMPARE(folderContents(), QStringList()); // neither the file nor a .part file
}

void tst_DownloadTask::pauseStopsBytesArriving()
{
    const quint64 id = m_manager->start(QStringLiteral("download"),
                                        {{"url", m_server->url("/slow")},
                                         {"dest", m_dest},
                                         {"sha256", m_sha256},
                                         {"stallTimeoutMs", 200}}); // a pause is not a stall
    QTRY_VERIFY(m_manager->snapshot(id).done > 0);
    m_manager->pause(id);
    QTest::qWait(50);
    const qint64 before = m_manager->snapshot(id).done;
    QTest::qWait(400);
    QCOMPARE(m_manager->snapshot(id).done, before);
    QCOMPARE(m_manager->snapshot(id).state, TaskState::Paused);
    QVERIFY(before < m_body.size());
    m_manager->resume(id);
    const TaskSnapshot s = waitForEnd(id);
    QCOMPARE(s.state, TaskState::Completed);
    QFile file(m_dest);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(file.readAll() == m_body);
}

void tst_DownloadTask::stopLeavesNothing_data()
{
    QTest::addColumn<QString>("how");
    QTest::newRow("cancel") << "cancel";
    QTest::newRow("cancel while paused") << "paused";
    QTest::newRow("timeout") << "timeout";
    QTest::newRow("shutdown") << "shutdown";
}

void tst_DownloadTask::stopLeavesNothing()
{
    QFETCH(QString, how);
    TaskOptions options;
    if (how == QLatin1String("timeout"))
        options.timeout = 300ms;
    const quint64 id = m_manager->start(
        QStringLiteral("download"), {{"url", m_server->url("/slow")}, {"dest", m_dest}}, options);
    QTRY_VERIFY(m_manager->snapshot(id).done > 0);
    // While it runs, at most its .part file is there (Linux: not even that, see O_TMPFILE).
    for (const QString &name : folderContents())
        QVERIFY2(name.startsWith(QLatin1String("download.bin.part-")), qPrintable(name));
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
    QCOMPARE(folderContents(), QStringList());
}

QTEST_GUILESS_MAIN(tst_DownloadTask)
#include "tst_downloadtask.moc"
