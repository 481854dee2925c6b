// SPDX-License-Identifier: MIT
// The application window: its menus, native dialogs for the page, notifications, and closing
// while tasks run.
#include "E2eMain.h"
#include "PageHarness.h"
#include <app/AppPage.h>
#include <app/AppScheme.h>
#include <app/AppSettings.h>
#include <app/AppWindows.h>
#include <app/ConduitRuntime.h>
#include <app/MainWindow.h>

#include <QAction>
#include <QMenuBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QWebEngineView>

using namespace Conduit;
using namespace std::chrono_literals;

class tst_E2eWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void menusCarryTheirShortcuts_data();
    void menusCarryTheirShortcuts();
    void zoomActionsZoom();
    void presetDialogAnswersThePage_data();
    void presetDialogAnswersThePage();
    void revealRefusesMissingPaths();
    void longTaskInTheBackgroundIsAnnounced();
    void closingWithoutTasksQuitsAtOnce();
    void closingWithRunningTasksAsksThenShutsDown();
    void theNextStartComesBackAsTheLastWasLeft();

private:
    QJsonObject await(const QString &body)
    {
        return PageHarness::awaitOn(*m_window->page(), body, 20s);
    }
    QAction *action(const QString &text);
    std::unique_ptr<ConduitRuntime> m_runtime;
    std::unique_ptr<AppWindows> m_windows;
    QPointer<MainWindow> m_window;
};

void tst_E2eWindow::init()
{
    m_runtime = std::make_unique<ConduitRuntime>(1s, PageHarness::testKinds());
    m_runtime->start();
    m_windows = std::make_unique<AppWindows>(*m_runtime, AppScheme::entryUrl());
    m_window = m_windows->open();
    QSignalSpy loaded(m_window->page(), &QWebEnginePage::loadFinished);
    QVERIFY(loaded.wait(20000));
    QVERIFY(await(QStringLiteral("await conduit.ready(); return true;")).value("ok").toBool());
}

void tst_E2eWindow::cleanup()
{
    m_windows.reset();
    m_runtime.reset();
}

QAction *tst_E2eWindow::action(const QString &text)
{
    for (QAction *menu : m_window->menuBar()->actions()) {
        for (QAction *item : menu->menu()->actions()) {
            if (item->text() == text)
                return item;
        }
    }
    return nullptr;
}

void tst_E2eWindow::menusCarryTheirShortcuts_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QKeySequence>("shortcut");
    QTest::newRow("quit") << "&Quit" << QKeySequence(QKeySequence::Quit);
    QTest::newRow("reload") << "&Reload" << QKeySequence(QKeySequence::Refresh);
    QTest::newRow("devtools") << "&Developer Tools" << QKeySequence(Qt::Key_F12);
    QTest::newRow("zoom in") << "Zoom &In" << QKeySequence(QKeySequence::ZoomIn);
    QTest::newRow("zoom out") << "Zoom &Out" << QKeySequence(QKeySequence::ZoomOut);
    QTest::newRow("zoom reset") << "Reset &Zoom" << QKeySequence(Qt::CTRL | Qt::Key_0);
    QTest::newRow("about") << "&About Conduit" << QKeySequence();
}

void tst_E2eWindow::menusCarryTheirShortcuts()
{
    QFETCH(QString, text);
    QFETCH(QKeySequence, shortcut);
    QAction *found = action(text);
    QVERIFY2(found, qPrintable(text));
    QCOMPARE(found->shortcut(), shortcut);
}

void tst_E2eWindow::zoomActionsZoom()
{
    action(QStringLiteral("Zoom &In"))->trigger();
    QCOMPARE(m_window->view()->zoomFactor(), 1.1);
    action(QStringLiteral("Reset &Zoom"))->trigger();
    QCOMPARE(m_window->view()->zoomFactor(), 1.0);
    action(QStringLiteral("Zoom &Out"))->trigger();
    QCOMPARE(m_window->view()->zoomFactor(), 0.9);
}

void tst_E2eWindow::presetDialogAnswersThePage_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("command");
    QTest::addColumn<QString>("answer");
    QTest::newRow("folder") << int(DesktopIntegration::DialogKind::PickFolder)
                            << "dialog.pickFolder"
                            << "/srv/data";
    QTest::newRow("open") << int(DesktopIntegration::DialogKind::OpenFile) << "dialog.openFile"
                          << "/srv/data/SHA256SUMS";
    QTest::newRow("save") << int(DesktopIntegration::DialogKind::SaveFile) << "dialog.saveFile"
                          << "/tmp/file.iso";
    QTest::newRow("cancelled") << int(DesktopIntegration::DialogKind::OpenFile) << "dialog.openFile"
                               << "";
}

void tst_E2eWindow::presetDialogAnswersThePage()
{
    QFETCH(int, kind);
    QFETCH(QString, command);
    QFETCH(QString, answer);
    m_runtime->desktop().presetAnswer(DesktopIntegration::DialogKind(kind), answer);
    const QJsonObject r
        = await(QStringLiteral("return await conduit.invoke('%1', {title: 'Pick'});").arg(command));
    QVERIFY(r.value("ok").toBool());
    const QJsonValue path = r.value("value").toObject().value("path");
    if (answer.isEmpty())
        QVERIFY(path.isNull());
    else
        QCOMPARE(path.toString(), answer);
    QVERIFY(!m_window->findChild<QDialog *>()); // nothing popped up
}

void tst_E2eWindow::revealRefusesMissingPaths()
{
    QSignalSpy revealed(&m_runtime->desktop(), &DesktopIntegration::revealRequested);
    const QJsonObject r = await(
        QStringLiteral("return await conduit.invoke('app.revealPath', {path: '/no/such/place'});"));
    QCOMPARE(r.value("error").toObject().value("code").toString(), QStringLiteral("not_found"));
    QCOMPARE(revealed.count(), 0);
}

