// SPDX-License-Identifier: MIT
#pragma once

#include <app/ConduitRuntime.h>

#include <QJsonObject>
#include <QJsonValue>
#include <QObject>
#include <QVariant>

#include <chrono>
#include <memory>

class QWebEnginePage;
class QWebEngineView;

namespace Conduit {

class AppPage;
class AppProfile;

// The real page in real QtWebEngine (offscreen), wired to a real runtime, for end-to-end tests
// and benchmarks. Scripts run in the page's main world, where window.conduit lives.
class PageHarness final : public QObject
{
    Q_OBJECT

public:
    explicit PageHarness(std::chrono::milliseconds tickInterval = std::chrono::seconds(1),
                         QObject *parent = nullptr);
    ~PageHarness() override;

    // The shipped kinds and `count`, the deterministic one tests and the benchmark drive.
    static TaskKinds testKinds();

    ConduitRuntime &runtime() { return *m_runtime; }
    // The page's bridge: the runtime's page "main".
    Bridge &bridge() { return *m_bridge; }
    AppPage &page() { return *m_page; }
    QWebEngineView &view() { return *m_view; }

    // Loads app://conduit/ and waits until `await conduit.ready()` has resolved.
    bool load(std::chrono::milliseconds timeout = std::chrono::seconds(30));
    // Runs a synchronous expression and returns its value.
    QVariant run(const QString &script,
                 std::chrono::milliseconds timeout = std::chrono::seconds(10));
    // Runs the body of an async function and waits for it to settle. Returns {ok: true, value}
    // or {ok: false, error: {code, message, details}}; {ok: false, error: {code:
    // "harness_timeout"}} if it did not settle in time.
    QJsonObject await(const QString &asyncBody,
                      std::chrono::milliseconds timeout = std::chrono::seconds(10));

    // The same, on any page (e.g. the main window's).
    static QVariant runOn(QWebEnginePage &page, const QString &script,
                          std::chrono::milliseconds timeout = std::chrono::seconds(10));
    static QJsonObject awaitOn(QWebEnginePage &page, const QString &asyncBody,
                               std::chrono::milliseconds timeout = std::chrono::seconds(10));

private:
    std::unique_ptr<ConduitRuntime> m_runtime;
    Bridge *m_bridge = nullptr;
    AppProfile *m_profile = nullptr;
    AppPage *m_page = nullptr;
    QWebEngineView *m_view = nullptr;
};

} // namespace Conduit
