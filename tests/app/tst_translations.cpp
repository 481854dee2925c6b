// SPDX-License-Identifier: MIT
// The native catalogues as the application installs them: every locale reads finished text,
// plural forms included; a language without a catalogue of its own reads English.
#include <app/Translations.h>

#include <QCoreApplication>
#include <QLocale>
#include <QTest>
#include <QTranslator>

using namespace Conduit;

class tst_Translations : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cleanup();
    void pluralsReadAsTheLocaleSays_data();
    void pluralsReadAsTheLocaleSays();
};

void tst_Translations::cleanup()
{
    for (QTranslator *translator : qApp->findChildren<QTranslator *>()) {
        QCoreApplication::removeTranslator(translator);
        delete translator;
    }
}

void tst_Translations::pluralsReadAsTheLocaleSays_data()
{
    QTest::addColumn<QLocale>("locale");
    QTest::addColumn<QString>("one");
    QTest::addColumn<QString>("two");
    QTest::newRow("en_US") << QLocale(QLocale::English, QLocale::UnitedStates)
                           << QStringLiteral("1 task running") << QStringLiteral("2 tasks running");
    QTest::newRow("de_DE") << QLocale(QLocale::German, QLocale::Germany)
                           << QStringLiteral("1 Aufgabe läuft")
                           << QStringLiteral("2 Aufgaben laufen");
    // No catalogue of its own: English, never the sources' "task(s)".
    QTest::newRow("es_ES") << QLocale(QLocale::Spanish, QLocale::Spain)
                           << QStringLiteral("1 task running") << QStringLiteral("2 tasks running");
    QTest::newRow("C") << QLocale::c() << QStringLiteral("1 task running")
                       << QStringLiteral("2 tasks running");
}

void tst_Translations::pluralsReadAsTheLocaleSays()
{
    QFETCH(QLocale, locale);
    QFETCH(QString, one);
    QFETCH(QString, two);
    QLocale::setDefault(locale);
    Translations::install(*qApp);
    const auto running = [](int n) {
        return QCoreApplication::translate("Conduit::AppTray", "%n task(s) running", nullptr, n);
    };
    QCOMPARE(running(1), one);
    QCOMPARE(running(2), two);
}

QTEST_GUILESS_MAIN(tst_Translations)
#include "tst_translations.moc"
