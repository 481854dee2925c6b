// SPDX-License-Identifier: MIT
// The task dashboard driven through its DOM, as a person would, with native dialogs answered
// by presets: hash a folder, verify a tampered manifest, download from a real HTTP server on
// 127.0.0.1, follow a log and pause, resume and cancel it.
#include "E2eMain.h"
#include "PageHarness.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace Conduit;
using namespace std::chrono_literals;

class tst_E2eDashboard : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void hashAFolderThroughTheForm();
    void verifyReportsTheTamperedFile();
    void downloadShowsItsChecksum();
    void followALogPauseResumeCancel();

private:
    QVariant js(const QString &script) { return m_harness->run(script); }
    void waitFor(const QString &testid);
    void click(const QString &testid);
    void type(const QString &testid, const QString &text);
    QString newestRow(const QString &kind);
    QString rowState(const QString &id);
    QString inRow(const QString &id, const QString &testid,
                  const QString &property = QStringLiteral("textContent"));

    std::unique_ptr<PageHarness> m_harness;
    QTemporaryDir m_dir;
    QTcpServer m_server;
    QByteArray m_body;
};

void tst_E2eDashboard::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_harness = std::make_unique<PageHarness>(1s);
    QVERIFY(m_harness->load());
    QTRY_VERIFY(
        js(QStringLiteral("!!document.querySelector('[data-testid=form-kind-hash]')")).toBool());

    // A real HTTP server on 127.0.0.1 for the download.
    m_body = QByteArray("conduit download body\n").repeated(20000);
    QVERIFY(m_server.listen(QHostAddress::LocalHost));
    connect(&m_server, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket *socket = m_server.nextPendingConnection()) {
            connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
                if (!socket->readAll().contains("\r\n\r\n"))
                    return;
                socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                              "Content-Length: "
                              + QByteArray::number(m_body.size())
                              + "\r\nConnection: close\r\n\r\n");
                socket->write(m_body);
                socket->disconnectFromHost();
            });
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        }
    });
}

void tst_E2eDashboard::waitFor(const QString &testid)
{
    // A form the page loads when first chosen may take a moment to appear (QTRY evaluates its
    // expression more than once, so it only looks).
    QTRY_VERIFY2(
        js(QStringLiteral("!!document.querySelector('[data-testid=\"%1\"]')").arg(testid)).toBool(),
        qPrintable(testid));
}

void tst_E2eDashboard::click(const QString &testid)
{
    waitFor(testid);
    QVERIFY2(js(QStringLiteral("(() => { const e = document.querySelector('[data-testid=\"%1\"]');"
                               " if (!e || e.disabled) return false; e.click(); return true; })()")
                    .arg(testid))
                 .toBool(),
             qPrintable(testid));
}

void tst_E2eDashboard::type(const QString &testid, const QString &text)
{
    waitFor(testid);
    QVERIFY(js(QStringLiteral("(() => { const e = document.querySelector('[data-testid=\"%1\"]');"
                              " e.value = %2; e.dispatchEvent(new Event('input', {bubbles: true}));"
                              " return true; })()")
                   .arg(testid, QString::fromUtf8(
                                    QJsonDocument(QJsonArray{text}).toJson(QJsonDocument::Compact))
                                    .mid(1)
                                    .chopped(1)))
                .toBool());
}

QString tst_E2eDashboard::newestRow(const QString &kind)
{
    return js(QStringLiteral(
                  "(() => { const rows = "
                  "[...document.querySelectorAll('[data-testid=task-row][data-kind=%1]')];"
                  " return rows.length ? String(Math.max(...rows.map(r => "
                  "Number(r.dataset.taskId)))) : ''; })()")
                  .arg(kind))
        .toString();
}

QString tst_E2eDashboard::rowState(const QString &id)
{
    return js(QStringLiteral("document.querySelector('[data-testid=task-row][data-task-id=\"%1\"]')"
                             "?.dataset.state || ''")
                  .arg(id))
        .toString();
}

