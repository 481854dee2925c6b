// SPDX-License-Identifier: MIT
#pragma once

#include "AppViews.h"
#include <QMainWindow>
#include <QMessageBox>
#include <QPointer>
#include <QUrl>

#include <functional>

class QWebEngineView;

namespace Conduit {

class AppPage;
class AppProfile;
class AppWindows;
class Bridge;
class ConduitRuntime;

// One window of the application: its own page (a page of the runtime's PageHub, labelled),
// a menu, and, for the last window, the question before quitting while tasks run and the
// shutdown of the runtime. AppWindows opens them.
class MainWindow final : public QMainWindow
{
    Q_OBJECT

public:
    // `url`: the page to show (the application's home, or one of its views).
    MainWindow(ConduitRuntime &runtime, AppWindows &windows, const QUrl &url,
               QWidget *parent = nullptr);
    ~MainWindow() override;

    // The view of the page it was opened on (the URL's fragment: "task/12"), "" for the start.
    QString openedOn() const { return m_openedOn; }
    // A window of its own on one task ("task/12"): it shows nothing else.
    bool showsOneTask() const
    {
        return !m_openedOn.isEmpty() && !AppViews::all.contains(m_openedOn);
    }
    // The page's label among the runtime's pages ("main", "window-2", …).
    QString label() const { return m_label; }
    Bridge &bridge() const { return *m_bridge; }
    AppPage *page() const { return m_page; }
    QWebEngineView *view() const { return m_view; }
    // The question before quitting while tasks run (for tests that answer it).
    QMessageBox *quitQuestion() const { return m_quitQuestion; }
    // Asks first if tasks run (window-modal, no nested loop); then `quit` runs.
    void confirmQuit(std::function<void()> quit);
    // Closes without asking: the user has answered already.
    void closeConfirmed();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createMenus();
    void zoomBy(qreal step);
    void showDevTools();
    void showAbout();

    ConduitRuntime &m_runtime;
    AppWindows &m_windows;
    Bridge *m_bridge = nullptr;
    QString m_label;
    QString m_openedOn;
    AppProfile *m_profile = nullptr;
    AppPage *m_page = nullptr;
    QWebEngineView *m_view = nullptr;
    QPointer<QWebEngineView> m_devTools;
    QPointer<QMessageBox> m_quitQuestion;
    bool m_quitConfirmed = false;
};

} // namespace Conduit
