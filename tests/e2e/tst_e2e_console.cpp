// SPDX-License-Identifier: MIT
// The message console driven as a person would: the keyboard types, the DOM is read back.
#include "E2eMain.h"
#include "PageHarness.h"

#include <QJsonArray>
#include <QTest>
#include <QWebEngineView>

using namespace Conduit;
using namespace std::chrono_literals;

class tst_E2eConsole : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void connectsAndCountsTicks();
    void echoByKeyboard();
    void sendToProcessShowsItsAnswer();
    void processQuestionAnsweredInThePage();

private:
    int rowCount(const QString &selector);
    void typeIntoComposer(const QString &text);
    std::unique_ptr<PageHarness> m_harness;
};

void tst_E2eConsole::initTestCase()
{
    m_harness = std::make_unique<PageHarness>(200ms);
    QVERIFY(m_harness->load());
    // The console is the second view; the task dashboard opens first.
    QVERIFY(m_harness
                ->run(QStringLiteral(
                    "document.querySelector('[data-testid=nav-console]').click(); true"))
                .toBool());
    QTRY_VERIFY(m_harness
                    ->run(QStringLiteral(
                        "!!document.querySelector('[data-testid=composer-input]')?.offsetParent"))
                    .toBool());
}

int tst_E2eConsole::rowCount(const QString &selector)
{
    return m_harness->run(QStringLiteral("document.querySelectorAll('%1').length").arg(selector))
        .toInt();
}

void tst_E2eConsole::typeIntoComposer(const QString &text)
{
    m_harness->view().activateWindow();
    m_harness->view().setFocus();
    QVERIFY(m_harness
                ->run(QStringLiteral(
                    "(() => { const i = document.querySelector('[data-testid=composer-input]'); "
                    "i.focus();"
                    " return document.activeElement === i; })()"))
                .toBool());
    QWidget *input = m_harness->view().focusProxy();
    QVERIFY(input);
    QTest::keyClicks(input, text);
    QTRY_COMPARE_WITH_TIMEOUT(
        m_harness
            ->run(QStringLiteral("document.querySelector('[data-testid=composer-input]').value"))
            .toString(),
        text, 5000);
    QTest::keyClick(input, Qt::Key_Return);
}

void tst_E2eConsole::connectsAndCountsTicks()
{
    QTRY_COMPARE_WITH_TIMEOUT(
        m_harness
            ->run(QStringLiteral(
                "document.querySelector('[data-testid=connection-state]').dataset.state"))
            .toString(),
        QStringLiteral("connected"), 10000);
    const int first = m_harness
                          ->run(QStringLiteral("Number(document.querySelector('[data-testid=tick-"
                                               "counter]').dataset.count || 0)"))
                          .toInt();
    QTRY_VERIFY_WITH_TIMEOUT(
        m_harness
                ->run(QStringLiteral("Number(document.querySelector('[data-testid=tick-counter]')."
                                     "dataset.count || 0)"))
                .toInt()
            > first + 1,
        10000);
    // Ticks update the counter only; they do not flood the list.
    QCOMPARE(rowCount(QStringLiteral("[data-testid=message-row][data-name=\"process.tick\"]")), 0);
}

void tst_E2eConsole::echoByKeyboard()
{
    const int results = rowCount(QStringLiteral("[data-testid=message-row][data-kind=result]"));
    typeIntoComposer(QStringLiteral("hello console"));
    QTRY_COMPARE_WITH_TIMEOUT(
        rowCount(QStringLiteral("[data-testid=message-row][data-kind=result]")), results + 1, 5000);
    const QString last
        = m_harness
              ->run(QStringLiteral("[...document.querySelectorAll('[data-testid=message-row][data-"
                                   "kind=result]')].pop().textContent"))
              .toString();
    QVERIFY2(last.contains(QStringLiteral("hello console")), qPrintable(last));
    QVERIFY2(last.contains(QStringLiteral("ms")), qPrintable(last)); // the round trip's latency
    // The input is cleared and keeps the focus for the next message.
    QCOMPARE(m_harness->run(QStringLiteral("document.activeElement.dataset.testid")).toString(),
             QStringLiteral("composer-input"));
    QCOMPARE(m_harness->run(QStringLiteral("document.activeElement.value")).toString(), QString());
}

void tst_E2eConsole::sendToProcessShowsItsAnswer()
{
    m_harness->run(
        QStringLiteral("(() => { const m = document.querySelector('[data-testid=composer-mode]'); "
                       "m.value = 'process';"
                       " m.dispatchEvent(new Event('change')); return true; })()"));
    const int events
        = rowCount(QStringLiteral("[data-testid=message-row][data-name=\"process.output\"]"));
    typeIntoComposer(QStringLiteral("to the process"));
    QTRY_COMPARE_WITH_TIMEOUT(
        rowCount(QStringLiteral("[data-testid=message-row][data-name=\"process.output\"]")),
        events + 1, 5000);
    const QString row
        = m_harness
              ->run(QStringLiteral("[...document.querySelectorAll('[data-testid=message-row][data-"
                                   "name=\"process.output\"]')].pop().textContent"))
              .toString();
    QVERIFY2(row.contains(QStringLiteral("to the process")), qPrintable(row));
}

void tst_E2eConsole::processQuestionAnsweredInThePage()
{
    // The process asks the page (a native→page request) when a message ends with '?'.
    typeIntoComposer(QStringLiteral("Shall we?"));
    QTRY_VERIFY_WITH_TIMEOUT(
        m_harness->run(QStringLiteral("!!document.querySelector('[data-testid=confirm-panel]')"))
            .toBool(),
        5000);
    QCOMPARE(m_harness
                 ->run(QStringLiteral(
                     "document.querySelector('[data-testid=confirm-question]').textContent.trim()"))
                 .toString(),
             QStringLiteral("Shall we?"));
    // Focus went to Yes: the keyboard answers.
    QTRY_COMPARE_WITH_TIMEOUT(
        m_harness->run(QStringLiteral("document.activeElement.dataset.testid")).toString(),
        QStringLiteral("confirm-yes"), 5000);
    QTest::keyClick(m_harness->view().focusProxy(), Qt::Key_Return);
    QTRY_VERIFY_WITH_TIMEOUT(
        !m_harness->run(QStringLiteral("!!document.querySelector('[data-testid=confirm-panel]')"))
             .toBool(),
        5000);
    QTRY_COMPARE_WITH_TIMEOUT(
        rowCount(QStringLiteral("[data-testid=message-row][data-kind=reply]")), 1, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(
        m_harness
            ->run(QStringLiteral(
                "[...document.querySelectorAll('[data-testid=message-row][data-name=\"process."
                "output\"]')].some(r => r.textContent.includes('Shall we?'))"))
            .toBool(),
        5000);
}

CONDUIT_E2E_MAIN(tst_E2eConsole)
#include "tst_e2e_console.moc"
