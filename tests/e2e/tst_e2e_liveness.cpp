// SPDX-License-Identifier: MIT
// The page keeps answering whatever happens to it: refused and redirected navigations leave the
// bridge serving the same document, and when the bridge does stop serving a page (a second
// hello, a dead renderer, shutdown) no promise of a page that is still there stays pending.
#include "E2eMain.h"
#include "PageHarness.h"
#include <app/AppPage.h>

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QPromise>
#include <QSignalSpy>
#include <QTest>

#include <csignal>

using namespace Conduit;
using namespace std::chrono_literals;

namespace {

// A command that never answers unless it is cancelled; every call's promise is kept.
struct HangingCommand
{
    QList<std::shared_ptr<QPromise<QJsonValue>>> promises;

    void registerOn(Bridge &bridge)
    {
        bridge.commands().add(QStringLiteral("test.hang"), Schema::object(),
                              [this](const CommandCall &) {
                                  auto promise = std::make_shared<QPromise<QJsonValue>>();
                                  promise->start();
                                  promises << promise;
                                  return promise->future();
                              });
    }
    bool allCancelled() const
    {
        return std::all_of(promises.cbegin(), promises.cend(),
                           [](const auto &promise) { return promise->isCanceled(); });
    }
};

// Starts `count` hanging calls whose outcomes land in window.__outcomes (a code, or "resolved").
QString startHangingCalls(int count)
{
    return QStringLiteral("window.__outcomes = []; for (let i = 0; i < %1; i++)"
                          " conduit.invoke('test.hang', {}).then(() => __outcomes.push('resolved'),"
                          " (e) => __outcomes.push(e.code)); true")
        .arg(count);
}

} // namespace

class tst_E2eLiveness : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void navigationKeepsTheBridge_data();
    void navigationKeepsTheBridge();
    void navigationFromOutsideThePageKeepsTheBridge();
    void replacedDocumentIsBroughtHome();
    void secondHelloRejectsPendingCalls_data();
    void secondHelloRejectsPendingCalls();
    void deadRendererLeavesNothingPending();
    void shutdownRejectsPendingCalls();

private:
    bool settled();
    qint64 echoRoundTripMs(const QString &text);

    std::unique_ptr<PageHarness> m_harness;
    HangingCommand m_hang;
};

void tst_E2eLiveness::initTestCase()
{
    m_harness = std::make_unique<PageHarness>(1s);
    m_hang.registerOn(m_harness->bridge());
    QVERIFY(m_harness->load());
}

// The bridge serves a document and holds nothing back, and the page is on app://.
bool tst_E2eLiveness::settled()
{
    const Bridge &bridge = m_harness->bridge();
    return bridge.isPageAttached() && !bridge.isPageSuspended()
           && m_harness->page().url().scheme() == QLatin1String("app");
}

// Milliseconds for one echo from the page, or -1 if it failed.
qint64 tst_E2eLiveness::echoRoundTripMs(const QString &text)
{
    QElapsedTimer timer;
    timer.start();
    const QJsonObject r = m_harness->await(
        QStringLiteral(
            "return (await conduit.invoke('echo', {text: '%1'}, {timeoutMs: 5000})).text;")
            .arg(text));
    if (r.value("value").toString() != text) {
        qWarning().noquote() << QJsonDocument(r).toJson();
        return -1;
    }
    return timer.elapsed();
}

