// SPDX-License-Identifier: MIT
// Several windows on one runtime, each a real MainWindow with its real page: every window sees
// and controls every task; native emits to all or to one and asks one; a page emits to another;
// one window reloading, crashing or closing leaves the others working; Quit asks once; a task
// opens in a window of its own that follows it.
#include "E2eMain.h"
#include "PageHarness.h"
#include <app/AppPage.h>
#include <app/AppScheme.h>
#include <app/AppSettings.h>
#include <app/AppTray.h>
#include <app/AppWindows.h>
#include <app/ConduitRuntime.h>
#include <app/MainWindow.h>

#include <QAction>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTranslator>

#include <csignal>

using namespace Conduit;
using namespace std::chrono_literals;

class tst_E2eWindows : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void newWindowSharesTheRuntimeAndItsTasks();
    void eventsReachEveryWindowOrOne();
    void aQuestionGoesToOneWindow();
    void aWindowReloadingOrCrashingLeavesTheOthers();
    void closingAWindowKeepsTheOthers();
    void quitFromAnyWindowAsksOnceAndClosesThemAll();
    void aTaskOpensInAWindowOfItsOwn();
    void theTrayKeepsTasksRunningWithoutAWindow();
    void theTrayMenuNamesTasksInTheUsersLanguage();
    void aPageOpensBoundedWindowsOnlyOnValidViews();
    void aHandOffShowsItsTasks();

private:
    // Opens a window and waits until its page has said hello.
    MainWindow *openWindow(const QString &view = {});
    static QJsonObject await(MainWindow *window, const QString &body)
    {
        return PageHarness::awaitOn(*window->page(), body, 20s);
    }
    static QVariant run(MainWindow *window, const QString &script)
    {
        return PageHarness::runOn(*window->page(), script);
    }
    static QAction *action(MainWindow *window, const QString &text);
    // Each page keeps the `note` events it hears in window.__notes.
    static void listenForNotes(MainWindow *window);
    static QJsonArray notes(MainWindow *window);
    QJsonValue answerOf(QFuture<QJsonValue> future);

    std::unique_ptr<ConduitRuntime> m_runtime;
    std::unique_ptr<AppWindows> m_windows;
    QTemporaryDir m_dir;
};

void tst_E2eWindows::init()
{
    m_runtime = std::make_unique<ConduitRuntime>(1s, PageHarness::testKinds());
    m_runtime->start();
    m_windows = std::make_unique<AppWindows>(*m_runtime, AppScheme::entryUrl());
}

void tst_E2eWindows::cleanup()
{
    m_windows.reset();
    m_runtime.reset();
}

MainWindow *tst_E2eWindows::openWindow(const QString &view)
{
    QSignalSpy attached(&m_runtime->pages(), &PageHub::pageAttached);
    MainWindow *window = m_windows->open(view);
    const QString label = window->label();
    const auto said = [&] {
        for (const QList<QVariant> &args : attached) {
            if (args.at(0).toString() == label)
                return true;
        }
        return false;
    };
    for (int i = 0; i < 100 && !said(); ++i)
        attached.wait(300);
    if (!said())
        return nullptr;
    return window;
}

QAction *tst_E2eWindows::action(MainWindow *window, const QString &text)
{
    for (QAction *menu : window->menuBar()->actions()) {
        for (QAction *item : menu->menu()->actions()) {
            if (item->text() == text)
                return item;
        }
    }
    return nullptr;
}

void tst_E2eWindows::listenForNotes(MainWindow *window)
{
    QVERIFY(await(window, QStringLiteral("window.__notes = []; conduit.listen('note', (p) => "
                                         "window.__notes.push(p)); return true;"))
                .value("ok")
                .toBool());
}

QJsonArray tst_E2eWindows::notes(MainWindow *window)
{
    return QJsonDocument::fromJson(
               run(window, QStringLiteral("JSON.stringify(window.__notes)")).toString().toUtf8())
        .array();
}

