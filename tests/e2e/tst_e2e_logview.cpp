// SPDX-License-Identifier: MIT
// The log view on a 500 MiB file, the real page in real QtWebEngine and the real runtime: started
// through the tail form as a person would, its last lines in the DOM in time, a line in the
// middle shown exactly after scrolling there, an append shown while it follows, the keyboard,
// and the memory of both processes (this one, with the async process's thread, and the page's
// renderer) growing by less than 200 MiB. Then the log.* commands' bounds: a page's limit, and
// its logs closed when it reloads.
#include "E2eMain.h"
#include "PageHarness.h"
#include <app/AppPage.h>
#include <app/LogGateway.h>

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Conduit;
using namespace std::chrono_literals;

namespace {
// 100-byte lines, 5 242 880 of them: 500 MiB exactly.
constexpr qint64 kLineBytes = 100;
constexpr qint64 kLines = 500LL * 1024 * 1024 / kLineBytes;

QByteArray lineText(qint64 n)
{
    char line[kLineBytes + 1];
    std::snprintf(line, sizeof line, "line %09lld %084lld\n", n + 1, (n * 7919) % 1000003);
    return QByteArray(line, kLineBytes - 1); // without its newline
}

// VmRSS of a process, in KiB (Linux), or -1.
qint64 rssKiB(qint64 pid)
{
    QFile status(pid > 0 ? QStringLiteral("/proc/%1/status").arg(pid)
                         : QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').constFirst().toLongLong();
    return -1;
}

QString jsString(const QString &text)
{
    return QString::fromUtf8(QJsonDocument(QJsonArray{text}).toJson(QJsonDocument::Compact))
        .mid(1)
        .chopped(1);
}
} // namespace

class tst_E2eLogView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void fiveHundredMiBFromTheForm();
    void logsAreBoundedPerPageAndClosedWithIt();

private:
    QVariant js(const QString &script) { return m_harness->run(script); }
    void click(const QString &testid);
    LogGateway *gateway() { return m_harness->runtime().findChild<LogGateway *>(); }
    std::unique_ptr<PageHarness> m_harness;
    QTemporaryDir m_dir;
};

void tst_E2eLogView::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_harness = std::make_unique<PageHarness>(1s);
    QVERIFY(m_harness->load());
    QTRY_VERIFY(
        js(QStringLiteral("!!document.querySelector('[data-testid=form-kind-tail]')")).toBool());
    QVERIFY(gateway());
}

void tst_E2eLogView::click(const QString &testid)
{
    // A form the page loads when first chosen may take a moment to appear (QTRY evaluates its
    // expression more than once, so it only looks).
    QTRY_VERIFY2(
        js(QStringLiteral("!!document.querySelector('[data-testid=\"%1\"]')").arg(testid)).toBool(),
        qPrintable(testid));
    QVERIFY2(js(QStringLiteral("(() => { const e = document.querySelector('[data-testid=\"%1\"]');"
                               " if (!e || e.disabled) return false; e.click(); return true; })()")
                    .arg(testid))
                 .toBool(),
             qPrintable(testid));
}

