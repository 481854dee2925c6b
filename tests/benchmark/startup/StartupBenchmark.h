// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QString>
#include <QStringList>

class QTextStream;

namespace Conduit::Benchmark {

// conduit against the hand-written page (StartupBaseline), as processes: spawn to connected
// (--exit-after-load: the page's channel is up, then the process quits; timed to its exit, which
// both pay alike), and the proportional set size of each process tree once idle (the process and
// its QtWebEngine children: zygote, renderer, GPU/utility).
class StartupBenchmark
{
public:
    StartupBenchmark(QString conduit, QString baseline, int rounds);

    // False if a process did not start, connect or exit in time; error() says why.
    bool run();
    QString error() const { return m_error; }
    void print(QTextStream &out) const;

private:
    struct Program
    {
        QString label;
        QString path;
        QList<double> startMs;
        QList<double> idlePssMiB;
    };
    bool startOnce(Program &program);
    bool idleOnce(Program &program);

    Program m_conduit, m_baseline;
    int m_rounds;
    QString m_error;
};

} // namespace Conduit::Benchmark
