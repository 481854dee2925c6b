// SPDX-License-Identifier: MIT
// Tasks across a restart, from the outside: the real conduit binary, run as a user would
// (offscreen, a private home), is killed with SIGKILL or quit with SIGTERM while it works; then a
// runtime on the same task history shows, in a real page, what it was doing as interrupted with
// Retry, and a retried download resumes where the killed one stopped and ends with the served
// bytes. A history that is not a database is set aside with a notice, and the next one works.
#include "E2eMain.h"
#include "PageHarness.h"
#include <app/AppPage.h>
#include <app/AppScheme.h>
#include <app/AppWindows.h>
#include <app/ConduitRuntime.h>
#include <app/MainWindow.h>

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QProcess>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace Conduit;
using namespace std::chrono_literals;

namespace {

constexpr qint64 kServedBytes = 8 * 1024 * 1024;
// 64 KiB every 30 ms, about 2 MiB/s: the download is still under way seconds after it began.
const QString kSlowly = QStringLiteral("chunk=65536&delay=30");
// The child is killed once its partial has this much.
constexpr qint64 kKillAfterBytes = 1024 * 1024;
// Long enough to be hashing when the signal comes: sparse, so it costs no disk.
constexpr qint64 kBigFileBytes = 16LL * 1024 * 1024 * 1024;
// Generous: the machine is shared, and a child starts QtWebEngine.
constexpr int kWaitMs = 30000;
// ConduitRuntime::shutdown's default deadline, plus the window and QtWebEngine going away.
constexpr int kShutdownBoundMs = 5000 + 10000;

QByteArray seededBytes(qint64 size, quint32 seed)
{
    QByteArray data(size, Qt::Uninitialized);
    QRandomGenerator random(seed);
    random.fillRange(reinterpret_cast<quint32 *>(data.data()), size / qint64(sizeof(quint32)));
    return data;
}

QString sha256Of(const QByteArray &data)
{
    return QString::fromLatin1(QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex());
}

QByteArray contentsOf(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

bool writeFile(const QString &path, const QByteArray &data)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(data) == data.size();
}

qint64 sizeOf(const QString &path)
{
    return QFileInfo(path).size(); // a fresh stat each time; 0 if it is not there
}

// The files under `root`, for a message.
QString listing(const QString &root)
{
    QStringList found;
    QDirIterator it(root, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext())
        found.append(QDir(root).relativeFilePath(it.next()));
    return found.join(QLatin1Char(' '));
}

// A user of the child's own, under `user`: its data (and so its task history), its configuration
// and its home (and so its Downloads), none of them the real user's; and a runtime folder of its
// own, so a Conduit the user (or another suite) runs does not take its command line over
// (SingleInstance).
QProcessEnvironment childEnvironment(const QTemporaryDir &user, const QTemporaryDir &runtime)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_DATA_HOME"), user.filePath(QStringLiteral("data")));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), user.filePath(QStringLiteral("config")));
    env.insert(QStringLiteral("HOME"), user.filePath(QStringLiteral("home")));
    env.insert(QStringLiteral("XDG_RUNTIME_DIR"), runtime.path());
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("QTWEBENGINE_DISABLE_SANDBOX"), QStringLiteral("1"));
    env.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("conduit.tasks.debug=true"));
    return env;
}

// Where main() keeps the child's history: AppDataLocation (organisation Conduit, application
// conduit) under its XDG_DATA_HOME.
QString childHistory(const QTemporaryDir &user)
{
    return user.filePath(QStringLiteral("data/Conduit/conduit/history.sqlite"));
}

// Where `conduit URL` saves: its home's Downloads (no user-dirs.dirs in its configuration).
QString childDownloads(const QTemporaryDir &user)
{
    return user.filePath(QStringLiteral("home/Downloads"));
}

} // namespace

class tst_E2eRestart : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void cleanup();
    void killedDownloadComesBackInterruptedAndRetryResumes();
    void quitLeavesTasksInterrupted();
    void aCorruptHistoryIsSetAsideWithANotice();

