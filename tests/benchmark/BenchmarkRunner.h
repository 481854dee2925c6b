// SPDX-License-Identifier: MIT
#pragma once

#include "BenchmarkSettings.h"
#include "Curve.h"
#include "RawChannelObject.h"
#include "TaskStateTap.h"

#include <QElapsedTimer>
#include <QJsonValue>
#include <QList>
#include <QObject>
#include <QString>
#include <QVariant>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

class QTextStream;

namespace Conduit {
class PageHarness;
}

namespace Conduit::Benchmark {

// The bridge against raw QWebChannel on one real page in real QtWebEngine: serial invoke round
// trips (timed in the page) and native→page events per second (timed natively, from the first
// emit to the page's "all received"), a few rounds each, paths interleaved, medians reported.
// Then the task runtime through the same page: cancel latency (the page's abort to the final
// state leaving the bridge), frame gaps under a progress flood against an idle baseline, and
// the hash task against sha256sum on the same files, and the cost of 1 to 10 000 tasks at once.
// Every curve (calls in flight, items per window, payload size, tasks) says where it bends.
class BenchmarkRunner final : public QObject
{
    Q_OBJECT

public:
    explicit BenchmarkRunner(const BenchmarkSettings &settings, QObject *parent = nullptr);
    ~BenchmarkRunner() override;

    // False if a measurement could not be taken; error() says why.
    bool run();
    QString error() const { return m_error; }
    void printReport(QTextStream &out) const;

private:
    // Each bridge path against its hand-written twin: Bridge (a command answered by the async
    // process's thread) against RawThread (an invokable returning a QFuture a worker QThread
    // answers), BridgeGui (a command answered in the GUI thread) against Raw (a plain invokable).
    enum class Path { Bridge, Raw, BridgeGui, RawThread };
    static constexpr int kPaths = 4;
    // One in-flight measurement: n calls started at once on a path.
    struct InFlightRun
    {
        int calls = 0;
        double bridgePerSecond = 0, rawThreadPerSecond = 0;
        double nativePeakMiB = 0, rendererPeakMiB = 0; // the bridge's, growth over the run
    };
    // One page→native measurement: n items, as the bridge's emits and as raw calls.
    struct EmitRun
    {
        int items = 0;
        double bridgePerSecond = 0, rawPerSecond = 0;
    };
    struct InvokeRound
    {
        double medianMs = 0; // median over the round's blocks of time per call
        double meanMs = 0;   // the round's total time over its calls
    };

    struct ClockSync
    {
        double offsetMs = 0;    // native = page + offset
        double rttMs = 0;       // of the sample it came from
        double epochSkewMs = 0; // native wall clock − (timeOrigin + now) at the same instant
    };
    struct FloodPhase
    {
        QString label;
        int tasks = 0;
        int stepMs = 0;
        int frames = 0;
        double p50 = 0, p99 = 0, max = 0, mean = 0;
        int over25 = 0;
        double seconds = 0;
        QList<double> updatesPerSecond; // per task
        QStringList states;             // of the tasks while measured
    };
    struct HashCase
    {
        int files = 0;
        qint64 bytes = 0;
        QList<double> taskMs, sumMs; // per round
        bool digestsMatch = false;
    };
    // n hash tasks started at once from the page and listed by its dashboard: ms from the first
    // start, and each process's memory growth (MiB) with the n tasks held.
    struct TaskCountRun
    {
        // Which step's budget ran out, if one did. The times it did not reach are then how long
        // it had run (lower bounds), `reached` says how far the page had got, and no larger run
        // follows.
        enum class Cut { None, Run, Clear };

        int tasks = 0;
        double startedMs = 0, finishedMs = 0, shownMs = 0, listMs = 0, clearMs = 0;
        double nativeMiB = 0, nativePeakMiB = 0, rendererMiB = 0, rendererPeakMiB = 0;
        Cut cut = Cut::None;
        bool startsCut = false; // not every start was answered either (startedMs < 0: unknown)
        QString reached;
    };

