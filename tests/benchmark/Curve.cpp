// SPDX-License-Identifier: MIT
#include "Curve.h"

#include "Statistics.h"

#include <algorithm>
#include <utility>

namespace Conduit::Benchmark {

namespace {
// Whether a point takes part in the comparison (see Curve::bendAt).
bool counts(const Curve::Point &point, double floor)
{
    return point.total > std::max(floor, 0.0) && point.units > 0;
}
} // namespace

QString Curve::Scale::format(double value) const
{
    return number(value * factor, decimals) + unit;
}

std::optional<qsizetype> Curve::bendAt(const QList<Point> &points, double floor, double factor)
{
    std::optional<double> before; // cost per unit of the last point that counts
    for (qsizetype i = 0; i < points.size(); ++i) {
        const Point &point = points.at(i);
        if (!counts(point, floor))
            continue;
        if (before && point.perUnit() > factor * *before)
            return i;
        before = point.perUnit();
    }
    return std::nullopt;
}

QString Curve::perUnit(const Point &point) const
{
    return (point.atLeast ? QStringLiteral(">= ") : QString()) + m_perUnit.format(point.perUnit());
}

Curve::Curve(QString key, QString name, Scale x, Scale perUnit, double floor)
    : m_key(std::move(key))
    , m_name(std::move(name))
    , m_x(std::move(x))
    , m_perUnit(std::move(perUnit))
    , m_floor(floor)
{}

QString Curve::describe() const
{
    QList<Point> counted;
    for (const Point &point : m_points) {
        if (counts(point, m_floor))
            counted.append(point);
    }
    const QString prefix = QStringLiteral("bend, %1: ").arg(m_name);
    if (m_points.size() < 2)
        return prefix + QStringLiteral("%1 step, nothing to compare").arg(m_points.size());
    if (counted.size() < 2) {
        return prefix
               + QStringLiteral("%1 of %2 steps above the noise floor, nothing to compare")
                     .arg(counted.size())
                     .arg(m_points.size());
    }
    if (const auto at = bendAt(counted, m_floor)) {
        const Point &was = counted.at(*at - 1);
        const Point &is = counted.at(*at);
        return prefix
               + QStringLiteral("bends at %1: %2 -> %3 (%4%5x)")
                     .arg(m_x.format(is.x), perUnit(was), perUnit(is),
                          is.atLeast ? QStringLiteral(">= ") : QString(),
                          number(is.perUnit() / was.perUnit(), 2));
    }
    double largestStep = 0;
    for (qsizetype i = 1; i < counted.size(); ++i)
        largestStep = std::max(largestStep, counted.at(i).perUnit() / counted.at(i - 1).perUnit());
    return prefix
           + QStringLiteral("flat across %1 ... %2 (%3 -> %4, largest step %5x, none above %6x)")
                 .arg(number(counted.constFirst().x * m_x.factor, m_x.decimals),
                      m_x.format(counted.constLast().x), perUnit(counted.constFirst()),
                      perUnit(counted.constLast()), number(largestStep, 2), number(kBendFactor, 1));
}

} // namespace Conduit::Benchmark
