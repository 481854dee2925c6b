// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QtGlobal>

#include <chrono>

namespace Conduit::Benchmark {

// How much to measure. The full run takes about 10 minutes on two busy cores: half of it the
// 10 000 tasks while the page cannot keep up with them (each task-count step has a budget, see
// TaskBenchmarks.cpp), much of the rest sha256sum reading 2 GB. The quick one only proves that
// every measurement can still be taken (ctest smoke run).
struct BenchmarkSettings
{
    int warmupCalls = 300;                    // per path, before the first round
    int calls = 1000;                         // sequential invokes per path and round
    int events = 20000;                       // native→page events per path and round
    int rounds = 7;                           // the medians are taken over these
    QList<int> inFlight{1000, 20000, 100000}; // calls started at once, per run
    int emits = 100000;                       // page→native items per path and round
    int items = 200000;                       // native→page Channel items per window and round
    QList<qint64> bytesDown{64 << 10, 1 << 20, 4 << 20, 16 << 20, 64 << 20}; // payloads each way
    qint64 bigFile = qint64(256) << 20; // streamed to the page, memory measured
    bool wireOnly = false;              // skip the task runtime's measurements
    int cancels = 60;                   // measured cancels (after cancelWarmup)
    int cancelWarmup = 3;
    int floodTasks = 8;                            // count tasks publishing progress at once
    std::chrono::milliseconds floodDuration{3000}; // frame gaps measured per phase
    qint64 hashBytes = qint64(1) << 30;            // per hash case: one file, then a folder
    int hashFolderFiles = 256; // the folder case: hashBytes over this many files
    int hashRounds = 3;        // per path and case, order alternating
    QList<int> taskCounts{1, 10, 100, 1000, 10000}; // hash tasks started at once, per run
    std::chrono::milliseconds timeout{30000};       // for any one step

    static BenchmarkSettings quick()
    {
        BenchmarkSettings settings;
        settings.warmupCalls = 20;
        settings.calls = 50;
        settings.events = 1000;
        settings.inFlight = {100, 1000};
        settings.emits = 1000;
        settings.items = 2000;
        settings.bytesDown = {64 << 10, 1 << 20};
        settings.bigFile = qint64(8) << 20;
        settings.rounds = 2;
        settings.cancels = 10;
        settings.cancelWarmup = 1;
        settings.floodDuration = std::chrono::milliseconds(1000);
        settings.hashBytes = qint64(100) << 20;
        settings.hashFolderFiles = 25;
        settings.hashRounds = 1;
        settings.taskCounts = {1, 10, 100};
        return settings;
    }
};

} // namespace Conduit::Benchmark
