// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QString>

#include <optional>

namespace Conduit::Benchmark {

// How one cost (time, memory) grows with the amount of work (calls in flight, items per window,
// payload size, tasks), and where it bends. The rule lives in bendAt() only; every table of the
// report uses it.
class Curve final
{
public:
    // A step of the curve: at `x` (what grows), the work came to `units` (calls, items, MiB,
    // tasks; usually x) and cost `total` (ms, MiB) in all, or at least that much (`atLeast`: the
    // step ran out of time; a bend it shows is real, a bend it hides is not ruled out).
    struct Point
    {
        double x = 0;
        double units = 0;
        double total = 0;
        bool atLeast = false;
        double perUnit() const { return units > 0 ? total / units : 0; }
    };
    // How a figure is shown: value × factor, with `decimals`, then `unit` (" MiB", " µs/call").
    struct Scale
    {
        QString unit;
        double factor = 1;
        int decimals = 0;
        QString format(double value) const;
    };

    // A curve bends at a step whose cost per unit is more than this times the step's before.
    static constexpr double kBendFactor = 1.5;

    // The index of the first point whose cost per unit is more than `factor` times that of the
    // last point before it that counts; a point counts when its total is above `floor` (what
    // the measurement cannot tell from noise, e.g. RSS moving by a few pages) and above 0.
    // nullopt when the curve is flat across its range or has fewer than two points that count.
    static std::optional<qsizetype> bendAt(const QList<Point> &points, double floor = 0,
                                           double factor = kBendFactor);

    // key: a RESULT name (bend_<key>); name: what the report calls it.
    Curve(QString key, QString name, Scale x, Scale perUnit, double floor = 0);

    void add(double x, double units, double total, bool atLeast = false)
    {
        m_points.append({x, units, total, atLeast});
    }
    QString key() const { return m_key; }
    const QList<Point> &points() const { return m_points; }
    std::optional<qsizetype> bend() const { return bendAt(m_points, m_floor); }
    // "bend, <name>: bends at 10000 tasks: 41.2 µs/task -> 98.0 µs/task (2.38x)", "…: flat
    // across 1 ... 10000 tasks (60.0 µs/task -> 41.2 µs/task, largest step 1.20x, none above
    // 1.5x)", or why there is nothing to compare.
    QString describe() const;

private:
    QString perUnit(const Point &point) const; // ">= " first for a lower bound

    QString m_key;
    QString m_name;
    Scale m_x;
    Scale m_perUnit;
    double m_floor = 0;
    QList<Point> m_points;
};

} // namespace Conduit::Benchmark