QString tst_E2eDashboard::inRow(const QString &id, const QString &testid, const QString &property)
{
    return js(QStringLiteral("document.querySelector('[data-testid=task-row][data-task-id=\"%1\"] "
                             "[data-testid=\"%2\"]')?.%3 ?? ''")
                  .arg(id, testid, property))
        .toString();
}

void tst_E2eDashboard::hashAFolderThroughTheForm()
{
    const QString root = m_dir.filePath(QStringLiteral("photos 2026"));
    QVERIFY(QDir().mkpath(root + QStringLiteral("/Grüße")));
    for (const QString &name : {QStringLiteral("a.jpg"), QStringLiteral("Grüße/b c.txt")}) {
        QFile file(root + QLatin1Char('/') + name);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(name.toUtf8().repeated(5000));
    }
    m_harness->runtime().desktop().presetAnswer(DesktopIntegration::DialogKind::PickFolder, root);
    click(QStringLiteral("form-kind-hash"));
    click(QStringLiteral("hash-pick"));
    QTRY_COMPARE(
        js(QStringLiteral("document.querySelector('[data-testid=hash-root]').value")).toString(),
        root);
    click(QStringLiteral("hash-start"));
    QString id;
    QTRY_VERIFY((id = newestRow(QStringLiteral("hash"))).size() > 0);
    QTRY_COMPARE_WITH_TIMEOUT(rowState(id), QStringLiteral("completed"), 20000);
    // The kind's result view is loaded when first shown.
    QTRY_VERIFY2(inRow(id, QStringLiteral("task-result")).contains(QStringLiteral("SHA256SUMS")),
                 qPrintable(inRow(id, QStringLiteral("task-result"))));
    QVERIFY(!inRow(id, QStringLiteral("reveal-path"), QStringLiteral("tagName")).isEmpty());
    // Finished: no pause, resume or cancel offered; the bar says 100 %.
    QVERIFY(inRow(id, QStringLiteral("task-cancel"), QStringLiteral("tagName")).isEmpty());
    QCOMPARE(inRow(id, QStringLiteral("task-progress"), QStringLiteral("getAttribute('role')")),
             QStringLiteral("progressbar"));
    QProcess check;
    check.setWorkingDirectory(root);
    check.start(QStringLiteral("sha256sum"), {QStringLiteral("-c"), QStringLiteral("SHA256SUMS")});
    QVERIFY(check.waitForFinished(20000));
    QCOMPARE(check.exitCode(), 0);
}

void tst_E2eDashboard::verifyReportsTheTamperedFile()
{
    const QString root = m_dir.filePath(QStringLiteral("photos 2026"));
    QFile tampered(root + QStringLiteral("/a.jpg"));
    QVERIFY(tampered.open(QIODevice::Append));
    tampered.write("changed");
    tampered.close();
    m_harness->runtime().desktop().presetAnswer(DesktopIntegration::DialogKind::OpenFile,
                                                root + QStringLiteral("/SHA256SUMS"));
    click(QStringLiteral("form-kind-verify"));
    click(QStringLiteral("verify-pick"));
    QTRY_VERIFY(!js(QStringLiteral("document.querySelector('[data-testid=verify-manifest]').value"))
                     .toString()
                     .isEmpty());
    click(QStringLiteral("verify-start"));
    QString id;
    QTRY_VERIFY((id = newestRow(QStringLiteral("verify"))).size() > 0);
    QTRY_COMPARE_WITH_TIMEOUT(rowState(id), QStringLiteral("completed"), 20000);
    QTRY_VERIFY(inRow(id, QStringLiteral("task-result")).contains(QStringLiteral("a.jpg")));
    const QString report = inRow(id, QStringLiteral("task-result"));
    QVERIFY2(!report.contains(QStringLiteral("b c.txt")), qPrintable(report));
}

