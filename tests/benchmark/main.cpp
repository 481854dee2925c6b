// SPDX-License-Identifier: MIT
// conduit_bench: the bridge against raw QWebChannel, and the task runtime (cancel latency,
// frame gaps under a progress flood, hashing against sha256sum), in real QtWebEngine offscreen.
// Prints a table and RESULT lines; exits non-zero only when a measurement could not be taken (the
// targets are reported, not asserted).
#include "BenchmarkRunner.h"
#include "BenchmarkSettings.h"
#include "startup/StartupBenchmark.h"
#include <app/AppScheme.h>

#include <QApplication>
#include <QCommandLineParser>
#include <QLoggingCategory>
#include <QTextStream>

#include <cstdio>

namespace {

void setDefaultEnvironment(const char *name, const char *value)
{
    if (qEnvironmentVariableIsEmpty(name))
        qputenv(name, value);
}

// Returns false (after printing why) when an option is not a positive number.
bool readCount(const QCommandLineParser &parser, const QCommandLineOption &option, int &count)
{
    if (!parser.isSet(option))
        return true;
    bool ok = false;
    const int value = parser.value(option).toInt(&ok);
    if (!ok || value <= 0) {
        std::fprintf(stderr, "conduit_bench: --%s wants a positive number\n",
                     qPrintable(option.names().constFirst()));
        return false;
    }
    count = value;
    return true;
}

// The same for a comma-separated list of positive numbers.
bool readCounts(const QCommandLineParser &parser, const QCommandLineOption &option,
                QList<int> &counts)
{
    if (!parser.isSet(option))
        return true;
    QList<int> values;
    for (const QString &part : parser.value(option).split(QLatin1Char(','))) {
        bool ok = false;
        const int n = part.toInt(&ok);
        if (!ok || n <= 0) {
            std::fprintf(stderr, "conduit_bench: --%s wants positive numbers, comma-separated\n",
                         qPrintable(option.names().constFirst()));
            return false;
        }
        values.append(n);
    }
    counts = values;
    return true;
}

} // namespace

int main(int argc, char *argv[])
{
    // Headless, real QtWebEngine; as in the test environment unless the caller says otherwise.
    setDefaultEnvironment("QT_QPA_PLATFORM", "offscreen");
    setDefaultEnvironment("QTWEBENGINE_DISABLE_SANDBOX", "1");
    setDefaultEnvironment("QTWEBENGINE_CHROMIUM_FLAGS",
                          "--disable-gpu --disable-background-networking --no-first-run");
    Conduit::AppScheme::registerScheme();
    QCoreApplication::setAttribute(Qt::AA_ShareOpenGLContexts);
    QApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("conduit_bench"));
    // The page's console goes to conduit.page.debug; keep it out of the table.
    QLoggingCategory::setFilterRules(QStringLiteral("conduit.*.debug=false"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Measures Conduit's bridge against raw QWebChannel on the real page: serial invoke "
        "round trips and native-to-page events per second; then task cancel latency, frame gaps "
        "under a progress flood, the hash task against sha256sum, and the cost of 1 to 10 000 "
        "tasks. Says where each curve bends."));
    parser.addHelpOption();
    const QCommandLineOption quick(
        QStringLiteral("quick"),
        QStringLiteral("Small counts: proves the measurements still work."));
    const QCommandLineOption rounds(QStringLiteral("rounds"),
                                    QStringLiteral("Rounds per measurement."), QStringLiteral("n"));
    const QCommandLineOption calls(QStringLiteral("calls"),
                                   QStringLiteral("Sequential invokes per path and round."),
                                   QStringLiteral("n"));
    const QCommandLineOption events(QStringLiteral("events"),
                                    QStringLiteral("Native-to-page events per path and round."),
                                    QStringLiteral("n"));
    const QCommandLineOption warmup(
        QStringLiteral("warmup"), QStringLiteral("Warm-up invokes per path."), QStringLiteral("n"));
    const QCommandLineOption cancels(QStringLiteral("cancels"),
                                     QStringLiteral("Measured task cancels."), QStringLiteral("n"));
    const QCommandLineOption floodMs(
        QStringLiteral("flood-ms"),
        QStringLiteral("Milliseconds of frame gaps per progress-flood phase."),
        QStringLiteral("ms"));
    const QCommandLineOption hashMb(
        QStringLiteral("hash-mb"),
        QStringLiteral("MiB hashed per case (one file; then a folder of as much)."),
        QStringLiteral("n"));
    const QCommandLineOption wireOnly(
        QStringLiteral("wire-only"),
        QStringLiteral(
            "Only the wire: round trips, events, calls in flight, page-to-native items."));
    const QCommandLineOption inFlight(
        QStringLiteral("in-flight"),
        QStringLiteral("Calls in flight per run, comma-separated (default 1000,20000,100000)."),
        QStringLiteral("n,…"));
    const QCommandLineOption tasks(
        QStringLiteral("tasks"),
        QStringLiteral("Hash tasks started at once per run, comma-separated (default "
                       "1,10,100,1000,10000; --quick: 1,10,100)."),
        QStringLiteral("n,…"));
    const QCommandLineOption emits(QStringLiteral("emits"),
                                   QStringLiteral("Page-to-native items per path and round."),
                                   QStringLiteral("n"));
    const QCommandLineOption startup(
        QStringLiteral("startup"),
        QStringLiteral("Only start-up and idle memory: conduit against a hand-written page, as "
                       "processes."));
    parser.addOptions({quick, rounds, calls, events, warmup, cancels, floodMs, hashMb, wireOnly,
                       inFlight, tasks, emits, startup});
    parser.process(app);

    auto settings = parser.isSet(quick) ? Conduit::Benchmark::BenchmarkSettings::quick()
                                        : Conduit::Benchmark::BenchmarkSettings();
    if (!readCount(parser, rounds, settings.rounds) || !readCount(parser, calls, settings.calls)
        || !readCount(parser, events, settings.events)
        || !readCount(parser, warmup, settings.warmupCalls)
        || !readCount(parser, cancels, settings.cancels)
        || !readCount(parser, emits, settings.emits))
        return 2;
    if (!readCounts(parser, inFlight, settings.inFlight)
        || !readCounts(parser, tasks, settings.taskCounts))
        return 2;
    settings.wireOnly = parser.isSet(wireOnly);
    int floodDuration = int(settings.floodDuration.count());
    int hashMiB = int(settings.hashBytes >> 20);
    if (!readCount(parser, floodMs, floodDuration) || !readCount(parser, hashMb, hashMiB))
        return 2;
    settings.floodDuration = std::chrono::milliseconds(floodDuration);
    settings.hashBytes = qint64(hashMiB) << 20;

    if (parser.isSet(startup)) {
        Conduit::Benchmark::StartupBenchmark benchmark(QStringLiteral(CONDUIT_BINARY),
                                                       QStringLiteral(CONDUIT_STARTUP_BASELINE),
                                                       settings.rounds);
        if (!benchmark.run()) {
            std::fprintf(stderr, "conduit_bench: measurement failed: %s\n",
                         qPrintable(benchmark.error()));
            return 1;
        }
        QTextStream out(stdout);
        benchmark.print(out);
        return 0;
    }
    Conduit::Benchmark::BenchmarkRunner runner(settings);
    const bool measured = runner.run();
    QTextStream out(stdout);
    if (!measured) {
        out.flush();
        std::fprintf(stderr, "conduit_bench: measurement failed: %s\n", qPrintable(runner.error()));
        return 1;
    }
    runner.printReport(out);
    return 0;
}
