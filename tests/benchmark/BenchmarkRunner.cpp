// SPDX-License-Identifier: MIT
#include "BenchmarkRunner.h"

#include "ItemProducer.h"
#include "ProcessMemory.h"
#include "Statistics.h"

#include "PageHarness.h"
#include <app/AppPage.h>
#include <bridge/CommandCall.h>

#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLibraryInfo>
#include <QTextStream>
#include <QTimer>
#include <QWebChannel>

#include <algorithm>

namespace Conduit::Benchmark {

namespace {

constexpr double kInvokeTarget = 1.15;   // bridge/raw-thread round trip, at most
constexpr double kGuiInvokeTarget = 1.1; // bridge-gui/raw round trip, at most
constexpr double kEventsTarget = 10.0;   // bridge/raw events per second, at least
// Sequential calls timed together in the page: performance.now() moves in 0.1 ms steps there.
constexpr int kBlock = 20;

QString readResource(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll());
}

// As page-bench.js names them, in the order of BenchmarkRunner::Path.
const char *const kPathNames[] = {"bridge", "raw", "bridge-gui", "raw-thread"};

QString pathName(int path)
{
    return QLatin1String(kPathNames[path]);
}

} // namespace

BenchmarkRunner::BenchmarkRunner(const BenchmarkSettings &settings, QObject *parent)
    : QObject(parent)
    , m_settings(settings)
{
    m_raw.setDoneReceiver([this](int count) {
        m_doneAtNs = m_clock.nsecsElapsed();
        m_doneCount = count;
        if (m_wake)
            m_wake();
    });
    m_raw.setReportReceiver([this](const QString &json) {
        m_report = json;
        if (m_wake)
            m_wake();
    });
}

BenchmarkRunner::~BenchmarkRunner() = default;

bool BenchmarkRunner::run()
{
    if (!(setUp() && measureInvokes() && measureEvents() && measureInFlight() && measureEmits()
          && measureItems() && measureBytes()))
        return false;
    return m_settings.wireOnly
           || (measureCancels() && measureFlood() && measureHashes() && measureTaskCounts());
}

bool BenchmarkRunner::setUp()
{
    // No ticks from the async process while measuring.
    m_harness = std::make_unique<PageHarness>(std::chrono::hours(1));
    m_harness->page().channel()->registerObject(QStringLiteral("raw"), &m_raw);
    m_harness->bridge().commands().addSync(
        QStringLiteral("bench.echo"),
        Schema::object().required(QStringLiteral("text"), Schema::string()),
        [](const CommandCall &call) -> QJsonValue {
            return QJsonObject{{QStringLiteral("text"), call.args.value(QStringLiteral("text"))}};
        });

    m_harness->bridge().commands().addBytes(
        QStringLiteral("bench.bytes"),
        Schema::object().required(QStringLiteral("size"), Schema::integer().range(0, 1 << 30)),
        [](const CommandCall &call) {
            return QtFuture::makeReadyFuture(
                Bytes::fromData(QByteArray(call.args.value(QStringLiteral("size")).toInt(), 'x')));
        });
    m_harness->bridge().commands().add(
        QStringLiteral("bench.items"),
        Schema::object().required(QStringLiteral("count"), Schema::integer().range(1, 1e8)),
        [this](const CommandCall &call) {
            new ItemProducer(m_harness->bridge().streams(), call.stream,
                             call.args.value(QStringLiteral("count")).toInt());
            return QtFuture::makeReadyFuture(QJsonValue(true));
        },
        StreamMode::Ordered, StreamLifetime::Handler);
    m_harness->bridge().commands().addSync(
        QStringLiteral("bench.upload"),
        Schema::object().required(QStringLiteral("data"), Schema::bytes()),
        [](const CommandCall &call) -> QJsonValue {
            return QJsonObject{
                {QStringLiteral("size"), double(call.bytes.value(QStringLiteral("data")).size())}};
        });
    m_harness->bridge().commands().addBytes(
        QStringLiteral("bench.file"),
        Schema::object().required(QStringLiteral("path"), Schema::path(Schema::PathCheck::File)),
        [](const CommandCall &call) {
            return QtFuture::makeReadyFuture(
                Bytes::fromFile(call.args.value(QStringLiteral("path")).toString()));
        });

    const QString pageSide = readResource(QStringLiteral(":/benchmark/page-bench.js"));
    if (pageSide.isEmpty())
        return fail(QStringLiteral("page-bench.js is missing from the resources"));

    if (!m_harness->load(m_settings.timeout))
        return fail(QStringLiteral("the page did not load or conduit.ready() did not resolve"));
    const auto installed = evaluate(pageSide);
    if (!installed || !installed->toBool())
        return fail(
            QStringLiteral("window.__conduitChannel.objects.raw is not reachable from the page"));
    const auto step = evaluate(QStringLiteral("__bench.timerStepMs()"));
    m_timerStepMs = step ? step->toDouble() : 0;
    if (!startInPage(QStringLiteral("__bench.connectEvents()")))
        return false;
    return true;
}

