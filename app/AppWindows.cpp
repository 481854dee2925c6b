// SPDX-License-Identifier: MIT
#include "AppWindows.h"

#include "AppPage.h"
#include "AppSettings.h"
#include "AppTray.h"
#include "ConduitRuntime.h"
#include "MainWindow.h"

#include <QApplication>
#include <QRegularExpression>
#include <QScreen>
#include <QWindow>

namespace Conduit {

AppWindows::AppWindows(ConduitRuntime &runtime, const QUrl &home, AppSettings *settings,
                       QObject *parent)
    : QObject(parent)
    , m_runtime(runtime)
    , m_home(home)
    , m_settings(settings)
    , m_trayAvailable(AppTray::isAvailable())
{
    if (m_settings) {
        // A limit out of today's range is refused, and the default stays: nobody waits for it.
        if (const std::optional<int> limit = m_settings->taskLimit())
            m_runtime.taskGateway().setLimit(*limit);
        connect(&m_runtime.taskGateway(), &TaskGateway::limitChanged, this,
                [this](int limit) { m_settings->setTaskLimit(limit); });
    }
    connect(qGuiApp, &QGuiApplication::focusWindowChanged, this, &AppWindows::onFocusWindowChanged);
    connect(&m_runtime.taskGateway(), &TaskGateway::taskFinished, this,
            [this](const QJsonObject &task) {
                const bool inFront = std::any_of(m_windows.cbegin(), m_windows.cend(),
                                                 [](const QPointer<MainWindow> &window) {
                                                     return window && window->isActiveWindow();
                                                 });
                m_runtime.desktop().announceFinished(task, inFront);
            });
    m_runtime.pages().setOpener([this](const QString &view) {
        if (!isValidView(view))
            throw CommandError(ErrorCode::InvalidArgs,
                               QStringLiteral("a view is letters, digits, '/', '-' and '_'"),
                               {{QStringLiteral("argument"), QStringLiteral("view")}});
        if (windows().size() >= kMaxWindowsFromPages)
            throw CommandError(
                ErrorCode::Busy,
                QStringLiteral("%1 windows are open; close one first").arg(kMaxWindowsFromPages),
                {{QStringLiteral("limit"), kMaxWindowsFromPages}});
        return open(view)->label();
    });
}

AppWindows::~AppWindows()
{
    m_runtime.pages().setOpener({});
    // A copy: each window's destruction removes it from m_windows.
    const QList<QPointer<MainWindow>> windows = m_windows;
    for (const QPointer<MainWindow> &window : windows)
        delete window.data();
}

bool AppWindows::isValidView(const QString &view)
{
    static const QRegularExpression allowed(QStringLiteral("^[A-Za-z0-9/_-]{0,128}$"));
    return allowed.match(view).hasMatch();
}

MainWindow *AppWindows::open(const QString &view)
{
    // A view open already (a task's own window) is brought to the front, not opened twice.
    if (!view.isEmpty()) {
        for (MainWindow *window : windows()) {
            if (window->openedOn() == view) {
                window->raise();
                window->activateWindow();
                return window;
            }
        }
    }
    if (m_tray && m_tray->isVisible()) {
        m_tray->hide();
        QGuiApplication::setQuitOnLastWindowClosed(true);
    }
    // The first window comes back as the last one was left.
    const bool restoring = m_settings && !m_restored;
    m_restored = true;
    QUrl url = m_home;
    if (!view.isEmpty())
        url.setFragment(view);
    else if (restoring && !m_settings->view().isEmpty())
        url.setFragment(m_settings->view());
    auto *window = new MainWindow(m_runtime, *this, url);
    window->setAttribute(Qt::WA_DeleteOnClose);
    const bool restored = restoring && m_settings->restoreWindow(window);
    m_windows.append(window);
    connect(window, &QObject::destroyed, this, [this] { m_windows.removeAll(nullptr); });
    // A new window opens beside the one in front, not on top of it.
    if (const MainWindow *front = qobject_cast<MainWindow *>(QApplication::activeWindow());
        front && !restored) {
        // Beside it, and back to the screen's corner rather than off its edge.
        const QRect screen = front->screen()->availableGeometry();
        QPoint at = front->pos() + QPoint(32, 32);
        if (!screen.contains(QRect(at, window->size())))
            at = screen.topLeft();
        window->move(at);
    }
    window->show();
    window->raise();
    window->activateWindow();
    Q_EMIT opened(window);
    return window;
}

MainWindow *AppWindows::windowForHandOff(bool showsTasks)
{
    const auto fits = [showsTasks](const MainWindow *window) {
        return !showsTasks || !window->showsOneTask();
    };
    MainWindow *chosen = window(m_runtime.pages().active());
    if (chosen && !fits(chosen))
        chosen = nullptr;
    if (!chosen) {
        for (MainWindow *window : windows()) {
            if (fits(window))
                chosen = window; // the newest that fits
        }
    }
    if (!chosen)
        return open(showsTasks ? AppViews::tasks : QString());
    if (showsTasks)
        m_runtime.desktop().showView(chosen->label(), AppViews::tasks);
    return chosen;
}

QList<MainWindow *> AppWindows::windows() const
{
    QList<MainWindow *> open;
    for (const QPointer<MainWindow> &window : m_windows) {
        if (window)
            open.append(window);
    }
    return open;
}

MainWindow *AppWindows::window(const QString &label) const
{
    for (MainWindow *window : windows()) {
        if (window->label() == label)
            return window;
    }
    return nullptr;
}

bool AppWindows::isLast(const MainWindow *window) const
{
    return std::none_of(m_windows.cbegin(), m_windows.cend(),
                        [window](const QPointer<MainWindow> &other) {
                            return other && other != window && other->isVisible();
                        });
}

void AppWindows::quit(MainWindow *asking)
{
    // One question for the application: Quit from another window raises the one asked already.
    for (MainWindow *window : windows()) {
        if (window->quitQuestion()) {
            asking = window;
            break;
        }
    }
    asking->confirmQuit([this] {
        // The last one closed shuts the runtime down; the others just go.
        for (MainWindow *window : windows())
            window->closeConfirmed();
    });
}

void AppWindows::lastWindowClosing(MainWindow *window)
{
    if (m_settings)
        m_settings->saveWindow(window, window->page()->url().fragment());
}

bool AppWindows::isTrayOffered() const
{
    return m_settings && m_trayAvailable;
}

bool AppWindows::keepsRunningInTray() const
{
    return isTrayOffered() && m_settings->keepsRunningInTray();
}

void AppWindows::setKeepsRunningInTray(bool keep)
{
    if (!m_settings || keep == m_settings->keepsRunningInTray())
        return;
    m_settings->setKeepsRunningInTray(keep);
    Q_EMIT trayOptionChanged(keep);
}

AppTray *AppWindows::tray() const
{
    return m_tray && m_tray->isVisible() ? m_tray : nullptr;
}

void AppWindows::toTray(MainWindow *window)
{
    lastWindowClosing(window);
    if (!m_tray) {
        m_tray = new AppTray(m_runtime, this);
        connect(m_tray, &AppTray::openWindowRequested, this, [this] { open(); });
        connect(m_tray, &AppTray::quitRequested, this, [this] {
            // Chosen from a menu that says it cancels the tasks: nothing to ask.
            m_tray->hide();
            m_runtime.shutdown();
            QCoreApplication::quit();
        });
    }
    // The window goes; the application, its runtime and its tasks stay.
    QGuiApplication::setQuitOnLastWindowClosed(false);
    m_tray->show();
}

void AppWindows::onFocusWindowChanged()
{
    const QWindow *focus = QGuiApplication::focusWindow();
    for (MainWindow *window : windows()) {
        if (focus && window->windowHandle() == focus)
            m_runtime.pages().setActive(window->label());
    }
}

} // namespace Conduit
