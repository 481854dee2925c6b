// SPDX-License-Identifier: MIT
// The benchmark's bend rule (Curve::bendAt), which every table of conduit_bench reports with.
#include "Curve.h"

#include <QTest>

using namespace Conduit::Benchmark;

class tst_Curve : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void bendAt_data();
    void bendAt();
    void describe_data();
    void describe();

private:
    // One point per unit count, x = units, as the task and in-flight curves have them.
    static QList<Curve::Point> points(const QList<double> &units, const QList<double> &totals);
};

QList<Curve::Point> tst_Curve::points(const QList<double> &units, const QList<double> &totals)
{
    QList<Curve::Point> result;
    for (qsizetype i = 0; i < units.size(); ++i)
        result.append({units.at(i), units.at(i), totals.at(i)});
    return result;
}

void tst_Curve::bendAt_data()
{
    QTest::addColumn<QList<double>>("units");
    QTest::addColumn<QList<double>>("totals");
    QTest::addColumn<double>("floor");
    QTest::addColumn<int>("expected"); // the index of the bend, -1 for none

    const QList<double> decades{1, 10, 100, 1000};
    QTest::newRow("flat") << decades << QList<double>{1, 10, 120, 1100} << 0.0 << -1;
    QTest::newRow("bends at the third step")
        << decades << QList<double>{1, 10, 200, 5000} << 0.0 << 2;
    // A fixed cost spread over more units first, then a real bend against the cheapest step.
    QTest::newRow("falls, then bends") << decades << QList<double>{5, 10, 40, 1000} << 0.0 << 3;
    QTest::newRow("exactly the factor is no bend")
        << QList<double>{1, 2} << QList<double>{1, 3} << 0.0 << -1;
    QTest::newRow("single point") << QList<double>{1} << QList<double>{3} << 0.0 << -1;
    QTest::newRow("no points") << QList<double>{} << QList<double>{} << 0.0 << -1;
    // 0.01 then 0.5 MiB is noise, not five times the memory per unit.
    QTest::newRow("noise counts without a floor")
        << decades << QList<double>{0.01, 0.5, 2, 12} << 0.0 << 1;
    QTest::newRow("noise under the floor is left out")
        << decades << QList<double>{0.01, 0.5, 2, 12} << 1.0 << -1;
    QTest::newRow("only one point above the floor")
        << decades << QList<double>{0.01, 0.2, 0.5, 12} << 1.0 << -1;
    QTest::newRow("a shrinking total is left out")
        << QList<double>{1, 10, 100} << QList<double>{-3, 5, 60} << 0.0 << -1;
}

void tst_Curve::bendAt()
{
    QFETCH(QList<double>, units);
    QFETCH(QList<double>, totals);
    QFETCH(double, floor);
    QFETCH(int, expected);
    const auto at = Curve::bendAt(points(units, totals), floor);
    QCOMPARE(at ? int(*at) : -1, expected);
}

void tst_Curve::describe_data()
{
    QTest::addColumn<QList<double>>("units");
    QTest::addColumn<QList<double>>("totals");
    QTest::addColumn<bool>("lastAtLeast"); // the last step ran out of time
    QTest::addColumn<QString>("expected");

    const QList<double> decades{1, 10, 100, 1000};
    QTest::newRow("flat") << decades << QList<double>{1, 10, 120, 1100} << false
                          << QStringLiteral(
                                 "bend, time: flat across 1 ... 1000 tasks (1000 µs/task "
                                 "-> 1100 µs/task, largest step 1.20x, none above 1.5x)");
    QTest::newRow("bends") << decades << QList<double>{1, 10, 200, 5000} << false
                           << QStringLiteral("bend, time: bends at 100 tasks: 1000 µs/task -> "
                                             "2000 µs/task (2.00x)");
    QTest::newRow("bends at a lower bound")
        << decades << QList<double>{1, 10, 120, 3000} << true
        << QStringLiteral("bend, time: bends at 1000 tasks: 1200 µs/task -> >= 3000 µs/task "
                          "(>= 2.50x)");
    QTest::newRow("single point") << QList<double>{1} << QList<double>{3} << false
                                  << QStringLiteral("bend, time: 1 step, nothing to compare");
    QTest::newRow("no step above the floor")
        << decades << QList<double>{-1, 0, 0, 0} << false
        << QStringLiteral("bend, time: 0 of 4 steps above the noise floor, nothing to compare");
}

void tst_Curve::describe()
{
    QFETCH(QList<double>, units);
    QFETCH(QList<double>, totals);
    QFETCH(bool, lastAtLeast);
    QFETCH(QString, expected);
    Curve curve(QStringLiteral("tasks_time"), QStringLiteral("time"), {QStringLiteral(" tasks")},
                {QStringLiteral(" µs/task"), 1000});
    const QList<Curve::Point> all = points(units, totals);
    for (qsizetype i = 0; i < all.size(); ++i)
        curve.add(all.at(i).x, all.at(i).units, all.at(i).total,
                  lastAtLeast && i == all.size() - 1);
    QCOMPARE(curve.describe(), expected);
}

QTEST_APPLESS_MAIN(tst_Curve)
#include "tst_curve.moc"
