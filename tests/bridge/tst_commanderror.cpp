// SPDX-License-Identifier: MIT
// ErrorCode (the wire's one list of codes) and CommandError (the {code, message, details} object).
#include <bridge/CommandError.h>
#include <bridge/ErrorCode.h>

#include <QFuture>
#include <QPromise>
#include <QTest>

#include <memory>

using namespace Conduit;

class tst_CommandError : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void codeNames_data();
    void codeNames();
    void unknownCodeName();
    void toJson();
    void fromJson_data();
    void fromJson();
    void whatNamesCodeAndMessage();
    void cloneAndRaise();
    void travelsThroughAFuture();
};

void tst_CommandError::codeNames_data()
{
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<QString>("name");

    QTest::newRow("invalid_args") << ErrorCode::InvalidArgs << "invalid_args";
    QTest::newRow("unknown_command") << ErrorCode::UnknownCommand << "unknown_command";
    QTest::newRow("cancelled") << ErrorCode::Cancelled << "cancelled";
    QTest::newRow("timeout") << ErrorCode::Timeout << "timeout";
    QTest::newRow("too_large") << ErrorCode::TooLarge << "too_large";
    QTest::newRow("busy") << ErrorCode::Busy << "busy";
    QTest::newRow("not_found") << ErrorCode::NotFound << "not_found";
    QTest::newRow("shutting_down") << ErrorCode::ShuttingDown << "shutting_down";
    QTest::newRow("internal") << ErrorCode::Internal << "internal";
}

void tst_CommandError::codeNames()
{
    QFETCH(ErrorCode, code);
    QFETCH(QString, name);

    QCOMPARE(errorCodeName(code), name);
    const auto parsed = errorCodeFromName(name);
    QVERIFY(parsed.has_value());
    QCOMPARE(*parsed, code);
}

void tst_CommandError::unknownCodeName()
{
    QVERIFY(!errorCodeFromName(QStringLiteral("no_such_code")).has_value());
    QVERIFY(!errorCodeFromName(QString()).has_value());
    QVERIFY(!errorCodeFromName(QStringLiteral("TIMEOUT")).has_value()); // names are exact
}

void tst_CommandError::toJson()
{
    const CommandError plain(ErrorCode::Busy, QStringLiteral("try later"));
    QCOMPARE(plain.toJson(),
             (QJsonObject{{QStringLiteral("code"), QStringLiteral("busy")},
                          {QStringLiteral("message"), QStringLiteral("try later")}}));
    QVERIFY(!plain.toJson().contains(QStringLiteral("details"))); // no empty details on the wire

    const QJsonObject details{{QStringLiteral("argument"), QStringLiteral("text")}};
    const CommandError detailed(ErrorCode::InvalidArgs, QStringLiteral("bad"), details);
    QCOMPARE(detailed.code(), errorCodeName(ErrorCode::InvalidArgs));
    QCOMPARE(detailed.message(), QStringLiteral("bad"));
    QCOMPARE(detailed.details(), details);
    QCOMPARE(detailed.toJson().value(QStringLiteral("details")).toObject(), details);
}

void tst_CommandError::fromJson_data()
{
    QTest::addColumn<QJsonObject>("object");
    QTest::addColumn<QStringList>("applicationCodes");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("message");

    const QStringList none;
    const QStringList taskCodes{"io_error", "network_error"};
    QTest::newRow("known code") << QJsonObject{{"code", "not_found"}, {"message", "gone"}} << none
                                << "not_found"
                                << "gone";
    QTest::newRow("unknown code") << QJsonObject{{"code", "exploded"}, {"message", "m"}} << none
                                  << "internal"
                                  << "m";
    QTest::newRow("application code, declared")
        << QJsonObject{{"code", "io_error"}, {"message", "disk"}} << taskCodes << "io_error"
        << "disk";
    QTest::newRow("application code, not declared")
        << QJsonObject{{"code", "io_error"}, {"message", "disk"}} << none << "internal"
        << "disk";
    QTest::newRow("code not a string") << QJsonObject{{"code", 3}} << taskCodes << "internal"
                                       << "";
    QTest::newRow("empty object") << QJsonObject{} << none << "internal"
                                  << "";
}

void tst_CommandError::fromJson()
{
    QFETCH(QJsonObject, object);
    QFETCH(QStringList, applicationCodes);
    QFETCH(QString, code);
    QFETCH(QString, message);

    const CommandError error = CommandError::fromJson(object, applicationCodes);
    QCOMPARE(error.code(), code);
    QCOMPARE(error.message(), message);

    // A known error survives the round trip, details included.
    const CommandError original(ErrorCode::Timeout, QStringLiteral("slow"),
                                {{QStringLiteral("ms"), 30}});
    const CommandError back = CommandError::fromJson(original.toJson());
    QCOMPARE(back.code(), original.code());
    QCOMPARE(back.message(), original.message());
    QCOMPARE(back.details(), original.details());
}

void tst_CommandError::whatNamesCodeAndMessage()
{
    const CommandError error(ErrorCode::TooLarge, QStringLiteral("envelope is huge"));
    QCOMPARE(QByteArray(error.what()), QByteArray("too_large: envelope is huge"));
}

void tst_CommandError::cloneAndRaise()
{
    const CommandError error(ErrorCode::ShuttingDown, QStringLiteral("bye"),
                             {{QStringLiteral("in"), 5}});
    std::unique_ptr<CommandError> copy(error.clone());
    QCOMPARE(copy->code(), errorCodeName(ErrorCode::ShuttingDown));
    QCOMPARE(copy->details(), error.details());

    bool caught = false;
    try {
        copy->raise();
    } catch (const CommandError &raised) {
        caught = raised.is(ErrorCode::ShuttingDown) && raised.message() == error.message();
    }
    QVERIFY(caught);
}

void tst_CommandError::travelsThroughAFuture()
{
    QPromise<int> promise;
    QFuture<int> future = promise.future();
    promise.start();
    promise.setException(CommandError(ErrorCode::Busy, QStringLiteral("full")));
    promise.finish();

    bool caught = false;
    try {
        future.waitForFinished();
    } catch (const CommandError &error) {
        caught = error.is(ErrorCode::Busy) && error.message() == QLatin1String("full");
    }
    QVERIFY(caught);
}

QTEST_GUILESS_MAIN(tst_CommandError)
#include "tst_commanderror.moc"
