// SPDX-License-Identifier: MIT
// SingleInstance with real processes and real local sockets: this binary run again is the other
// Conduit (`--send DIR ARGS…` hands ARGS over from its own working directory, `--primary DIR`
// listens and prints what it receives, `--race DIR N` is one of N starting on one "go"), python3 is
// the hostile, silent or foreign peer. The suite's own SingleInstance listens in-process, so it
// waits only by spinning the event loop (QTest::qWaitFor), never in waitForFinished.
#include <app/CommandLine.h>
#include <app/SingleInstance.h>

#include <QDeadlineTimer>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocalSocket>
#include <QProcess>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QtEndian>

#include <cstdio>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace Conduit;
using Role = SingleInstance::Role;

namespace {

constexpr uid_t kNobody = 65534;
constexpr int kProcessMs = 30000; // a helper's whole life, generously

const char *roleName(Role role)
{
    switch (role) {
    case Role::Primary:
        return "primary";
    case Role::HandedOff:
        return "handed-off";
    case Role::Standalone:
        return "standalone";
    }
    return "?";
}

void say(const QByteArray &line)
{
    std::fputs(line.constData(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

QByteArray toJson(const SingleInstance::Message &message)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("arguments"),
                                      QJsonArray::fromStringList(message.arguments)},
                                     {QStringLiteral("workingDirectory"), message.workingDirectory},
                                     {QStringLiteral("activationToken"), message.activationToken},
                                     {QStringLiteral("expires"),
                                      double(QDeadlineTimer::current().deadline() + 4000)}})
        .toJson(QJsonDocument::Compact);
}

// The helper modes: this binary as another Conduit.
int runHelper(const QStringList &args)
{
    const QString mode = args.at(1);
    SingleInstance instance(args.at(2));
    if (mode == QLatin1String("--send")) {
        const SingleInstance::Message message{QStringList{QStringLiteral("conduit")} + args.mid(3),
                                              QDir::currentPath(),
                                              qEnvironmentVariable("XDG_ACTIVATION_TOKEN")};
        const Role role = instance.start(message);
        say(roleName(role));
        return role == Role::HandedOff ? 0 : 1;
    }
    // --primary DIR: listens and prints what arrives; --race DIR N: quits after N - 1.
    const int expected = mode == QLatin1String("--race") ? args.at(3).toInt() - 1 : -1;
    int received = 0;
    QObject::connect(&instance, &SingleInstance::received, qApp,
                     [&](const SingleInstance::Message &message) {
                         say(toJson(message));
                         if (++received == expected)
                             QCoreApplication::quit();
                     });
    if (expected > 0) {
        // All start at once: each waits for its "go" line, which the suite writes to all.
        char go[8];
        if (!std::fgets(go, sizeof go, stdin))
            return 2;
    }
    const Role role = instance.start({{QStringLiteral("conduit")}, QDir::currentPath(), {}});
    say(roleName(role));
    if (role != Role::Primary)
        return role == Role::HandedOff ? 0 : 1;
    QTimer::singleShot(kProcessMs, qApp, [] { QCoreApplication::exit(3); });
    return QCoreApplication::exec();
}

// A peer that sends one well-formed message as uid (or as itself for -1), prints the answer's
// JSON, or "closed" when the connection ends without one.
const char kPeerClient[] = R"(
import json, os, socket, struct, sys
path, uid = sys.argv[1], int(sys.argv[2])
if uid >= 0:
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)
import time
body = json.dumps({"arguments": ["conduit"], "workingDirectory": "/",
                   "expires": int(time.monotonic() * 1000) + 4000}).encode()
answer = b""
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(20)
s.connect(path)
try:
    s.sendall(struct.pack(">I", len(body)) + body)
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        answer += chunk
except (ConnectionResetError, BrokenPipeError):
    pass
print(answer[4:].decode() if answer else "closed", flush=True)
)";

// A client that sends stdin's bytes as they are and prints all it gets back: it reads the answer
// even when the server closed while it was still writing (a QLocalSocket would abort on EPIPE).
const char kRawClient[] = R"(
import socket, sys
data = sys.stdin.buffer.read()
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(20)
s.connect(sys.argv[1])
try:
    s.sendall(data)
