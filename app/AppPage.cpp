// SPDX-License-Identifier: MIT
#include "AppPage.h"

#include "AppScheme.h"
#include <bridge/Bridge.h>
#include <bridge/ByteTokens.h>

#include <QLoggingCategory>
#include <QPointer>
#include <QTimer>
#include <QWebChannel>
#include <QWebEngineSettings>

Q_LOGGING_CATEGORY(lcPage, "conduit.page")

namespace {
constexpr int kMaxReloadsPerMinute = 3;
// While a navigation is unresolved (no new hello, no loadFinished yet), how often to ask the page
// whether the document that said hello is still there.
constexpr int kProbeIntervalMs = 200;
} // namespace

namespace Conduit {

AppPage::AppPage(QWebEngineProfile *profile, Bridge &bridge, QObject *parent)
    : QWebEnginePage(profile, parent)
    , m_bridge(bridge)
    , m_channel(new QWebChannel(this))
    , m_home(AppScheme::entryUrl())
{
    QWebEngineSettings *s = settings();
    s->setAttribute(QWebEngineSettings::JavascriptCanOpenWindows, false);
    s->setAttribute(QWebEngineSettings::LocalContentCanAccessFileUrls, false);
    s->setAttribute(QWebEngineSettings::LocalContentCanAccessRemoteUrls, false);
    // The page may write to the clipboard (copy a checksum), not read it.
    s->setAttribute(QWebEngineSettings::JavascriptCanAccessClipboard, true);
    s->setAttribute(QWebEngineSettings::JavascriptCanPaste, false);
    s->setAttribute(QWebEngineSettings::PluginsEnabled, false);
    s->setAttribute(QWebEngineSettings::PdfViewerEnabled, false);

    m_channel->registerObject(QStringLiteral("conduit"), m_bridge.endpoint());
    setWebChannel(m_channel);
    // Uploads are read out of the page: only integers go into the script.
    m_bridge.setUploadReader(
        [page = QPointer<AppPage>(this)](qint64 upload, qint64 at, qint64 n,
                                         std::function<void(const QVariant &)> done) {
            if (page)
                page->runJavaScript(QStringLiteral("globalThis.%1?.read(%2, %3, %4) ?? null")
                                        .arg(QLatin1String(Bridge::kUploadReader))
                                        .arg(upload)
                                        .arg(at)
                                        .arg(n),
                                    std::move(done));
        });

    // A navigation may replace the document that said hello, or be refused and leave it in
    // place: the bridge holds its output until it knows which (the next hello, or the probe).
    // A dead renderer means the page is gone.
    connect(this, &QWebEnginePage::loadStarted, &m_bridge, &Bridge::suspendPage);
    connect(this, &QWebEnginePage::loadFinished, this, &AppPage::probeDocument);
    connect(this, &QWebEnginePage::renderProcessTerminated, &m_bridge, &Bridge::detachPage);
    m_probeTimer.setInterval(kProbeIntervalMs);
    connect(&m_probeTimer, &QTimer::timeout, this, &AppPage::probeDocument);
    connect(&m_bridge, &Bridge::pageAttached, &m_probeTimer, &QTimer::stop);
    connect(this, &QWebEnginePage::loadStarted, &m_probeTimer, qOverload<>(&QTimer::start));
    // Some navigations (about:blank, …) never reach acceptNavigationRequest(); if the page
    // ends up anywhere but app://, it is brought straight back.
    connect(this, &QWebEnginePage::urlChanged, this, &AppPage::returnHomeIfAway);
    connect(this, &QWebEnginePage::renderProcessTerminated, this,
            &AppPage::recoverFromRendererExit);
}

void AppPage::probeDocument()
{
    if (!m_bridge.isPageSuspended()) {
        m_probeTimer.stop();
        return;
    }
    // Asks the document now in the page for the token its client said hello with; only the
    // document that said it answers with the same one.
    runJavaScript(QStringLiteral("(window.conduit && window.conduit.documentId) || ''"),
                  [this, expected = m_bridge.attachedDocument()](const QVariant &answer) {
                      if (!m_bridge.isPageSuspended() || m_bridge.attachedDocument() != expected)
                          return;
                      if (!expected.isEmpty() && answer.toString() == expected) {
                          m_probeTimer.stop();
                          m_bridge.resumePage();
                      }
                  });
}

void AppPage::recoverFromRendererExit(RenderProcessTerminationStatus status)
{
    if (!m_crashWindow.isValid() || m_crashWindow.hasExpired(60 * 1000)) {
        m_crashWindow.start();
        m_crashesInWindow = 0;
    }
    // A renderer that keeps dying is not helped by reloading it forever.
    if (++m_crashesInWindow > kMaxReloadsPerMinute) {
        qCWarning(lcPage) << "the renderer exited" << m_crashesInWindow
                          << "times within a minute; not reloading again";
        return;
    }
    qCWarning(lcPage) << "the renderer exited (status" << status << "); reloading the page";
    Q_EMIT recovering(m_crashesInWindow);
    // From the event loop, after WebEngine has finished tearing the old renderer down.
    QTimer::singleShot(0, this, [this] { load(m_home); });
}

void AppPage::returnHomeIfAway(const QUrl &url)
{
    if (url.isEmpty() || isAllowedPageUrl(url))
        return;
    qCWarning(lcPage) << "the page left app:// for" << url.toDisplayString() << "- returning";
    Q_EMIT navigationRefused(url);
    load(m_home);
}

bool AppPage::isAllowedPageUrl(const QUrl &url) const
{
    // The bytes commands answer are for the page's own requests (XMLHttpRequest, <img>), never
    // a document: as one they would replace the application, or run with its origin.
    if (AppScheme::isAppUrl(url))
        return !url.path().startsWith(QLatin1String(ByteTokens::kPath));
    return url.scheme() == m_home.scheme() && url.host() == m_home.host()
           && url.port() == m_home.port();
}

bool AppPage::acceptNavigationRequest(const QUrl &url, NavigationType type, bool isMainFrame)
{
    if (isAllowedPageUrl(url))
        return true;
    if (isMainFrame && type == NavigationTypeLinkClicked
        && (url.scheme() == QLatin1String("https") || url.scheme() == QLatin1String("http"))) {
        Q_EMIT externalLinkRequested(url);
        return false;
    }
    qCWarning(lcPage) << "refused navigation to" << url.toDisplayString();
    Q_EMIT navigationRefused(url);
    return false;
}

QWebEnginePage *AppPage::createWindow(WebWindowType type)
{
    Q_UNUSED(type)
    qCWarning(lcPage) << "refused to open a new window";
    return nullptr;
}

void AppPage::javaScriptConsoleMessage(JavaScriptConsoleMessageLevel level, const QString &message,
                                       int lineNumber, const QString &sourceId)
{
    const auto line = QStringLiteral("%1:%2: %3").arg(sourceId).arg(lineNumber).arg(message);
    if (level == ErrorMessageLevel)
        qCWarning(lcPage).noquote() << line;
    else
        qCDebug(lcPage).noquote() << line;
}

} // namespace Conduit
