// SPDX-License-Identifier: MIT
// The wire end to end: the real page's client, QWebChannel, the bridge, the async thread.
#include "E2eMain.h"
#include "PageHarness.h"

#include <bridge/BridgeLimits.h>
#include <worker/TaskManager.h>

#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

using namespace Conduit;
using namespace std::chrono_literals;

class tst_E2eBridge : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void invokeRoundTrip();
    void processAnswersLater();
    void pageEmitReachesNative();
    void nativeEventReachesPage();
    void nativeRequestAnsweredByPage();
    void nativeRequestWithoutHandler();
    void ticksArriveUnasked();
    void invokeTimeoutRejects();
    void abortSignalCancelsNativeFuture();
    void refusedCallsChangeNothing_data();
    void refusedCallsChangeNothing();
    void malformedEnvelopeIsDropped();
    void pageAndNativeAgreeOnTheRules();

private:
    std::unique_ptr<PageHarness> m_harness;
};

void tst_E2eBridge::initTestCase()
{
    m_harness = std::make_unique<PageHarness>(100ms);
    QVERIFY(m_harness->load());
}

void tst_E2eBridge::invokeRoundTrip()
{
    const QJsonObject r = m_harness->await(
        QStringLiteral("return await conduit.invoke('echo', {text: 'grüß dich'});"));
    QVERIFY2(r.value("ok").toBool(),
             qPrintable(r.value("error").toObject().value("message").toString()));
    QCOMPARE(r.value("value").toObject().value("text").toString(), QStringLiteral("grüß dich"));
}

void tst_E2eBridge::processAnswersLater()
{
    const QJsonObject r = m_harness->await(QStringLiteral(R"js(
        const got = new Promise((resolve) => {
          const off = conduit.listen('process.output', (p) => { if (p.text === 'later') { off(); resolve(p); } });
        });
        const sent = await conduit.invoke('process.tell', {text: 'later'});
        const output = await got;
        return {sent: sent.id, output: output.id};
    )js"));
    QVERIFY(r.value("ok").toBool());
    const QJsonObject v = r.value("value").toObject();
    QVERIFY(v.value("sent").toInt() > 0);
    QCOMPARE(v.value("output").toInt(), v.value("sent").toInt());
}

void tst_E2eBridge::pageEmitReachesNative()
{
    QSignalSpy spy(&m_harness->bridge(), &Bridge::pageEvent);
    m_harness->run(QStringLiteral("conduit.emit('test.ping', {n: 42}); true"));
    QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 1, 5000);
    QCOMPARE(spy.at(0).at(0).toString(), QStringLiteral("test.ping"));
    QCOMPARE(spy.at(0).at(1).value<QJsonValue>().toObject().value("n").toInt(), 42);
}