bool BenchmarkRunner::measureInvokes()
{
    if (!serialInvokes(m_settings.warmupCalls, false))
        return false;
    for (int round = 0; round < m_settings.rounds; ++round) {
        if (!serialInvokes(m_settings.calls, true))
            return false;
    }
    return true;
}

bool BenchmarkRunner::measureEvents()
{
    // One warm-up round per path (first-use costs of both listeners, the JIT, allocators).
    for (const Path path : {Path::Bridge, Path::Raw}) {
        if (!eventsPerSecond(path, m_settings.events))
            return false;
    }
    for (int round = 0; round < m_settings.rounds; ++round) {
        const bool bridgeFirst = round % 2 == 0;
        for (const Path path :
             {bridgeFirst ? Path::Bridge : Path::Raw, bridgeFirst ? Path::Raw : Path::Bridge}) {
            const auto perSecond = eventsPerSecond(path, m_settings.events);
            if (!perSecond)
                return false;
            m_events[int(path)].append(*perSecond);
        }
    }
    return true;
}

bool BenchmarkRunner::serialInvokes(int calls, bool keep)
{
    QStringList kinds;
    for (int path = 0; path < kPaths; ++path)
        kinds.append(QLatin1Char('\'') + pathName(path) + QLatin1Char('\''));
    const auto value = startInPage(QStringLiteral("__bench.serial([%1], %2, %3)")
                                       .arg(kinds.join(QLatin1Char(',')))
                                       .arg(calls)
                                       .arg(std::min(calls, kBlock)));
    if (!value)
        return false;
    for (int path = 0; path < kPaths; ++path) {
        const QJsonObject result = value->toObject().value(pathName(path)).toObject();
        InvokeRound round;
        round.medianMs = result.value(QStringLiteral("medianMs")).toDouble();
        round.meanMs = result.value(QStringLiteral("meanMs")).toDouble();
        if (round.meanMs <= 0)
            return fail(QStringLiteral("the %1 invokes reported no time").arg(pathName(path)));
        if (keep)
            m_invokes[path].append(round);
    }
    return true;
}

std::optional<double> BenchmarkRunner::eventsPerSecond(Path path, int count)
{
    const QString name = pathName(int(path));
    const auto armed = evaluate(QStringLiteral("__bench.arm('%1', %2)").arg(name).arg(count));
    if (!armed || !armed->toBool()) {
        fail(QStringLiteral("could not arm the page for %1 events").arg(name));
        return std::nullopt;
    }
    m_doneAtNs.reset();
    m_doneCount = 0;
    m_clock.start();
    if (path == Path::Bridge) {
        Bridge &bridge = m_harness->bridge();
        for (int i = 0; i < count; ++i)
            bridge.emitEvent(QStringLiteral("bench.event"), QJsonObject{{QStringLiteral("i"), i}});
    } else {
        m_raw.emitEvents(count);
    }
    if (!waitUntil([this] { return m_doneAtNs.has_value(); })) {
        const auto seen = evaluate(QStringLiteral("__bench.events.count"));
        fail(QStringLiteral("the page received %1 of %2 %3 events in time")
                 .arg(seen ? seen->toInt() : -1)
                 .arg(count)
                 .arg(name));
        return std::nullopt;
    }
    const qint64 elapsedNs = *m_doneAtNs;
    const auto outOfOrder = evaluate(QStringLiteral("__bench.events.outOfOrder"));
    if (m_doneCount != count || !outOfOrder || outOfOrder->toInt() != 0) {
        fail(QStringLiteral("%1 events arrived incomplete or out of order (%2 of %3, %4 misplaced)")
                 .arg(name)
                 .arg(m_doneCount)
                 .arg(count)
                 .arg(outOfOrder ? outOfOrder->toInt() : -1));
        return std::nullopt;
    }
    return count / (double(std::max<qint64>(elapsedNs, 1)) / 1e9);
}

