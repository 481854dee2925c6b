// SPDX-License-Identifier: MIT
// The task runtime through the real page (docs/DESIGN.md §5): cancel latency, frame gaps under a
// progress flood, the hash task against sha256sum, and what 1 to 10 000 tasks at once cost.
// Part of BenchmarkRunner.
#include "BenchmarkRunner.h"

#include "ProcessMemory.h"
#include "Statistics.h"

#include "PageHarness.h"
#include <app/AppPage.h>
#include <worker/TaskManager.h>

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTextStream>

#include <algorithm>
#include <cmath>

#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

namespace Conduit::Benchmark {

namespace {

constexpr double kCancelTargetMs = 10.0;   // p99, plus one round trip
constexpr double kFrameGapTargetMs = 25.0; // p99 under the progress flood
constexpr double kHashOneFileTarget = 0.9; // task/sha256sum throughput, at least
constexpr double kHashFolderTarget = 1.0;  // task/sha256sum throughput, above
constexpr qsizetype kBlock = 4 << 20;      // bytes per write and per warm-up read
// Time allowed per task in a task-count step, on top of the step timeout: ten times what a task
// takes when tasks are many (2-3 ms here, at 1 000), so the run stays bounded when the cost per
// task grows with their number, and says so.
constexpr std::chrono::milliseconds kPerTaskBudget{25};

// Nearest rank, as page-bench.js computes it: p99 of 60 samples is the largest.
double percentile(QList<double> values, double q)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    const auto rank = qsizetype(std::ceil(q * double(values.size())));
    return values.at(std::clamp<qsizetype>(rank - 1, 0, values.size() - 1));
}

QString jsString(const QString &text)
{
    const QByteArray json = QJsonDocument(QJsonArray{text}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(json.mid(1, json.size() - 2));
}

// A block of pseudo-random bytes, written over and over: fast to produce, and not a run of one
// value a file system or a disk could store sparsely.
QByteArray patternBlock()
{
    QByteArray block(kBlock, Qt::Uninitialized);
    QRandomGenerator generator(20240607);
    generator.fillRange(reinterpret_cast<quint32 *>(block.data()), block.size() / 4);
    return block;
}

// Writes `bytes` bytes and flushes them to the disk, so that no write-back runs while timing.
bool writeFile(const QString &path, const QByteArray &block, qint64 bytes, QString &error)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    for (qint64 left = bytes; left > 0;) {
        const qint64 n = std::min<qint64>(left, block.size());
        if (file.write(block.constData(), n) != n) {
            error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
            return false;
        }
        left -= n;
    }
    if (!file.flush()) {
        error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
#ifdef Q_OS_UNIX
    ::fdatasync(file.handle());
#endif
    return true;
}

// Reads every file once, so both contenders find them in the page cache.
bool warm(const QStringList &paths, QString &error)
{
    QByteArray buffer(kBlock, Qt::Uninitialized);
    for (const QString &path : paths) {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
            return false;
        }
        while (file.read(buffer.data(), buffer.size()) > 0) {
        }
    }
    return true;
}

} // namespace

double BenchmarkRunner::roundTripMs() const
{
    QList<double> medians;
    for (const InvokeRound &round : m_invokes[int(Path::Bridge)])
        medians.append(round.medianMs);
    return median(medians);
}

// ---- (c) cancel latency --------------------------------------------------------------------

std::optional<BenchmarkRunner::ClockSync> BenchmarkRunner::syncClock()
{
    const auto value = startInPage(QStringLiteral("__bench.syncClock(40)"));
    if (!value)
        return std::nullopt;
    const QJsonObject sync = value->toObject();
    ClockSync result;
    result.offsetMs = sync.value(QStringLiteral("offsetMs")).toDouble();
    result.rttMs = sync.value(QStringLiteral("rttMs")).toDouble();
    result.epochSkewMs = sync.value(QStringLiteral("epochSkewMs")).toDouble();
    return result;
}

