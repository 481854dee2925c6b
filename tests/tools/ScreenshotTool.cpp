// SPDX-License-Identifier: MIT
// conduit_screenshots <out.png> <view: tasks|duplicates|console>: the real window with a few real
// tasks, grabbed after the page has settled. scripts/take-screenshots.sh runs it per language and
// colour scheme (QtWebEngine takes both from the process: LANGUAGE and Chromium's
// --blink-settings=preferredColorScheme).
#include "PageHarness.h"
#include <app/AppPage.h>
#include <app/AppScheme.h>
#include <app/AppWindows.h>
#include <app/ConduitRuntime.h>
#include <app/MainWindow.h>
#include <app/Translations.h>

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QWebEngineView>

using namespace Conduit;
using namespace std::chrono_literals;

namespace {
QString jsString(const QString &text)
{
    return QString::fromUtf8(QJsonDocument(QJsonArray{text}).toJson(QJsonDocument::Compact))
        .mid(1)
        .chopped(1);
}
} // namespace

int main(int argc, char *argv[])
{
    AppScheme::registerScheme();
    QCoreApplication::setAttribute(Qt::AA_ShareOpenGLContexts);
    QApplication app(argc, argv);
    QCoreApplication::setApplicationVersion(QStringLiteral(CONDUIT_VERSION));
    Translations::install(app);
    if (argc != 3)
        return 2;
    const QString out = QString::fromLocal8Bit(argv[1]);
    const QByteArray view = argv[2]; // tasks, duplicates or console

    QTemporaryDir dir;
    const QString photos = dir.filePath(QStringLiteral("Photos 2026"));
    QDir().mkpath(photos + QStringLiteral("/Summer"));
    for (int i = 0; i < 40; ++i) {
        QFile file(photos + QStringLiteral("/Summer/IMG_%1.jpg").arg(1000 + i));
        file.open(QIODevice::WriteOnly);
        file.write(QByteArray(256 * 1024, char('a' + i % 26)));
    }
    QFile log(dir.filePath(QStringLiteral("service.log")));
    log.open(QIODevice::WriteOnly | QIODevice::Unbuffered);

    ConduitRuntime runtime(1s);
    runtime.start();
    AppWindows windows(runtime, AppScheme::entryUrl());
    MainWindow &window = *windows.open();
    window.resize(1024, 700);
    QWebEnginePage &page = *window.page();
    QSignalSpy loaded(&page, &QWebEnginePage::loadFinished);
    if (!loaded.wait(30000))
        return 1;
    if (!PageHarness::awaitOn(page, QStringLiteral("await conduit.ready(); return true;"), 30s)
             .value(QStringLiteral("ok"))
             .toBool()) {
        qWarning("the page did not connect");
        return 1;
    }
    const auto run = [&](const QString &script) {
        return PageHarness::runOn(page, script);
    };
    const auto set = [&](const QString &testid, const QString &value) {
        // A form or view the page loads when first shown may take a moment to appear.
        if (!QTest::qWaitFor(
                [&] {
                    return run(QStringLiteral("!!document.querySelector('[data-testid=\"%1\"]')")
                                   .arg(testid))
                        .toBool();
                },
                5000))
            qWarning("%s did not appear", qPrintable(testid));
        run(QStringLiteral(
                "(() => { const e = document.querySelector('[data-testid=\"%1\"]'); e.value = %2;"
                " e.dispatchEvent(new Event('input', {bubbles: true})); return true; })()")
                .arg(testid, jsString(value)));
        QTest::qWait(150); // let the form validate
    };
    const auto click = [&](const QString &testid) {
        run(QStringLiteral("document.querySelector('[data-testid=\"%1\"]').click(); true")
                .arg(testid));
    };

    if (view == "duplicates") {
        // The photos repeat every 26 files: the search finds 14 pairs of copies.
        click(QStringLiteral("form-kind-duplicates"));
        set(QStringLiteral("duplicates-root"), photos);
        click(QStringLiteral("duplicates-start"));
        QTest::qWait(2000);
    } else if (view == "console") {
        click(QStringLiteral("nav-console"));
        QTest::qWait(300);
        for (const QString &text :
             {QStringLiteral("Hello from the page"), QStringLiteral("Checking the round trip")}) {
            set(QStringLiteral("composer-input"), text);
            run(QStringLiteral("document.querySelector('[data-testid=composer-input]').form."
                               "requestSubmit(); true"));
            QTest::qWait(400);
        }
        run(QStringLiteral(
            "const m = document.querySelector('[data-testid=composer-mode]'); m.value = 'process';"
            " m.dispatchEvent(new Event('change')); true"));
        set(QStringLiteral("composer-input"), QStringLiteral("Shall we start the backup?"));
        run(QStringLiteral(
            "document.querySelector('[data-testid=composer-input]').form.requestSubmit(); true"));
        QTest::qWait(1500);
    } else {
        // A finished hash, a verify that found a change, a log being followed.
        click(QStringLiteral("form-kind-hash"));
        set(QStringLiteral("hash-root"), photos);
        click(QStringLiteral("hash-start"));
        if (!QTest::qWaitFor([&] { return QFile::exists(photos + QStringLiteral("/SHA256SUMS")); },
                             10000)) {
            qWarning("the hash did not finish");
            return 1;
        }
        QTest::qWait(500);
        QFile tampered(photos + QStringLiteral("/Summer/IMG_1003.jpg"));
        tampered.open(QIODevice::Append);
        tampered.write("x");
        tampered.close();
        click(QStringLiteral("form-kind-verify"));
        set(QStringLiteral("verify-manifest"), photos + QStringLiteral("/SHA256SUMS"));
        click(QStringLiteral("verify-start"));
        QTest::qWait(1000);
        click(QStringLiteral("form-kind-tail"));
        set(QStringLiteral("tail-path"), log.fileName());
        click(QStringLiteral("tail-start"));
        QTest::qWait(800);
        for (int i = 1; i <= 6; ++i)
            log.write(QStringLiteral("2026-11-22T10:15:%1 INFO worker: processed batch %2\n")
                          .arg(10 + i)
                          .arg(i)
                          .toUtf8());
        QTest::qWait(1500);
        click(QStringLiteral("form-kind-hash"));
    }
    QTest::qWait(500);
    const bool saved = window.grab().save(out);
    window.close();
    return saved ? 0 : 1;
}