std::optional<QJsonValue>
BenchmarkRunner::startInPage(const QString &asyncExpression,
                             std::optional<std::chrono::milliseconds> timeout)
{
    m_report.reset();
    // Not waited for: the page answers through raw.report() when the body has settled.
    m_harness->page().runJavaScript(QStringLiteral("__bench.start(() => %1)").arg(asyncExpression));
    if (!waitUntil([this] { return m_report.has_value(); }, timeout)) {
        fail(QStringLiteral("no report from the page for %1").arg(asyncExpression));
        return std::nullopt;
    }
    const QJsonObject report = QJsonDocument::fromJson(m_report->toUtf8()).object();
    if (!report.value(QStringLiteral("ok")).toBool()) {
        fail(QStringLiteral("%1 failed in the page: %2")
                 .arg(asyncExpression, report.value(QStringLiteral("error")).toString()));
        return std::nullopt;
    }
    return report.value(QStringLiteral("value"));
}

std::optional<QVariant> BenchmarkRunner::evaluate(const QString &script)
{
    std::optional<QVariant> result;
    m_harness->page().runJavaScript(script, [this, &result](const QVariant &value) {
        result = value;
        if (m_wake)
            m_wake();
    });
    if (!waitUntil([&result] { return result.has_value(); }))
        return std::nullopt;
    return result;
}

bool BenchmarkRunner::waitUntil(const std::function<bool()> &ready,
                                std::optional<std::chrono::milliseconds> limit)
{
    if (ready())
        return true;
    QEventLoop loop;
    QTimer timeout;
    timeout.setSingleShot(true);
    connect(&timeout, &QTimer::timeout, &loop, &QEventLoop::quit);
    timeout.start(limit.value_or(m_settings.timeout));
    m_wake = [&loop] {
        loop.quit();
    };
    while (!ready() && timeout.isActive())
        loop.exec();
    m_wake = nullptr;
    return ready();
}

bool BenchmarkRunner::fail(const QString &why)
{
    if (m_error.isEmpty())
        m_error = why;
    return false;
}