bool BenchmarkRunner::measureCancels()
{
    const auto before = syncClock();
    if (!before)
        return false;
    m_clockBefore = *before;
    // Only while cancelling, so the bridge's other measurements never pay for the tap.
    m_tap = std::make_unique<TaskStateTap>(*m_harness->bridge().endpoint(),
                                           [this] { return m_raw.nowMs(); });
    auto *random = QRandomGenerator::global();
    const int total = m_settings.cancelWarmup + m_settings.cancels;
    for (int i = 0; i < total; ++i) {
        // The abort lands anywhere in the count's 1 ms steps and the manager's 33 ms sampling.
        const int delayMs = 2 + int(random->bounded(40));
        const auto value = startInPage(QStringLiteral("__bench.cancelOnce(%1)").arg(delayMs));
        if (!value)
            return false;
        const QJsonObject outcome = value->toObject();
        const auto id = quint64(outcome.value(QStringLiteral("id")).toDouble());
        const QString pageState = outcome.value(QStringLiteral("state")).toString();
        const QString rejectedWith = outcome.value(QStringLiteral("rejectedWith")).toString();
        const auto native = m_tap->final(id);
        m_tap->forget(id);
        if (!native)
            return fail(QStringLiteral("task %1 ended (%2 in the page) but no final task.state "
                                       "for it left the bridge")
                            .arg(id)
                            .arg(pageState));
        if (native->state != QLatin1String("cancelled") || pageState != QLatin1String("cancelled")
            || rejectedWith != QLatin1String("cancelled"))
            return fail(QStringLiteral("aborted task %1 ended %2 (page: %3), tasks.run rejected "
                                       "with %4")
                            .arg(id)
                            .arg(native->state, pageState, rejectedWith));
        if (i < m_settings.cancelWarmup)
            continue;
        const double abortAt = outcome.value(QStringLiteral("abortAt")).toDouble();
        m_cancelMs.append(native->atMs - abortAt);
        m_cancelPageMs.append(outcome.value(QStringLiteral("pageFinalAt")).toDouble() - abortAt);
    }
    m_tap.reset();
    const auto after = syncClock();
    if (!after)
        return false;
    m_clockAfter = *after;
    return true;
}

// ---- (d) progress flood --------------------------------------------------------------------

std::optional<BenchmarkRunner::FloodPhase> BenchmarkRunner::floodPhase(const QString &label,
                                                                       int tasks, int stepMs)
{
    const int restoreLimit = TaskManager::defaultLimit();
    const auto value = startInPage(QStringLiteral("__bench.flood(%1, %2, %3, %4, %5)")
                                       .arg(tasks)
                                       .arg(m_settings.floodTasks)
                                       .arg(m_settings.floodDuration.count())
                                       .arg(stepMs)
                                       .arg(restoreLimit));
    if (!value)
        return std::nullopt;
    const QJsonObject result = value->toObject();
    const QJsonObject stats = result.value(QStringLiteral("stats")).toObject();
    FloodPhase phase;
    phase.label = label;
    phase.tasks = tasks;
    phase.stepMs = stepMs;
    phase.frames = stats.value(QStringLiteral("frames")).toInt();
    phase.p50 = stats.value(QStringLiteral("p50")).toDouble();
    phase.p99 = stats.value(QStringLiteral("p99")).toDouble();
    phase.max = stats.value(QStringLiteral("max")).toDouble();
    phase.mean = stats.value(QStringLiteral("mean")).toDouble();
    phase.over25 = stats.value(QStringLiteral("over25")).toInt();
    phase.seconds = result.value(QStringLiteral("seconds")).toDouble();
    for (const QJsonValue &rate : result.value(QStringLiteral("updatesPerSecond")).toArray())
        phase.updatesPerSecond.append(rate.toDouble());
    for (const QJsonValue &state : result.value(QStringLiteral("states")).toArray())
        phase.states.append(state.toString());
    if (result.value(QStringLiteral("visibility")).toString() != QLatin1String("visible")) {
        fail(QStringLiteral("the page is %1 while measuring frames")
                 .arg(result.value(QStringLiteral("visibility")).toString()));
        return std::nullopt;
    }
    if (tasks > 0 && phase.states.count(QStringLiteral("running")) != tasks) {
        fail(QStringLiteral("%1: not all %2 tasks were running (%3)")
                 .arg(label)
                 .arg(tasks)
                 .arg(phase.states.join(QLatin1Char(' '))));
        return std::nullopt;
    }
    return phase;
}