void tst_E2eLiveness::navigationKeepsTheBridge_data()
{
    QTest::addColumn<QString>("navigation");
    QTest::addColumn<bool>("sameDocument");
    const auto location = [](const char *url) {
        return QStringLiteral("location.href = '%1'").arg(QLatin1String(url));
    };
    QTest::newRow("clicked https link")
        << QStringLiteral("(() => { const a = document.createElement('a');"
                          " a.href = 'https://example.org/'; document.body.append(a); a.click();"
                          " a.remove(); })()")
        << true;
    QTest::newRow("location https") << location("https://example.org/x") << true;
    QTest::newRow("location http") << location("http://127.0.0.1:9/") << true;
    QTest::newRow("location data") << location("data:text/html,<p>elsewhere</p>") << true;
    QTest::newRow("location file") << location("file:///etc/hostname") << true;
    QTest::newRow("location javascript") << location("javascript:void(0)") << true;
    QTest::newRow("other app host") << location("app://elsewhere/index.html") << true;
    QTest::newRow("form to https")
        << QStringLiteral("(() => { const f = document.createElement('form');"
                          " f.action = 'https://example.org/post'; f.method = 'get';"
                          " document.body.append(f); f.submit(); f.remove(); })()")
        << true;
    QTest::newRow("about:blank") << location("about:blank") << false;
    QTest::newRow("reload") << QStringLiteral("location.reload()") << false;
}

void tst_E2eLiveness::navigationKeepsTheBridge()
{
    QFETCH(QString, navigation);
    QFETCH(bool, sameDocument);
    QTRY_VERIFY_WITH_TIMEOUT(settled(), 10000);
    const QString document = m_harness->run(QStringLiteral("conduit.documentId")).toString();
    QVERIFY(!document.isEmpty());

    // A call in flight across the navigation, and the navigation in the same task.
    m_harness->run(QStringLiteral("window.__across = 'pending'; conduit.invoke('echo', {text: "
                                  "'across'}).then((v) => __across = v.text, (e) => __across = "
                                  "e.code); %1; true")
                       .arg(navigation));
    QTest::qWait(150); // let the navigation start, or be refused
    QTRY_VERIFY_WITH_TIMEOUT(settled(), 10000);

    // The page answers the next call, and quickly: nothing waits for a hello that never comes.
    const qint64 ms = echoRoundTripMs(QStringLiteral("after"));
    QVERIFY2(ms >= 0, "the call after the navigation was not answered");
    QVERIFY2(ms < 1000, qPrintable(QStringLiteral("the first call took %1 ms").arg(ms)));
    const QString nowDocument = m_harness->run(QStringLiteral("conduit.documentId")).toString();
    if (sameDocument) {
        QCOMPARE(nowDocument, document);
        QTRY_COMPARE_WITH_TIMEOUT(m_harness->run(QStringLiteral("window.__across")).toString(),
                                  QStringLiteral("across"), 5000);
    } else {
        QVERIFY(nowDocument != document);
    }
    QVERIFY(m_harness->page().url().toString().startsWith(QLatin1String("app://conduit/")));
}

void tst_E2eLiveness::navigationFromOutsideThePageKeepsTheBridge()
{
    // What the developer tools' address bar or a typed URL would do: a navigation the page did
    // not start.
    QTRY_VERIFY_WITH_TIMEOUT(settled(), 10000);
    const QString document = m_harness->run(QStringLiteral("conduit.documentId")).toString();
    QSignalSpy refused(&m_harness->page(), &AppPage::navigationRefused);
    m_harness->page().load(QUrl(QStringLiteral("https://example.org/typed")));
    QTRY_VERIFY_WITH_TIMEOUT(refused.count() >= 1, 5000);
    QTest::qWait(150);
    QTRY_VERIFY_WITH_TIMEOUT(settled(), 10000);
    const qint64 ms = echoRoundTripMs(QStringLiteral("typed"));
    QVERIFY2(ms >= 0 && ms < 1000, qPrintable(QString::number(ms)));
    QCOMPARE(m_harness->run(QStringLiteral("conduit.documentId")).toString(), document);
}

