// SPDX-License-Identifier: MIT
// The wire at volume (docs/DESIGN.md §9, "bytes at the speed of the platform"): many calls in
// flight, and many small items page→native, each against its hand-written QWebChannel twin in
// the same run. Part of BenchmarkRunner.
#include "BenchmarkRunner.h"

#include "ProcessMemory.h"
#include "Statistics.h"

#include "PageHarness.h"
#include <app/AppPage.h>

#include <QCoreApplication>
#include <QFile>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTextStream>
#include <QWebEnginePage>

namespace Conduit::Benchmark {

namespace {

constexpr double kInFlightTarget = 2.0; // bridge/raw-thread calls per second at 20 000, at least
constexpr int kInFlightTargetAt = 20000;
constexpr double kFlatTarget = 1.5;  // cost per call at the most in flight / at the fewest, at most
constexpr double kEmitsTarget = 5.0; // bridge emits / raw calls per second, at least
constexpr double kItemsTarget = 10.0; // Channel items / raw signals per second, at least
constexpr int kItemWindows[] = {256, 4096};

constexpr double kBytesDownTarget = 10.0; // hand-written string time / bridge bytes time at 16 MiB
constexpr double kBigFileGrowthTarget = 1.5; // peak growth of each process, in payloads
constexpr double kBytesUpTarget = 3.0; // hand-written string time / bridge upload time at 16 MiB

// "64 KiB", "16 MiB": a payload's size in the unit that names it whole, `separator` between.
QString payloadName(qint64 size, const QString &separator)
{
    return size % (1 << 20) == 0 ? QStringLiteral("%1%2MiB").arg(size >> 20).arg(separator)
                                 : QStringLiteral("%1%2KiB").arg(size >> 10).arg(separator);
}

double perSecondOf(const std::optional<QJsonValue> &value)
{
    return value ? value->toObject().value(QStringLiteral("perSecond")).toDouble() : 0;
}

} // namespace

bool BenchmarkRunner::measureInFlight()
{
    ProcessMemory native(QCoreApplication::applicationPid());
    ProcessMemory renderer(m_harness->page().renderProcessPid());
    for (const int calls : m_settings.inFlight) {
        InFlightRun run;
        run.calls = calls;
        QList<double> bridge, rawThread, nativePeak, rendererPeak;
        for (int round = 0; round < std::max(1, m_settings.rounds / 2); ++round) {
            for (const bool bridgeFirst : {round % 2 == 0, round % 2 != 0}) {
                const QString kind
                    = bridgeFirst ? QStringLiteral("bridge") : QStringLiteral("raw-thread");
                native.start();
                renderer.start();
                const double perSecond = perSecondOf(
                    startInPage(QStringLiteral("__bench.inFlight('%1', %2)").arg(kind).arg(calls)));
                if (perSecond <= 0)
                    return fail(QStringLiteral("%1 calls in flight on %2 failed: %3")
                                    .arg(calls)
                                    .arg(kind, m_error));
                (bridgeFirst ? bridge : rawThread).append(perSecond);
                if (bridgeFirst) {
                    nativePeak.append(native.peakGrowthMiB());
                    rendererPeak.append(renderer.peakGrowthMiB());
                }
            }
        }
        run.bridgePerSecond = median(bridge);
        run.rawThreadPerSecond = median(rawThread);
        run.nativePeakMiB = median(nativePeak);
        run.rendererPeakMiB = median(rendererPeak);
        m_inFlight.append(run);
    }
    return true;
}

bool BenchmarkRunner::measureEmits()
{
    for (int round = 0; round < std::max(1, m_settings.rounds / 2); ++round) {
        EmitRun run;
        run.items = m_settings.emits;
        for (const QString &kind : {QStringLiteral("bridge"), QStringLiteral("raw")}) {
            m_raw.resetItems();
            int bridgeItems = 0;
            const auto counter = connect(&m_harness->bridge(), &Bridge::pageEvent, this,
                                         [&bridgeItems](const QString &event) {
                                             if (event == QLatin1String("bench.item"))
                                                 ++bridgeItems;
                                         });
            const double perSecond = perSecondOf(startInPage(
                QStringLiteral("__bench.emits('%1', %2)").arg(kind).arg(m_settings.emits)));
            disconnect(counter);
            const int received
                = kind == QLatin1String("bridge") ? bridgeItems : m_raw.itemsReceived();
            if (perSecond <= 0 || received != m_settings.emits)
                return fail(QStringLiteral("%1 page→native items: %2 of %3 arrived")
                                .arg(kind)
                                .arg(received)
                                .arg(m_settings.emits));
            (kind == QLatin1String("bridge") ? run.bridgePerSecond : run.rawPerSecond) = perSecond;
        }
        m_emits.append(run);
    }
    return true;
}

bool BenchmarkRunner::measureItems()
{
    for (const int window : kItemWindows) {
        QList<double> perSecond;
        for (int round = 0; round < std::max(1, m_settings.rounds / 2); ++round) {
            const double rate = perSecondOf(startInPage(
                QStringLiteral("__bench.items(%1, %2)").arg(m_settings.items).arg(window)));
            if (rate <= 0)
                return fail(
                    QStringLiteral("Channel items with window %1: %2").arg(window).arg(m_error));
            perSecond.append(rate);
        }
        m_items.append({window, median(perSecond)});
    }
    return true;
}

bool BenchmarkRunner::measureBytes()
{
    const auto msOf = [](const std::optional<QJsonValue> &value) {
        return value ? value->toObject().value(QStringLiteral("ms")).toDouble() : 0;
    };
    for (const bool down : {true, false}) {
        for (const qint64 size : m_settings.bytesDown) {
            QList<double> bridge, raw;
            for (int round = 0; round < std::max(1, m_settings.rounds / 2); ++round) {
                for (const QString &kind : {QStringLiteral("bridge"), QStringLiteral("raw")}) {
                    const double ms = msOf(startInPage(QStringLiteral("__bench.%1('%2', %3)")
                                                           .arg(down ? "bytesDown" : "bytesUp")
                                                           .arg(kind)
                                                           .arg(size)));
                    if (ms <= 0)
                        return fail(QStringLiteral("%1 bytes %2 on %3: %4")
                                        .arg(size)
                                        .arg(down ? "native→page" : "page→native")
                                        .arg(kind, m_error));
                    (kind == QLatin1String("bridge") ? bridge : raw).append(ms);
                }
            }
            (down ? m_bytesDown : m_bytesUp).append({size, median(bridge), median(raw)});
        }
    }

    QTemporaryDir dir;
    QFile file(dir.filePath(QStringLiteral("big")));
    if (!dir.isValid() || !file.open(QIODevice::WriteOnly))
        return fail(QStringLiteral("cannot write a file to stream"));
    QByteArray block(1 << 20, Qt::Uninitialized);
    for (qsizetype i = 0; i < block.size(); ++i)
        block[i] = char((i * 131 + 7) & 0xff);
    for (qint64 written = 0; written < m_settings.bigFile; written += block.size())
        file.write(block);
    file.close();
    ProcessMemory native(QCoreApplication::applicationPid());
    ProcessMemory renderer(m_harness->page().renderProcessPid());
    for (const bool whole : {false, true}) {
        native.start();
        renderer.start();
        const double ms = msOf(startInPage(QStringLiteral("__bench.fileDown('%1', %2)")
                                               .arg(file.fileName(), whole ? "true" : "false")));
        if (ms <= 0)
            return fail(
                QStringLiteral("streaming %1 to the page: %2").arg(file.fileName(), m_error));
        m_bigFiles.append(
            {m_settings.bigFile, whole, ms, native.peakGrowthMiB(), renderer.peakGrowthMiB()});
    }
    return true;
}

void BenchmarkRunner::printWireTables(QTextStream &out) const
{
    out << "\n(f) calls in flight: n echo calls started at once and all awaited, bridge (async "
           "thread) against raw-thread (QFuture from a worker QThread);\n"
           "    the bridge's peak memory growth over the run (VmHWM less VmRSS before), native and "
           "renderer\n";
    out << QStringLiteral("  %1 %2 %3 %4 %5 %6 %7 %8\n")
               .arg(QStringLiteral("in flight"), 10)
               .arg(QStringLiteral("bridge/s"), 12)
               .arg(QStringLiteral("µs/call"), 9)
               .arg(QStringLiteral("raw-thread/s"), 13)
               .arg(QStringLiteral("µs/call"), 9)
               .arg(QStringLiteral("ratio"), 7)
               .arg(QStringLiteral("native MiB"), 11)
               .arg(QStringLiteral("renderer MiB"), 13);
    for (const InFlightRun &run : m_inFlight) {
        out << QStringLiteral("  %1 %2 %3 %4 %5 %6x %7 %8\n")
                   .arg(run.calls, 10)
                   .arg(number(run.bridgePerSecond, 0), 12)
                   .arg(number(1e6 / std::max(run.bridgePerSecond, 1.0), 2), 9)
                   .arg(number(run.rawThreadPerSecond, 0), 13)
                   .arg(number(1e6 / std::max(run.rawThreadPerSecond, 1.0), 2), 9)
                   .arg(number(run.bridgePerSecond / std::max(run.rawThreadPerSecond, 1.0), 2), 6)
                   .arg(number(run.nativePeakMiB, 1), 11)
                   .arg(number(run.rendererPeakMiB, 1), 13);
    }
    printBends(out, QStringLiteral("inflight"));

    out << "\n(g) page->native items: n emits (batched) against n raw invokable calls, each "
           "followed by one awaited call\n";
    for (const EmitRun &run : m_emits) {
        out << QStringLiteral("  %1 items: bridge %2/s, raw %3/s, ratio %4x\n")
                   .arg(run.items)
                   .arg(number(run.bridgePerSecond, 0))
                   .arg(number(run.rawPerSecond, 0))
                   .arg(number(run.bridgePerSecond / std::max(run.rawPerSecond, 1.0), 2));
    }
}

void BenchmarkRunner::printBytesTables(QTextStream &out) const
{
    const double rawPerSecond = median(m_events[int(Path::Raw)]);
    out << "\n(h) native->page items through a Channel (" << m_settings.items
        << " {i} items, ordered, credit-paced) against one raw signal per item ("
        << number(rawPerSecond, 0) << "/s in (b))\n";
    for (const ItemsRun &run : m_items)
        out << QStringLiteral("  window %1: %2 items/s, %3x\n")
                   .arg(run.window)
                   .arg(number(run.perSecond, 0))
                   .arg(number(run.perSecond / std::max(rawPerSecond, 1.0), 1));
    printBends(out, QStringLiteral("items"));
    const auto bytesRows = [&out](const QList<BytesRun> &runs) {
        for (const BytesRun &run : runs) {
            out << QStringLiteral("  %1: bridge %2 ms (%3 MB/s), string %4 ms (%5 MB/s), %6x\n")
                       .arg(payloadName(run.size, QStringLiteral(" ")))
                       .arg(number(run.bridgeMs, 1))
                       .arg(number(double(run.size) / 1e3 / std::max(run.bridgeMs, 1e-3), 0))
                       .arg(number(run.rawMs, 1))
                       .arg(number(double(run.size) / 1e3 / std::max(run.rawMs, 1e-3), 0))
                       .arg(number(run.rawMs / std::max(run.bridgeMs, 1e-3), 1));
        }
    };
    out << "\n(i) bytes native->page: the bridge's bytes (app:// fetch, arrayBuffer) against one "
           "hand-written QString\n";
    bytesRows(m_bytesDown);
    printBends(out, QStringLiteral("bytes_down"));
    out << "\n(j) bytes page->native: a Schema::bytes() argument (staged in the page, read out of "
           "it as binary) "
           "against one hand-written QString argument\n";
    bytesRows(m_bytesUp);
    printBends(out, QStringLiteral("bytes_up"));
    for (const BigFileRun &run : m_bigFiles) {
        out << QStringLiteral("  %1 MiB file %2: %3 ms; peak growth native %4 MiB, renderer %5 "
                              "MiB\n")
                   .arg(double(run.size) / (1 << 20), 0, 'f', 0)
                   .arg(run.whole ? QStringLiteral("read whole") : QStringLiteral("streamed"))
                   .arg(number(run.ms, 0))
                   .arg(number(run.nativeGrowthMiB, 1))
                   .arg(number(run.rendererGrowthMiB, 1));
    }
}

void BenchmarkRunner::printWireResults(QTextStream &out) const
{
    double bestItems = 0;
    for (const ItemsRun &run : m_items) {
        out << "RESULT items_window_" << run.window << "_per_s=" << number(run.perSecond, 0)
            << '\n';
        bestItems = std::max(bestItems, run.perSecond);
    }
    const double itemsRatio = bestItems / std::max(median(m_events[int(Path::Raw)]), 1.0);
    out << "RESULT items_ratio=" << number(itemsRatio, 2) << '\n'
        << "RESULT items_target_met=" << (itemsRatio >= kItemsTarget ? 1 : 0) << '\n';
    const auto bytesResults = [&out](const char *way, const QList<BytesRun> &runs, double target) {
        for (const BytesRun &run : runs) {
            const QString key = QStringLiteral("RESULT bytes_%1_%2_")
                                    .arg(QLatin1String(way), payloadName(run.size, {}).toLower());
            const double ratio = run.rawMs / std::max(run.bridgeMs, 1e-3);
            out << key << "bridge_ms=" << number(run.bridgeMs, 2) << '\n'
                << key << "string_ms=" << number(run.rawMs, 2) << '\n'
                << key << "ratio=" << number(ratio, 2) << '\n';
            if (run.size == qint64(16) << 20)
                out << "RESULT bytes_" << way << "_target_met=" << (ratio >= target ? 1 : 0)
                    << '\n';
        }
    };
    bytesResults("down", m_bytesDown, kBytesDownTarget);
    bytesResults("up", m_bytesUp, kBytesUpTarget);
    for (const BigFileRun &run : m_bigFiles) {
        const double payloadMiB = double(run.size) / (1 << 20);
        const char *how = run.whole ? "whole" : "streamed";
        out << "RESULT bigfile_" << how << "_ms=" << number(run.ms, 0) << '\n'
            << "RESULT bigfile_" << how << "_native_growth_mib=" << number(run.nativeGrowthMiB, 1)
            << '\n'
            << "RESULT bigfile_" << how
            << "_renderer_growth_mib=" << number(run.rendererGrowthMiB, 1) << '\n'
            << "RESULT bigfile_" << how << "_growth_target_met="
            << (std::max(run.nativeGrowthMiB, run.rendererGrowthMiB)
                        <= kBigFileGrowthTarget * payloadMiB
                    ? 1
                    : 0)
            << '\n';
    }
    double atTarget = 0;
    for (const InFlightRun &run : m_inFlight) {
        const double ratio = run.bridgePerSecond / std::max(run.rawThreadPerSecond, 1.0);
        out << "RESULT inflight_" << run.calls << "_bridge_per_s=" << number(run.bridgePerSecond, 0)
            << '\n'
            << "RESULT inflight_" << run.calls
            << "_raw_thread_per_s=" << number(run.rawThreadPerSecond, 0) << '\n'
            << "RESULT inflight_" << run.calls << "_ratio=" << number(ratio, 2) << '\n';
        if (run.calls == kInFlightTargetAt)
            atTarget = ratio;
    }
    // Flat: the cost per call with the most calls in flight against the fewest.
    double flatness = 0;
    if (m_inFlight.size() > 1)
        flatness = m_inFlight.constFirst().bridgePerSecond
                   / std::max(m_inFlight.constLast().bridgePerSecond, 1.0);
    QList<double> emitRatios;
    for (const EmitRun &run : m_emits)
        emitRatios.append(run.bridgePerSecond / std::max(run.rawPerSecond, 1.0));
    const double emitRatio = median(emitRatios);
    out << "RESULT inflight_cost_growth=" << number(flatness, 2) << '\n'
        << "RESULT emits_ratio=" << number(emitRatio, 2) << '\n';
    if (atTarget > 0)
        out << "RESULT inflight_target_met=" << (atTarget >= kInFlightTarget ? 1 : 0) << '\n';
    if (flatness > 0)
        out << "RESULT inflight_flat_target_met=" << (flatness <= kFlatTarget ? 1 : 0) << '\n';
    out << "RESULT emits_target_met=" << (emitRatio >= kEmitsTarget ? 1 : 0) << '\n';
}

} // namespace Conduit::Benchmark