void tst_E2eBridge::nativeEventReachesPage()
{
    m_harness->run(QStringLiteral(R"js(
        window.__events = [];
        window.__off = conduit.listen('test.event', (p) => window.__events.push(p.n)); true)js"));
    for (int n = 0; n < 5; ++n)
        m_harness->bridge().emitEvent(QStringLiteral("test.event"), QJsonObject{{"n", n}});
    QTRY_COMPARE_WITH_TIMEOUT(
        m_harness->run(QStringLiteral("window.__events.join(',')")).toString(),
        QStringLiteral("0,1,2,3,4"), 5000);
    // After unlisten the page's listener hears nothing more.
    m_harness->run(QStringLiteral("window.__off(); true"));
    m_harness->bridge().emitEvent(QStringLiteral("test.event"), QJsonObject{{"n", 5}});
    const QJsonObject r = m_harness->await(QStringLiteral(
        "await conduit.invoke('echo', {text: 'flush'}); return window.__events.length;"));
    QCOMPARE(r.value("value").toInt(), 5);
}

void tst_E2eBridge::nativeRequestAnsweredByPage()
{
    m_harness->run(QStringLiteral("conduit.handle('sum', async ({a, b}) => a + b); true"));
    QFuture<QJsonValue> answer
        = m_harness->bridge().request(QStringLiteral("sum"), {{"a", 2}, {"b", 3}});
    QTRY_VERIFY_WITH_TIMEOUT(answer.isFinished(), 5000);
    QCOMPARE(answer.result().toInt(), 5);
}

void tst_E2eBridge::nativeRequestWithoutHandler()
{
    QFuture<QJsonValue> answer = m_harness->bridge().request(QStringLiteral("nobody.home"));
    QTRY_VERIFY_WITH_TIMEOUT(answer.isFinished(), 5000);
    try {
        answer.result();
        QFAIL("a request without a page handler must fail");
    } catch (const CommandError &error) {
        QCOMPARE(error.code(), QStringLiteral("unknown_command"));
    }
}

void tst_E2eBridge::ticksArriveUnasked()
{
    const QJsonObject r = m_harness->await(QStringLiteral(R"js(
        const counts = [];
        await new Promise((resolve) => {
          const off = conduit.listen('process.tick', (p) => { counts.push(p.count); if (counts.length === 3) { off(); resolve(); } });
        });
        return counts;)js"));
    QVERIFY(r.value("ok").toBool());
    const QJsonArray counts = r.value("value").toArray();
    QCOMPARE(counts.size(), 3);
    QVERIFY(counts.at(0).toInt() < counts.at(1).toInt());
    QVERIFY(counts.at(1).toInt() < counts.at(2).toInt());
}

void tst_E2eBridge::invokeTimeoutRejects()
{
    // A native command that never answers unless cancelled.
    auto promise = std::make_shared<QPromise<QJsonValue>>();
    m_harness->bridge().commands().add(QStringLiteral("test.hang"), Schema::object(),
                                       [promise](const CommandCall &) {
                                           promise->start();
                                           return promise->future();
                                       });
    const QJsonObject r = m_harness->await(
        QStringLiteral("return await conduit.invoke('test.hang', {}, {timeoutMs: 150});"));
    QVERIFY(!r.value("ok").toBool());
    QCOMPARE(r.value("error").toObject().value("code").toString(), QStringLiteral("timeout"));
    QTRY_VERIFY_WITH_TIMEOUT(promise->isCanceled(), 5000);
    QTRY_COMPARE_WITH_TIMEOUT(m_harness->bridge().pendingCallCount(), 0, 5000);
}

void tst_E2eBridge::abortSignalCancelsNativeFuture()
{
    auto promise = std::make_shared<QPromise<QJsonValue>>();
    m_harness->bridge().commands().add(QStringLiteral("test.wait"), Schema::object(),
                                       [promise](const CommandCall &) {
                                           promise->start();
                                           return promise->future();
                                       });
    const QJsonObject r = m_harness->await(QStringLiteral(R"js(
        const controller = new AbortController();
        const call = conduit.invoke('test.wait', {}, {signal: controller.signal});
        setTimeout(() => controller.abort(), 50);
        return await call;)js"));
    QVERIFY(!r.value("ok").toBool());
    QCOMPARE(r.value("error").toObject().value("code").toString(), QStringLiteral("cancelled"));
    QTRY_VERIFY_WITH_TIMEOUT(promise->isCanceled(), 5000);
}

void tst_E2eBridge::refusedCallsChangeNothing_data()
{
    QTest::addColumn<QString>("call");
    QTest::addColumn<QString>("code");
    QTest::newRow("unknown command") << "conduit.invoke('no.such.command', {})"
                                     << "unknown_command";
    QTest::newRow("wrong type") << "conduit.invoke('echo', {text: 5})"
                                << "invalid_args";
    QTest::newRow("missing argument") << "conduit.invoke('echo', {})"
                                      << "invalid_args";
    QTest::newRow("unknown argument") << "conduit.invoke('echo', {text: 'a', extra: 1})"
                                      << "invalid_args";
    QTest::newRow("args not an object") << "conduit.invoke('echo', [1, 2])"
                                        << "invalid_args";
    QTest::newRow("text over its limit") << "conduit.invoke('echo', {text: 'x'.repeat(65537)})"
                                         << "invalid_args";
    QTest::newRow("envelope over the cap")
        << "conduit.invoke('echo', {text: 'x'.repeat(2 * 1024 * 1024)})"
        << "too_large";
}

void tst_E2eBridge::refusedCallsChangeNothing()
{
    QFETCH(QString, call);
    QFETCH(QString, code);
    QSignalSpy toProcess(&m_harness->runtime().processGateway(), &ProcessGateway::toProcess);
    const QJsonObject r = m_harness->await(QStringLiteral("return await %1;").arg(call));
    QVERIFY(!r.value("ok").toBool());
    const QJsonObject error = r.value("error").toObject();
    QCOMPARE(error.value("code").toString(), code);
    QVERIFY(!error.value("message").toString().isEmpty());
    // Nothing reached the async process, nothing is left pending, and the wire still works.
    QCOMPARE(toProcess.count(), 0);
    QCOMPARE(m_harness->bridge().pendingCallCount(), 0);
    const QJsonObject after = m_harness->await(
        QStringLiteral("return await conduit.invoke('echo', {text: 'still here'});"));
    QCOMPARE(after.value("value").toObject().value("text").toString(),
             QStringLiteral("still here"));
}

void tst_E2eBridge::malformedEnvelopeIsDropped()
{
    QSignalSpy dropped(&m_harness->bridge(), &Bridge::envelopeDropped);
    QSignalSpy toProcess(&m_harness->runtime().processGateway(), &ProcessGateway::toProcess);
    // Straight onto the channel, past the client, as a hostile script could.
    m_harness->run(QStringLiteral("window.__conduitChannel.objects.conduit.inbox = ['{not json', "
                                  "'42', '{\"t\":\"emit\"}']; true"));
    QTRY_COMPARE_WITH_TIMEOUT(dropped.count(), 3, 5000);
    QCOMPARE(toProcess.count(), 0);
    // A malformed invoke that still has an id is answered with an error instead of dropped.
    const QJsonObject r = m_harness->await(QStringLiteral(R"js(
        const got = new Promise((resolve) => {
          window.__conduitChannel.objects.conduit.receive.connect(function onBatch(batch) {
            for (const e of batch) if (e.t === 'result' && e.id === 900001) resolve(e);
          });
        });
        window.__conduitChannel.objects.conduit.inbox = ['{"t":"invoke","id":900001,"cmd":"echo","args":{"text":1}'];
        return await got;)js"));
    QVERIFY(r.value("ok").toBool());
    QCOMPARE(r.value("value").toObject().value("ok").toBool(true), false);
    QCOMPARE(r.value("value").toObject().value("error").toObject().value("code").toString(),
             QStringLiteral("invalid_args"));
}

// The rules stated once natively (BridgeLimits, TaskManager's limit range) are the ones the
// shipped page holds and enforces: from its welcome, its generated constants and its DOM.
void tst_E2eBridge::pageAndNativeAgreeOnTheRules()
{
    const BridgeLimits &limits = m_harness->bridge().limits();
    const QJsonObject held = m_harness->await(QStringLiteral(R"js(
        const input = document.querySelector('[data-testid="task-limit"]');
        return {limits: conduit.welcome.limits, streamWindow: conduit.streamWindow,
                limitMin: input && Number(input.min), limitMax: input && Number(input.max)};
    )js"));
    QVERIFY(held.value("ok").toBool());
    const QJsonObject page = held.value("value").toObject();
    QCOMPARE(page.value("limits").toObject(), limits.forPage());
    QCOMPARE(page.value("streamWindow").toInt(), int(limits.streamWindow));
    QCOMPARE(page.value("limitMin").toInt(), TaskManager::kMinLimit);
    QCOMPARE(page.value("limitMax").toInt(), TaskManager::kMaxLimit);

    // The page refuses what the bridge would drop, before it leaves the page.
    QSignalSpy dropped(&m_harness->bridge(), &Bridge::envelopeDropped);
    const QJsonObject r = m_harness->await(
        QStringLiteral("return await conduit.invoke('echo', {text: 'x'.repeat(%1)});")
            .arg(limits.maxEnvelopeChars));
    QVERIFY(!r.value("ok").toBool());
    QCOMPARE(r.value("error")["code"].toString(), QStringLiteral("too_large"));
    QCOMPARE(r.value("error")["details"]["limit"].toDouble(), double(limits.maxEnvelopeChars));
    QCOMPARE(dropped.count(), 0);
    QCOMPARE(m_harness->bridge().pendingCallCount(), 0);
}

CONDUIT_E2E_MAIN(tst_E2eBridge)
#include "tst_e2e_bridge.moc"
