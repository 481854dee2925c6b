// SPDX-License-Identifier: MIT
// Tasks from the page: start, pause, resume, cancel, abort, reload and attach, a killed
// renderer — the real page, the real runtime, real files.
#include "E2eMain.h"
#include "PageHarness.h"
#include <app/AppPage.h>
#include <worker/TaskManager.h>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace Conduit;
using namespace std::chrono_literals;

class tst_E2eTasks : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void pauseResumeCancelFromThePage();
    void abortingRunCancelsTheNativeTask();
    void hashFromThePageIsAcceptedBySha256sum();
    void illegalRequestsGetCodes_data();
    void illegalRequestsGetCodes();
    void reloadThenAttachLosesNothing();
    void limitSetBeforeAReloadIsTheOneWelcomeReports();
    void killedRendererRecovers();

private:
    QJsonObject await(const QString &body, std::chrono::milliseconds timeout = 20s)
    {
        return m_harness->await(body, timeout);
    }
    QJsonObject taskNative(int id);
    std::unique_ptr<PageHarness> m_harness;
    QTemporaryDir m_dir;
};

void tst_E2eTasks::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_harness = std::make_unique<PageHarness>(1s);
    QVERIFY(m_harness->load());
}

QJsonObject tst_E2eTasks::taskNative(int id)
{
    const QJsonObject r = await(
        QStringLiteral("return (await conduit.tasks.list()).find(t => t.id === %1) || null;")
            .arg(id));
    return r.value("value").toObject();
}