QJsonValue tst_E2eWindows::answerOf(QFuture<QJsonValue> future)
{
    QElapsedTimer clock;
    clock.start();
    while (!future.isFinished() && clock.elapsed() < 10000)
        QTest::qWait(20);
    if (!future.isFinished())
        return QStringLiteral("no answer within 10 s");
    try {
        return future.result();
    } catch (const CommandError &error) {
        return QJsonValue(error.code());
    }
}

void tst_E2eWindows::newWindowSharesTheRuntimeAndItsTasks()
{
    MainWindow *first = openWindow();
    QVERIFY(first);
    // File → New Window (Ctrl+N) in the first window opens the second.
    QAction *newWindow = action(first, QStringLiteral("&New Window"));
    QVERIFY(newWindow);
    QCOMPARE(newWindow->shortcut(), QKeySequence(QKeySequence::New));
    QSignalSpy opened(m_windows.get(), &AppWindows::opened);
    newWindow->trigger();
    QCOMPARE(opened.count(), 1);
    MainWindow *second = m_windows->windows().value(1);
    QVERIFY(second);
    QTRY_VERIFY_WITH_TIMEOUT(m_runtime->pages().page(second->label())->isPageAttached(), 20000);
    QVERIFY(
        await(second, QStringLiteral("await conduit.ready(); return true;")).value("ok").toBool());

    // Each page knows its own label and everyone's.
    QCOMPARE(run(first, QStringLiteral("conduit.window")).toString(), QStringLiteral("main"));
    QCOMPARE(run(second, QStringLiteral("conduit.window")).toString(), QStringLiteral("window-2"));
    const QJsonObject list
        = await(second, QStringLiteral("return await conduit.invoke('windows.list', {});"));
    QCOMPARE(list.value("value").toObject().value("labels").toArray(),
             (QJsonArray{QStringLiteral("main"), QStringLiteral("window-2")}));

    // A task started in the first shows in the second's dashboard, and its Cancel there stops it
    // for both.
    QVERIFY(await(first, QStringLiteral("window.__states = []; conduit.listen('task.state', "
                                        "(s) => window.__states.push(s.state)); return true;"))
                .value("ok")
                .toBool());
    const QJsonObject started = await(
        first, QStringLiteral("return (await conduit.tasks.start('count', {to: 100000, stepMs: "
                              "5})).id;"));
    const int id = started.value("value").toInt();
    QVERIFY2(id > 0, qPrintable(QJsonDocument(started).toJson()));
    const QString cancel = QStringLiteral("document.querySelector('[data-task-id=\"%1\"] "
                                          "[data-testid=task-cancel]')")
                               .arg(id);
    QTRY_VERIFY_WITH_TIMEOUT(run(second, cancel + QStringLiteral(" !== null")).toBool(), 10000);
    run(second, cancel + QStringLiteral(".click()"));
    QTRY_VERIFY_WITH_TIMEOUT(
        run(first, QStringLiteral("window.__states.includes('cancelled')")).toBool(), 10000);
    // And one the second starts shows in the first's dashboard.
    const int other
        = await(second, QStringLiteral("return (await conduit.tasks.start('count', {to: 3, "
                                       "stepMs: 1})).id;"))
              .value("value")
              .toInt();
    QVERIFY(other > id);
    QTRY_COMPARE_WITH_TIMEOUT(
        run(first, QStringLiteral("document.querySelector('[data-task-id=\"%1\"]')?.dataset.state")
                       .arg(other))
            .toString(),
        QStringLiteral("completed"), 10000);
}