void tst_E2eLiveness::replacedDocumentIsBroughtHome()
{
    QTRY_VERIFY_WITH_TIMEOUT(settled(), 10000);
    const QString document = m_harness->run(QStringLiteral("conduit.documentId")).toString();
    QSignalSpy attached(&m_harness->bridge(), &Bridge::pageAttached);
    m_harness->run(QStringLiteral(
        "document.open(); document.write('<p>replaced</p>'); document.close(); true"));
    QTRY_VERIFY_WITH_TIMEOUT(attached.count() >= 1, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(settled(), 10000);
    QVERIFY(m_harness->run(QStringLiteral("conduit.documentId")).toString() != document);
    QVERIFY(m_harness->run(QStringLiteral("!!document.getElementById('app')")).toBool());
    QVERIFY(echoRoundTripMs(QStringLiteral("home")) >= 0);
}

void tst_E2eLiveness::secondHelloRejectsPendingCalls_data()
{
    QTest::addColumn<QString>("hello");
    // The same document saying hello again (the bridge rejects its calls), and a hello that
    // names no document (the client rejects its own calls when the second welcome arrives).
    QTest::newRow("same document") << QStringLiteral("{t: 'hello', doc: conduit.documentId}");
    QTest::newRow("no document") << QStringLiteral("{t: 'hello'}");
}

void tst_E2eLiveness::secondHelloRejectsPendingCalls()
{
    QFETCH(QString, hello);
    QTRY_VERIFY_WITH_TIMEOUT(settled(), 10000);
    m_harness->run(startHangingCalls(3));
    QTRY_COMPARE_WITH_TIMEOUT(m_harness->bridge().pendingCallCount(), 3, 5000);
    m_harness->run(
        QStringLiteral("window.__conduitChannel.objects.conduit.inbox = [JSON.stringify(%1)]; true")
            .arg(hello));
    QTRY_COMPARE_WITH_TIMEOUT(m_harness->run(QStringLiteral("__outcomes.join(',')")).toString(),
                              QStringLiteral("cancelled,cancelled,cancelled"), 5000);
    QCOMPARE(m_harness->bridge().pendingCallCount(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(m_hang.allCancelled(), 5000);
    QVERIFY(echoRoundTripMs(QStringLiteral("again")) >= 0);
}

void tst_E2eLiveness::deadRendererLeavesNothingPending()
{
    QTRY_VERIFY_WITH_TIMEOUT(settled(), 10000);
    m_harness->run(startHangingCalls(2));
    QTRY_COMPARE_WITH_TIMEOUT(m_harness->bridge().pendingCallCount(), 2, 5000);
    QSignalSpy attached(&m_harness->bridge(), &Bridge::pageAttached);
    const qint64 renderer = m_harness->page().renderProcessPid();
    QVERIFY(renderer > 0);
    QCOMPARE(::kill(pid_t(renderer), SIGKILL), 0);
    // The page that made the calls is gone with its promises; natively nothing stays pending,
    // the work is cancelled, and the reloaded page answers.
    QTRY_VERIFY_WITH_TIMEOUT(attached.count() >= 1, 20000);
    QTRY_VERIFY_WITH_TIMEOUT(m_hang.allCancelled(), 5000);
    // (The new page's own first calls may be in flight for a moment.)
    QTRY_COMPARE_WITH_TIMEOUT(m_harness->bridge().pendingCallCount(), 0, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(settled(), 10000);
    QVERIFY(echoRoundTripMs(QStringLiteral("reborn")) >= 0);
}

void tst_E2eLiveness::shutdownRejectsPendingCalls()
{
    // Last: the runtime does not start again.
    QTRY_VERIFY_WITH_TIMEOUT(settled(), 10000);
    m_harness->run(startHangingCalls(2));
    QTRY_COMPARE_WITH_TIMEOUT(m_harness->bridge().pendingCallCount(), 2, 5000);
    QVERIFY(m_harness->runtime().shutdown(5s));
    QTRY_COMPARE_WITH_TIMEOUT(m_harness->run(QStringLiteral("__outcomes.join(',')")).toString(),
                              QStringLiteral("shutting_down,shutting_down"), 5000);
    QVERIFY(m_hang.allCancelled());
    // A call made after that is answered at once, not left waiting.
    const QJsonObject late = m_harness->await(
        QStringLiteral("return await conduit.invoke('echo', {text: 'late'});"), 5s);
    QCOMPARE(late.value("error").toObject().value("code").toString(),
             QStringLiteral("shutting_down"));
}

CONDUIT_E2E_MAIN(tst_E2eLiveness)
#include "tst_e2e_liveness.moc"
