// SPDX-License-Identifier: MIT
#pragma once

#include <worker/TaskState.h>

#include <QMenu>
#include <QObject>
#include <QSystemTrayIcon>
#include <QTimer>

namespace Conduit {

class ConduitRuntime;

// The icon in the system tray while the application runs without a window (the setting "Keep
// Running in Tray"): its menu shows the active tasks and their progress as they are when it
// opens, reopens a window, or quits. Its tooltip counts the tasks, every second.
class AppTray final : public QObject
{
    Q_OBJECT

public:
    explicit AppTray(ConduitRuntime &runtime, QObject *parent = nullptr);

    void show();
    void hide();
    bool isVisible() const { return m_icon.isVisible(); }
    QMenu *menu() { return &m_menu; }
    // Whether this desktop has a system tray at all.
    static bool isAvailable() { return QSystemTrayIcon::isSystemTrayAvailable(); }

Q_SIGNALS:
    void openWindowRequested();
    void quitRequested();

private:
    // The menu as the tasks are now; built when it is about to show, never while it is open.
    void rebuildMenu();
    void updateToolTip();
    QString summary() const; // how many tasks run
    // A task's unfinished state, in the user's language (the wire's names are not).
    static QString stateName(TaskState state);

    ConduitRuntime &m_runtime;
    QSystemTrayIcon m_icon;
    QMenu m_menu;
    QTimer m_toolTipTimer;
};

} // namespace Conduit
