// SPDX-License-Identifier: MIT
#include "StartupBenchmark.h"

#include "../Statistics.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QProcess>
#include <QTest>
#include <QTextStream>

namespace Conduit::Benchmark {

namespace {

constexpr double kStartTarget = 1.15; // conduit / baseline spawn → connected, at most
constexpr double kPssTarget = 1.1;    // conduit / baseline idle PSS of the tree, at most
constexpr int kIdleSettleMs = 4000;   // after start, before the tree is measured

// The process and every descendant, from /proc/*/stat's parent pids.
QList<qint64> processTree(qint64 root)
{
    QHash<qint64, QList<qint64>> children;
    for (const QString &entry : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        bool isPid = false;
        const qint64 pid = entry.toLongLong(&isPid);
        QFile stat(QStringLiteral("/proc/%1/stat").arg(entry));
        if (!isPid || !stat.open(QIODevice::ReadOnly))
            continue;
        const QByteArray line = stat.readAll();
        // pid (comm) state ppid …: comm may hold spaces and parentheses, so read after the last
        // ')'.
        const QList<QByteArray> rest = line.mid(line.lastIndexOf(')') + 2).split(' ');
        if (rest.size() > 1)
            children[rest.at(1).toLongLong()].append(pid);
    }
    QList<qint64> tree{root};
    for (qsizetype i = 0; i < tree.size(); ++i)
        tree += children.value(tree.at(i));
    return tree;
}

double pssMiB(qint64 pid)
{
    QFile rollup(QStringLiteral("/proc/%1/smaps_rollup").arg(pid));
    if (!rollup.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : rollup.readAll().split('\n')) {
        if (line.startsWith("Pss:"))
            return line.mid(4).trimmed().split(' ').value(0).toDouble() / 1024;
    }
    return 0;
}

QProcessEnvironment environment()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const auto &[name, value] : {std::pair{"QT_QPA_PLATFORM", "offscreen"},
                                      std::pair{"QTWEBENGINE_DISABLE_SANDBOX", "1"}}) {
        if (!env.contains(QLatin1String(name)))
            env.insert(QLatin1String(name), QLatin1String(value));
    }
    return env;
}

} // namespace

StartupBenchmark::StartupBenchmark(QString conduit, QString baseline, int rounds)
    : m_conduit{QStringLiteral("conduit"), std::move(conduit), {}, {}}
    , m_baseline{QStringLiteral("hand-written page"), std::move(baseline), {}, {}}
    , m_rounds(rounds)
{}

bool StartupBenchmark::run()
{
    // One warm-up each (the page cache, QtWebEngine's resources), then turns.
    if (!startOnce(m_conduit) || !startOnce(m_baseline))
        return false;
    m_conduit.startMs.clear();
    m_baseline.startMs.clear();
    for (int round = 0; round < m_rounds; ++round) {
        Program &first = round % 2 ? m_baseline : m_conduit;
        Program &second = round % 2 ? m_conduit : m_baseline;
        if (!startOnce(first) || !startOnce(second))
            return false;
    }
    for (int round = 0; round < std::max(1, m_rounds / 2); ++round) {
        if (!idleOnce(m_conduit) || !idleOnce(m_baseline))
            return false;
    }
    return true;
}

bool StartupBenchmark::startOnce(Program &program)
{
    QProcess process;
    process.setProcessEnvironment(environment());
    process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    QElapsedTimer clock;
    clock.start();
    process.start(program.path, {QStringLiteral("--exit-after-load")});
    if (!process.waitForFinished(60000) || process.exitStatus() != QProcess::NormalExit
        || process.exitCode() != 0) {
        m_error = QStringLiteral("%1 did not connect and exit: %2")
                      .arg(program.path, process.errorString());
        process.kill();
        process.waitForFinished(5000);
        return false;
    }
    program.startMs.append(double(clock.nsecsElapsed()) / 1e6);
    return true;
}

bool StartupBenchmark::idleOnce(Program &program)
{
    QProcess process;
    process.setProcessEnvironment(environment());
    process.setStandardOutputFile(QProcess::nullDevice());
    process.setStandardErrorFile(QProcess::nullDevice());
    process.start(program.path, {});
    if (!process.waitForStarted(10000)) {
        m_error = QStringLiteral("%1 did not start").arg(program.path);
        return false;
    }
    QTest::qWait(kIdleSettleMs);
    double pss = 0;
    for (const qint64 pid : processTree(process.processId()))
        pss += pssMiB(pid);
    process.terminate();
    if (!process.waitForFinished(10000)) {
        process.kill();
        process.waitForFinished(5000);
    }
    program.idlePssMiB.append(pss);
    return pss > 0 || (m_error = QStringLiteral("no memory read for %1").arg(program.path), false);
}

void StartupBenchmark::print(QTextStream &out) const
{
    const double start = median(m_conduit.startMs), baseStart = median(m_baseline.startMs);
    const double pss = median(m_conduit.idlePssMiB), basePss = median(m_baseline.idlePssMiB);
    const double startRatio = start / std::max(baseStart, 1e-3);
    const double pssRatio = pss / std::max(basePss, 1e-3);
    out << "\n(k) start-up, as processes: spawn -> page connected -> exit (" << m_rounds
        << " turns each), and the idle PSS of each process tree after " << kIdleSettleMs << " ms\n";
    for (const Program *program : {&m_conduit, &m_baseline})
        out << QStringLiteral("  %1 start %2 ms (median of %3), idle PSS %4 MiB\n")
                   .arg(program->label, -18)
                   .arg(number(median(program->startMs), 0))
                   .arg(program->startMs.size())
                   .arg(number(median(program->idlePssMiB), 1));
    out << QStringLiteral("  ratio start %1x (target <= %2x), PSS %3x (target <= %4x)\n")
               .arg(number(startRatio, 2), number(kStartTarget, 2), number(pssRatio, 2),
                    number(kPssTarget, 2));
    out << "RESULT startup_conduit_ms=" << number(start, 0) << '\n'
        << "RESULT startup_baseline_ms=" << number(baseStart, 0) << '\n'
        << "RESULT startup_ratio=" << number(startRatio, 2) << '\n'
        << "RESULT idle_pss_conduit_mib=" << number(pss, 1) << '\n'
        << "RESULT idle_pss_baseline_mib=" << number(basePss, 1) << '\n'
        << "RESULT idle_pss_ratio=" << number(pssRatio, 2) << '\n'
        << "RESULT startup_target_met=" << (startRatio <= kStartTarget ? 1 : 0) << '\n'
        << "RESULT idle_pss_target_met=" << (pssRatio <= kPssTarget ? 1 : 0) << '\n';
}

} // namespace Conduit::Benchmark