void BenchmarkRunner::printReport(QTextStream &out) const
{
    double invokeMs[kPaths] = {};
    double meanMs[kPaths] = {};
    QList<double> invokeMedians[kPaths];
    for (int path = 0; path < kPaths; ++path) {
        QList<double> means;
        for (const InvokeRound &round : m_invokes[path]) {
            invokeMedians[path].append(round.medianMs);
            means.append(round.meanMs);
        }
        invokeMs[path] = median(invokeMedians[path]);
        meanMs[path] = median(means);
    }
    const double perSecond[2] = {median(m_events[0]), median(m_events[1])};
    const auto ratio = [](double a, double b) {
        return b > 0 ? a / b : 0;
    };
    const double invokeRatio = ratio(invokeMs[int(Path::Bridge)], invokeMs[int(Path::RawThread)]);
    const double guiRatio = ratio(invokeMs[int(Path::BridgeGui)], invokeMs[int(Path::Raw)]);
    const double eventsRatio = ratio(perSecond[int(Path::Bridge)], perSecond[int(Path::Raw)]);
    const auto verdict = [](bool met) {
        return met ? QStringLiteral("met") : QStringLiteral("NOT met");
    };
    const auto rounds = [](const QList<double> &values, int decimals) {
        QStringList parts;
        for (double value : values)
            parts.append(number(value, decimals));
        return parts.join(QLatin1Char(' '));
    };
    const auto row = [&out](const QString &label, const QString &a, const QString &b,
                            const QString &c) {
        out << QStringLiteral("  %1 %2 %3  %4\n").arg(label, -44).arg(a, 12).arg(b, 11).arg(c);
    };

    out << "Conduit bridge vs raw QWebChannel: Qt " << QLibraryInfo::version().toString()
        << ", QtWebEngine offscreen, " << m_settings.rounds << " rounds, medians over rounds\n"
        << "performance.now() step in the page: " << number(m_timerStepMs, 4) << " ms\n\n";

    out << "(a) serial invoke round trip: " << m_settings.calls
        << " sequential calls per path and round after " << m_settings.warmupCalls
        << " warm-up calls; paths take turns in blocks of " << kBlock << '\n';
    row(QStringLiteral("path"), QStringLiteral("median/call"), QStringLiteral("mean/call"),
        QStringLiteral("per-round medians (ms)"));
    const QString invokeLabels[kPaths]
        = {QStringLiteral("bridge: invoke('echo') via worker thread"),
           QStringLiteral("raw: Q_INVOKABLE echo(), GUI thread"),
           QStringLiteral("bridge: GUI-thread command"),
           QStringLiteral("raw-thread: QFuture from a worker QThread")};
    for (const Path path : {Path::Bridge, Path::RawThread, Path::BridgeGui, Path::Raw}) {
        const int i = int(path);
        row(invokeLabels[i], number(invokeMs[i], 3) + QStringLiteral(" ms"),
            number(meanMs[i], 3) + QStringLiteral(" ms"), rounds(invokeMedians[i], 3));
    }
    row(QStringLiteral("ratio bridge/raw-thread"), number(invokeRatio, 2) + QStringLiteral("x"), {},
        QStringLiteral("target <= %1x: %2")
            .arg(number(kInvokeTarget, 2), verdict(invokeRatio <= kInvokeTarget)));
    row(QStringLiteral("ratio bridge GUI-thread/raw"), number(guiRatio, 2) + QStringLiteral("x"),
        {},
        QStringLiteral("target <= %1x: %2")
            .arg(number(kGuiInvokeTarget, 2), verdict(guiRatio <= kGuiInvokeTarget)));

    out << "\n(b) native->page events: " << m_settings.events
        << " per path and round, first native emit to the page's last arrival\n";
    row(QStringLiteral("path"), QStringLiteral("events/s"), {},
        QStringLiteral("per-round events/s"));
    const QString eventLabels[2] = {QStringLiteral("bridge: emitEvent(), batched envelopes"),
                                    QStringLiteral("raw: one rawEvent(int) signal each")};
    for (int path = 0; path < 2; ++path)
        row(eventLabels[path], number(perSecond[path], 0), {}, rounds(m_events[path], 0));
    row(QStringLiteral("ratio bridge/raw"), number(eventsRatio, 2) + QStringLiteral("x"), {},
        QStringLiteral("target >= %1x: %2")
            .arg(number(kEventsTarget, 1), verdict(eventsRatio >= kEventsTarget)));

    printWireTables(out);
    printBytesTables(out);
    if (!m_settings.wireOnly) {
        printTaskTables(out);
        printTaskCountTable(out);
    }

    out << "\nRESULT invoke_bridge_ms=" << number(invokeMs[int(Path::Bridge)], 4) << '\n'
        << "RESULT invoke_raw_ms=" << number(invokeMs[int(Path::Raw)], 4) << '\n'
        << "RESULT invoke_bridge_gui_ms=" << number(invokeMs[int(Path::BridgeGui)], 4) << '\n'
        << "RESULT invoke_raw_thread_ms=" << number(invokeMs[int(Path::RawThread)], 4) << '\n'
        << "RESULT invoke_ratio=" << number(invokeRatio, 2) << '\n'
        << "RESULT invoke_gui_ratio=" << number(guiRatio, 2) << '\n'
        << "RESULT events_bridge_per_s=" << number(perSecond[int(Path::Bridge)], 0) << '\n'
        << "RESULT events_raw_per_s=" << number(perSecond[int(Path::Raw)], 0) << '\n'
        << "RESULT events_ratio=" << number(eventsRatio, 2) << '\n'
        << "RESULT invoke_target_met=" << (invokeRatio <= kInvokeTarget ? 1 : 0) << '\n'
        << "RESULT invoke_gui_target_met=" << (guiRatio <= kGuiInvokeTarget ? 1 : 0) << '\n'
        << "RESULT events_target_met=" << (eventsRatio >= kEventsTarget ? 1 : 0) << '\n';
    printWireResults(out);
    if (!m_settings.wireOnly)
        printTaskResults(out);
    // The x where each curve bends, 0 when flat; nothing for a single step.
    for (const Curve &curve : curves()) {
        if (curve.points().size() < 2)
            continue;
        const auto at = curve.bend();
        out << "RESULT bend_" << curve.key() << '=' << (at ? qint64(curve.points().at(*at).x) : 0)
            << '\n';
    }
    out.flush();
}