except (BrokenPipeError, ConnectionResetError):
    pass
answer = b""
try:
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        answer += chunk
except ConnectionResetError:
    pass
sys.stdout.buffer.write(answer)
)";

// A Conduit that hangs: it accepts, reads nothing and never answers.
const char kSilentServer[] = R"(
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1])
s.listen(8)
print("listening", flush=True)
held = []
while True:
    held.append(s.accept()[0])
)";

QByteArray lengthPrefix(quint32 length)
{
    QByteArray bytes(4, '\0');
    qToBigEndian<quint32>(length, bytes.data());
    return bytes;
}

QByteArray frame(const QByteArray &json)
{
    return lengthPrefix(quint32(json.size())) + json;
}

bool finish(QProcess &process)
{
    return QTest::qWaitFor([&] { return process.state() == QProcess::NotRunning; }, kProcessMs);
}

// Reads a process's stdout until it holds `line`, spinning the event loop meanwhile.
bool waitForLine(QProcess &process, QByteArray *out, const QByteArray &line)
{
    return QTest::qWaitFor(
               [&] {
                   *out += process.readAllStandardOutput();
                   return out->contains(line + '\n') || process.state() == QProcess::NotRunning;
               },
               kProcessMs)
           && out->contains(line + '\n');
}

} // namespace

class tst_SingleInstance : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void handsOverArgumentsAndWorkingDirectory();
    void relativePathsAreTheSenders();
    void staleSocketIsReplaced();
    void refusesBadMessagesAndServesTheNext_data();
    void refusesBadMessagesAndServesTheNext();
    void tooLongACommandLineStartsOnItsOwn();
    void silentClientsBlockNobody();
    void folderMustBePrivate_data();
    void folderMustBePrivate();
    void defaultDirectory_data();
    void defaultDirectory();
    void anotherUserIsRefused_data();
    void anotherUserIsRefused();
    void noAnswerStartsOnItsOwnInTime();
    void aStartingConduitIsWaitedFor_data();
    void aStartingConduitIsWaitedFor();
    void twoStartingAtOnceMakeOnePrimary();

private:
    // Starts this binary as another Conduit with `mode dir args…`, in cwd if given.
    void startHelper(QProcess &process, const QStringList &arguments,
                     const QString &cwd = QString());
    // `--send m_dir args…` to completion: its exit code (0: handed over), or -1.
    int send(const QStringList &arguments, const QString &cwd = QString(),
             QByteArray *out = nullptr);
    // Sends bytes as a client of the socket; everything the server answers until it closes.
    QByteArray exchange(const QByteArray &bytes);
    SingleInstance::Message message() const;

    std::unique_ptr<QTemporaryDir> m_dir; // the socket's folder, 0700, fresh for each test
};

void tst_SingleInstance::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    QCOMPARE(QFileInfo(m_dir->path()).permissions() & 0x0077, QFileDevice::Permissions());
}

SingleInstance::Message tst_SingleInstance::message() const
{
    return {{QStringLiteral("conduit")}, QDir::currentPath(), QString()};
}

void tst_SingleInstance::startHelper(QProcess &process, const QStringList &arguments,
                                     const QString &cwd)
{
    if (!cwd.isEmpty())
        process.setWorkingDirectory(cwd);
    process.setReadChannel(QProcess::StandardOutput);
    process.start(QCoreApplication::applicationFilePath(), arguments);
}

int tst_SingleInstance::send(const QStringList &arguments, const QString &cwd, QByteArray *out)
{
    QProcess process;
    startHelper(process, QStringList{QStringLiteral("--send"), m_dir->path()} + arguments, cwd);
    if (!finish(process))
        return -1;
    const QByteArray printed = process.readAllStandardOutput();
    if (out)
        *out = printed + process.readAllStandardError();
    return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
}

QByteArray tst_SingleInstance::exchange(const QByteArray &bytes)
{
    QProcess client;
    client.start(QStringLiteral("python3"), {QStringLiteral("-c"), QString::fromUtf8(kRawClient),
                                             m_dir->path() + QStringLiteral("/conduit-instance")});
    client.write(bytes);
    client.closeWriteChannel();
    if (!finish(client) || client.exitCode() != 0)
        return "the client failed: " + client.readAllStandardError();
    return client.readAllStandardOutput();
}

