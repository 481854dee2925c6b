// SPDX-License-Identifier: MIT
// ArgumentSchema: the rules a command's arguments pass before its handler runs.
#include <bridge/ArgumentSchema.h>
#include <bridge/CommandError.h>

#include <QJsonArray>
#include <QTest>

using namespace Conduit;

namespace {

// Every argument type, optional ones with and without defaults, and each kind of constraint.
ArgumentSchema mixedSchema()
{
    return ArgumentSchema()
        .required(QStringLiteral("name"), ArgumentType::String)
        .maxLength(5)
        .optional(QStringLiteral("count"), ArgumentType::Integer, 10)
        .range(1, 100)
        .optional(QStringLiteral("ratio"), ArgumentType::Number)
        .range(0, 1)
        .optional(QStringLiteral("flag"), ArgumentType::Boolean, false)
        .optional(QStringLiteral("mode"), ArgumentType::String, QStringLiteral("fast"))
        .oneOf({QStringLiteral("fast"), QStringLiteral("slow")})
        .optional(QStringLiteral("tags"), ArgumentType::Array)
        .optional(QStringLiteral("meta"), ArgumentType::Object)
        .optional(QStringLiteral("note"), ArgumentType::String);
}

const QJsonObject kDefaults{{"count", 10}, {"flag", false}, {"mode", "fast"}};

QJsonObject withDefaults(const QJsonObject &args)
{
    QJsonObject merged = kDefaults;
    for (auto it = args.begin(); it != args.end(); ++it)
        merged.insert(it.key(), it.value());
    return merged;
}

} // namespace

class tst_ArgumentSchema : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void accepted_data();
    void accepted();
    void refused_data();
    void refused();
    void emptySchemaRefusesEverything();
    void rulesAreRecorded();
    void typeNames();
};

void tst_ArgumentSchema::accepted_data()
{
    QTest::addColumn<QJsonObject>("args");
    QTest::addColumn<QJsonObject>("expected");

    QTest::newRow("defaults filled in")
        << QJsonObject{{"name", "a"}} << withDefaults({{"name", "a"}});
    QTest::newRow("given values kept")
        << QJsonObject{{"name", "a"}, {"count", 7}, {"flag", true}, {"mode", "slow"}}
        << QJsonObject{{"name", "a"}, {"count", 7}, {"flag", true}, {"mode", "slow"}};
    QTest::newRow("null optional with default gets the default")
        << QJsonObject{{"name", "a"}, {"count", QJsonValue::Null}} << withDefaults({{"name", "a"}});
    QTest::newRow("null optional without default is removed")
        << QJsonObject{{"name", "a"}, {"note", QJsonValue::Null}} << withDefaults({{"name", "a"}});
    QTest::newRow("integer written as 3.0") << QJsonObject{{"name", "a"}, {"count", 3.0}}
                                            << withDefaults({{"name", "a"}, {"count", 3}});
    QTest::newRow("integer at both ends of its range")
        << QJsonObject{{"name", "a"}, {"count", 100}}
        << withDefaults({{"name", "a"}, {"count", 100}});
    QTest::newRow("integer lower bound")
        << QJsonObject{{"name", "a"}, {"count", 1}} << withDefaults({{"name", "a"}, {"count", 1}});
    QTest::newRow("number may be fractional") << QJsonObject{{"name", "a"}, {"ratio", 0.25}}
                                              << withDefaults({{"name", "a"}, {"ratio", 0.25}});
    QTest::newRow("number range is inclusive")
        << QJsonObject{{"name", "a"}, {"ratio", 1}} << withDefaults({{"name", "a"}, {"ratio", 1}});
    QTest::newRow("string at maxLength")
        << QJsonObject{{"name", "abcde"}} << withDefaults({{"name", "abcde"}});
    QTest::newRow("maxLength counts characters, not bytes")
        << QJsonObject{{"name", QStringLiteral("äöüßé")}}
        << withDefaults({{"name", QStringLiteral("äöüßé")}});
    QTest::newRow("array and object")
        << QJsonObject{{"name", "a"}, {"tags", QJsonArray{1, "x"}}, {"meta", QJsonObject{{"k", 1}}}}
        << withDefaults(
               {{"name", "a"}, {"tags", QJsonArray{1, "x"}}, {"meta", QJsonObject{{"k", 1}}}});
    QTest::newRow("empty string is a string")
        << QJsonObject{{"name", ""}} << withDefaults({{"name", ""}});
}

void tst_ArgumentSchema::accepted()
{
    QFETCH(QJsonObject, args);
    QFETCH(QJsonObject, expected);

    QJsonObject checked;
    try {
        checked = mixedSchema().validate(args);
    } catch (const CommandError &error) {
        QFAIL(error.what());
    }
    QCOMPARE(checked, expected);
}