private:
    // Starts the real binary with `args` as the user under `user` and `runtime`.
    static bool startConduit(QProcess &conduit, const QTemporaryDir &user,
                             const QTemporaryDir &runtime, const QStringList &args);
    // A runtime on `historyPath` with one real window, its page connected; what a restart makes.
    bool openOn(const QString &historyPath);
    void close();
    QVariant js(const QString &script);
    // Every row in the dashboard, "id:kind:state" in the list's order, for comparisons that
    // show the whole list when they fail.
    QString rows();
    // The text of the element `testid` in task `id`'s row.
    QString inRow(int id, const QString &testid);
    bool rowHas(int id, const QString &testid);
    QJsonObject snapshotOf(int id) const;
    int newestId() const;

    QTemporaryDir m_served;
    QByteArray m_body;
    QProcess m_server;
    int m_port = 0;
    QStringList m_requests; // the server's log: one line per response
    std::unique_ptr<ConduitRuntime> m_runtime;
    std::unique_ptr<AppWindows> m_windows;
    MainWindow *m_window = nullptr;
};

void tst_E2eRestart::initTestCase()
{
    QVERIFY(m_served.isValid());
    m_body = seededBytes(kServedBytes, 20240611);
    QVERIFY(writeFile(m_served.filePath(QStringLiteral("data.bin")), m_body));
    // Served with a strong ETag (a digest of its bytes): what makes a partial of it resumable.
    m_server.setProcessChannelMode(QProcess::SeparateChannels);
    m_server.start(QStringLiteral("python3"),
                   {QStringLiteral("-u"), QStringLiteral(CONDUIT_RANGE_SERVER), m_served.path()});
    QVERIFY(m_server.waitForStarted(10000));
    QByteArray port;
    QVERIFY(QTest::qWaitFor(
        [&] {
            port += m_server.readAllStandardOutput();
            return port.contains('\n') || m_server.state() != QProcess::Running;
        },
        kWaitMs));
    m_port = port.trimmed().toInt();
    QVERIFY2(m_port > 0, m_server.readAllStandardError().constData());
    connect(&m_server, &QProcess::readyReadStandardOutput, this, [this] {
        while (m_server.canReadLine())
            m_requests.append(QString::fromLatin1(m_server.readLine()).trimmed());
    });
}

void tst_E2eRestart::cleanupTestCase()
{
    m_server.kill();
    m_server.waitForFinished(5000);
}

void tst_E2eRestart::cleanup()
{
    close();
}

bool tst_E2eRestart::startConduit(QProcess &conduit, const QTemporaryDir &user,
                                  const QTemporaryDir &runtime, const QStringList &args)
{
    for (const char *folder : {"data", "config", "home"}) {
        if (!QDir().mkpath(user.filePath(QLatin1String(folder))))
            return false;
    }
    conduit.setProcessEnvironment(childEnvironment(user, runtime));
    conduit.setProcessChannelMode(QProcess::SeparateChannels);
    conduit.start(QStringLiteral(CONDUIT_BINARY), args);
    return conduit.waitForStarted(10000);
}

bool tst_E2eRestart::openOn(const QString &historyPath)
{
    m_runtime = std::make_unique<ConduitRuntime>(1s, PageHarness::testKinds(), historyPath);
    m_runtime->start();
    m_windows = std::make_unique<AppWindows>(*m_runtime, AppScheme::entryUrl());
    QSignalSpy attached(&m_runtime->pages(), &PageHub::pageAttached);
    m_window = m_windows->open();
    if (!QTest::qWaitFor([&] { return !attached.isEmpty(); }, kWaitMs))
        return false;
    return PageHarness::awaitOn(*m_window->page(),
                                QStringLiteral("await conduit.ready(); return true;"), 20s)
        .value(QStringLiteral("ok"))
        .toBool();
}

void tst_E2eRestart::close()
{
    m_window = nullptr;
    m_windows.reset();
    m_runtime.reset(); // shuts down: the history is written and closed
}

QVariant tst_E2eRestart::js(const QString &script)
{
    return PageHarness::runOn(*m_window->page(), script);
}