void tst_E2eWindows::eventsReachEveryWindowOrOne()
{
    QList<MainWindow *> windows;
    for (int i = 0; i < 3; ++i) {
        windows.append(openWindow());
        QVERIFY(windows.last());
        listenForNotes(windows.last());
    }
    PageHub &pages = m_runtime->pages();
    QCOMPARE(pages.labels(), (QStringList{"main", "window-2", "window-3"}));

    pages.emitEvent(QStringLiteral("note"), QJsonObject{{"n", 1}});
    for (MainWindow *window : windows)
        QTRY_COMPARE_WITH_TIMEOUT(notes(window), (QJsonArray{QJsonObject{{"n", 1}}}), 10000);

    QVERIFY(
        pages.emitTo(QStringLiteral("window-2"), QStringLiteral("note"), QJsonObject{{"n", 2}}));
    QVERIFY(!pages.emitTo(QStringLiteral("window-9"), QStringLiteral("note"), QJsonObject{}));
    // From a page: the third window tells the first only.
    const QJsonObject sent
        = await(windows.at(2),
                QStringLiteral("await conduit.emitTo('main', 'note', {n: 3}); return true;"));
    QVERIFY2(sent.value("ok").toBool(), qPrintable(QJsonDocument(sent).toJson()));
    const QJsonObject nobody
        = await(windows.at(2),
                QStringLiteral("await conduit.emitTo('nobody', 'note', {n: 4}); return true;"));
    QCOMPARE(nobody.value("error").toObject().value("code").toString(),
             QStringLiteral("not_found"));
    // A page cannot pass for native: a forged task.state would stick in the other window.
    const QJsonObject forged = await(
        windows.at(2), QStringLiteral("await conduit.emitTo('main', 'task.state', {id: 1, state: "
                                      "'completed'}); return true;"));
    QCOMPARE(forged.value("error").toObject().value("code").toString(),
             QStringLiteral("invalid_args"));

    QTRY_COMPARE_WITH_TIMEOUT(notes(windows.at(1)).size(), 2, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(notes(windows.at(0)).size(), 2, 10000);
    QTest::qWait(300); // anything misrouted would have arrived by now
    QCOMPARE(notes(windows.at(0)), (QJsonArray{QJsonObject{{"n", 1}}, QJsonObject{{"n", 3}}}));
    QCOMPARE(notes(windows.at(1)), (QJsonArray{QJsonObject{{"n", 1}}, QJsonObject{{"n", 2}}}));
    QCOMPARE(notes(windows.at(2)), (QJsonArray{QJsonObject{{"n", 1}}}));
}

void tst_E2eWindows::aQuestionGoesToOneWindow()
{
    QList<MainWindow *> windows;
    for (int i = 0; i < 3; ++i) {
        windows.append(openWindow());
        QVERIFY(windows.last());
        QVERIFY(
            await(windows.last(),
                  QStringLiteral("conduit.handle('whoami', () => conduit.window); return true;"))
                .value("ok")
                .toBool());
    }
    PageHub &pages = m_runtime->pages();
    QCOMPARE(answerOf(pages.request(QStringLiteral("whoami"), {}, QStringLiteral("window-2"))),
             QJsonValue(QStringLiteral("window-2")));
    QCOMPARE(answerOf(pages.request(QStringLiteral("whoami"), {}, QStringLiteral("window-7"))),
             QJsonValue(QStringLiteral("not_found")));
    // Unnamed, the question goes to the window activated last.
    pages.setActive(QStringLiteral("window-3"));
    QCOMPARE(answerOf(pages.request(QStringLiteral("whoami"))),
             QJsonValue(QStringLiteral("window-3")));
    pages.setActive(QStringLiteral("main"));
    QCOMPARE(answerOf(pages.request(QStringLiteral("whoami"))), QJsonValue(QStringLiteral("main")));
    // The active window is the one the user brought to the front.
    windows.at(1)->activateWindow();
    QTRY_COMPARE_WITH_TIMEOUT(pages.active(), QStringLiteral("window-2"), 5000);
    QCOMPARE(answerOf(pages.request(QStringLiteral("whoami"))),
             QJsonValue(QStringLiteral("window-2")));
    // A question to a window that closes before it answers fails; it never waits.
    QVERIFY(await(windows.at(2), QStringLiteral("conduit.handle('whoami', () => new Promise(() "
                                                "=> {})); return true;"))
                .value("ok")
                .toBool());
    QFuture<QJsonValue> pending
        = pages.request(QStringLiteral("whoami"), {}, QStringLiteral("window-3"));
    QTest::qWait(200);
    QVERIFY(!pending.isFinished());
    windows.at(2)->close();
    QCOMPARE(answerOf(pending), QJsonValue(QStringLiteral("cancelled")));
}

void tst_E2eWindows::aWindowReloadingOrCrashingLeavesTheOthers()
{
    MainWindow *first = openWindow();
    MainWindow *second = openWindow();
    QVERIFY(first && second);
    // A call of the first window spans everything the second goes through.
    QVERIFY(await(first, QStringLiteral("window.__run = conduit.tasks.run('count', {to: 60, "
                                        "stepMs: 50}).then(() => 'completed', (e) => e.code); "
                                        "return true;"))
                .value("ok")
                .toBool());
    const qint64 firstRenderer = first->page()->renderProcessPid();
    QSignalSpy attached(&m_runtime->pages(), &PageHub::pageAttached);

    second->page()->triggerAction(QWebEnginePage::Reload);
    QTRY_VERIFY_WITH_TIMEOUT(!attached.isEmpty(), 20000);
    QCOMPARE(attached.last().at(0).toString(), second->label());
    QVERIFY(
        await(second, QStringLiteral("await conduit.ready(); return true;")).value("ok").toBool());
    QCOMPARE(run(second, QStringLiteral("conduit.welcome.generation")).toInt(), 2);

    const qint64 secondRenderer = second->page()->renderProcessPid();
    QVERIFY(secondRenderer > 0);
    QVERIFY2(secondRenderer != firstRenderer, "each window's page has a renderer of its own");
    QCOMPARE(::kill(pid_t(secondRenderer), SIGKILL), 0);
    QTRY_VERIFY_WITH_TIMEOUT(attached.size() >= 2 && attached.last().at(0) == second->label(),
                             20000);
    QVERIFY(await(second, QStringLiteral("await conduit.ready(); return (await "
                                         "conduit.invoke('echo', {text: 'back'})).text;"))
                .value("value")
                .toString()
            == QLatin1String("back"));

    // The first window heard none of it: its call finished, its connection never reset.
    const QJsonObject r = await(first, QStringLiteral("return await window.__run;"));
    QCOMPARE(r.value("value").toString(), QStringLiteral("completed"));
    QCOMPARE(run(first, QStringLiteral("conduit.welcome.generation")).toInt(), 1);
    for (const QList<QVariant> &args : attached)
        QCOMPARE(args.at(0).toString(), second->label());
}

void tst_E2eWindows::closingAWindowKeepsTheOthers()
{
    MainWindow *first = openWindow();
    QPointer<MainWindow> second = openWindow();
    QVERIFY(first && second);
    QVERIFY(await(first, QStringLiteral("window.__windows = []; conduit.listen('windows.changed', "
                                        "(p) => window.__windows.push(p.labels)); await "
                                        "conduit.tasks.start('count', {to: 100000, stepMs: 5}); "
                                        "return true;"))
                .value("ok")
                .toBool());
    QTRY_COMPARE_WITH_TIMEOUT(m_runtime->taskGateway().activeCount(), 1, 5000);
    // Not the last: it closes without asking, and the tasks and the runtime stay.
    QVERIFY(second->close());
    QVERIFY(!second->quitQuestion());
    QTRY_VERIFY(!second);
    QCOMPARE(m_runtime->pages().labels(), QStringList{"main"});
    QVERIFY(m_runtime->isRunning());
    QCOMPARE(m_runtime->taskGateway().activeCount(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(
        run(first, QStringLiteral("JSON.stringify(window.__windows.at(-1))")).toString(),
        QStringLiteral("[\"main\"]"), 5000);
    QCOMPARE(await(first, QStringLiteral("return (await conduit.invoke('echo', {text: "
                                         "'still'})).text;"))
                 .value("value")
                 .toString(),
             QStringLiteral("still"));
    // The last one asks first.
    QVERIFY(!first->close());
    QTRY_VERIFY(first->quitQuestion() && first->quitQuestion()->isVisible());
    QVERIFY(m_runtime->isRunning());
}

void tst_E2eWindows::quitFromAnyWindowAsksOnceAndClosesThemAll()
{
    QPointer<MainWindow> first = openWindow();
    QPointer<MainWindow> second = openWindow();
    QVERIFY(first && second);
    QVERIFY(await(first, QStringLiteral("await conduit.tasks.start('count', {to: 100000, stepMs: "
                                        "5}); return true;"))
                .value("ok")
                .toBool());
    QTRY_COMPARE_WITH_TIMEOUT(m_runtime->taskGateway().activeCount(), 1, 5000);
    QAction *quit = action(second, QStringLiteral("&Quit"));
    QVERIFY(quit);
    // Every window has its Ctrl+Q; application-wide, two of them would be ambiguous and Qt
    // would trigger neither (what a person pressing it saw).
    QCOMPARE(quit->shortcut(), QKeySequence(QKeySequence::Quit));
    for (MainWindow *window : m_windows->windows())
        QVERIFY(action(window, QStringLiteral("&Quit"))->shortcutContext()
                != Qt::ApplicationShortcut);
    quit->trigger();
    QTRY_VERIFY(second->quitQuestion() && second->quitQuestion()->isVisible());
    QVERIFY(!first->quitQuestion());
    QVERIFY(first->isVisible());
    // Quit again, from the other window (Ctrl+Q there): the question asked already is the
    // one, not a second one beside it.
    action(first, QStringLiteral("&Quit"))->trigger();
    QTest::qWait(100);
    QVERIFY(!first->quitQuestion());
    QVERIFY(second->quitQuestion() && second->quitQuestion()->isVisible());
    QPushButton *confirm = nullptr;
    for (QAbstractButton *button : second->quitQuestion()->buttons()) {
        if (button->text() == QLatin1String("Cancel Tasks and Quit"))
            confirm = qobject_cast<QPushButton *>(button);
    }
    QVERIFY(confirm);
    confirm->click();
    QTRY_VERIFY_WITH_TIMEOUT(!first && !second, 10000);
    QVERIFY(!m_runtime->isRunning());
}

void tst_E2eWindows::aTaskOpensInAWindowOfItsOwn()
{
    const QString path = m_dir.filePath(QStringLiteral("service.log"));
    QFile log(path);
    QVERIFY(log.open(QIODevice::WriteOnly | QIODevice::Unbuffered));
    for (int i = 1; i <= 20; ++i)
        log.write(QStringLiteral("line %1\n").arg(i).toUtf8());
    MainWindow *first = openWindow();
    QVERIFY(first);
    // Started as the command line does: the dashboard shows it as any task it did not start.
    const int id
        = answerOf(m_runtime->taskGateway().start(QStringLiteral("tail"),
                                                  QJsonObject{{"path", path}, {"fromStart", true}}))
              .toObject()
              .value("id")
              .toInt();
    QVERIFY(id > 0);

    // The row's "Open in Window" opens a window on that task alone, showing its log so far.
    const QString detach = QStringLiteral("document.querySelector('[data-task-id=\"%1\"] "
                                          "[data-testid=task-detach]')")
                               .arg(id);
    QTRY_VERIFY_WITH_TIMEOUT(run(first, detach + QStringLiteral(" !== null")).toBool(), 10000);
    QSignalSpy opened(m_windows.get(), &AppWindows::opened);
    run(first, detach + QStringLiteral(".click()"));
    QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 10000);
    MainWindow *own = m_windows->windows().value(1);
    QVERIFY(own && own != first);
    QTRY_VERIFY_WITH_TIMEOUT(m_runtime->pages().page(own->label())->isPageAttached(), 20000);
    QVERIFY(await(own, QStringLiteral("await conduit.ready(); return true;")).value("ok").toBool());
    const QString lines = QStringLiteral("document.querySelector('[data-testid=tail-lines]')?."
                                         "textContent ?? ''");
    QTRY_VERIFY_WITH_TIMEOUT(run(own, lines).toString().contains(QStringLiteral("line 20")), 10000);
    QVERIFY(run(own, lines).toString().contains(QStringLiteral("line 1")));
    QCOMPARE(run(own, QStringLiteral("document.querySelectorAll('[data-testid=task-row]').length"))
                 .toInt(),
             1);
    QCOMPARE(run(own, QStringLiteral("document.querySelector('[data-testid^=form-kind]') === "
                                     "null && document.querySelector('[data-testid=task-detach]') "
                                     "=== null"))
                 .toBool(),
             true);
    QTRY_VERIFY_WITH_TIMEOUT(own->windowTitle().contains(path), 10000);

    // Asked again, the same window comes to the front: a task has one window of its own.
    run(first, detach + QStringLiteral(".click()"));
    QTest::qWait(300);
    QCOMPARE(m_windows->windows().size(), 2);
    QCOMPARE(opened.count(), 1);

    // It follows the task: a new line shows, and the task is controlled from there too.
    log.write("written later\n");
    QTRY_VERIFY_WITH_TIMEOUT(run(own, lines).toString().contains(QStringLiteral("written later")),
                             10000);
    run(own, QStringLiteral("document.querySelector('[data-testid=task-cancel]').click()"));
    QTRY_COMPARE_WITH_TIMEOUT(
        run(first,
            QStringLiteral("document.querySelector('[data-task-id=\"%1\"]').dataset.state").arg(id))
            .toString(),
        QStringLiteral("cancelled"), 10000);
}

void tst_E2eWindows::theTrayKeepsTasksRunningWithoutAWindow()
{
    AppSettings settings(m_dir.filePath(QStringLiteral("conduit.conf")));
    // Where the desktop has no tray, the setting is not offered.
    m_windows = std::make_unique<AppWindows>(*m_runtime, AppScheme::entryUrl(), &settings);
    m_windows->setTrayAvailable(false);
    QPointer<MainWindow> window = openWindow();
    QVERIFY(window);
    QVERIFY(!action(window, QStringLiteral("Keep Running in &Tray")));
    delete window.data();

    m_windows->setTrayAvailable(true);
    window = openWindow();
    QVERIFY(window);
    QAction *keep = action(window, QStringLiteral("Keep Running in &Tray"));
    QVERIFY(keep);
    QVERIFY(keep->isCheckable());
    QVERIFY(!keep->isChecked()); // off by default
    const int id
        = await(window, QStringLiteral("return (await conduit.tasks.start('count', {to: 100000, "
                                       "stepMs: 5})).id;"))
              .value("value")
              .toInt();
    QVERIFY(id > 0);
    QTRY_COMPARE_WITH_TIMEOUT(m_runtime->taskGateway().activeCount(), 1, 5000);
    // Off, closing the last window asks as ever.
    QVERIFY(!window->close());
    QTRY_VERIFY(window->quitQuestion() && window->quitQuestion()->isVisible());
    window->quitQuestion()->reject();
    QTRY_VERIFY(!window->quitQuestion());

    keep->trigger();
    QVERIFY(settings.keepsRunningInTray());
    // On, it closes without asking and the tasks go on, with the icon in the tray.
    QVERIFY(window->close());
    QTRY_VERIFY(!window);
    QVERIFY(m_runtime->isRunning());
    QCOMPARE(m_runtime->taskGateway().activeCount(), 1);
    AppTray *tray = m_windows->tray();
    QVERIFY(tray);
    // The menu is built as it opens, with the tasks as they are then.
    const auto menuItem = [&](const QString &name) {
        Q_EMIT tray->menu()->aboutToShow();
        return tray->menu()->findChild<QAction *>(name);
    };
    QTRY_VERIFY_WITH_TIMEOUT(menuItem(QStringLiteral("task-%1").arg(id)), 5000);
    QTRY_VERIFY_WITH_TIMEOUT(
        menuItem(QStringLiteral("task-%1").arg(id))->text().contains(QStringLiteral("%")), 5000);
    QVERIFY(
        menuItem(QStringLiteral("task-%1").arg(id))->text().startsWith(QStringLiteral("count")));
    QVERIFY(tray->menu()->actions().first()->text().contains(QStringLiteral("1 task")));

    // Open Window brings a window back on the same running task.
    menuItem(QStringLiteral("open"))->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(m_windows->windows().size(), 1, 5000);
    window = m_windows->windows().first();
    QVERIFY(!m_windows->tray());
    QTRY_VERIFY_WITH_TIMEOUT(m_runtime->pages().page(window->label())->isPageAttached(), 20000);
    QTRY_COMPARE_WITH_TIMEOUT(
        run(window, QStringLiteral("document.querySelector('[data-task-id=\"%1\"]')?.dataset.state")
                        .arg(id))
            .toString(),
        QStringLiteral("running"), 10000);

    // Back to the tray, and Quit there cancels the tasks and stops the runtime.
    QVERIFY(window->close());
    QTRY_VERIFY(m_windows->tray());
    tray = m_windows->tray();
    QAction *quit = tray->menu()->findChild<QAction *>(QStringLiteral("quit"));
    QVERIFY(quit);
    QCOMPARE(quit->text(), QStringLiteral("Cancel Tasks and &Quit"));
    quit->trigger();
    QVERIFY(!m_runtime->isRunning());
    QVERIFY(!m_windows->tray());
    m_windows.reset(); // before the settings it keeps
}

void tst_E2eWindows::theTrayMenuNamesTasksInTheUsersLanguage()
{
    AppSettings settings(m_dir.filePath(QStringLiteral("tray-language.conf")));
    settings.setKeepsRunningInTray(true);
    m_windows = std::make_unique<AppWindows>(*m_runtime, AppScheme::entryUrl(), &settings);
    m_windows->setTrayAvailable(true);
    // A file name with '&' (as a URL's query has): text, not a menu mnemonic.
    const QString path = m_dir.filePath(QStringLiteral("build&test.log"));
    QFile log(path);
    QVERIFY(log.open(QIODevice::WriteOnly));
    log.write("line\n");
    log.close();
    QPointer<MainWindow> window = openWindow();
    QVERIFY(window);
    const int id
        = await(window, QStringLiteral("const task = await conduit.tasks.start('tail', "
                                       "{path: '%1'}); await task.pause(); return task.id;")
                            .arg(path))
              .value("value")
              .toInt();
    QVERIFY(id > 0);
    QVERIFY(window->close());
    QTRY_VERIFY(m_windows->tray());
    const auto item = [&] {
        Q_EMIT m_windows->tray()->menu()->aboutToShow();
        QAction *action
            = m_windows->tray()->menu()->findChild<QAction *>(QStringLiteral("task-%1").arg(id));
        return action ? action->text() : QString();
    };
    QString escaped = path;
    escaped.replace(QLatin1Char('&'), QStringLiteral("&&"));
    QCOMPARE(item(), QStringLiteral("Follow %1 — paused").arg(escaped));
    // In German, as the rest of the application: neither the kind's nor the state's wire name.
    QTranslator german;
    QVERIFY(german.load(QStringLiteral(":/i18n/conduit_de.qm")));
    QCoreApplication::installTranslator(&german);
    const QString translated = item();
    QCoreApplication::removeTranslator(&german);
    QCOMPARE(translated, QStringLiteral("Verfolgen %1 — angehalten").arg(escaped));
    m_windows.reset(); // before the settings it keeps
}

void tst_E2eWindows::aPageOpensBoundedWindowsOnlyOnValidViews()
{
    MainWindow *first = openWindow();
    QVERIFY(first);
    // A view is a name, never a URL or a script.
    for (const char *view : {"https://example.org/", "task/1?x=<script>", "../../etc", "a b"}) {
        const QJsonObject r = await(
            first, QStringLiteral("return await conduit.invoke('windows.open', {view: %1});")
                       .arg(QString::fromUtf8(QJsonDocument(QJsonArray{QString::fromUtf8(view)})
                                                  .toJson(QJsonDocument::Compact))
                                .mid(1)
                                .chopped(1)));
        QCOMPARE(r.value("error").toObject().value("code").toString(),
                 QStringLiteral("invalid_args"));
    }
    QCOMPARE(m_windows->windows().size(), 1);
    // A page that opens windows in a loop gets `busy` past the bound, and the application stays.
    const QJsonObject r = await(
        first,
        QStringLiteral("const all = await Promise.allSettled(Array.from({length: %1}, (_, i) => "
                       "conduit.invoke('windows.open', {view: 'task/' + (i + 1)}))); return "
                       "all.map((a) => a.status === 'fulfilled' ? 'ok' : a.reason.code);")
            .arg(AppWindows::kMaxWindowsFromPages + 4));
    const QJsonArray outcomes = r.value("value").toArray();
    QCOMPARE(outcomes.size(), AppWindows::kMaxWindowsFromPages + 4);
    QCOMPARE(outcomes.toVariantList().count(QStringLiteral("ok")),
             AppWindows::kMaxWindowsFromPages - 1);
    QCOMPARE(outcomes.toVariantList().count(QStringLiteral("busy")), 5);
    QCOMPARE(m_windows->windows().size(), AppWindows::kMaxWindowsFromPages);
    for (MainWindow *window : m_windows->windows()) {
        if (window != first)
            window->close();
    }
    QTRY_COMPARE_WITH_TIMEOUT(m_windows->windows().size(), 1, 10000);
    QCOMPARE(
        await(first, QStringLiteral("return (await conduit.invoke('echo', {text: 'here'})).text;"))
            .value("value")
            .toString(),
        QStringLiteral("here"));
}

CONDUIT_E2E_MAIN(tst_E2eWindows)
#include "tst_e2e_windows.moc"
// `conduit --hash DIR` while Conduit runs: the window it lands in shows its task list, even if
// it was left on the console; a window of one task's own is passed over; with tasks, none is
// opened while one can show them, and with none open a new one opens on the list.
void tst_E2eWindows::aHandOffShowsItsTasks()
{
    MainWindow *first = openWindow();
    QVERIFY(first);
    const QString tasksShown = QStringLiteral(
        "location.hash === '#tasks' && "
        "getComputedStyle(document.querySelector('[data-testid=view-tasks]')).display !== 'none'");
    QVERIFY(
        run(first, QStringLiteral("document.querySelector('[data-testid=nav-console]').click(); "
                                  "location.hash"))
            .toString()
        == QStringLiteral("#console"));
    QVERIFY(!run(first, tasksShown).toBool());

    // A command line without tasks (`conduit` alone) only raises the window, as it is.
    m_runtime->pages().setActive(first->label());
    QCOMPARE(m_windows->windowForHandOff(false), first);
    QTest::qWait(300);
    QCOMPARE(run(first, QStringLiteral("location.hash")).toString(), QStringLiteral("#console"));

    QCOMPARE(m_windows->windowForHandOff(true), first);
    QTRY_VERIFY_WITH_TIMEOUT(run(first, tasksShown).toBool(), 10000);

    // A task's own window in front is passed over: the tasks go to the list.
    QVERIFY(
        run(first, QStringLiteral("document.querySelector('[data-testid=nav-console]').click(); "
                                  "true"))
            .toBool());
    MainWindow *own = openWindow(QStringLiteral("task/7"));
    QVERIFY(own);
    m_runtime->pages().setActive(own->label());
    QCOMPARE(m_windows->windowForHandOff(true), first);
    QTRY_VERIFY_WITH_TIMEOUT(run(first, tasksShown).toBool(), 10000);
    QCOMPARE(run(own, QStringLiteral("location.hash")).toString(), QStringLiteral("#task/7"));
    QCOMPARE(m_windows->windows().size(), 2);

    // Only a task's own window open: a new one opens, on the list.
    delete first;
    QTRY_COMPARE(m_windows->windows().size(), 1);
    MainWindow *opened = m_windows->windowForHandOff(true);
    QVERIFY(opened != own);
    QCOMPARE(opened->openedOn(), QStringLiteral("tasks"));
    QCOMPARE(m_windows->windows().size(), 2);
}
