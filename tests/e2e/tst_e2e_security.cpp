// SPDX-License-Identifier: MIT
// The security defaults of docs/DESIGN.md §6, checked against the real page.
#include "E2eMain.h"
#include "PageHarness.h"
#include <app/AppPage.h>
#include <bridge/ChannelEndpoint.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

using namespace Conduit;
using namespace std::chrono_literals;

class tst_E2eSecurity : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void onlyTheBridgeIsOnTheChannel();
    void rawChannelMessagesReachNothingElse();
    void navigationAwayIsRefused();
    void scriptNavigationToTheWebLeavesThePage();
    void webLinksGoToTheSystemBrowser();
    void windowOpenIsRefused();
    void contentSecurityPolicyBlocksInlineScript();
    void fileUrlsAreUnreachable();
    void unknownAppPathsAreNotFound();

private:
    std::unique_ptr<PageHarness> m_harness;
};

void tst_E2eSecurity::initTestCase()
{
    m_harness = std::make_unique<PageHarness>(1s);
    QVERIFY(m_harness->load());
}

void tst_E2eSecurity::onlyTheBridgeIsOnTheChannel()
{
    // What the native side publishes, read straight off the transport as qwebchannel.js reads
    // it at start-up (an `init` message), with nothing filtered out.
    const QJsonObject r = m_harness->await(QStringLiteral(R"js(
        const t = qt.webChannelTransport;
        const previous = t.onmessage;
        const data = await new Promise((resolve) => {
            t.onmessage = (message) => {
                const m = JSON.parse(message.data);
                if (m.type === 10 && m.id === 'surface-probe') resolve(m.data);
                else previous(message);
            };
            t.send(JSON.stringify({type: 3, id: 'surface-probe'}));
        });
        t.onmessage = previous;
        return data;)js"));
    QVERIFY2(r.value("ok").toBool(), qPrintable(QString::fromUtf8(QJsonDocument(r).toJson())));
    const QJsonObject objects = r.value("value").toObject();
    QCOMPARE(objects.keys(), QStringList{QStringLiteral("conduit")});
    const QJsonObject conduit = objects.value("conduit").toObject();
    QCOMPARE(conduit.keys(), (QStringList{"methods", "properties", "signals"}));
    // One property, the way in: it reads as empty, and its notify signal is never emitted.
    const QJsonArray properties = conduit.value("properties").toArray();
    QCOMPARE(properties.size(), 1);
    QCOMPARE(properties.at(0).toArray().at(1).toString(), QStringLiteral("inbox"));
    QCOMPARE(properties.at(0).toArray().at(3), QJsonValue(QJsonArray{}));
    // Each member is listed by name and by signature, both with its index: one index each.
    const auto members = [](const QJsonArray &list) {
        QMap<int, QStringList> byIndex;
        for (const QJsonValue &entry : list)
            byIndex[entry.toArray().at(1).toInt()] << entry.toArray().at(0).toString();
        return byIndex.values();
    };
    QCOMPARE(members(conduit.value("methods").toArray()), QList<QStringList>{});
    QCOMPARE(members(conduit.value("signals").toArray()),
             (QList<QStringList>{{"receive", "receive(QJsonDocument)"}}));
}

void tst_E2eSecurity::rawChannelMessagesReachNothingElse()
{
    ChannelEndpoint *endpoint = m_harness->bridge().endpoint();
    // Write the inbox with what is not a batch and property 1 with anything, invoke every
    // method index, ask for signal 0: in QObject's layout these would be objectName,
    // destroyed, deleteLater, ….
    m_harness->run(QStringLiteral(R"js((() => {
        const t = qt.webChannelTransport;
        t.send(JSON.stringify({type: 9, object: 'conduit', property: 0, value: 'hacked'}));
        t.send(JSON.stringify({type: 9, object: 'conduit', property: 1, value: 'hacked'}));
        for (let method = 0; method < 8; method++) {
            t.send(JSON.stringify({type: 6, object: 'conduit', method, args: [], id: 900 + method}));
        }
        t.send(JSON.stringify({type: 7, object: 'conduit', signal: 0}));
        return true; })())js"));
    QTest::qWait(300);
    QVERIFY(endpoint->objectName().isEmpty());
    QCOMPARE(endpoint->property("objectName"), QVariant());
    QCOMPARE(m_harness
                 ->await(QStringLiteral("return (await conduit.invoke('echo', {text: "
                                        "'still here'})).text;"))
                 .value("value")
                 .toString(),
             QStringLiteral("still here"));
}