QString tst_E2eRestart::rows()
{
    return js(QStringLiteral(
                  "[...document.querySelectorAll('[data-testid=task-row]')].map((r) => "
                  "`${r.dataset.taskId}:${r.dataset.kind}:${r.dataset.state}`).join(' ')"))
        .toString();
}

QString tst_E2eRestart::inRow(int id, const QString &testid)
{
    return js(QStringLiteral("document.querySelector('[data-task-id=\"%1\"] "
                             "[data-testid=%2]')?.textContent ?? ''")
                  .arg(id)
                  .arg(testid))
        .toString()
        .trimmed();
}

bool tst_E2eRestart::rowHas(int id, const QString &testid)
{
    return js(QStringLiteral(
                  "document.querySelector('[data-task-id=\"%1\"] [data-testid=%2]') !== null")
                  .arg(id)
                  .arg(testid))
        .toBool();
}

QJsonObject tst_E2eRestart::snapshotOf(int id) const
{
    for (const QJsonValue &task : m_runtime->taskGateway().tasks()) {
        if (task.toObject().value(QStringLiteral("id")).toInt() == id)
            return task.toObject();
    }
    return {};
}

int tst_E2eRestart::newestId() const
{
    int newest = 0;
    for (const QJsonValue &task : m_runtime->taskGateway().tasks())
        newest = qMax(newest, task.toObject().value(QStringLiteral("id")).toInt());
    return newest;
}

