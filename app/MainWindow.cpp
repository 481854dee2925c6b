#include "MainWindow.h"

#include "AppPage.h"
#include "AppProfile.h"
#include "ConduitRuntime.h"

#include <QAction>
#include <QCloseEvent>
#include <QDesktopServices>
#include <QIcon>
#include <QMenuBar>
#include <QTimer>
#include <QWebEngineView>

namespace Conduit {

namespace {
// A renderer that keeps dying is not helped by reloading it forever.
constexpr int kMaxReloadsPerMinute = 3;
} // namespace

MainWindow::MainWindow(ConduitRuntime &runtime, QWidget *parent)
    : QMainWindow(parent)
    , m_runtime(runtime)
    , m_profile(new AppProfile(this))
    , m_page(new AppPage(m_profile, runtime.bridge(), this))
    , m_view(new QWebEngineView(this))
{
    setWindowTitle(tr("Conduit"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/hicolor/256x256/apps/conduit.png")));
    setMinimumSize(800, 600);
    resize(1024, 700);

    m_view->setPage(m_page);
    m_view->setContextMenuPolicy(Qt::NoContextMenu);
    setCentralWidget(m_view);
    createMenus();

    connect(m_page, &AppPage::externalLinkRequested, this,
            [](const QUrl &url) { QDesktopServices::openUrl(url); });
    connect(m_page, &QWebEnginePage::renderProcessTerminated, this,
            &MainWindow::recoverFromRendererExit);
    m_page->load(m_page->home());
    m_view->setFocus();
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    quit->setShortcutContext(Qt::ApplicationShortcut);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    QAction *reload = view->addAction(tr("&Reload"), m_page,
                                      [this] { m_page->triggerAction(QWebEnginePage::Reload); });
    reload->setShortcut(QKeySequence::Refresh);
}

void MainWindow::recoverFromRendererExit()
{
    if (!m_crashWindow.isValid() || m_crashWindow.hasExpired(60 * 1000)) {
        m_crashWindow.start();
        m_crashesInWindow = 0;
    }
    if (++m_crashesInWindow > kMaxReloadsPerMinute) {
        qWarning("the page's renderer exited %d times within a minute; not reloading again",
                 m_crashesInWindow);
        return;
    }
    // Reload from the event loop, after WebEngine has finished tearing the old renderer down.
    QTimer::singleShot(0, m_page, [this] { m_page->load(m_page->home()); });
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    m_runtime.shutdown();
    event->accept();
}

} // namespace Conduit
