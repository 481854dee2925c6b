// SPDX-License-Identifier: MIT
// The real conduit binary, started as a user would (offscreen), told to stop by the signals a
// session logout, a terminal's Ctrl+C or a closed terminal send: it shuts down as closing the
// window does, and a second signal ends it at once.
#include <QDir>
#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace std::chrono_literals;

namespace {

// Long enough to be hashing when the signal comes: sparse, so it costs no disk.
constexpr qint64 kBigFileBytes = 16LL * 1024 * 1024 * 1024;
// ConduitRuntime::shutdown's default deadline, plus the window and WebEngine going away.
constexpr int kShutdownBoundMs = 5000 + 5000;

} // namespace

class tst_E2eSignals : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void signalShutsDownGracefully_data();
    void signalShutsDownGracefully();
    void secondSignalExitsAtOnce();

private:
    // Starts `conduit --hash <dir>` and waits until its task runs.
    bool startHashing(QProcess &process, const QTemporaryDir &dir, QByteArray *log);

    QTemporaryDir m_runtime;
    QTemporaryDir m_data; // the binary's XDG_DATA_HOME: its task history is not the user's
};

bool tst_E2eSignals::startHashing(QProcess &process, const QTemporaryDir &dir, QByteArray *log)
{
    QFile big(dir.filePath(QStringLiteral("big.bin")));
    if (!big.open(QIODevice::WriteOnly) || !big.resize(kBigFileBytes))
        return false;
    big.close();
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("conduit.tasks.debug=true"));
    // A runtime folder of its own (0700, as QTemporaryDir makes it): a Conduit the user (or
    // another suite) runs must not take this command line over (SingleInstance).
    env.insert(QStringLiteral("XDG_RUNTIME_DIR"), m_runtime.path());
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_data.path());
    process.setProcessEnvironment(env);
    process.setProcessChannelMode(QProcess::SeparateChannels);
    process.start(QStringLiteral(CONDUIT_BINARY), {QStringLiteral("--hash"), dir.path()});
    if (!process.waitForStarted(10000))
        return false;
    return QTest::qWaitFor(
               [&] {
                   *log += process.readAllStandardError();
                   return log->contains("hash running") || process.state() == QProcess::NotRunning;
               },
               60000)
           && log->contains("hash running");
}

void tst_E2eSignals::signalShutsDownGracefully_data()
{
    QTest::addColumn<int>("signal");
    QTest::newRow("SIGTERM") << int(SIGTERM);
    QTest::newRow("SIGINT") << int(SIGINT);
    QTest::newRow("SIGHUP") << int(SIGHUP);
}

void tst_E2eSignals::signalShutsDownGracefully()
{
    QFETCH(int, signal);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QProcess conduit;
    QByteArray log;
    QVERIFY2(startHashing(conduit, dir, &log), log.constData());

    QElapsedTimer timer;
    timer.start();
    QCOMPARE(::kill(pid_t(conduit.processId()), signal), 0);
    QVERIFY2(conduit.waitForFinished(kShutdownBoundMs), "did not exit within the bound");
    log += conduit.readAllStandardError();
    qInfo("exited %lld ms after the signal", qlonglong(timer.elapsed()));
    QCOMPARE(conduit.exitStatus(), QProcess::NormalExit);
    QVERIFY2(conduit.exitCode() == 0, log.constData());
    QVERIFY2(!log.contains("Destroyed while thread"), log.constData());
    // 16 GiB could not have been hashed by then: the task was cancelled, and its partial
    // manifest removed.
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden | QDir::System),
             QStringList{QStringLiteral("big.bin")});
}

void tst_E2eSignals::secondSignalExitsAtOnce()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QProcess conduit;
    QByteArray log;
    QVERIFY2(startHashing(conduit, dir, &log), log.constData());
    // Two different signals, so the kernel cannot merge them into one pending signal.
    QCOMPARE(::kill(pid_t(conduit.processId()), SIGTERM), 0);
    QCOMPARE(::kill(pid_t(conduit.processId()), SIGINT), 0);
    QVERIFY(conduit.waitForFinished(kShutdownBoundMs));
    QCOMPARE(conduit.exitStatus(), QProcess::NormalExit);
    QVERIFY2(conduit.exitCode() == 128 + SIGINT || conduit.exitCode() == 128 + SIGTERM,
             qPrintable(QString::number(conduit.exitCode())));
}

QTEST_GUILESS_MAIN(tst_E2eSignals)
#include "tst_e2e_signals.moc"