void tst_E2eDashboard::downloadShowsItsChecksum()
{
    const QString dest = m_dir.filePath(QStringLiteral("download.bin"));
    m_harness->runtime().desktop().presetAnswer(DesktopIntegration::DialogKind::SaveFile, dest);
    click(QStringLiteral("form-kind-download"));
    type(QStringLiteral("download-url"),
         QStringLiteral("http://127.0.0.1:%1/file.bin").arg(m_server.serverPort()));
    click(QStringLiteral("download-pick"));
    QTRY_COMPARE(js(QStringLiteral("document.querySelector('[data-testid=download-dest]').value"))
                     .toString(),
                 dest);
    click(QStringLiteral("download-start"));
    QString id;
    QTRY_VERIFY((id = newestRow(QStringLiteral("download"))).size() > 0);
    QTRY_COMPARE_WITH_TIMEOUT(rowState(id), QStringLiteral("completed"), 20000);
    const QString expected
        = QString::fromLatin1(QCryptographicHash::hash(m_body, QCryptographicHash::Sha256).toHex());
    QTRY_VERIFY2(inRow(id, QStringLiteral("task-result")).contains(expected),
                 qPrintable(inRow(id, QStringLiteral("task-result"))));
    QFile file(dest);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), m_body);
}

void tst_E2eDashboard::followALogPauseResumeCancel()
{
    const QString path = m_dir.filePath(QStringLiteral("service.log"));
    QFile log(path);
    QVERIFY(log.open(QIODevice::WriteOnly | QIODevice::Unbuffered));
    m_harness->runtime().desktop().presetAnswer(DesktopIntegration::DialogKind::OpenFile, path);
    click(QStringLiteral("form-kind-tail"));
    click(QStringLiteral("tail-pick"));
    QTRY_COMPARE(
        js(QStringLiteral("document.querySelector('[data-testid=tail-path]').value")).toString(),
        path);
    click(QStringLiteral("tail-start"));
    QString id;
    QTRY_VERIFY((id = newestRow(QStringLiteral("tail"))).size() > 0);
    QTRY_COMPARE_WITH_TIMEOUT(rowState(id), QStringLiteral("running"), 10000);
    log.write("first line\nsecond line\n");
    QTRY_VERIFY_WITH_TIMEOUT(
        inRow(id, QStringLiteral("tail-lines")).contains(QStringLiteral("second line")), 10000);
    // Only what applies is offered.
    QVERIFY(!inRow(id, QStringLiteral("task-pause"), QStringLiteral("tagName")).isEmpty());
    QVERIFY(inRow(id, QStringLiteral("task-resume"), QStringLiteral("tagName")).isEmpty());

    click(QStringLiteral("task-pause"));
    QTRY_COMPARE_WITH_TIMEOUT(rowState(id), QStringLiteral("paused"), 10000);
    QVERIFY(!inRow(id, QStringLiteral("task-resume"), QStringLiteral("tagName")).isEmpty());
    QVERIFY(inRow(id, QStringLiteral("task-pause"), QStringLiteral("tagName")).isEmpty());
    log.write("written while paused\n");
    QTest::qWait(600);
    QVERIFY(
        !inRow(id, QStringLiteral("tail-lines")).contains(QStringLiteral("written while paused")));

    click(QStringLiteral("task-resume"));
    QTRY_COMPARE_WITH_TIMEOUT(rowState(id), QStringLiteral("running"), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(
        inRow(id, QStringLiteral("tail-lines")).contains(QStringLiteral("written while paused")),
        10000);

    click(QStringLiteral("task-cancel"));
    QTRY_COMPARE_WITH_TIMEOUT(rowState(id), QStringLiteral("cancelled"), 10000);
    QVERIFY(inRow(id, QStringLiteral("task-cancel"), QStringLiteral("tagName")).isEmpty());
}

CONDUIT_E2E_MAIN(tst_E2eDashboard)
#include "tst_e2e_dashboard.moc"
