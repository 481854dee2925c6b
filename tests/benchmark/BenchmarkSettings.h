#pragma once

#include <chrono>

namespace Conduit::Benchmark {

// How much to measure. The full run stays well under a minute on two busy cores; the quick one
// only proves that every measurement can still be taken (ctest smoke run).
struct BenchmarkSettings
{
    int warmupCalls = 300;                    // per path, before the first round
    int calls = 1000;                         // sequential invokes per path and round
    int events = 20000;                       // native→page events per path and round
    int rounds = 7;                           // the medians are taken over these
    std::chrono::milliseconds timeout{30000}; // for any one step

    static BenchmarkSettings quick()
    {
        BenchmarkSettings settings;
        settings.warmupCalls = 20;
        settings.calls = 50;
        settings.events = 1000;
        settings.rounds = 2;
        return settings;
    }
};

} // namespace Conduit::Benchmark
