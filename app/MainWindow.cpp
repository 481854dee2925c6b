// SPDX-License-Identifier: MIT
#include "MainWindow.h"

#include "AppPage.h"
#include "AppProfile.h"
#include "AppWindows.h"
#include "ConduitRuntime.h"

#include <QAction>
#include <QCloseEvent>
#include <QCoreApplication>
#include <QDesktopServices>
#include <QIcon>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QTimer>
#include <QWebEngineView>

namespace Conduit {

namespace {
constexpr qreal kZoomStep = 0.1;
} // namespace

MainWindow::MainWindow(ConduitRuntime &runtime, AppWindows &windows, const QUrl &url,
                       QWidget *parent)
    : QMainWindow(parent)
    , m_runtime(runtime)
    , m_windows(windows)
    , m_bridge(&runtime.pages().open())
    , m_label(m_bridge->label())
    // A profile each: a page's bytes are served to that page only.
    , m_profile(new AppProfile(m_bridge->byteTokens(), this))
    , m_page(new AppPage(m_profile, *m_bridge, this))
    , m_view(new QWebEngineView(this))
{
    setWindowTitle(tr("Conduit"));
    setObjectName(m_label);
    m_openedOn = url.fragment();
    setWindowIcon(QIcon(QStringLiteral(":/icons/hicolor/256x256/apps/conduit.png")));
    setMinimumSize(800, 600);
    resize(1024, 700);

    m_view->setPage(m_page);
    m_view->setContextMenuPolicy(Qt::NoContextMenu);
    setCentralWidget(m_view);
    createMenus();

    // The page names what the window shows (a task's own window says which task).
    connect(m_page, &QWebEnginePage::titleChanged, this, [this](const QString &title) {
        setWindowTitle(title.isEmpty() ? tr("Conduit") : title);
    });
    connect(m_page, &AppPage::externalLinkRequested, this,
            [](const QUrl &url) { QDesktopServices::openUrl(url); });
    m_runtime.desktop().setDialogParent(m_label, this);
    m_page->setHome(url);
    m_page->load(url);
    m_view->setFocus();
}

MainWindow::~MainWindow()
{
    // The page must go before its profile (QtWebEngine warns, and may crash, otherwise), and
    // before its bridge.
    delete m_view;
    delete m_page;
    m_runtime.pages().close(m_label);
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *newWindow = file->addAction(tr("&New Window"), this, [this] { m_windows.open(); });
    newWindow->setShortcut(QKeySequence::New);
    QAction *closeWindow = file->addAction(tr("&Close Window"), this, &QWidget::close);
    closeWindow->setShortcut(QKeySequence::Close);
    file->addSeparator();
    // Offered only where the desktop has a tray to keep it in.
    if (m_windows.isTrayOffered()) {
        QAction *tray = file->addAction(tr("Keep Running in &Tray"));
        tray->setCheckable(true);
        tray->setChecked(m_windows.keepsRunningInTray());
        tray->setToolTip(tr("When the last window closes while tasks run, keep them running "
                            "with an icon in the system tray"));
        connect(tray, &QAction::toggled, &m_windows, &AppWindows::setKeepsRunningInTray);
        connect(&m_windows, &AppWindows::trayOptionChanged, tray, &QAction::setChecked);
        file->addSeparator();
    }
    QAction *quit = file->addAction(tr("&Quit"), this, [this] { m_windows.quit(this); });
    // Each window's own (every window has this menu): an application-wide Ctrl+Q in two
    // windows would be ambiguous, and Qt would trigger neither.
    quit->setShortcut(QKeySequence::Quit);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    QAction *reload = view->addAction(tr("&Reload"), m_page,
                                      [this] { m_page->triggerAction(QWebEnginePage::Reload); });
    reload->setShortcut(QKeySequence::Refresh);
    QAction *devTools = view->addAction(tr("&Developer Tools"), this, &MainWindow::showDevTools);
    devTools->setShortcut(QKeySequence(Qt::Key_F12));
    view->addSeparator();
    QAction *zoomIn = view->addAction(tr("Zoom &In"), this, [this] { zoomBy(kZoomStep); });
    zoomIn->setShortcut(QKeySequence::ZoomIn);
    QAction *zoomOut = view->addAction(tr("Zoom &Out"), this, [this] { zoomBy(-kZoomStep); });
    zoomOut->setShortcut(QKeySequence::ZoomOut);
    QAction *zoomReset
        = view->addAction(tr("Reset &Zoom"), this, [this] { m_view->setZoomFactor(1.0); });
    zoomReset->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Conduit"), this, &MainWindow::showAbout);
}

void MainWindow::zoomBy(qreal step)
{
    m_view->setZoomFactor(std::clamp(m_view->zoomFactor() + step, 0.5, 3.0));
}

void MainWindow::showDevTools()
{
    if (!m_devTools) {
        m_devTools = new QWebEngineView;
        m_devTools->setAttribute(Qt::WA_DeleteOnClose);
        m_devTools->setWindowTitle(tr("Conduit — Developer Tools"));
        m_devTools->resize(1000, 700);
        m_page->setDevToolsPage(m_devTools->page());
    }
    m_devTools->show();
    m_devTools->raise();
}

void MainWindow::showAbout()
{
    auto *about = new QMessageBox(
        QMessageBox::Information, tr("About Conduit"),
        tr("<h3>Conduit %1</h3><p>Hash and verify folders, download files "
           "and follow logs, with a web page and an asynchronous C++ "
           "process talking both ways.</p><p>Built with Qt %2.</p>")
            .arg(QCoreApplication::applicationVersion(), QString::fromLatin1(qVersion())),
        QMessageBox::Close, this);
    about->setIconPixmap(windowIcon().pixmap(64, 64));
    about->setAttribute(Qt::WA_DeleteOnClose);
    about->open();
}

void MainWindow::confirmQuit(std::function<void()> quit)
{
    const int active = m_runtime.taskGateway().activeCount();
    if (active == 0) {
        quit();
        return;
    }
    if (m_quitQuestion) {
        // Its window first, then the question above it.
        raise();
        m_quitQuestion->raise();
        m_quitQuestion->activateWindow();
        return;
    }
    m_quitQuestion
        = new QMessageBox(QMessageBox::Question, tr("Quit Conduit?"),
                          tr("%n task(s) still running. Cancel them and quit?", "", active),
                          QMessageBox::NoButton, this);
    QPushButton *confirm
        = m_quitQuestion->addButton(tr("Cancel Tasks and Quit"), QMessageBox::AcceptRole);
    m_quitQuestion->addButton(tr("Keep Running"), QMessageBox::RejectRole);
    m_quitQuestion->setDefaultButton(confirm);
    m_quitQuestion->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_quitQuestion, &QMessageBox::finished, this, [this, confirm, quit] {
        if (m_quitQuestion && m_quitQuestion->clickedButton() == confirm)
            QTimer::singleShot(0, this, quit); // after the question has gone
    });
    m_quitQuestion->open();
}

void MainWindow::closeConfirmed()
{
    m_quitConfirmed = true;
    close();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    // Another window keeps the application, its tasks and its runtime.
    if (!m_windows.isLast(this)) {
        delete m_devTools;
        event->accept();
        return;
    }
    if (!m_quitConfirmed && m_runtime.taskGateway().activeCount() > 0
        && m_windows.keepsRunningInTray()) {
        delete m_devTools;
        m_windows.toTray(this);
        event->accept();
        return;
    }
    if (m_quitConfirmed || m_runtime.taskGateway().activeCount() == 0) {
        delete m_devTools;
        m_windows.lastWindowClosing(this);
        m_runtime.shutdown();
        event->accept();
        return;
    }
    // Ask first, without a nested event loop: the answer closes the window again.
    event->ignore();
    confirmQuit([this] { closeConfirmed(); });
}

} // namespace Conduit
