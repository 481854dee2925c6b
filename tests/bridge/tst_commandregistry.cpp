// SPDX-License-Identifier: MIT
// CommandRegistry: commands by name, each with its schema, handler and stream mode.
#include <bridge/CommandError.h>
#include <bridge/CommandRegistry.h>

#include <QTest>

using namespace Conduit;

class tst_CommandRegistry : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void findsWhatWasAdded();
    void unknownIsNull();
    void namesAreSorted();
    void syncHandlerBecomesAReadyFuture();
    void syncHandlerThrowsThroughTheWrapper();
};

void tst_CommandRegistry::findsWhatWasAdded()
{
    CommandRegistry registry;
    int calls = 0;
    const Schema schema = Schema::object().required(QStringLiteral("x"), Schema::integer());
    registry.add(
        QStringLiteral("slow"), schema,
        [&](const CommandCall &call) {
            ++calls;
            return QtFuture::makeReadyFuture(QJsonValue(call.args.value(QStringLiteral("x"))));
        },
        StreamMode::LatestWins);

    const Command *command = registry.find(QStringLiteral("slow"));
    QVERIFY(command);
    QCOMPARE(command->name, QStringLiteral("slow"));
    QCOMPARE(command->streamMode, StreamMode::LatestWins);
    QCOMPARE(command->args.fields().size(), 1);
    QCOMPARE(calls, 0); // registering runs nothing

    CommandCall call{QStringLiteral("slow"), {{QStringLiteral("x"), 4}}, 1, {}, {}};
    QCOMPARE(command->handler(call).result(), QJsonValue(4));
    QCOMPARE(calls, 1);
}

void tst_CommandRegistry::unknownIsNull()
{
    CommandRegistry registry;
    QVERIFY(!registry.find(QStringLiteral("nothing")));
    registry.addSync(QStringLiteral("echo"), Schema::object(),
                     [](const CommandCall &) { return QJsonValue(); });
    QVERIFY(!registry.find(QStringLiteral("Echo"))); // names are case-sensitive
    QVERIFY(registry.find(QStringLiteral("echo")));
}

void tst_CommandRegistry::namesAreSorted()
{
    CommandRegistry registry;
    QVERIFY(registry.names().isEmpty());
    for (const char *name : {"tasks.start", "echo", "process.tell"})
        registry.addSync(QString::fromLatin1(name), Schema::object(),
                         [](const CommandCall &) { return QJsonValue(); });
    QCOMPARE(registry.names(), (QStringList{"echo", "process.tell", "tasks.start"}));
}

void tst_CommandRegistry::syncHandlerBecomesAReadyFuture()
{
    CommandRegistry registry;
    registry.addSync(QStringLiteral("echo"), Schema::object(), [](const CommandCall &call) {
        return QJsonValue(call.args.value(QStringLiteral("text")));
    });
    const Command *command = registry.find(QStringLiteral("echo"));
    QVERIFY(command);
    QCOMPARE(command->streamMode, StreamMode::Ordered);
    const QFuture<QJsonValue> future
        = command->handler({QStringLiteral("echo"), {{QStringLiteral("text"), "hi"}}, 3, {}, {}});
    QVERIFY(future.isFinished());
    QVERIFY(!future.isCanceled());
    QCOMPARE(future.result(), QJsonValue("hi"));
}

void tst_CommandRegistry::syncHandlerThrowsThroughTheWrapper()
{
    CommandRegistry registry;
    registry.addSync(QStringLiteral("fail"), Schema::object(),
                     [](const CommandCall &) -> QJsonValue {
                         throw CommandError(ErrorCode::NotFound, QStringLiteral("gone"));
                     });
    bool caught = false;
    try {
        registry.find(QStringLiteral("fail"))->handler({QStringLiteral("fail"), {}, 1, {}, {}});
    } catch (const CommandError &error) {
        caught = error.is(ErrorCode::NotFound);
    }
    QVERIFY(caught); // the bridge relies on this to answer before any future exists
}

QTEST_GUILESS_MAIN(tst_CommandRegistry)
#include "tst_commandregistry.moc"