QList<Curve> BenchmarkRunner::curves() const
{
    // Totals in ms or MiB; what each costs per unit, as shown.
    const Curve::Scale usPer[] = {{QStringLiteral(" µs/call"), 1000, 2},
                                  {QStringLiteral(" µs/item"), 1000, 3},
                                  {QStringLiteral(" µs/task"), 1000, 1}};
    const Curve::Scale kibPer[]
        = {{QStringLiteral(" KiB/call"), 1024, 3}, {QStringLiteral(" KiB/task"), 1024, 1}};
    const Curve::Scale msPerMiB{QStringLiteral(" ms/MiB"), 1, 2};
    const Curve::Scale inFlight{QStringLiteral(" in flight")};
    const Curve::Scale window{QStringLiteral("-item window")};
    const Curve::Scale size{QStringLiteral(" MiB"), 1.0 / (1 << 20), 2};
    const Curve::Scale tasks{QStringLiteral(" tasks")};
    const auto msFor = [](double units, double perSecond) {
        return perSecond > 0 ? units * 1000 / perSecond : 0;
    };

    QList<Curve> all{
        {QStringLiteral("inflight_bridge"), QStringLiteral("bridge, time per call"), inFlight,
         usPer[0]},
        {QStringLiteral("inflight_raw_thread"), QStringLiteral("raw-thread, time per call"),
         inFlight, usPer[0]},
        {QStringLiteral("inflight_bridge_native_memory"),
         QStringLiteral("bridge, native peak growth per call"), inFlight, kibPer[0],
         ProcessMemory::kNoiseMiB},
        {QStringLiteral("inflight_bridge_renderer_memory"),
         QStringLiteral("bridge, renderer peak growth per call"), inFlight, kibPer[0],
         ProcessMemory::kNoiseMiB},
    };
    for (const InFlightRun &run : m_inFlight) {
        all[0].add(run.calls, run.calls, msFor(run.calls, run.bridgePerSecond));
        all[1].add(run.calls, run.calls, msFor(run.calls, run.rawThreadPerSecond));
        all[2].add(run.calls, run.calls, run.nativePeakMiB);
        all[3].add(run.calls, run.calls, run.rendererPeakMiB);
    }

    Curve items(QStringLiteral("items_channel"), QStringLiteral("Channel, time per item"), window,
                usPer[1]);
    for (const ItemsRun &run : m_items)
        items.add(run.window, m_settings.items, msFor(m_settings.items, run.perSecond));
    all.append(items);

    const struct
    {
        const char *key;
        const QList<BytesRun> &runs;
    } ways[] = {{"bytes_down", m_bytesDown}, {"bytes_up", m_bytesUp}};
    for (const auto &way : ways) {
        Curve bridge(QLatin1String(way.key) + QStringLiteral("_bridge"),
                     QStringLiteral("bridge bytes, time per MiB"), size, msPerMiB);
        Curve string(QLatin1String(way.key) + QStringLiteral("_string"),
                     QStringLiteral("hand-written string, time per MiB"), size, msPerMiB);
        for (const BytesRun &run : way.runs) {
            const double mib = double(run.size) / (1 << 20);
            bridge.add(double(run.size), mib, run.bridgeMs);
            string.add(double(run.size), mib, run.rawMs);
        }
        all << bridge << string;
    }

    using Cut = TaskCountRun::Cut;
    const struct
    {
        const char *key;
        const char *name;
        double TaskCountRun::*total;
        Curve::Scale perUnit;
        double floor;
        Cut lowerBoundWhen; // the step whose running out makes the figure a lower bound
    } taskCurves[] = {
        {"done", "start to all done, per task", &TaskCountRun::finishedMs, usPer[2], 0, Cut::Run},
        {"shown", "start to all rows shown, per task", &TaskCountRun::shownMs, usPer[2], 0,
         Cut::Run},
        {"list", "one tasks.list, per task held", &TaskCountRun::listMs, usPer[2], 0, Cut::None},
        {"clear", "\"Clear finished\", per task", &TaskCountRun::clearMs, usPer[2], 0, Cut::Clear},
        {"native_memory", "native peak growth per task", &TaskCountRun::nativePeakMiB, kibPer[1],
         ProcessMemory::kNoiseMiB, Cut::Run},
        {"renderer_memory", "renderer peak growth per task", &TaskCountRun::rendererPeakMiB,
         kibPer[1], ProcessMemory::kNoiseMiB, Cut::Run},
    };
    for (const auto &spec : taskCurves) {
        Curve curve(QStringLiteral("tasks_") + QLatin1String(spec.key),
                    QString::fromUtf8(spec.name), tasks, spec.perUnit, spec.floor);
        for (const TaskCountRun &run : m_taskCounts) {
            curve.add(run.tasks, run.tasks, run.*spec.total,
                      run.cut != Cut::None && run.cut == spec.lowerBoundWhen);
        }
        all.append(curve);
    }
    return all;
}

void BenchmarkRunner::printBends(QTextStream &out, const QString &table) const
{
    for (const Curve &curve : curves()) {
        if (curve.key().startsWith(table + QLatin1Char('_')))
            out << "  " << curve.describe() << '\n';
    }
}

} // namespace Conduit::Benchmark