void tst_SingleInstance::handsOverArgumentsAndWorkingDirectory()
{
    SingleInstance primary(m_dir->path());
    QCOMPARE(primary.start(message()), Role::Primary);
    QSignalSpy received(&primary, &SingleInstance::received);
    const QString cwd = m_dir->filePath(QStringLiteral("from here"));
    QVERIFY(QDir().mkpath(cwd));

    const QStringList arguments{QStringLiteral("--verify"),
                                QStringLiteral("SHA256SUMS"),
                                QStringLiteral("https://example.invalid/a b?c=d#e"),
                                QStringLiteral("ünïcødé ✓"),
                                QString(),
                                QStringLiteral("-")};
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_ACTIVATION_TOKEN"), QStringLiteral("token-42"));
    process.setProcessEnvironment(env);
    startHelper(process, QStringList{QStringLiteral("--send"), m_dir->path()} + arguments, cwd);
    QVERIFY(finish(process));
    QCOMPARE(process.readAllStandardOutput(), QByteArray("handed-off\n"));
    QCOMPARE(process.exitCode(), 0);

    QCOMPARE(received.size(), 1);
    const auto got = received.at(0).at(0).value<SingleInstance::Message>();
    QCOMPARE(got.arguments, QStringList{QStringLiteral("conduit")} + arguments);
    QCOMPARE(got.workingDirectory, QDir(cwd).canonicalPath());
    QCOMPARE(got.activationToken, QStringLiteral("token-42"));
}

// What the running Conduit makes of a command line handed over: paths from where it was typed.
void tst_SingleInstance::relativePathsAreTheSenders()
{
    SingleInstance primary(m_dir->path());
    QCOMPARE(primary.start(message()), Role::Primary);
    QSignalSpy received(&primary, &SingleInstance::received);
    const QString cwd = m_dir->filePath(QStringLiteral("elsewhere"));
    QVERIFY(QDir().mkpath(cwd + QStringLiteral("/tree")));
    QFile manifest(cwd + QStringLiteral("/SHA256SUMS"));
    QVERIFY(manifest.open(QIODevice::WriteOnly));
    manifest.close();
    QVERIFY(QDir::currentPath() != QDir(cwd).canonicalPath());

    QCOMPARE(
        send({QStringLiteral("--hash"), QStringLiteral("tree"), QStringLiteral("SHA256SUMS")}, cwd),
        0);
    QCOMPARE(received.size(), 1);
    const auto got = received.at(0).at(0).value<SingleInstance::Message>();
    const CommandLine::Parsed parsed = CommandLine::parse(got.arguments, got.workingDirectory);
    QCOMPARE(parsed.error, QString());
    QCOMPARE(parsed.options.tasks.size(), 2);
    const QString base = QDir(cwd).canonicalPath();
    QCOMPARE(parsed.options.tasks.at(0).params.value(QStringLiteral("root")).toString(),
             base + QStringLiteral("/tree"));
    QCOMPARE(parsed.options.tasks.at(1).params.value(QStringLiteral("manifest")).toString(),
             base + QStringLiteral("/SHA256SUMS"));
}

void tst_SingleInstance::staleSocketIsReplaced()
{
    // A Conduit that crashes leaves its socket behind.
    QProcess crashing;
    QByteArray out;
    startHelper(crashing, {QStringLiteral("--primary"), m_dir->path()});
    QVERIFY2(waitForLine(crashing, &out, "primary"), out.constData());
    crashing.kill();
    QVERIFY(crashing.waitForFinished(kProcessMs));
    const QString socket = m_dir->path() + QStringLiteral("/conduit-instance");
    QVERIFY(QFileInfo(socket).exists());

    SingleInstance next(m_dir->path());
    QCOMPARE(next.start(message()), Role::Primary);
    QCOMPARE(next.problem(), QString());
    QSignalSpy received(&next, &SingleInstance::received);
    QCOMPARE(send({QStringLiteral("--hash"), QStringLiteral("/")}), 0);
    QCOMPARE(received.size(), 1);
}

