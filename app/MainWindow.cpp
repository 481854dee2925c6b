#include "MainWindow.h"

#include "AppPage.h"
#include "AppProfile.h"
#include "ConduitRuntime.h"

#include <QAction>
#include <QCloseEvent>
#include <QDesktopServices>
#include <QIcon>
#include <QMenuBar>
#include <QWebEngineView>

namespace Conduit {

MainWindow::MainWindow(ConduitRuntime &runtime, const QUrl &home, QWidget *parent)
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
    m_page->setHome(home);
    m_page->load(home);
    m_view->setFocus();
}

MainWindow::~MainWindow()
{
    // The page must go before its profile (QtWebEngine warns, and may crash, otherwise).
    delete m_view;
    delete m_page;
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

void MainWindow::closeEvent(QCloseEvent *event)
{
    m_runtime.shutdown();
    event->accept();
}

} // namespace Conduit