bool BenchmarkRunner::measureFlood()
{
    const int n = m_settings.floodTasks;
    const struct
    {
        QString label;
        int tasks;
        int stepMs;
    } phases[] = {
        {QStringLiteral("baseline: no tasks, same panel"), 0, 0},
        {QStringLiteral("flood: %1 x count stepMs 0").arg(n), n, 0},
        // Diagnostic: the same progress rate without 8 threads burning 2 cores.
        {QStringLiteral("(diagnostic) %1 x count stepMs 1").arg(n), n, 1},
    };
    for (const auto &spec : phases) {
        const auto phase = floodPhase(spec.label, spec.tasks, spec.stepMs);
        if (!phase)
            return false;
        m_flood.append(*phase);
    }
    return true;
}

// ---- (e) hash throughput -------------------------------------------------------------------

bool BenchmarkRunner::hashCase(const QString &root, const QStringList &names, HashCase &result)
{
    QStringList paths;
    for (const QString &name : names)
        paths.append(root + QLatin1Char('/') + name);
    QString error;
    if (!warm(paths, error))
        return fail(error);
    result.files = int(names.size());
    QByteArray sums;
    const auto runTask = [&]() -> bool {
        const auto value = startInPage(QStringLiteral("__bench.hash(%1)").arg(jsString(root)));
        if (!value)
            return false;
        const QJsonObject outcome = value->toObject();
        const QJsonObject task = outcome.value(QStringLiteral("result")).toObject();
        if (qint64(task.value(QStringLiteral("bytes")).toDouble()) != result.bytes
            || task.value(QStringLiteral("files")).toInt() != result.files)
            return fail(QStringLiteral("the hash task reported %1 files, %2 bytes; expected %3, %4")
                            .arg(task.value(QStringLiteral("files")).toInt())
                            .arg(qint64(task.value(QStringLiteral("bytes")).toDouble()))
                            .arg(result.files)
                            .arg(result.bytes));
        result.taskMs.append(outcome.value(QStringLiteral("ms")).toDouble());
        return true;
    };
    const auto runSha256sum = [&]() -> bool {
        QProcess process;
        process.setWorkingDirectory(root);
        process.setProgram(m_sha256sum);
        process.setArguments(QStringList{QStringLiteral("--")} + names);
        QElapsedTimer clock;
        clock.start();
        process.start();
        if (!process.waitForFinished(int(m_settings.timeout.count()))
            || process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
            return fail(QStringLiteral("sha256sum failed: %1 %2")
                            .arg(process.errorString(),
                                 QString::fromLocal8Bit(process.readAllStandardError())));
        result.sumMs.append(double(clock.nsecsElapsed()) / 1e6);
        sums = process.readAllStandardOutput();
        return true;
    };
    for (int round = 0; round < m_settings.hashRounds; ++round) {
        const bool taskFirst = round % 2 == 0;
        if (!(taskFirst ? runTask() && runSha256sum() : runSha256sum() && runTask()))
            return false;
    }
    // The task's manifest and sha256sum's output: same names (relative, C order), same digests.
    QFile manifest(root + QStringLiteral("/SHA256SUMS"));
    result.digestsMatch = manifest.open(QIODevice::ReadOnly) && manifest.readAll() == sums;
    return true;
}

bool BenchmarkRunner::measureHashes()
{
    m_sha256sum = QStandardPaths::findExecutable(QStringLiteral("sha256sum"));
    if (m_sha256sum.isEmpty())
        return fail(QStringLiteral("sha256sum is not on PATH"));
    QTemporaryDir dir(QDir::tempPath() + QStringLiteral("/conduit_bench-XXXXXX"));
    if (!dir.isValid())
        return fail(QStringLiteral("cannot make a temporary folder: %1").arg(dir.errorString()));
    const QByteArray block = patternBlock();
    QString error;

    // (a) one file
    const QString one = dir.filePath(QStringLiteral("one"));
    QDir().mkpath(one);
    m_hashOne.bytes = m_settings.hashBytes;
    if (!writeFile(one + QStringLiteral("/data.bin"), block, m_hashOne.bytes, error))
        return fail(error);
    if (!hashCase(one, {QStringLiteral("data.bin")}, m_hashOne))
        return false;
    QDir(one).removeRecursively();

    // (b) many files, as much in all
    const QString many = dir.filePath(QStringLiteral("many"));
    QDir().mkpath(many);
    const int files = std::max(1, m_settings.hashFolderFiles);
    const qint64 perFile = m_settings.hashBytes / files;
    QStringList names;
    for (int i = 0; i < files; ++i) {
        names.append(QStringLiteral("f%1.bin").arg(i, 4, 10, QLatin1Char('0')));
        if (!writeFile(many + QLatin1Char('/') + names.last(), block, perFile, error))
            return fail(error);
    }
    m_hashFolder.bytes = perFile * files;
    if (!hashCase(many, names, m_hashFolder))
        return false;
    QDir(many).removeRecursively();
    dir.remove();
    return true;
}

// ---- (l) number of tasks -------------------------------------------------------------------

std::chrono::milliseconds BenchmarkRunner::taskBudget(int tasks) const
{
    return m_settings.timeout + kPerTaskBudget * tasks;
}

void BenchmarkRunner::cutShort(TaskCountRun &run, TaskCountRun::Cut cut)
{
    m_error.clear(); // a budget running out is a result, not a failure
    run.cut = cut;
    const double budgetMs = double(taskBudget(run.tasks).count());
    const auto progress = evaluate(QStringLiteral("__bench.tasksProgress()"));
    if (!progress) {
        // Busy in one long stretch of script: the budget is all that is known.
        if (cut == TaskCountRun::Cut::Run) {
            run.startedMs = -1; // not known
            run.finishedMs = budgetMs;
            run.shownMs = budgetMs;
        } else {
            run.clearMs = budgetMs;
        }
        run.reached = QStringLiteral("the page did not answer for another %1 s")
                          .arg(number(double(m_settings.timeout.count()) / 1000, 0));
        return;
    }
    const QVariantMap reached = progress->toMap();
    const double ms = reached.value(QStringLiteral("ms")).toDouble();
    const int rows = reached.value(QStringLiteral("rows")).toInt();
    if (cut == TaskCountRun::Cut::Run) {
        const int answered = reached.value(QStringLiteral("answered")).toInt();
        run.startsCut = answered < run.tasks;
        run.startedMs = run.startsCut ? ms : reached.value(QStringLiteral("startedMs")).toDouble();
        run.finishedMs = ms;
        run.shownMs = ms;
        run.reached = QStringLiteral("%1 starts answered, %2 tasks done, %3 rows shown")
                          .arg(answered)
                          .arg(reached.value(QStringLiteral("finished")).toInt())
                          .arg(rows);
    } else {
        run.clearMs = ms;
        run.reached = QStringLiteral("%1 rows left").arg(rows);
    }
}

bool BenchmarkRunner::measureTaskCounts()
{
    QTemporaryDir dir(QDir::tempPath() + QStringLiteral("/conduit_bench-XXXXXX"));
    if (!dir.isValid())
        return fail(QStringLiteral("cannot make a temporary folder: %1").arg(dir.errorString()));
    // Every task hashes the same folder of one small file; the manifests go beside it, one per
    // task, so no task's manifest lands in what another one hashes.
    const QString root = dir.filePath(QStringLiteral("root"));
    QDir().mkpath(root);
    QString error;
    if (!writeFile(root + QStringLiteral("/small.txt"), QByteArray(512, 'x'), 512, error))
        return fail(error);
    ProcessMemory native(QCoreApplication::applicationPid());
    ProcessMemory renderer(m_harness->page().renderProcessPid());
    const auto msOf = [](const QJsonObject &object, const char *key) {
        return object.value(QLatin1String(key)).toDouble();
    };
    for (const int tasks : m_settings.taskCounts) {
        const QString manifests = dir.filePath(QStringLiteral("manifests-%1").arg(tasks));
        QDir().mkpath(manifests);
        TaskCountRun run;
        run.tasks = tasks;
        native.start();
        renderer.start();
        const auto started = startInPage(QStringLiteral("__bench.manyTasks(%1, %2, %3)")
                                             .arg(jsString(root), jsString(manifests))
                                             .arg(tasks),
                                         taskBudget(tasks));
        if (!started)
            cutShort(run, TaskCountRun::Cut::Run);
        // Measured with the n tasks held, natively and as rows of the dashboard.
        run.nativeMiB = native.growthMiB();
        run.nativePeakMiB = native.peakGrowthMiB();
        run.rendererMiB = renderer.growthMiB();
        run.rendererPeakMiB = renderer.peakGrowthMiB();
        if (started) {
            const QJsonObject times = started->toObject();
            run.startedMs = msOf(times, "startedMs");
            run.finishedMs = msOf(times, "finishedMs");
            run.shownMs = msOf(times, "shownMs");
            run.listMs = msOf(times, "listMs");
            const auto cleared = startInPage(QStringLiteral("__bench.clearTasks(%1)").arg(tasks),
                                             taskBudget(tasks));
            if (cleared)
                run.clearMs = msOf(cleared->toObject(), "ms");
            else
                cutShort(run, TaskCountRun::Cut::Clear);
        }
        m_taskCounts.append(run);
        if (run.cut != TaskCountRun::Cut::None)
            break; // the page is still busy with this run, and a larger one would take longer
        QDir(manifests).removeRecursively();
    }
    return true;
}

// ---- report --------------------------------------------------------------------------------

void BenchmarkRunner::printTaskTables(QTextStream &out) const
{
    const auto row = [&out](const QString &label, const QString &a, const QString &b,
                            const QString &c) {
        out << QStringLiteral("  %1 %2 %3  %4\n").arg(label, -44).arg(a, 12).arg(b, 11).arg(c);
    };
    const auto verdict = [](bool met) {
        return met ? QStringLiteral("met") : QStringLiteral("NOT met");
    };
    const auto ms = [](double value) {
        return number(value, 2) + QStringLiteral(" ms");
    };

    const double roundTrip = roundTripMs();
    const double cancelP99 = percentile(m_cancelMs, 0.99);
    out << "\n(c) cancel latency: " << m_cancelMs.size()
        << " x tasks.run('count', {to: 1e9, stepMs: 1}, {signal}), each aborted 2-41 ms after its "
           "first progress, after "
        << m_settings.cancelWarmup << " warm-up\n"
        << "    page times mapped onto the native monotonic clock: offset from the fastest of 40 "
           "raw calls (rtt "
        << number(m_clockBefore.rttMs, 2) << " ms in 0.1 ms page steps), moved "
        << number(m_clockAfter.offsetMs - m_clockBefore.offsetMs, 3)
        << " ms over the cancels; timeOrigin + now() is " << number(m_clockBefore.epochSkewMs, 2)
        << " ms off the native wall clock\n";
    row(QStringLiteral("from AbortController.abort() to"), QStringLiteral("p50"),
        QStringLiteral("p99"), QStringLiteral("min / max"));
    row(QStringLiteral("final task.state leaving the bridge"), ms(percentile(m_cancelMs, 0.5)),
        ms(cancelP99),
        ms(*std::min_element(m_cancelMs.begin(), m_cancelMs.end())) + QStringLiteral(" / ")
            + ms(*std::max_element(m_cancelMs.begin(), m_cancelMs.end())));
    row(QStringLiteral("the page seeing it (end to end)"), ms(percentile(m_cancelPageMs, 0.5)),
        ms(percentile(m_cancelPageMs, 0.99)),
        ms(*std::min_element(m_cancelPageMs.begin(), m_cancelPageMs.end())) + QStringLiteral(" / ")
            + ms(*std::max_element(m_cancelPageMs.begin(), m_cancelPageMs.end())));
    row(QStringLiteral("round trip (a), same run"), ms(roundTrip), {}, {});
    row(QStringLiteral("target p99 < 10 ms + one round trip"), {}, ms(kCancelTargetMs + roundTrip),
        verdict(cancelP99 < kCancelTargetMs + roundTrip));

    out << "\n(d) frame gaps (requestAnimationFrame, performance.now() at each callback) over "
        << m_settings.floodDuration.count() << " ms per phase while count tasks update a\n"
        << "    progress panel (" << m_settings.floodTasks
        << " rows: bar width + text) on every onProgress; task limit raised to "
        << m_settings.floodTasks << " so all run\n";
    row(QStringLiteral("phase"), QStringLiteral("p50 / p99"), QStringLiteral("max"),
        QStringLiteral("frames, >25 ms, progress updates/s per task (min-max)"));
    for (const FloodPhase &phase : m_flood) {
        QString updates = QStringLiteral("-");
        if (!phase.updatesPerSecond.isEmpty()) {
            const auto [lo, hi]
                = std::minmax_element(phase.updatesPerSecond.begin(), phase.updatesPerSecond.end());
            updates = number(median(phase.updatesPerSecond), 1) + QStringLiteral(" (")
                      + number(*lo, 1) + QLatin1Char('-') + number(*hi, 1) + QLatin1Char(')');
        }
        row(phase.label, number(phase.p50, 1) + QStringLiteral(" / ") + number(phase.p99, 1),
            ms(phase.max),
            QStringLiteral("%1, %2, %3").arg(phase.frames).arg(phase.over25).arg(updates));
    }
    if (m_flood.size() >= 2)
        row(QStringLiteral("target flood p99 < 25 ms"), {}, {},
            verdict(m_flood.at(1).p99 < kFrameGapTargetMs));

    const auto mbps = [](qint64 bytes, double msValue) {
        return msValue > 0 ? double(bytes) / 1e6 / (msValue / 1000) : 0;
    };
    out << "\n(e) hash throughput: tasks.run('hash', {root}) from the page vs one " << m_sha256sum
        << " process; sha256, page cache warm,\n    MB = 10^6 bytes, median of "
        << m_settings.hashRounds << " round(s) per path, order alternating\n";
    row(QStringLiteral("case"), QStringLiteral("task MB/s"), QStringLiteral("sha256sum"),
        QStringLiteral("ratio, digests, rounds task | sha256sum (ms)"));
    const auto hashRow = [&](const QString &label, const HashCase &c, double target,
                             bool strictlyAbove) {
        const double task = mbps(c.bytes, median(c.taskMs));
        const double sum = mbps(c.bytes, median(c.sumMs));
        const double ratio = sum > 0 ? task / sum : 0;
        QStringList taskRounds, sumRounds;
        for (double v : c.taskMs)
            taskRounds.append(number(v, 0));
        for (double v : c.sumMs)
            sumRounds.append(number(v, 0));
        row(label, number(task, 0), number(sum, 0),
            QStringLiteral("%1x (target %2 %3x: %4), %5, %6 | %7")
                .arg(number(ratio, 2), strictlyAbove ? QStringLiteral(">") : QStringLiteral(">="),
                     number(target, 1), verdict(strictlyAbove ? ratio > target : ratio >= target),
                     c.digestsMatch ? QStringLiteral("same") : QStringLiteral("DIFFER"),
                     taskRounds.join(QLatin1Char(' ')), sumRounds.join(QLatin1Char(' '))));
    };
    hashRow(QStringLiteral("one file of %1 MB").arg(number(double(m_hashOne.bytes) / 1e6, 0)),
            m_hashOne, kHashOneFileTarget, false);
    hashRow(QStringLiteral("%1 files, %2 MB")
                .arg(m_hashFolder.files)
                .arg(number(double(m_hashFolder.bytes) / 1e6, 0)),
            m_hashFolder, kHashFolderTarget, true);
}

void BenchmarkRunner::printTaskCountTable(QTextStream &out) const
{
    out << "\n(l) number of tasks: n hash tasks (all of one folder holding a 512-byte file, each "
           "into a manifest of its own) started at once with invoke('tasks.start'), task limit "
        << TaskManager::defaultLimit()
        << "; ms from the first start to: every start answered,\n"
           "    every final task.state in the page, the dashboard listing all n rows completed; "
           "one tasks.list with n held; \"Clear finished\" to an empty list.\n"
           "    Memory, this process and the renderer: peak resident growth over the run (held: "
           "still resident with the n tasks held); under "
        << number(ProcessMemory::kNoiseMiB, 0) << " MiB is noise\n";
    const QStringList heads{QStringLiteral("tasks"),
                            QStringLiteral("started"),
                            QStringLiteral("all done"),
                            QStringLiteral("µs/task"),
                            QStringLiteral("rows shown"),
                            QStringLiteral("µs/task"),
                            QStringLiteral("tasks.list"),
                            QStringLiteral("clear"),
                            QStringLiteral("native MiB (held)"),
                            QStringLiteral("KiB/task"),
                            QStringLiteral("renderer MiB (held)"),
                            QStringLiteral("KiB/task")};
    const int widths[] = {6, 9, 10, 9, 11, 9, 11, 9, 18, 9, 20, 9};
    QString line = QStringLiteral(" ");
    for (qsizetype i = 0; i < heads.size(); ++i)
        line += QLatin1Char(' ') + heads.at(i).rightJustified(widths[i]);
    out << line << '\n';
    const auto perTask = [](double total, int tasks, double scale) {
        return number(total * scale / std::max(tasks, 1), 1);
    };
    const auto memory = [](double peak, double held) {
        return QStringLiteral("%1 (%2)").arg(number(peak, 1), number(held, 1));
    };
    using Cut = TaskCountRun::Cut;
    // A figure the budget cut short is a lower bound; one it never reached is not known.
    const auto atLeast = [](bool cut, const QString &figure) {
        return cut ? QLatin1Char('>') + figure : figure;
    };
    for (const TaskCountRun &run : m_taskCounts) {
        const bool runCut = run.cut == Cut::Run;
        const QStringList cells{
            QString::number(run.tasks),
            run.startedMs < 0 ? QStringLiteral("?")
                              : atLeast(run.startsCut, number(run.startedMs, 1)),
            atLeast(runCut, number(run.finishedMs, 1)),
            atLeast(runCut, perTask(run.finishedMs, run.tasks, 1000)),
            atLeast(runCut, number(run.shownMs, 1)),
            atLeast(runCut, perTask(run.shownMs, run.tasks, 1000)),
            runCut ? QStringLiteral("-") : number(run.listMs, 2),
            runCut ? QStringLiteral("-") : atLeast(run.cut == Cut::Clear, number(run.clearMs, 1)),
            memory(run.nativePeakMiB, run.nativeMiB),
            perTask(run.nativePeakMiB, run.tasks, 1024),
            memory(run.rendererPeakMiB, run.rendererMiB),
            perTask(run.rendererPeakMiB, run.tasks, 1024)};
        line = QStringLiteral(" ");
        for (qsizetype i = 0; i < cells.size(); ++i)
            line += QLatin1Char(' ') + cells.at(i).rightJustified(widths[i]);
        out << line << '\n';
    }
    for (const TaskCountRun &run : m_taskCounts) {
        if (run.cut == Cut::None)
            continue;
        out << "  " << run.tasks << " tasks: the budget of "
            << number(double(taskBudget(run.tasks).count()) / 1000, 0) << " s ran out "
            << (run.cut == Cut::Run ? "before every row showed completed" : "while clearing")
            << " (" << run.reached << "); '>' marks lower bounds, larger runs were skipped\n";
    }
    printBends(out, QStringLiteral("tasks"));
}

void BenchmarkRunner::printTaskResults(QTextStream &out) const
{
    const auto mbps = [](qint64 bytes, double msValue) {
        return msValue > 0 ? double(bytes) / 1e6 / (msValue / 1000) : 0;
    };
    const double roundTrip = roundTripMs();
    const double cancelP99 = percentile(m_cancelMs, 0.99);
    const FloodPhase none;
    const FloodPhase &baseline = m_flood.value(0, none);
    const FloodPhase &flood = m_flood.size() > 1 ? m_flood.at(1) : none;
    const FloodPhase &light = m_flood.size() > 2 ? m_flood.at(2) : none;
    const double oneTask = mbps(m_hashOne.bytes, median(m_hashOne.taskMs));
    const double oneSum = mbps(m_hashOne.bytes, median(m_hashOne.sumMs));
    const double folderTask = mbps(m_hashFolder.bytes, median(m_hashFolder.taskMs));
    const double folderSum = mbps(m_hashFolder.bytes, median(m_hashFolder.sumMs));
    const double oneRatio = oneSum > 0 ? oneTask / oneSum : 0;
    const double folderRatio = folderSum > 0 ? folderTask / folderSum : 0;
    out << "RESULT cancel_p50_ms=" << number(percentile(m_cancelMs, 0.5), 3) << '\n'
        << "RESULT cancel_p99_ms=" << number(cancelP99, 3) << '\n'
        << "RESULT cancel_max_ms=" << number(percentile(m_cancelMs, 1.0), 3) << '\n'
        << "RESULT cancel_page_p50_ms=" << number(percentile(m_cancelPageMs, 0.5), 3) << '\n'
        << "RESULT cancel_page_p99_ms=" << number(percentile(m_cancelPageMs, 0.99), 3) << '\n'
        << "RESULT cancel_samples=" << m_cancelMs.size() << '\n'
        << "RESULT roundtrip_ms=" << number(roundTrip, 4) << '\n'
        << "RESULT clock_sync_rtt_ms=" << number(m_clockBefore.rttMs, 3) << '\n'
        << "RESULT clock_offset_drift_ms="
        << number(m_clockAfter.offsetMs - m_clockBefore.offsetMs, 3) << '\n'
        << "RESULT clock_epoch_skew_ms=" << number(m_clockBefore.epochSkewMs, 3) << '\n'
        << "RESULT cancel_target_met=" << (cancelP99 < kCancelTargetMs + roundTrip ? 1 : 0) << '\n'
        << "RESULT frame_gap_baseline_p50_ms=" << number(baseline.p50, 2) << '\n'
        << "RESULT frame_gap_baseline_p99_ms=" << number(baseline.p99, 2) << '\n'
        << "RESULT frame_gap_baseline_max_ms=" << number(baseline.max, 2) << '\n'
        << "RESULT frame_gap_p50_ms=" << number(flood.p50, 2) << '\n'
        << "RESULT frame_gap_p99_ms=" << number(flood.p99, 2) << '\n'
        << "RESULT frame_gap_max_ms=" << number(flood.max, 2) << '\n'
        << "RESULT progress_updates_per_s=" << number(median(flood.updatesPerSecond), 1) << '\n'
        << "RESULT progress_updates_per_s_min="
        << number(flood.updatesPerSecond.isEmpty()
                      ? 0
                      : *std::min_element(flood.updatesPerSecond.begin(),
                                          flood.updatesPerSecond.end()),
                  1)
        << '\n'
        << "RESULT frame_gap_light_p99_ms=" << number(light.p99, 2) << '\n'
        << "RESULT progress_updates_light_per_s=" << number(median(light.updatesPerSecond), 1)
        << '\n'
        << "RESULT frame_gap_target_met=" << (flood.p99 < kFrameGapTargetMs ? 1 : 0) << '\n'
        << "RESULT hash_one_file_task_mb_s=" << number(oneTask, 0) << '\n'
        << "RESULT hash_one_file_sha256sum_mb_s=" << number(oneSum, 0) << '\n'
        << "RESULT hash_one_file_ratio=" << number(oneRatio, 2) << '\n'
        << "RESULT hash_folder_task_mb_s=" << number(folderTask, 0) << '\n'
        << "RESULT hash_folder_sha256sum_mb_s=" << number(folderSum, 0) << '\n'
        << "RESULT hash_folder_ratio=" << number(folderRatio, 2) << '\n'
        << "RESULT hash_digests_match="
        << (m_hashOne.digestsMatch && m_hashFolder.digestsMatch ? 1 : 0) << '\n'
        << "RESULT hash_one_file_target_met=" << (oneRatio >= kHashOneFileTarget ? 1 : 0) << '\n'
        << "RESULT hash_folder_target_met=" << (folderRatio > kHashFolderTarget ? 1 : 0) << '\n';
    // A run cut short by its budget has lower bounds for the times it did not reach, and none
    // for those it never took.
    for (const TaskCountRun &run : m_taskCounts) {
        const bool ran = run.cut != TaskCountRun::Cut::Run;
        out << "RESULT tasks_" << run.tasks
            << "_within_budget=" << (run.cut == TaskCountRun::Cut::None ? 1 : 0) << '\n'
            << "RESULT tasks_" << run.tasks << "_done_ms=" << number(run.finishedMs, 1) << '\n'
            << "RESULT tasks_" << run.tasks << "_shown_ms=" << number(run.shownMs, 1) << '\n';
        if (ran) {
            out << "RESULT tasks_" << run.tasks << "_list_ms=" << number(run.listMs, 2) << '\n'
                << "RESULT tasks_" << run.tasks << "_clear_ms=" << number(run.clearMs, 1) << '\n';
        }
        out << "RESULT tasks_" << run.tasks << "_native_peak_mib=" << number(run.nativePeakMiB, 1)
            << '\n'
            << "RESULT tasks_" << run.tasks << "_native_held_mib=" << number(run.nativeMiB, 1)
            << '\n'
            << "RESULT tasks_" << run.tasks
            << "_renderer_peak_mib=" << number(run.rendererPeakMiB, 1) << '\n'
            << "RESULT tasks_" << run.tasks << "_renderer_held_mib=" << number(run.rendererMiB, 1)
            << '\n';
    }
}

} // namespace Conduit::Benchmark