void tst_ArgumentSchema::refused_data()
{
    QTest::addColumn<QJsonObject>("args");
    QTest::addColumn<QString>("argument");
    QTest::addColumn<QString>("messagePart");

    QTest::newRow("missing required") << QJsonObject{} << "name"
                                      << "missing";
    QTest::newRow("null required is missing") << QJsonObject{{"name", QJsonValue::Null}} << "name"
                                              << "missing";
    QTest::newRow("unknown argument") << QJsonObject{{"name", "a"}, {"nmae", "a"}} << "nmae"
                                      << "unknown argument";
    QTest::newRow("string given a number") << QJsonObject{{"name", 5}} << "name"
                                           << "string";
    QTest::newRow("string given a bool") << QJsonObject{{"name", true}} << "name"
                                         << "string";
    QTest::newRow("integer given a string") << QJsonObject{{"name", "a"}, {"count", "3"}} << "count"
                                            << "integer";
    QTest::newRow("integer given a fraction")
        << QJsonObject{{"name", "a"}, {"count", 2.5}} << "count"
        << "integer";
    QTest::newRow("integer beyond 2^53")
        << QJsonObject{{"name", "a"}, {"count", 9007199254740992.0 * 4}} << "count"
        << "integer";
    QTest::newRow("integer below range") << QJsonObject{{"name", "a"}, {"count", 0}} << "count"
                                         << "between";
    QTest::newRow("integer above range") << QJsonObject{{"name", "a"}, {"count", 101}} << "count"
                                         << "between";
    QTest::newRow("number given a string")
        << QJsonObject{{"name", "a"}, {"ratio", "0.5"}} << "ratio"
        << "number";
    QTest::newRow("number above range") << QJsonObject{{"name", "a"}, {"ratio", 1.5}} << "ratio"
                                        << "between";
    QTest::newRow("number below range") << QJsonObject{{"name", "a"}, {"ratio", -0.001}} << "ratio"
                                        << "between";
    QTest::newRow("boolean given a string")
        << QJsonObject{{"name", "a"}, {"flag", "true"}} << "flag"
        << "boolean";
    QTest::newRow("boolean given a number") << QJsonObject{{"name", "a"}, {"flag", 1}} << "flag"
                                            << "boolean";
    QTest::newRow("array given an object")
        << QJsonObject{{"name", "a"}, {"tags", QJsonObject{}}} << "tags"
        << "array";
    QTest::newRow("object given an array")
        << QJsonObject{{"name", "a"}, {"meta", QJsonArray{}}} << "meta"
        << "object";
    QTest::newRow("longer than maxLength") << QJsonObject{{"name", "abcdef"}} << "name"
                                           << "longer";
    QTest::newRow("not one of the allowed values")
        << QJsonObject{{"name", "a"}, {"mode", "medium"}} << "mode"
        << "one of";
    QTest::newRow("allowed values are case-sensitive")
        << QJsonObject{{"name", "a"}, {"mode", "FAST"}} << "mode"
        << "one of";
}

void tst_ArgumentSchema::refused()
{
    QFETCH(QJsonObject, args);
    QFETCH(QString, argument);
    QFETCH(QString, messagePart);

    bool thrown = false;
    try {
        mixedSchema().validate(args);
    } catch (const CommandError &error) {
        thrown = true;
        QCOMPARE(error.code(), ErrorCode::InvalidArgs);
        QCOMPARE(error.details().value(QStringLiteral("argument")).toString(), argument);
        QVERIFY2(error.message().contains(messagePart), qPrintable(error.message()));
        QVERIFY2(error.message().contains(argument), qPrintable(error.message()));
        QCOMPARE(error.toJson().value(QStringLiteral("details")).toObject(),
                 (QJsonObject{{QStringLiteral("argument"), argument}}));
    }
    QVERIFY(thrown);
}

void tst_ArgumentSchema::emptySchemaRefusesEverything()
{
    const ArgumentSchema none;
    QCOMPARE(none.validate({}), QJsonObject{});
    bool thrown = false;
    try {
        none.validate({{QStringLiteral("x"), 1}});
    } catch (const CommandError &error) {
        thrown
            = error.code() == ErrorCode::InvalidArgs
              && error.details().value(QStringLiteral("argument")).toString() == QLatin1String("x");
    }
    QVERIFY(thrown);
}

void tst_ArgumentSchema::rulesAreRecorded()
{
    const ArgumentSchema schema = mixedSchema();
    QCOMPARE(schema.rules().size(), 8);
    const ArgumentRule &name = schema.rules().at(0);
    QCOMPARE(name.name, QStringLiteral("name"));
    QVERIFY(name.required);
    QCOMPARE(name.maxLength, 5);
    const ArgumentRule &count = schema.rules().at(1);
    QCOMPARE(count.type, ArgumentType::Integer);
    QVERIFY(!count.required);
    QCOMPARE(count.defaultValue, QJsonValue(10));
    QCOMPARE(count.minimum, 1.0);
    QCOMPARE(count.maximum, 100.0);
    QCOMPARE(schema.rules().at(4).allowed, (QStringList{"fast", "slow"}));
}

void tst_ArgumentSchema::typeNames()
{
    QCOMPARE(argumentTypeName(ArgumentType::String), QStringLiteral("string"));
    QCOMPARE(argumentTypeName(ArgumentType::Number), QStringLiteral("number"));
    QCOMPARE(argumentTypeName(ArgumentType::Integer), QStringLiteral("integer"));
    QCOMPARE(argumentTypeName(ArgumentType::Boolean), QStringLiteral("boolean"));
    QCOMPARE(argumentTypeName(ArgumentType::Object), QStringLiteral("object"));
    QCOMPARE(argumentTypeName(ArgumentType::Array), QStringLiteral("array"));
}

QTEST_GUILESS_MAIN(tst_ArgumentSchema)
#include "tst_argumentschema.moc"
