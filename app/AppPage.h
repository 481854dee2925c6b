// SPDX-License-Identifier: MIT
#pragma once

#include <QElapsedTimer>
#include <QTimer>
#include <QUrl>
#include <QWebEnginePage>

class QWebChannel;

namespace Conduit {

class Bridge;

// The page the window shows, with the security defaults of docs/DESIGN.md §6: it may only navigate
// within app://conduit/ (http/https links go to the system browser), opens no windows, reads no
// files, and sees exactly one native object, the bridge's endpoint, as `conduit`.
class AppPage final : public QWebEnginePage
{
    Q_OBJECT

public:
    AppPage(QWebEngineProfile *profile, Bridge &bridge, QObject *parent = nullptr);

    // Where the page lives: app://conduit/index.html, or the Vite dev server (loopback only).
    void setHome(const QUrl &home) { m_home = home; }
    QUrl home() const { return m_home; }
    bool isAllowedPageUrl(const QUrl &url) const;
    // The page's channel; benchmarks register a raw object beside `conduit` for comparison.
    QWebChannel *channel() const { return m_channel; }

Q_SIGNALS:
    // A link to the web was clicked; the page stays, the window hands the URL to the system
    // browser.
    void externalLinkRequested(const QUrl &url);
    void navigationRefused(const QUrl &url);
    // The renderer died and the page is being loaded again (bounded: 3 a minute).
    void recovering(int attempt);

protected:
    bool acceptNavigationRequest(const QUrl &url, NavigationType type, bool isMainFrame) override;
    QWebEnginePage *createWindow(WebWindowType type) override;
    void javaScriptConsoleMessage(JavaScriptConsoleMessageLevel level, const QString &message,
                                  int lineNumber, const QString &sourceId) override;

private:
    void returnHomeIfAway(const QUrl &url);
    void probeDocument();
    void recoverFromRendererExit(RenderProcessTerminationStatus status);

    Bridge &m_bridge;
    QWebChannel *m_channel = nullptr;
    QUrl m_home;
    QTimer m_probeTimer;
    QElapsedTimer m_crashWindow;
    int m_crashesInWindow = 0;
};

} // namespace Conduit