void tst_E2eRestart::killedDownloadComesBackInterruptedAndRetryResumes()
{
    QTemporaryDir user;
    QTemporaryDir runtime;
    QVERIFY(user.isValid() && runtime.isValid());
    const QString url = QStringLiteral("http://127.0.0.1:%1/data.bin?%2").arg(m_port).arg(kSlowly);
    const QString dest = childDownloads(user) + QStringLiteral("/data.bin");
    const QString partial = dest + QStringLiteral(".part");

    // `conduit URL`, killed with SIGKILL mid-download: nothing of it gets to clean up.
    QProcess conduit;
    QVERIFY(startConduit(conduit, user, runtime, {url}));
    QByteArray log;
    QVERIFY2(QTest::qWaitFor(
                 [&] {
                     log += conduit.readAllStandardError();
                     return sizeOf(partial) >= kKillAfterBytes
                            || conduit.state() == QProcess::NotRunning;
                 },
                 kWaitMs)
                 && sizeOf(partial) >= kKillAfterBytes,
             qPrintable(QStringLiteral("no partial of %1 bytes in %2; its log:\n%3")
                            .arg(kKillAfterBytes)
                            .arg(listing(user.path()), QString::fromLocal8Bit(log))));
    QCOMPARE(::kill(pid_t(conduit.processId()), SIGKILL), 0);
    QVERIFY(conduit.waitForFinished(10000));
    QCOMPARE(conduit.exitStatus(), QProcess::CrashExit);
    const qint64 kept = sizeOf(partial);
    qInfo("killed with %lld of %lld bytes in the partial", qlonglong(kept),
          qlonglong(kServedBytes));
    QVERIFY2(kept >= kKillAfterBytes && kept < kServedBytes, qPrintable(QString::number(kept)));
    QVERIFY(!QFile::exists(dest));
    QVERIFY(QFile::exists(dest + QStringLiteral(".part.json")));
    QVERIFY2(QFile::exists(childHistory(user)), qPrintable(listing(user.path())));

    // Started again on the same history: the download is there, interrupted, with Retry.
    QVERIFY(openOn(childHistory(user)));
    QTRY_COMPARE_WITH_TIMEOUT(rows(), QStringLiteral("1:download:interrupted"), kWaitMs);
    QVERIFY(rowHas(1, QStringLiteral("task-interrupted")));
    QCOMPARE(snapshotOf(1).value(QStringLiteral("params")).toObject().value("dest").toString(),
             dest);
    QCOMPARE(sizeOf(partial), kept); // taking it back touched nothing

    // One click, as a person: a new task, which resumes the partial and ends with every byte.
    QVERIFY(rowHas(1, QStringLiteral("task-retry")));
    js(QStringLiteral("document.querySelector('[data-task-id=\"1\"] "
                      "[data-testid=task-retry]').click()"));
    QTRY_VERIFY_WITH_TIMEOUT(newestId() > 1, kWaitMs);
    const int retried = newestId();
    QTRY_COMPARE_WITH_TIMEOUT(snapshotOf(retried).value(QStringLiteral("state")).toString(),
                              QStringLiteral("completed"), kWaitMs);
    const QJsonObject result = snapshotOf(retried).value(QStringLiteral("result")).toObject();
    QCOMPARE(result.value("resumedFrom").toInteger(), kept);
    QCOMPARE(result.value("bytes").toInteger(), kServedBytes);
    QCOMPARE(result.value("sha256").toString(), sha256Of(m_body));
    QCOMPARE(sha256Of(contentsOf(dest)), sha256Of(m_body));
    QVERIFY(!QFile::exists(partial));
    QVERIFY(!QFile::exists(dest + QStringLiteral(".part.json")));
    // The server was asked for the rest only, and sent it.
    const QString rest = QStringLiteral("range=bytes=%1- ").arg(kept);
    QTRY_VERIFY2_WITH_TIMEOUT(!m_requests.isEmpty() && m_requests.constLast().contains(rest)
                                  && m_requests.constLast().endsWith(QStringLiteral("status=206")),
                              qPrintable(m_requests.join(QLatin1Char('\n'))), kWaitMs);
    // The page shows it: the old row still interrupted, the new one completed with the sum (its
    // kind's result view is loaded when first shown).
    QTRY_COMPARE_WITH_TIMEOUT(
        rows(), QStringLiteral("%1:download:completed 1:download:interrupted").arg(retried),
        kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(inRow(retried, QStringLiteral("download-sha256-value")),
                              sha256Of(m_body), kWaitMs);
}

void tst_E2eRestart::quitLeavesTasksInterrupted()
{
    QTemporaryDir user;
    QTemporaryDir runtime;
    QTemporaryDir work;
    QVERIFY(user.isValid() && runtime.isValid() && work.isValid());
    const QString tiny = work.filePath(QStringLiteral("tiny"));
    const QString big = work.filePath(QStringLiteral("big"));
    QVERIFY(QDir().mkpath(tiny) && QDir().mkpath(big));
    QVERIFY(writeFile(tiny + QStringLiteral("/a.txt"), "alpha\n"));
    QVERIFY(writeFile(tiny + QStringLiteral("/b.txt"), "beta\n"));
    QFile sparse(big + QStringLiteral("/big.bin"));
    QVERIFY(sparse.open(QIODevice::WriteOnly) && sparse.resize(kBigFileBytes));
    sparse.close();

    // Task 1 finishes at once; task 2 is still hashing when the session ends.
    QProcess conduit;
    QVERIFY(startConduit(conduit, user, runtime,
                         {QStringLiteral("--hash"), tiny, QStringLiteral("--hash"), big}));
    QByteArray log;
    QVERIFY2(QTest::qWaitFor(
                 [&] {
                     log += conduit.readAllStandardError();
                     return (log.contains("task 1 hash completed")
                             && log.contains("task 2 hash running"))
                            || conduit.state() == QProcess::NotRunning;
                 },
                 kWaitMs)
                 && conduit.state() == QProcess::Running,
             log.constData());
    QCOMPARE(::kill(pid_t(conduit.processId()), SIGTERM), 0);
    QVERIFY2(conduit.waitForFinished(kShutdownBoundMs), "did not quit within the bound");
    log += conduit.readAllStandardError();
    QCOMPARE(conduit.exitStatus(), QProcess::NormalExit);
    QVERIFY2(conduit.exitCode() == 0, log.constData());
    QVERIFY(QFile::exists(tiny + QStringLiteral("/SHA256SUMS")));

    // Started again: the finished task as it ended, with its result; the cut-off one
    // interrupted (not cancelled: the user did not cancel it), with Retry.
    QVERIFY2(QFile::exists(childHistory(user)), qPrintable(listing(user.path())));
    QVERIFY(openOn(childHistory(user)));
    QTRY_COMPARE_WITH_TIMEOUT(rows(), QStringLiteral("2:hash:interrupted 1:hash:completed"),
                              kWaitMs);
    QVERIFY(rowHas(2, QStringLiteral("task-retry")));
    QVERIFY(rowHas(2, QStringLiteral("task-interrupted")));
    QVERIFY(!rowHas(1, QStringLiteral("task-retry")));
    QTRY_COMPARE_WITH_TIMEOUT(inRow(1, QStringLiteral("result-path")),
                              tiny + QStringLiteral("/SHA256SUMS"), kWaitMs);
    QCOMPARE(snapshotOf(1).value(QStringLiteral("result")).toObject().value("files").toInt(), 2);
    QCOMPARE(snapshotOf(2).value(QStringLiteral("error")).toObject().value("code").toString(),
             QStringLiteral("interrupted"));
}

void tst_E2eRestart::aCorruptHistoryIsSetAsideWithANotice()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString history = dir.filePath(QStringLiteral("history.sqlite"));
    const QByteArray garbage = seededBytes(64 * 1024, 7);
    QVERIFY(writeFile(history, garbage));
    const QString tiny = dir.filePath(QStringLiteral("tiny"));
    QVERIFY(QDir().mkpath(tiny));
    QVERIFY(writeFile(tiny + QStringLiteral("/a.txt"), "alpha\n"));

    QVERIFY(openOn(history));
    const QString notice = QStringLiteral("document.querySelector('[data-testid=history-notice]')");
    QTRY_COMPARE_WITH_TIMEOUT(js(notice + QStringLiteral("?.dataset.reason ?? ''")).toString(),
                              QStringLiteral("corrupt"), kWaitMs);
    // The garbage, kept whole beside a new history; the notice says where.
    const QStringList aside
        = QDir(dir.path()).entryList({QStringLiteral("history.sqlite.corrupt*")}, QDir::Files);
    QCOMPARE(aside.size(), 1);
    QCOMPARE(contentsOf(dir.filePath(aside.first())), garbage);
    QVERIFY2(js(notice + QStringLiteral(".textContent"))
                 .toString()
                 .contains(dir.filePath(aside.first())),
             qPrintable(js(notice + QStringLiteral(".textContent")).toString()));
    QVERIFY(QFile::exists(history));

    // The application works on the new history: a folder hashed through the form, as a person.
    js(QStringLiteral("document.querySelector('[data-testid=form-kind-hash]').click()"));
    QTRY_VERIFY_WITH_TIMEOUT(
        js(QStringLiteral("document.querySelector('[data-testid=hash-root]') !== null")).toBool(),
        kWaitMs);
    js(QStringLiteral("(() => { const e = document.querySelector('[data-testid=hash-root]'); "
                      "e.value = %1; e.dispatchEvent(new Event('input', {bubbles: true})); })()")
           .arg(QString::fromUtf8(
                    QJsonDocument(QJsonObject{{"root", tiny}}).toJson(QJsonDocument::Compact))
                + QStringLiteral(".root")));
    const QString start = QStringLiteral("document.querySelector('[data-testid=hash-start]')");
    QTRY_VERIFY_WITH_TIMEOUT(js(start + QStringLiteral(".disabled === false")).toBool(), kWaitMs);
    js(start + QStringLiteral(".click()"));
    QTRY_VERIFY_WITH_TIMEOUT(newestId() > 0, kWaitMs);
    const int id = newestId();
    QTRY_COMPARE_WITH_TIMEOUT(rows(), QStringLiteral("%1:hash:completed").arg(id), kWaitMs);

    // And a restart keeps that task, with nothing more to say about the history.
    close();
    QVERIFY(openOn(history));
    QTRY_COMPARE_WITH_TIMEOUT(rows(), QStringLiteral("%1:hash:completed").arg(id), kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(inRow(id, QStringLiteral("result-path")),
                              tiny + QStringLiteral("/SHA256SUMS"), kWaitMs);
    QVERIFY(!js(notice + QStringLiteral(" !== null")).toBool());
    QCOMPARE(QDir(dir.path()).entryList({QStringLiteral("history.sqlite.corrupt*")}, QDir::Files),
             aside);
}

CONDUIT_E2E_MAIN(tst_E2eRestart)
#include "tst_e2e_restart.moc"