    bool setUp();
    bool measureInvokes();
    bool measureEvents();
    bool measureInFlight();
    bool measureEmits();
    bool measureBytes();
    bool measureItems();
    bool measureCancels();
    bool measureFlood();
    bool measureHashes();
    bool measureTaskCounts();
    // The budget of one task-count step: the step timeout and so much per task.
    std::chrono::milliseconds taskBudget(int tasks) const;
    // After a task-count step ran out of its budget: how far the page got, and its time so far.
    void cutShort(TaskCountRun &run, TaskCountRun::Cut cut);
    std::optional<ClockSync> syncClock();
    std::optional<FloodPhase> floodPhase(const QString &label, int tasks, int stepMs);
    // Hashes `names` under `root` hashRounds times each way; fills `result`.
    bool hashCase(const QString &root, const QStringList &names, HashCase &result);
    // One round: `calls` sequential invokes on each path, the paths taking turns block by block.
    bool serialInvokes(int calls, bool keep);
    std::optional<double> eventsPerSecond(Path path, int count);

    // Starts an async body in the page through __bench.start and waits for its raw.report(), at
    // most `timeout` (else the step timeout).
    std::optional<QJsonValue> startInPage(const QString &asyncExpression,
                                          std::optional<std::chrono::milliseconds> timeout
                                          = std::nullopt);
    std::optional<QVariant> evaluate(const QString &script);
    // Spins a local event loop (no 10 ms naps between passes, unlike QTest::qWaitFor, so the
    // native side answers the page at full speed) until ready() or `limit` (else the step
    // timeout) has passed.
    bool waitUntil(const std::function<bool()> &ready,
                   std::optional<std::chrono::milliseconds> limit = std::nullopt);
    bool fail(const QString &why);
    double roundTripMs() const; // the bridge's serial invoke round trip, median of (a)
    void printWireTables(QTextStream &out) const;
    void printWireResults(QTextStream &out) const;
    void printBytesTables(QTextStream &out) const;
    void printTaskTables(QTextStream &out) const;
    void printTaskResults(QTextStream &out) const;
    void printTaskCountTable(QTextStream &out) const;
    // Every curve the report shows, from the runs measured; keyed <table>_<what>.
    QList<Curve> curves() const;
    // The bend of each curve whose key starts with `table`, one line each.
    void printBends(QTextStream &out, const QString &table) const;

    BenchmarkSettings m_settings;
    RawChannelObject m_raw; // outlives the harness, whose channel publishes it
    std::unique_ptr<PageHarness> m_harness;
    QElapsedTimer m_clock;
    std::function<void()> m_wake;
    std::optional<QString> m_report;
    std::optional<qint64> m_doneAtNs;
    int m_doneCount = 0;
    QString m_error;
    double m_timerStepMs = 0;
    QList<InvokeRound> m_invokes[kPaths];
    QList<double> m_events[2]; // Bridge and Raw
    QList<InFlightRun> m_inFlight;
    QList<EmitRun> m_emits;
    // Bytes native→page: the bridge's bytes against one hand-written string, per size.
    struct BytesRun
    {
        qint64 size = 0;
        double bridgeMs = 0, rawMs = 0;
    };
    QList<BytesRun> m_bytesDown, m_bytesUp;
    // Small items native→page through a Channel, per window (credit at a time).
    struct ItemsRun
    {
        int window = 0;
        double perSecond = 0;
    };
    QList<ItemsRun> m_items;
    // A large file streamed to the page: time, and each process's peak memory growth.
    struct BigFileRun
    {
        qint64 size = 0;
        bool whole = false;
        double ms = 0;
        double nativeGrowthMiB = 0, rendererGrowthMiB = 0;
    };
    QList<BigFileRun> m_bigFiles;

    std::unique_ptr<TaskStateTap> m_tap;
    ClockSync m_clockBefore, m_clockAfter; // around the cancels: the offset must not move
    QList<double> m_cancelMs;              // abort → final task.state leaving the bridge
    QList<double> m_cancelPageMs;          // abort → the page seeing that state
    QList<FloodPhase> m_flood;             // baseline, flood, diagnostic
    HashCase m_hashOne, m_hashFolder;
    QList<TaskCountRun> m_taskCounts;
    QString m_sha256sum;
};

} // namespace Conduit::Benchmark
