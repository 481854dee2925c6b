// SPDX-License-Identifier: MIT
#pragma once

#include <QMainWindow>
#include <QMessageBox>
#include <QPointer>
#include <QUrl>

class QWebEngineView;

namespace Conduit {

class AppPage;
class AppProfile;
class ConduitRuntime;

// The application window: the page, a menu, and the shutdown of the runtime on close.
class MainWindow final : public QMainWindow
{
    Q_OBJECT

public:
    MainWindow(ConduitRuntime &runtime, const QUrl &home, QWidget *parent = nullptr);
    ~MainWindow() override;

    AppPage *page() const { return m_page; }
    QWebEngineView *view() const { return m_view; }
    // The close question while tasks run (for tests that answer it).
    QMessageBox *quitQuestion() const { return m_quitQuestion; }

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createMenus();
    void zoomBy(qreal step);
    void showDevTools();
    void showAbout();

    ConduitRuntime &m_runtime;
    AppProfile *m_profile = nullptr;
    AppPage *m_page = nullptr;
    QWebEngineView *m_view = nullptr;
    QPointer<QWebEngineView> m_devTools;
    QPointer<QMessageBox> m_quitQuestion;
    bool m_quitConfirmed = false;
};

} // namespace Conduit
