// SPDX-License-Identifier: MIT
// A thousand live tasks, from the page's side: listing them, reloading the page, and keeping
// the dashboard responsive while they run. Prints the figures it measures.
#include "E2eMain.h"
#include "PageHarness.h"
#include <app/AppPage.h>

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

using namespace Conduit;
using namespace std::chrono_literals;

namespace {
constexpr int kTasks = 1000;
} // namespace

class tst_E2eScale : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void listAnswersQuickly();
    void dashboardStaysResponsive();
    void reloadAnswersAndReattachesQuickly();

private:
    int renderedRows();
    std::unique_ptr<PageHarness> m_harness;
};

int tst_E2eScale::renderedRows()
{
    return m_harness
        ->run(QStringLiteral("document.querySelectorAll('[data-testid=task-row]').length"))
        .toInt();
}

void tst_E2eScale::initTestCase()
{
    m_harness = std::make_unique<PageHarness>(1s);
    QVERIFY(m_harness->load());
    // Two run (one per core, reporting progress), the rest wait in the queue: all are live.
    const QJsonObject started = m_harness->await(QStringLiteral(R"js(
        const all = [];
        for (let i = 0; i < %1; i++)
            all.push(conduit.invoke('tasks.start', {kind: 'count', params: {to: 1000000, stepMs: 5}}));
        return (await Promise.all(all)).length;)js")
                                                     .arg(kTasks),
                                                 60s);
    QCOMPARE(started.value("value").toInt(), kTasks);
    QTRY_COMPARE_WITH_TIMEOUT(renderedRows(), kTasks, 30000);
}

void tst_E2eScale::listAnswersQuickly()
{
    const QJsonObject r = m_harness->await(QStringLiteral(R"js(
        const times = [];
        let count = 0;
        for (let i = 0; i < 10; i++) {
            const start = performance.now();
            count = (await conduit.invoke('tasks.list', {})).length;
            times.push(performance.now() - start);
        }
        times.sort((a, b) => a - b);
        return {count, median: times[5], max: times[9]};)js"),
                                           30s);
    const QJsonObject v = r.value("value").toObject();
    qInfo("tasks.list with %d tasks: median %.1f ms, max %.1f ms", v.value("count").toInt(),
          v.value("median").toDouble(), v.value("max").toDouble());
    QCOMPARE(v.value("count").toInt(), kTasks);
    QVERIFY2(v.value("median").toDouble() < 50, "tasks.list is slower than 50 ms");
}

void tst_E2eScale::dashboardStaysResponsive()
{
    const QJsonObject r = m_harness->await(QStringLiteral(R"js(
        const gaps = [];
        let last = performance.now();
        await new Promise((resolve) => {
            const end = last + 3000;
            const frame = (now) => {
                gaps.push(now - last);
                last = now;
                if (now < end) requestAnimationFrame(frame); else resolve();
            };
            requestAnimationFrame(frame);
        });
        gaps.sort((a, b) => a - b);
        return {frames: gaps.length, p50: gaps[Math.floor(gaps.length * 0.5)],
                p99: gaps[Math.floor(gaps.length * 0.99)], max: gaps[gaps.length - 1]};)js"),
                                           30s);
    const QJsonObject v = r.value("value").toObject();
    qInfo("frames over 3 s with %d tasks: %d, gap p50 %.1f ms, p99 %.1f ms, max %.1f ms", kTasks,
          v.value("frames").toInt(), v.value("p50").toDouble(), v.value("p99").toDouble(),
          v.value("max").toDouble());
    QVERIFY2(v.value("p99").toDouble() < 50, "the frame gap p99 is 50 ms or more");
}

void tst_E2eScale::reloadAnswersAndReattachesQuickly()
{
    QSignalSpy attached(&m_harness->bridge(), &Bridge::pageAttached);
    QElapsedTimer timer;
    timer.start();
    m_harness->page().triggerAction(QWebEnginePage::Reload);
    QVERIFY(attached.wait(30000));
    const qint64 helloMs = timer.elapsed();
    // Answering again: the first call after the hello comes back.
    const QJsonObject echo = m_harness->await(
        QStringLiteral("await conduit.ready(); return (await conduit.invoke('echo', {text: "
                       "'back'})).text;"),
        30s);
    const qint64 answeringMs = timer.elapsed();
    QCOMPARE(echo.value("value").toString(), QStringLiteral("back"));
    // Reattached: every task is on the dashboard again and the page asked for all of them.
    QTRY_VERIFY_WITH_TIMEOUT(
        renderedRows() == kTasks && m_harness->bridge().pendingCallCount() == 0, 30000);
    const qint64 reattachedMs = timer.elapsed();
    qInfo("reload with %d tasks: hello after %lld ms, answering after %lld ms, all %d rows "
          "back after %lld ms",
          kTasks, qlonglong(helloMs), qlonglong(answeringMs), renderedRows(),
          qlonglong(reattachedMs));
    QVERIFY2(answeringMs < 1000, "the page was not answering within 1 s of the reload");
    QVERIFY2(reattachedMs < 3000, "the tasks were not all back within 3 s of the reload");
}

CONDUIT_E2E_MAIN(tst_E2eScale)
#include "tst_e2e_scale.moc"