void tst_SingleInstance::refusesBadMessagesAndServesTheNext_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("because");

    const quint32 over = quint32(SingleInstance::kMaxMessageBytes + 1);
    QTest::newRow("announces too much") << lengthPrefix(over) << QStringLiteral("too large");
    QTest::newRow("announces 4 GiB") << lengthPrefix(0xffffffffu) << QStringLiteral("too large");
    QTest::newRow("sends too much")
        << lengthPrefix(over) + QByteArray(2 * SingleInstance::kMaxMessageBytes, 'x')
        << QStringLiteral("too large");
    QTest::newRow("empty") << frame(QByteArray()) << QStringLiteral("malformed");
    QTest::newRow("not JSON") << frame("{\"arguments\": [") << QStringLiteral("malformed");
    QTest::newRow("an array") << frame("[]") << QStringLiteral("not a JSON object");
    QTest::newRow("arguments not strings")
        << frame(R"({"arguments": [1], "workingDirectory": "/"})") << QStringLiteral("arguments");
    QTest::newRow("no working directory")
        << frame(R"({"arguments": ["conduit"]})") << QStringLiteral("workingDirectory");
    QTest::newRow("a relative working directory")
        << frame(R"({"arguments": ["conduit"], "workingDirectory": "tmp"})")
        << QStringLiteral("workingDirectory");
    QTest::newRow("a field more") << frame(
        R"({"arguments": ["conduit"], "workingDirectory": "/", "expires": 0, "run": "rm -rf /"})")
                                  << QStringLiteral("run");
    // Its sender gave up waiting and runs the command line itself: this one must not.
    QTest::newRow("expired") << frame(
        R"({"arguments": ["conduit"], "workingDirectory": "/", "expires": 0})")
                             << QStringLiteral("too late");
}

void tst_SingleInstance::refusesBadMessagesAndServesTheNext()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, because);

    SingleInstance primary(m_dir->path());
    QCOMPARE(primary.start(message()), Role::Primary);
    QSignalSpy received(&primary, &SingleInstance::received);

    const QByteArray answer = exchange(bytes);
    QVERIFY2(answer.size() > 4, answer.constData());
    QCOMPARE(qFromBigEndian<quint32>(answer.constData()), quint32(answer.size() - 4));
    const QJsonObject reply = QJsonDocument::fromJson(answer.mid(4)).object();
    QCOMPARE(reply.value(QStringLiteral("ok")), QJsonValue(false));
    QVERIFY2(reply.value(QStringLiteral("error")).toString().contains(because), answer.constData());
    QCOMPARE(received.size(), 0);

    // Nothing was harmed: the next Conduit is served.
    QCOMPARE(send({QStringLiteral("--hash"), QStringLiteral("/")}), 0);
    QCOMPARE(received.size(), 1);
}

void tst_SingleInstance::tooLongACommandLineStartsOnItsOwn()
{
    SingleInstance primary(m_dir->path());
    QCOMPARE(primary.start(message()), Role::Primary);
    QSignalSpy received(&primary, &SingleInstance::received);

    // Linux takes at most 128 KiB in one argument.
    const QStringList tooLong(SingleInstance::kMaxMessageBytes / (64 * 1024) + 1,
                              QString(64 * 1024, QLatin1Char('x')));
    QByteArray out;
    QCOMPARE(send(tooLong, QString(), &out), 1);
    QVERIFY2(out.contains("standalone") && out.contains("too long to hand over"), out.constData());
    QCOMPARE(received.size(), 0);
    QCOMPARE(send({QStringLiteral("--hash"), QStringLiteral("/")}), 0);
}