void tst_E2eSecurity::navigationAwayIsRefused()
{
    QSignalSpy refused(&m_harness->page(), &AppPage::navigationRefused);
    QSignalSpy loaded(&m_harness->page(), &QWebEnginePage::loadFinished);
    m_harness->run(QStringLiteral("location.href = 'about:blank'; true"));
    QTRY_COMPARE_WITH_TIMEOUT(refused.count(), 1, 5000);
    QCOMPARE(refused.at(0).at(0).toUrl(), QUrl(QStringLiteral("about:blank")));
    // Brought straight back home, where the page connects again and still talks.
    QTRY_VERIFY_WITH_TIMEOUT(
        loaded.count() >= 1 && m_harness->page().url().scheme() == QLatin1String("app"), 10000);
    QVERIFY(m_harness->await(QStringLiteral("await conduit.ready(); return true;"))
                .value("ok")
                .toBool());
    QCOMPARE(
        m_harness
            ->await(QStringLiteral("return (await conduit.invoke('echo', {text: 'ok'})).text;"))
            .value("value")
            .toString(),
        QStringLiteral("ok"));
}

void tst_E2eSecurity::scriptNavigationToTheWebLeavesThePage()
{
    // Chromium reports a script's location change as a link click (Qt 6.4 has no user-gesture
    // flag), so it is handed to the system browser too; the page itself never leaves app://.
    QSignalSpy external(&m_harness->page(), &AppPage::externalLinkRequested);
    m_harness->run(QStringLiteral("location.href = 'https://example.org/'; true"));
    QTRY_COMPARE_WITH_TIMEOUT(external.count(), 1, 5000);
    QVERIFY(m_harness->page().url().scheme() == QLatin1String("app"));
}

void tst_E2eSecurity::webLinksGoToTheSystemBrowser()
{
    QSignalSpy external(&m_harness->page(), &AppPage::externalLinkRequested);
    m_harness->run(QStringLiteral(
        "(() => { const a = document.createElement('a'); a.href = 'https://example.org/docs';"
        " document.body.appendChild(a); a.click(); a.remove(); return true; })()"));
    QTRY_COMPARE_WITH_TIMEOUT(external.count(), 1, 5000);
    QCOMPARE(external.at(0).at(0).toUrl(), QUrl(QStringLiteral("https://example.org/docs")));
    QVERIFY(m_harness->page().url().scheme() == QLatin1String("app"));
}

void tst_E2eSecurity::windowOpenIsRefused()
{
    QVERIFY(m_harness->run(QStringLiteral("window.open('app://conduit/index.html') === null"))
                .toBool());
}

void tst_E2eSecurity::contentSecurityPolicyBlocksInlineScript()
{
    const QString policy
        = m_harness
              ->run(QStringLiteral(
                  "document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]').content"))
              .toString();
    QVERIFY2(policy.contains(QStringLiteral("script-src 'self'")), qPrintable(policy));
    QVERIFY(m_harness
                ->run(QStringLiteral(
                    "(() => { const s = document.createElement('script'); s.textContent = "
                    "'window.__inline = 1';"
                    " document.head.appendChild(s); return window.__inline === undefined; })()"))
                .toBool());
    const QJsonObject evalResult = m_harness->await(
        QStringLiteral("try { eval('1'); return 'ran'; } catch (e) { return 'blocked'; }"));
    QCOMPARE(evalResult.value("value").toString(), QStringLiteral("blocked"));
}

void tst_E2eSecurity::fileUrlsAreUnreachable()
{
    const QJsonObject r
        = m_harness->await(QStringLiteral("try { await fetch('file:///etc/hostname'); return "
                                          "'read'; } catch (e) { return 'refused'; }"));
    QCOMPARE(r.value("value").toString(), QStringLiteral("refused"));
}

void tst_E2eSecurity::unknownAppPathsAreNotFound()
{
    const QJsonObject r
        = m_harness->await(QStringLiteral("try { const res = await fetch('/no/such/file.js'); "
                                          "return res.status; } catch (e) { return 'failed'; }"));
    QVERIFY2(r.value("value").toString() == QLatin1String("failed")
                 || r.value("value").toInt() == 404,
             qPrintable(QString::fromUtf8(QJsonDocument(r).toJson())));
}

CONDUIT_E2E_MAIN(tst_E2eSecurity)
#include "tst_e2e_security.moc"