void tst_E2eTasks::pauseResumeCancelFromThePage()
{
    const QJsonObject r = await(QStringLiteral(R"js(
        const task = await conduit.tasks.start('count', {to: 100000, stepMs: 2});
        window.__task = task;
        await new Promise((resolve) => { const off = task.onProgress((p) => { if (p.done >= 5) { off(); resolve(); } }); });
        const paused = await task.pause();
        await new Promise((r) => setTimeout(r, 100)); // let a step in flight land
        const before = (await conduit.tasks.list()).find((t) => t.id === task.id).progress.done;
        await new Promise((r) => setTimeout(r, 400));
        const after = (await conduit.tasks.list()).find((t) => t.id === task.id).progress.done;
        const resumed = await task.resume();
        await new Promise((resolve) => { const off = task.onProgress((p) => { if (p.done > after + 5) { off(); resolve(); } }); });
        await task.cancel();
        let code = 'none';
        try { await task.done; } catch (e) { code = e.code; }
        return {id: task.id, paused: paused.state, resumed: resumed.state, before, after, code, state: task.state};
    )js"));
    QVERIFY2(r.value("ok").toBool(),
             qPrintable(r.value("error").toObject().value("message").toString()));
    const QJsonObject v = r.value("value").toObject();
    QCOMPARE(v.value("paused").toString(), QStringLiteral("paused"));
    QCOMPARE(v.value("resumed").toString(), QStringLiteral("running"));
    QCOMPARE(v.value("before").toInt(), v.value("after").toInt()); // no progress while paused
    QCOMPARE(v.value("code").toString(), QStringLiteral("cancelled"));
    QCOMPARE(v.value("state").toString(), QStringLiteral("cancelled"));
    QCOMPARE(taskNative(v.value("id").toInt()).value("state").toString(),
             QStringLiteral("cancelled"));
}

void tst_E2eTasks::abortingRunCancelsTheNativeTask()
{
    const QJsonObject r = await(QStringLiteral(R"js(
        const controller = new AbortController();
        const known = new Set((await conduit.tasks.list()).map((t) => t.id));
        const run = conduit.tasks.run('count', {to: 1000000, stepMs: 1}, {signal: controller.signal,
            onProgress: (p) => { if (p.done >= 3) controller.abort(); }});
        let code = 'none';
        try { await run; } catch (e) { code = e.code; }
        const mine = (await conduit.tasks.list()).filter((t) => !known.has(t.id));
        return {code, id: mine.length === 1 ? mine[0].id : -mine.length};
    )js"));
    QVERIFY(r.value("ok").toBool());
    QCOMPARE(r.value("value").toObject().value("code").toString(), QStringLiteral("cancelled"));
    const int id = r.value("value").toObject().value("id").toInt();
    QVERIFY(id > 0);
    // The native work stopped: it is cancelled, not merely forgotten by the page.
    QTRY_COMPARE_WITH_TIMEOUT(taskNative(id).value("state").toString(), QStringLiteral("cancelled"),
                              5000);
}

void tst_E2eTasks::hashFromThePageIsAcceptedBySha256sum()
{
    const QString root = m_dir.filePath(QStringLiteral("tree"));
    QVERIFY(QDir().mkpath(root + QStringLiteral("/sub folder/Grüße")));
    for (const QString &name :
         {QStringLiteral("a.txt"), QStringLiteral("sub folder/b c.txt"),
          QStringLiteral("sub folder/Grüße/naïve.txt"), QStringLiteral("empty")}) {
        QFile file(root + QLatin1Char('/') + name);
        QVERIFY(file.open(QIODevice::WriteOnly));
        if (name != QLatin1String("empty"))
            file.write(name.toUtf8().repeated(1000));
    }
    const QJsonObject r = await(
        QStringLiteral("return await conduit.tasks.run('hash', {root: %1});")
            .arg(QString::fromUtf8(QJsonDocument(QJsonArray{root}).toJson(QJsonDocument::Compact))
                     .mid(1)
                     .chopped(1)));
    QVERIFY2(r.value("ok").toBool(), qPrintable(QJsonDocument(r).toJson()));
    QCOMPARE(r.value("value").toObject().value("files").toInt(), 4);
    QProcess check;
    check.setWorkingDirectory(root);
    check.start(QStringLiteral("sha256sum"), {QStringLiteral("-c"), QStringLiteral("SHA256SUMS")});
    QVERIFY(check.waitForFinished(20000));
    QCOMPARE(check.exitCode(), 0);
    QCOMPARE(check.readAllStandardOutput().count("OK\n"), 4);
}

void tst_E2eTasks::illegalRequestsGetCodes_data()
{
    QTest::addColumn<QString>("call");
    QTest::addColumn<QString>("code");
    QTest::newRow("unknown id") << "conduit.tasks.attach(987654)"
                                << "not_found";
    QTest::newRow("pause unknown") << "conduit.invoke('tasks.pause', {id: 987654})"
                                   << "not_found";
    QTest::newRow("unknown kind") << "conduit.tasks.start('mine-bitcoin', {})"
                                  << "invalid_args";
    QTest::newRow("bad params") << "conduit.tasks.start('count', {to: 'ten'})"
                                << "invalid_args";
    QTest::newRow("limit out of range") << "conduit.tasks.setLimit(0)"
                                        << "invalid_args";
    QTest::newRow("pause finished") << "conduit.tasks.run('count', {to: 1, stepMs: 0}).then(async "
                                       "() => { const l = await conduit.tasks.list(); return "
                                       "conduit.invoke('tasks.pause', {id: l[l.length - 1].id}); })"
                                    << "invalid_args";
}

void tst_E2eTasks::illegalRequestsGetCodes()
{
    QFETCH(QString, call);
    QFETCH(QString, code);
    const QJsonObject r = await(QStringLiteral("return await %1;").arg(call));
    QVERIFY(!r.value("ok").toBool());
    QCOMPARE(r.value("error").toObject().value("code").toString(), code);
}

void tst_E2eTasks::limitSetBeforeAReloadIsTheOneWelcomeReports()
{
    const int initial
        = m_harness->await(QStringLiteral("return (await conduit.ready()).snapshot.limit;"))
              .value("value")
              .toInt();
    QCOMPARE(initial, TaskManager::defaultLimit());
    const int wanted = initial == 3 ? 4 : 3;
    const QJsonObject set
        = m_harness->await(QStringLiteral("return await conduit.tasks.setLimit(%1);").arg(wanted));
    QCOMPARE(set.value("value").toObject().value("limit").toInt(), wanted);

    QVERIFY(m_harness->load()); // a new page load: its welcome carries the limit as it is now
    const QJsonObject welcome
        = m_harness->await(QStringLiteral("return (await conduit.ready()).snapshot;"));
    QCOMPARE(welcome.value("value").toObject().value("limit").toInt(), wanted);
    // The dashboard shows it too.
    QTRY_COMPARE_WITH_TIMEOUT(
        m_harness->run(QStringLiteral("document.querySelector('[data-testid=task-limit]').value"))
            .toString(),
        QString::number(wanted), 5000);
    QVERIFY(
        m_harness->await(QStringLiteral("return await conduit.tasks.setLimit(%1);").arg(initial))
            .value("ok")
            .toBool());
}

void tst_E2eTasks::reloadThenAttachLosesNothing()
{
    const QString path = m_dir.filePath(QStringLiteral("app.log"));
    QFile log(path);
    QVERIFY(log.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Unbuffered));
    const auto appendLines = [&](int from, int to) {
        for (int i = from; i <= to; ++i)
            log.write(QStringLiteral("line %1\n").arg(i).toUtf8());
        log.flush();
    };
    const QJsonObject started = await(
        QStringLiteral(R"js(
        window.__lines = [];
        const out = new conduit.Channel();
        out.onmessage = (line) => window.__lines.push(line);
        const task = await conduit.tasks.start('tail', {path: %1}, {output: out});
        return task.id;)js")
            .arg(QString::fromUtf8(QJsonDocument(QJsonArray{path}).toJson(QJsonDocument::Compact))
                     .mid(1)
                     .chopped(1)));
    QVERIFY2(started.value("ok").toBool(), qPrintable(QJsonDocument(started).toJson()));
    const int id = started.value("value").toInt();
    appendLines(1, 50);
    QTRY_COMPARE_WITH_TIMEOUT(m_harness->run(QStringLiteral("window.__lines.length")).toInt(), 50,
                              10000);
    const QStringList before = m_harness->run(QStringLiteral("window.__lines.join('\\n')"))
                                   .toString()
                                   .split(QLatin1Char('\n'));

    // Reload; lines keep coming while no page is there.
    QSignalSpy loaded(&m_harness->page(), &QWebEnginePage::loadFinished);
    QSignalSpy leaving(&m_harness->page(), &QWebEnginePage::loadStarted);
    m_harness->page().triggerAction(QWebEnginePage::Reload);
    QTRY_VERIFY_WITH_TIMEOUT(leaving.count() >= 1, 10000); // the old page can no longer read
    appendLines(51, 80);
    QTRY_VERIFY_WITH_TIMEOUT(loaded.count() >= 1, 15000);
    QVERIFY(await(QStringLiteral("await conduit.ready(); return true;")).value("ok").toBool());
    appendLines(81, 100);

    const QJsonObject attached = await(QStringLiteral(R"js(
        const listed = (await conduit.tasks.list()).find((t) => t.id === %1);
        window.__lines = [];
        const out = new conduit.Channel();
        out.onmessage = (line) => window.__lines.push(line);
        const task = await conduit.tasks.attach(%1, {output: out});
        return {listed: listed.state, state: task.state};)js")
                                           .arg(id));
    QVERIFY2(attached.value("ok").toBool(), qPrintable(QJsonDocument(attached).toJson()));
    QCOMPARE(attached.value("value").toObject().value("listed").toString(),
             QStringLiteral("running"));
    QTRY_COMPARE_WITH_TIMEOUT(m_harness->run(QStringLiteral("window.__lines.length")).toInt(), 50,
                              10000);
    const QStringList after = m_harness->run(QStringLiteral("window.__lines.join('\\n')"))
                                  .toString()
                                  .split(QLatin1Char('\n'));
    QStringList all = before + after;
    QStringList expected;
    for (int i = 1; i <= 100; ++i)
        expected.append(QStringLiteral("line %1").arg(i));
    QCOMPARE(all, expected); // every line once, in order, across the reload
    await(QStringLiteral("await conduit.invoke('tasks.cancel', {id: %1}); return true;").arg(id));
}

void tst_E2eTasks::killedRendererRecovers()
{
    const QJsonObject started = await(QStringLiteral(
        "const t = await conduit.tasks.start('count', {to: 100000, stepMs: 2}); return t.id;"));
    const int id = started.value("value").toInt();
    QVERIFY(id > 0);
    QSignalSpy recovering(&m_harness->page(), &AppPage::recovering);
    QSignalSpy loaded(&m_harness->page(), &QWebEnginePage::loadFinished);
    const qint64 pid = m_harness->page().renderProcessPid();
    QVERIFY(pid > 0);
    QCOMPARE(::kill(pid_t(pid), SIGKILL), 0);
    QTRY_COMPARE_WITH_TIMEOUT(recovering.count(), 1, 10000);
    // The dead page reports a failed load first; wait for the reloaded one.
    QTRY_VERIFY_WITH_TIMEOUT(
        std::any_of(loaded.cbegin(), loaded.cend(),
                    [](const QList<QVariant> &args) { return args.at(0).toBool(); }),
        15000);
    const QJsonObject ready = await(QStringLiteral("await conduit.ready(); return true;"));
    QVERIFY2(ready.value("ok").toBool(), qPrintable(QJsonDocument(ready).toJson()));
    QVERIFY(m_harness->page().renderProcessPid() != pid);
    // The page says, briefly and politely, that it reconnected and restored its tasks.
    QTRY_VERIFY_WITH_TIMEOUT(
        m_harness
            ->run(QStringLiteral(
                "document.querySelector('[data-testid=reconnected-notice]')?.textContent || ''"))
            .toString()
            .contains(QStringLiteral("Reconnected")),
        10000);
    // The task ran on; the new page sees it with its current progress.
    const QJsonObject task = taskNative(id);
    QCOMPARE(task.value("state").toString(), QStringLiteral("running"));
    QVERIFY(task.value("progress").toObject().value("done").toInt() > 0);
    await(QStringLiteral("await conduit.invoke('tasks.cancel', {id: %1}); return true;").arg(id));
}

CONDUIT_E2E_MAIN(tst_E2eTasks)
#include "tst_e2e_tasks.moc"