void tst_SingleInstance::silentClientsBlockNobody()
{
    SingleInstance primary(m_dir->path());
    QCOMPARE(primary.start(message()), Role::Primary);
    QSignalSpy received(&primary, &SingleInstance::received);
    const QString path = primary.socketPath();

    // One that says half a length and nothing more does not hold the next one up.
    std::vector<std::unique_ptr<QLocalSocket>> silent;
    silent.push_back(std::make_unique<QLocalSocket>());
    silent.back()->connectToServer(path);
    silent.back()->write("\0\0", 2);
    QCOMPARE(send({QStringLiteral("--hash"), QStringLiteral("/")}), 0);
    QCOMPARE(received.size(), 1);

    // As many as the server takes at once: the next is turned away, not queued for ever.
    while (int(silent.size()) < SingleInstance::kMaxClients) {
        silent.push_back(std::make_unique<QLocalSocket>());
        silent.back()->connectToServer(path);
    }
    QByteArray out;
    QCOMPARE(send({QStringLiteral("--hash"), QStringLiteral("/")}, QString(), &out), 1);
    QVERIFY2(out.contains("closed the connection"), out.constData());

    // Each is dropped after kHandOffTimeout, and there is room again.
    QVERIFY(QTest::qWaitFor(
        [&] {
            return std::all_of(silent.begin(), silent.end(), [](const auto &socket) {
                return socket->state() == QLocalSocket::UnconnectedState;
            });
        },
        int(SingleInstance::kHandOffTimeout.count()) + 10000));
    QCOMPARE(send({QStringLiteral("--hash"), QStringLiteral("/")}), 0);
    QCOMPARE(received.size(), 2);
}

void tst_SingleInstance::folderMustBePrivate_data()
{
    QTest::addColumn<QString>("kind");
    for (const char *kind : {"mode 0755", "mode 0701", "mode 0770", "mode 0500", "a link", "a file",
                             "missing", "another user's"})
        QTest::newRow(kind) << QString::fromLatin1(kind);
}

void tst_SingleInstance::folderMustBePrivate()
{
    QFETCH(QString, kind);

    const QString folder = m_dir->filePath(QStringLiteral("sockets"));
    const QString real = m_dir->filePath(QStringLiteral("real")); // a link's target: private
    QVERIFY(QDir().mkdir(real));
    if (kind.startsWith(QLatin1String("mode "))) {
        QVERIFY(QDir().mkdir(folder));
        QCOMPARE(::chmod(QFile::encodeName(folder).constData(), kind.mid(5).toUInt(nullptr, 8)), 0);
    } else if (kind == QLatin1String("a link")) {
        QVERIFY(QFile::link(real, folder));
    } else if (kind == QLatin1String("a file")) {
        QFile file(folder);
        QVERIFY(file.open(QIODevice::WriteOnly));
    } else if (kind == QLatin1String("another user's")) {
        if (::geteuid() != 0)
            QSKIP("only root can make a folder another user's: run the suite as root");
        QVERIFY(QDir().mkdir(folder));
        QCOMPARE(::chown(QFile::encodeName(folder).constData(), kNobody, kNobody), 0);
    }

    SingleInstance instance(folder);
    QCOMPARE(instance.start(message()), Role::Standalone);
    QVERIFY2(instance.problem().contains(folder), qPrintable(instance.problem()));
    QVERIFY(!QFileInfo::exists(instance.socketPath()));
    QVERIFY(
        QDir(real).isEmpty(QDir::AllEntries | QDir::System | QDir::Hidden | QDir::NoDotAndDotDot));
    QVERIFY(!QFileInfo::exists(folder + QStringLiteral("/conduit-instance.lock")));
}

void tst_SingleInstance::defaultDirectory_data()
{
    QTest::addColumn<QString>("runtime"); // what XDG_RUNTIME_DIR is set to, under m_dir
    QTest::addColumn<int>("mode");        // the mode it gets
    QTest::addColumn<bool>("used");

    QTest::newRow("private") << QStringLiteral("run") << 0700 << true;
    QTest::newRow("open to the group") << QStringLiteral("run") << 0750 << false;
    QTest::newRow("open to all") << QStringLiteral("run") << 0777 << false;
    QTest::newRow("unset") << QString() << 0 << false;
}