void tst_E2eLogView::fiveHundredMiBFromTheForm()
{
    const QString path = m_dir.filePath(QStringLiteral("big.log"));
    {
        QElapsedTimer timer;
        timer.start();
        QFile out(path);
        QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Truncate));
        QByteArray block;
        for (qint64 n = 0; n < kLines; ++n) {
            block += lineText(n);
            block += '\n';
            if (block.size() >= 8 * 1024 * 1024 || n + 1 == kLines) {
                QCOMPARE(out.write(block), block.size());
                block.clear();
            }
        }
        qInfo("wrote a %lld-line, 500 MiB log in %lld ms", kLines, timer.elapsed());
    }
    QCOMPARE(QFileInfo(path).size(), 500LL * 1024 * 1024);

    const qint64 renderer = m_harness->page().renderProcessPid();
    QVERIFY(renderer > 0);
    const qint64 selfBefore = rssKiB(0);
    const qint64 rendererBefore = rssKiB(renderer);
    QVERIFY(selfBefore > 0 && rendererBefore > 0);

    // Through the form, as a person would.
    click(QStringLiteral("form-kind-tail"));
    QTRY_VERIFY(js(QStringLiteral("!!document.querySelector('[data-testid=tail-path]')")).toBool());
    QVERIFY(
        js(QStringLiteral("(() => { const e = document.querySelector('[data-testid=tail-path]');"
                          " e.value = %1; e.dispatchEvent(new Event('input', {bubbles: true}));"
                          " return true; })()")
               .arg(jsString(path)))
            .toBool());
    const QString pane = QStringLiteral("document.querySelector('[data-testid=task-row]"
                                        "[data-kind=tail] [data-testid=tail-lines]')");
    const QString lastLine = QStringLiteral("%1?.querySelector('[data-line=\"%2\"] .text')"
                                            "?.textContent ?? ''")
                                 .arg(pane)
                                 .arg(kLines - 1);
    QElapsedTimer shown;
    shown.start();
    click(QStringLiteral("tail-start"));
    QString seen;
    // Polled every 10 ms: the figure below is the time to the last line in the DOM.
    QTRY_VERIFY_WITH_TIMEOUT(
        (seen = js(lastLine).toString()) == QString::fromLatin1(lineText(kLines - 1)), 30000);
    const qint64 lastLinesMs = shown.elapsed();
    qInfo("500 MiB log: its last line in the DOM %lld ms after Start", lastLinesMs);
    QVERIFY2(lastLinesMs < 5000, qPrintable(QStringLiteral("%1 ms").arg(lastLinesMs)));
    QCOMPARE(js(pane + QStringLiteral(".dataset.lines")).toString(), QString::number(kLines));
    // The lines before it are there too, in order.
    for (qint64 n = kLines - 5; n < kLines; ++n)
        QCOMPARE(js(QStringLiteral("%1.querySelector('[data-line=\"%2\"] .text')?.textContent")
                        .arg(pane)
                        .arg(n))
                     .toString(),
                 QString::fromLatin1(lineText(n)));

    // Scroll (the scrollbar: scrollTop in the scaled range) to a line in the middle.
    const qint64 middle = kLines / 2 + 12345;
    QVERIFY(js(QStringLiteral("(() => { const el = %1; const rows = el.clientHeight / 18;"
                              " const content = %2 * 18 - el.clientHeight;"
                              " el.scrollTop = (%3 * 18 / content) * (el.scrollHeight - "
                              "el.clientHeight); return el.scrollTop > 0; })()")
                   .arg(pane)
                   .arg(kLines)
                   .arg(middle))
                .toBool());
    const QString middleText = QStringLiteral("%1.querySelector('[data-line=\"%2\"] .text')"
                                              "?.textContent ?? ''")
                                   .arg(pane)
                                   .arg(middle);
    QTRY_COMPARE_WITH_TIMEOUT(js(middleText).toString(), QString::fromLatin1(lineText(middle)),
                              10000);
    // ... exactly that line, as the file has it (sed as the oracle).
    QProcess sed;
    sed.start(QStringLiteral("sed"),
              {QStringLiteral("-n"), QStringLiteral("%1{p;q}").arg(middle + 1), path});
    QVERIFY(sed.waitForFinished(60000));
    QCOMPARE(js(middleText).toString().toLatin1() + '\n', sed.readAllStandardOutput());
    // The keyboard: Home shows line 0, End the last line again.
    const auto key = [&](const char *name) {
        QVERIFY(js(QStringLiteral("(() => { const el = %1; el.focus(); el.dispatchEvent(new "
                                  "KeyboardEvent('keydown', {key: '%2', bubbles: true, "
                                  "cancelable: true})); return true; })()")
                       .arg(pane, QLatin1String(name)))
                    .toBool());
    };
    key("Home");
    QTRY_COMPARE(js(QStringLiteral("%1.querySelector('[data-line=\"0\"] .text')?.textContent ?? ''")
                        .arg(pane))
                     .toString(),
                 QString::fromLatin1(lineText(0)));
    key("End");
    QTRY_COMPARE(js(lastLine).toString(), QString::fromLatin1(lineText(kLines - 1)));

    // Appended lines show while it follows the end.
    {
        QFile out(path);
        QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Append));
        out.write("appended one\nappended two\n");
    }
    QElapsedTimer appended;
    appended.start();
    const QString newLast = QStringLiteral("%1?.querySelector('[data-line=\"%2\"] .text')"
                                           "?.textContent ?? ''")
                                .arg(pane)
                                .arg(kLines + 1);
    QTRY_COMPARE_WITH_TIMEOUT(js(newLast).toString(), QStringLiteral("appended two"), 10000);
    qInfo("an append in the DOM %lld ms after it was written", appended.elapsed());
    QCOMPARE(js(pane + QStringLiteral(".dataset.lines")).toString(), QString::number(kLines + 2));

    // Memory: neither process holds the file.
    QTest::qWait(500);
    const qint64 selfGrowth = rssKiB(0) - selfBefore;
    const qint64 rendererGrowth = rssKiB(renderer) - rendererBefore;
    qInfo("RSS growth: this process (GUI + async process) %lld KiB, renderer %lld KiB", selfGrowth,
          rendererGrowth);
    QVERIFY2(selfGrowth < 200 * 1024, qPrintable(QString::number(selfGrowth)));
    QVERIFY2(rendererGrowth < 200 * 1024, qPrintable(QString::number(rendererGrowth)));
    QCOMPARE(gateway()->openCount(), 1);

    // Cancelling the task lets the file go.
    click(QStringLiteral("task-cancel"));
    QTRY_COMPARE_WITH_TIMEOUT(gateway()->openCount(), 0, 10000);
    QFile::remove(path);
}

