// SPDX-License-Identifier: MIT
#include "PageHarness.h"

#include <app/AppPage.h>
#include <app/AppProfile.h>
#include <worker/CountTask.h>

#include <QJsonDocument>
#include <QTest>
#include <QWebEngineView>

namespace Conduit {

TaskKinds PageHarness::testKinds()
{
    return TaskKinds::builtIn().add(CountTask::declaration());
}

PageHarness::PageHarness(std::chrono::milliseconds tickInterval, QObject *parent)
    : QObject(parent)
    , m_runtime(std::make_unique<ConduitRuntime>(tickInterval, testKinds()))
    , m_bridge(&m_runtime->pages().open(QLatin1String(Bridge::kMainLabel)))
    , m_profile(new AppProfile(m_bridge->byteTokens(), this))
    , m_page(new AppPage(m_profile, *m_bridge, this))
    , m_view(new QWebEngineView)
{
    m_view->setPage(m_page);
    m_view->resize(1024, 700);
    m_view->show();
    m_runtime->start();
}

PageHarness::~PageHarness()
{
    m_runtime->shutdown();
    delete m_view;
    delete m_page;
}

bool PageHarness::load(std::chrono::milliseconds timeout)
{
    bool loaded = false;
    const auto connection
        = connect(m_page, &QWebEnginePage::loadFinished, this, [&loaded](bool ok) { loaded = ok; });
    m_page->load(m_page->home());
    const bool finished = QTest::qWaitFor([&] { return loaded; }, int(timeout.count()));
    disconnect(connection);
    if (!finished)
        return false;
    const QJsonObject ready
        = await(QStringLiteral("await window.conduit.ready(); return true;"), timeout);
    return ready.value(QStringLiteral("ok")).toBool();
}

QVariant PageHarness::run(const QString &script, std::chrono::milliseconds timeout)
{
    return runOn(*m_page, script, timeout);
}

QJsonObject PageHarness::await(const QString &asyncBody, std::chrono::milliseconds timeout)
{
    return awaitOn(*m_page, asyncBody, timeout);
}

QVariant PageHarness::runOn(QWebEnginePage &page, const QString &script,
                            std::chrono::milliseconds timeout)
{
    // Shared with the callback: it may still arrive after a timeout has given up on it.
    struct Outcome
    {
        bool done = false;
        QVariant value;
    };
    auto outcome = std::make_shared<Outcome>();
    page.runJavaScript(script, [outcome](const QVariant &value) {
        outcome->value = value;
        outcome->done = true;
    });
    if (!QTest::qWaitFor([&] { return outcome->done; }, int(timeout.count())))
        qWarning("the page did not answer a script within %lld ms", qlonglong(timeout.count()));
    return outcome->value;
}

QJsonObject PageHarness::awaitOn(QWebEnginePage &page, const QString &asyncBody,
                                 std::chrono::milliseconds timeout)
{
    static int nextKey = 1;
    const QString key = QString::number(nextKey++);
    const QString script = QStringLiteral(R"js(
(() => {
  const store = (window.__harness = window.__harness || {});
  (async () => { %1 })().then(
    (value) => { store['%2'] = JSON.stringify({ok: true, value: value === undefined ? null : value}); },
    (e) => { store['%2'] = JSON.stringify({ok: false, error: {code: e && e.code || 'js_error',
             message: String(e && e.message || e), details: e && e.details || null}}); });
  return true;
})())js")
                               .arg(asyncBody, key);
    runOn(page, script);
    QString settled;
    const bool answered = QTest::qWaitFor(
        [&] {
            settled
                = runOn(page,
                        QStringLiteral("window.__harness && window.__harness['%1'] || ''").arg(key))
                      .toString();
            return !settled.isEmpty();
        },
        int(timeout.count()));
    if (!answered || settled.isEmpty()) {
        return {{QStringLiteral("ok"), false},
                {QStringLiteral("error"),
                 QJsonObject{{QStringLiteral("code"), QStringLiteral("harness_timeout")}}}};
    }
    return QJsonDocument::fromJson(settled.toUtf8()).object();
}

} // namespace Conduit