void tst_E2eWindow::longTaskInTheBackgroundIsAnnounced()
{
    QSignalSpy notified(&m_runtime->desktop(), &DesktopIntegration::notified);
    // Long enough to be worth announcing, while another window is in front.
    QWidget other;
    other.show();
    other.activateWindow();
    QTRY_VERIFY(!m_window->isActiveWindow());
    const QJsonObject r
        = await(QStringLiteral("return await conduit.tasks.run('count', {to: 110, stepMs: 50});"));
    QVERIFY(r.value("ok").toBool());
    QTRY_COMPARE_WITH_TIMEOUT(notified.count(), 1, 5000);
    QCOMPARE(notified.at(0).at(0).toString(), QStringLiteral("Task finished"));
    // A short one is not.
    QVERIFY(await(QStringLiteral("return await conduit.tasks.run('count', {to: 2, stepMs: 1});"))
                .value("ok")
                .toBool());
    QTest::qWait(200);
    QCOMPARE(notified.count(), 1);
}

void tst_E2eWindow::closingWithoutTasksQuitsAtOnce()
{
    QVERIFY(m_window->close());
    QVERIFY(!m_runtime->isRunning());
}

void tst_E2eWindow::closingWithRunningTasksAsksThenShutsDown()
{
    QVERIFY(await(QStringLiteral(
                      "await conduit.tasks.start('count', {to: 1000000, stepMs: 5}); "
                      "await conduit.tasks.start('count', {to: 1000000, stepMs: 5}); return true;"))
                .value("ok")
                .toBool());
    QTRY_COMPARE_WITH_TIMEOUT(m_runtime->taskGateway().activeCount(), 2, 5000);
    QVERIFY(!m_window->close()); // asks first
    QTRY_VERIFY(m_window->quitQuestion() && m_window->quitQuestion()->isVisible());
    QVERIFY(m_window->quitQuestion()->text().contains(QStringLiteral("2 task")));
    QVERIFY(m_runtime->isRunning());
    QPushButton *quit = nullptr;
    for (QAbstractButton *button : m_window->quitQuestion()->buttons()) {
        if (button->text() == QLatin1String("Cancel Tasks and Quit"))
            quit = qobject_cast<QPushButton *>(button);
    }
    QVERIFY(quit);
    QElapsedTimer clock;
    clock.start();
    quit->click();
    QTRY_VERIFY_WITH_TIMEOUT(!m_window || !m_window->isVisible(), 10000);
    QVERIFY(!m_runtime->isRunning());
    QVERIFY2(clock.elapsed() < 6000, qPrintable(QString::number(clock.elapsed())));
}

void tst_E2eWindow::theNextStartComesBackAsTheLastWasLeft()
{
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("conduit.conf"));
    // One start of the application: a runtime, its settings, its windows.
    struct Start
    {
        explicit Start(const QString &file)
            : settings(file)
        {
            runtime.start();
        }
        ConduitRuntime runtime{1s, PageHarness::testKinds()};
        AppSettings settings;
        AppWindows windows{runtime, AppScheme::entryUrl(), &settings};
    };
    const auto connected = [](Start &start, MainWindow *window) {
        for (int i = 0; i < 200 && !start.runtime.pages().page(window->label())->isPageAttached();
             ++i)
            QTest::qWait(100);
        return PageHarness::awaitOn(*window->page(),
                                    QStringLiteral("await conduit.ready(); return true;"), 20s)
            .value("ok")
            .toBool();
    };

    {
        Start first(file);
        QPointer<MainWindow> window = first.windows.open();
        QVERIFY(connected(first, window));
        window->setGeometry(120, 90, 900, 640);
        // The user opens the console and lets three tasks run at once.
        PageHarness::runOn(*window->page(),
                           QStringLiteral("document.querySelector('[data-testid=nav-console]')"
                                          ".click()"));
        QTRY_COMPARE(window->page()->url().fragment(), QStringLiteral("console"));
        QVERIFY(PageHarness::awaitOn(*window->page(),
                                     QStringLiteral("await conduit.invoke('tasks.setLimit', "
                                                    "{limit: 3}); return true;"))
                    .value("ok")
                    .toBool());
        QTRY_COMPARE(first.settings.taskLimit().value_or(0), 3);
        QVERIFY(window->close());
    }
    {
        Start second(file);
        QPointer<MainWindow> window = second.windows.open();
        QVERIFY(connected(second, window));
        QCOMPARE(window->geometry().size(), QSize(900, 640));
        QCOMPARE(window->geometry().topLeft(), QPoint(120, 90));
        QTRY_COMPARE_WITH_TIMEOUT(
            PageHarness::runOn(*window->page(),
                               QStringLiteral("document.querySelector('[data-testid=nav-console]')"
                                              ".getAttribute('aria-selected')"))
                .toString(),
            QStringLiteral("true"), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(
            PageHarness::runOn(*window->page(), QStringLiteral("document.querySelector('["
                                                               "data-testid=task-limit]')"
                                                               ".value"))
                .toString(),
            QStringLiteral("3"), 10000);
        // A second window opens where it likes: only the first comes back.
        MainWindow *other = second.windows.open();
        QVERIFY(other->geometry().topLeft() != QPoint(120, 90)
                || other->geometry().size() != QSize(900, 640));
        other->close();
        window->showMaximized();
        QTRY_VERIFY(window->isMaximized());
        QVERIFY(window->close());
    }
    {
        Start third(file);
        QPointer<MainWindow> window = third.windows.open();
        QTRY_VERIFY(window->isMaximized());
    }
}

CONDUIT_E2E_MAIN(tst_E2eWindow)
#include "tst_e2e_window.moc"