void tst_E2eLogView::logsAreBoundedPerPageAndClosedWithIt()
{
    const QString path = m_dir.filePath(QStringLiteral("small.log"));
    {
        QFile out(path);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write("one\ntwo\nthree");
    }
    const QJsonObject opened = m_harness->await(QStringLiteral(R"js(
        const ids = [];
        let refused = null;
        for (let i = 0; i <= %2; ++i) {
          try { ids.push((await conduit.invoke('log.open', {path: %1})).id); }
          catch (e) { refused = {code: e.code, limit: e.details?.limit}; }
        }
        const lines = await conduit.invoke('log.lines', {id: ids[0], from: 1, count: 10});
        let bad = null;
        try { await conduit.invoke('log.lines', {id: ids[0], from: 0, count: 1001}); }
        catch (e) { bad = e.code; }
        let relative = null;
        try { await conduit.invoke('log.open', {path: 'relative.log'}); }
        catch (e) { relative = e.code; }
        await conduit.invoke('log.close', {id: ids.pop()});
        return {ids, refused, lines, bad, relative};)js")
                                                    .arg(jsString(path))
                                                    .arg(LogGateway::kMaxPerPage),
                                                30s);
    QVERIFY2(opened.value("ok").toBool(), qPrintable(QJsonDocument(opened).toJson()));
    const QJsonObject value = opened.value("value").toObject();
    QCOMPARE(value.value("ids").toArray().size(), LogGateway::kMaxPerPage - 1);
    QCOMPARE(value.value("refused").toObject().value("code").toString(), QStringLiteral("busy"));
    QCOMPARE(value.value("refused").toObject().value("limit").toInt(), LogGateway::kMaxPerPage);
    QCOMPARE(value.value("lines").toObject().value("lines").toArray(),
             QJsonArray({"two", "three"}));
    QCOMPARE(value.value("bad").toString(), QStringLiteral("invalid_args"));
    QCOMPARE(value.value("relative").toString(), QStringLiteral("invalid_args"));
    QCOMPARE(gateway()->openCount(), LogGateway::kMaxPerPage - 1);

    // A reload: the old page's logs are closed, and its ids mean nothing to the new page.
    const int kept = value.value("ids").toArray().at(0).toInt();
    QSignalSpy loaded(&m_harness->page(), &QWebEnginePage::loadFinished);
    m_harness->page().triggerAction(QWebEnginePage::Reload);
    QTRY_VERIFY_WITH_TIMEOUT(loaded.count() >= 1, 15000);
    QVERIFY(m_harness->await(QStringLiteral("await conduit.ready(); return true;"))
                .value("ok")
                .toBool());
    QTRY_COMPARE(gateway()->openCount(), 0);
    const QJsonObject after = m_harness->await(
        QStringLiteral("try { await conduit.invoke('log.lines', {id: %1, from: 0, count: 1}); "
                       "return 'answered'; } catch (e) { return e.code; }")
            .arg(kept));
    QCOMPARE(after.value("value").toString(), QStringLiteral("not_found"));
}

CONDUIT_E2E_MAIN(tst_E2eLogView)
#include "tst_e2e_logview.moc"