void tst_SingleInstance::defaultDirectory()
{
    QFETCH(QString, runtime);
    QFETCH(int, mode);
    QFETCH(bool, used);

    const QByteArray oldRuntime = qgetenv("XDG_RUNTIME_DIR");
    const QByteArray oldTmp = qgetenv("TMPDIR");
    const auto restore = qScopeGuard([&] {
        qputenv("XDG_RUNTIME_DIR", oldRuntime);
        qputenv("TMPDIR", oldTmp);
    });
    const QString tmp = m_dir->filePath(QStringLiteral("tmp"));
    QVERIFY(QDir().mkdir(tmp));
    qputenv("TMPDIR", QFile::encodeName(tmp));
    if (runtime.isEmpty()) {
        qunsetenv("XDG_RUNTIME_DIR");
    } else {
        runtime = m_dir->filePath(runtime);
        QVERIFY(QDir().mkdir(runtime));
        QCOMPARE(::chmod(QFile::encodeName(runtime).constData(), mode_t(mode)), 0);
        qputenv("XDG_RUNTIME_DIR", QFile::encodeName(runtime));
    }

    const QString chosen = SingleInstance::defaultDirectory();
    const QString fallback = tmp + QStringLiteral("/conduit-%1").arg(::geteuid());
    QCOMPARE(chosen, used ? runtime : fallback);
    QCOMPARE(SingleInstance::whyNotPrivate(chosen), std::nullopt);
    if (!used)
        QCOMPARE(QFileInfo(fallback).permissions() & 0x0777, QFileDevice::Permissions(0x0700));

    // A fallback someone else made first is never used.
    if (::geteuid() != 0)
        QSKIP("only root can give the fallback folder to another user: run the suite as root");
    QVERIFY(QDir(fallback).removeRecursively());
    QVERIFY(QDir().mkdir(fallback));
    QCOMPARE(::chmod(QFile::encodeName(fallback).constData(), 0700), 0);
    QCOMPARE(::chown(QFile::encodeName(fallback).constData(), kNobody, kNobody), 0);
    qunsetenv("XDG_RUNTIME_DIR");
    SingleInstance instance;
    QCOMPARE(instance.start(message()), Role::Standalone);
    QVERIFY2(instance.problem().contains(QStringLiteral("another user")),
             qPrintable(instance.problem()));
    QVERIFY(!QFileInfo::exists(fallback + QStringLiteral("/conduit-instance")));
}

void tst_SingleInstance::anotherUserIsRefused_data()
{
    QTest::addColumn<int>("uid"); // -1: the suite's own
    QTest::addColumn<bool>("served");
    QTest::newRow("this user") << -1 << true;
    QTest::newRow("another user") << int(kNobody) << false;
}

// The folder keeps other users out; if its mode (or the socket's) were loosened, the peer's
// credentials still do.
void tst_SingleInstance::anotherUserIsRefused()
{
    QFETCH(int, uid);
    QFETCH(bool, served);
    if (uid >= 0 && ::geteuid() != 0)
        QSKIP("a peer of another uid needs a child that can setuid: run the suite as root");

    SingleInstance primary(m_dir->path());
    QCOMPARE(primary.start(message()), Role::Primary);
    QSignalSpy received(&primary, &SingleInstance::received);
    QCOMPARE(::chmod(QFile::encodeName(m_dir->path()).constData(), 0711), 0);
    QCOMPARE(::chmod(QFile::encodeName(primary.socketPath()).constData(), 0777), 0);

    QProcess peer;
    peer.start(QStringLiteral("python3"), {QStringLiteral("-c"), QString::fromUtf8(kPeerClient),
                                           primary.socketPath(), QString::number(uid)});
    QVERIFY(finish(peer));
    const QByteArray out = peer.readAllStandardOutput().trimmed();
    QVERIFY2(peer.exitCode() == 0, peer.readAllStandardError().constData());
    if (served) {
        QCOMPARE(out, QByteArray(R"({"ok":true})"));
        QCOMPARE(received.size(), 1);
    } else {
        QCOMPARE(out, QByteArray("closed"));
        QTest::qWait(200); // anything late would show
        QCOMPARE(received.size(), 0);
    }
}

