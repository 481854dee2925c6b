// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QString>

#include <algorithm>

namespace Conduit::Benchmark {

// The middle of the measured values (the mean of the two middle ones for an even count); 0 for
// none. Medians, not means: one stall on a shared machine must not move the figure.
inline double median(QList<double> values)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    const qsizetype mid = values.size() / 2;
    return values.size() % 2 ? values.at(mid) : (values.at(mid - 1) + values.at(mid)) / 2;
}

// A figure for the report, with this many decimals.
inline QString number(double value, int decimals)
{
    return QString::number(value, 'f', decimals);
}

} // namespace Conduit::Benchmark
