// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QObject>
#include <QPointer>
#include <QUrl>

namespace Conduit {

class AppSettings;
class AppTray;
class ConduitRuntime;
class MainWindow;

// The application's windows on one runtime: opens them (File → New Window, the page's
// windows.open, a second start of the application), tells the runtime's pages which one is
// active (native questions go there), announces finished tasks once for all of them, and quits:
// closing a window keeps the others; closing the last one, or Quit, asks first while tasks run.
class AppWindows final : public QObject
{
    Q_OBJECT

public:
    // `home`: the page every window shows (its views are fragments of it). `settings`, if given,
    // brings back the last window's geometry and view in the first one, and the concurrency
    // limit, and keeps them as they change.
    AppWindows(ConduitRuntime &runtime, const QUrl &home, AppSettings *settings = nullptr,
               QObject *parent = nullptr);
    ~AppWindows() override;

    // A new window, shown, on `view` of the page (e.g. "task/12") or its start; a window that
    // shows `view` already is brought to the front instead.
    MainWindow *open(const QString &view = {});
    // The window another `conduit …` hands its command line to: the one in front, else the
    // newest; a new one if none is open (in the tray). With tasks to show, not a window of one
    // task's own, and the window goes to its task list (it may have been left on the console).
    MainWindow *windowForHandOff(bool showsTasks);
    QList<MainWindow *> windows() const;
    MainWindow *window(const QString &label) const;
    // True if no other window is open: closing it quits.
    bool isLast(const MainWindow *window) const;
    // Asks in `asking` first while tasks run (once: a question open in another window is
    // raised instead), then closes every window.
    void quit(MainWindow *asking);
    // The last window is closing: what it looks like is remembered for the next start.
    void lastWindowClosing(MainWindow *window);

    // "Keep Running in Tray" is offered where the desktop has a tray (and settings are kept).
    bool isTrayOffered() const;
    // The last window closing while tasks run leaves the application in the tray.
    bool keepsRunningInTray() const;
    void setKeepsRunningInTray(bool keep);
    // For tests: the offscreen platform has no tray, but the behaviour is the same.
    void setTrayAvailable(bool available) { m_trayAvailable = available; }
    // The last window closes and the application goes on in the tray.
    void toTray(MainWindow *window);
    // The tray icon, while the application runs in it (else null).
    AppTray *tray() const;
    // What the page may name as a view: letters, digits, '/', '-', '_', at most 128 of them.
    static bool isValidView(const QString &view);
    // Windows a page may have open at once with windows.open (each is a renderer): beyond it,
    // `busy`. The user's own File → New Window is not bounded.
    static constexpr int kMaxWindowsFromPages = 16;

Q_SIGNALS:
    void opened(Conduit::MainWindow *window);
    void trayOptionChanged(bool keep);

private:
    void onFocusWindowChanged();

    ConduitRuntime &m_runtime;
    QUrl m_home;
    AppSettings *m_settings = nullptr;
    bool m_restored = false; // the first window took the saved geometry and view
    bool m_trayAvailable;
    AppTray *m_tray = nullptr;             // made the first time the application goes to the tray
    QList<QPointer<MainWindow>> m_windows; // in the order they opened
};

} // namespace Conduit