void tst_SingleInstance::noAnswerStartsOnItsOwnInTime()
{
    const QString socket = m_dir->path() + QStringLiteral("/conduit-instance");
    QProcess hung;
    hung.start(QStringLiteral("python3"),
               {QStringLiteral("-c"), QString::fromUtf8(kSilentServer), socket});
    QByteArray out;
    QVERIFY2(waitForLine(hung, &out, "listening"), hung.readAllStandardError().constData());
    const auto stop = qScopeGuard([&] {
        hung.kill();
        hung.waitForFinished();
    });

    SingleInstance instance(m_dir->path());
    QElapsedTimer timer;
    timer.start();
    QCOMPARE(instance.start(message()), Role::Standalone);
    const qint64 elapsed = timer.elapsed();
    const qint64 bound = SingleInstance::kHandOffTimeout.count();
    QVERIFY2(elapsed >= bound - 100 && elapsed < bound + 5000,
             qPrintable(QString::number(elapsed)));
    QVERIFY2(instance.problem().contains(QStringLiteral("did not answer")),
             qPrintable(instance.problem()));
    // The hung one keeps its socket: it is alive, only slow.
    QVERIFY(QFileInfo(socket).exists());
    QCOMPARE(hung.state(), QProcess::Running);
}

void tst_SingleInstance::aStartingConduitIsWaitedFor_data()
{
    QTest::addColumn<bool>("released");
    QTest::newRow("until it listens") << true;
    QTest::newRow("for kHandOffTimeout at most") << false;
}

// Who listens is decided under the lock: one that finds it held waits, and does not listen
// meanwhile.
void tst_SingleInstance::aStartingConduitIsWaitedFor()
{
    QFETCH(bool, released);

    const int lock = ::open(QFile::encodeName(m_dir->path() + "/conduit-instance.lock").constData(),
                            O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    QVERIFY(lock >= 0);
    bool held = true;
    const auto unlock = qScopeGuard([&] {
        if (held)
            ::close(lock);
    });
    QCOMPARE(::flock(lock, LOCK_EX), 0);

    QProcess conduit;
    QElapsedTimer timer;
    timer.start();
    startHelper(conduit, {QStringLiteral("--send"), m_dir->path(), QStringLiteral("--hash"),
                          QStringLiteral("/")});
    QTest::qWait(1000);
    QCOMPARE(conduit.state(), QProcess::Running);
    QVERIFY(!QFileInfo::exists(m_dir->path() + QStringLiteral("/conduit-instance")));
    if (released) {
        ::close(lock); // nobody listens, so the one waiting will
        held = false;
    }
    QVERIFY(finish(conduit));
    const QByteArray out = conduit.readAllStandardOutput() + conduit.readAllStandardError();
    if (released) {
        QVERIFY2(out.startsWith("primary\n"), out.constData());
    } else {
        QVERIFY2(out.contains("standalone") && out.contains("another Conduit was starting"),
                 out.constData());
        QVERIFY(timer.elapsed() >= SingleInstance::kHandOffTimeout.count() - 100);
    }
}

void tst_SingleInstance::twoStartingAtOnceMakeOnePrimary()
{
    constexpr int kCount = 8;
    std::vector<std::unique_ptr<QProcess>> conduits;
    for (int i = 0; i < kCount; ++i) {
        conduits.push_back(std::make_unique<QProcess>());
        startHelper(*conduits.back(),
                    {QStringLiteral("--race"), m_dir->path(), QString::number(kCount)});
        QVERIFY(conduits.back()->waitForStarted(kProcessMs));
    }
    QTest::qWait(300); // each is at its fgets
    for (const auto &conduit : conduits)
        conduit->write("go\n");
    QMap<QByteArray, int> roles;
    for (const auto &conduit : conduits) {
        QVERIFY(finish(*conduit));
        QCOMPARE(conduit->exitCode(), 0);
        const QList<QByteArray> lines = conduit->readAllStandardOutput().split('\n');
        ++roles[lines.first()];
    }
    QCOMPARE(roles.value("primary"), 1);
    QCOMPARE(roles.value("handed-off"), kCount - 1);
}

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    if (args.size() >= 3 && args.at(1).startsWith(QLatin1String("--"))
        && QStringList{QStringLiteral("--send"), QStringLiteral("--primary"),
                       QStringLiteral("--race")}
               .contains(args.at(1)))
        return runHelper(args);
    tst_SingleInstance test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_singleinstance.moc"
