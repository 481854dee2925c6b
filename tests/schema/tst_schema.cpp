// SPDX-License-Identifier: MIT
// Schema: what a value must look like, checked (validate) and written for the page (typeScript).
#include <schema/Schema.h>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace Conduit;

Q_DECLARE_METATYPE(Conduit::Schema)

namespace {

// Every type, optional fields with and without defaults, and each kind of constraint.
Schema mixedSchema()
{
    return Schema::object()
        .required(QStringLiteral("name"), Schema::string().maxLength(5))
        .optional(QStringLiteral("count"), Schema::integer().range(1, 100), 10)
        .optional(QStringLiteral("ratio"), Schema::number().range(0, 1))
        .optional(QStringLiteral("flag"), Schema::boolean(), false)
        .optional(QStringLiteral("mode"),
                  Schema::oneOf({QStringLiteral("fast"), QStringLiteral("slow")}),
                  QStringLiteral("fast"))
        .optional(QStringLiteral("tags"), Schema::arrayOf(Schema::string().nonEmpty()).maxItems(3))
        .optional(QStringLiteral("meta"),
                  Schema::object().optional(QStringLiteral("x"), Schema::integer()))
        .optional(QStringLiteral("note"), Schema::string().orNull());
}

QJsonValue json(const char *text)
{
    // Wrapped so that scalars parse too.
    const QByteArray wrapped = QByteArray("[") + text + "]";
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(wrapped, &error);
    if (error.error != QJsonParseError::NoError)
        qFatal("bad test JSON: %s", text);
    return document.array().at(0);
}

} // namespace

class tst_Schema : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void accepts_data();
    void accepts();
    void refuses_data();
    void refuses();
    void typeScript_data();
    void typeScript();
    void paths_data();
    void paths();
    void namedShapesOnceInnermostFirst();
    void copiesAreIndependent();
};

void tst_Schema::accepts_data()
{
    QTest::addColumn<Schema>("schema");
    QTest::addColumn<QJsonValue>("input");
    QTest::addColumn<QJsonValue>("expected");

    const Schema mixed = mixedSchema();
    QTest::newRow("defaults filled in")
        << mixed << json(R"({"name":"a"})")
        << json(R"({"name":"a","count":10,"flag":false,"mode":"fast"})");
    const Schema upload = Schema::object().required(QStringLiteral("data"), Schema::bytes());
    QTest::newRow("bytes: an upload reference")
        << upload << json(R"({"data":{"upload":3,"size":0}})")
        << json(R"({"data":{"upload":3,"size":0}})");
    QTest::newRow("null is absent")
        << mixed << json(R"({"name":"a","count":null})")
        << json(R"({"name":"a","count":10,"flag":false,"mode":"fast"})");
    QTest::newRow("every field")
        << mixed
        << json(
               R"({"name":"abcde","count":100,"ratio":0.5,"flag":true,"mode":"slow","tags":["x","y","z"],"meta":{"x":-3},"note":"n"})")
        << json(
               R"({"name":"abcde","count":100,"ratio":0.5,"flag":true,"mode":"slow","tags":["x","y","z"],"meta":{"x":-3},"note":"n"})");
    QTest::newRow("a nullable field keeps null")
        << mixed << json(R"({"name":"a","note":null})")
        << json(R"({"name":"a","count":10,"flag":false,"mode":"fast","note":null})");
    QTest::newRow("integer bounds")
        << Schema::integer() << json("9007199254740991") << json("9007199254740991");
    QTest::newRow("negative bound")
        << Schema::integer() << json("-9007199254740991") << json("-9007199254740991");
    QTest::newRow("integral double") << Schema::integer() << json("3.0") << json("3");
    QTest::newRow("any keeps anything")
        << Schema::any() << json(R"({"a":[1,null]})") << json(R"({"a":[1,null]})");
    QTest::newRow("nested defaults")
        << Schema::arrayOf(Schema::object().optional(QStringLiteral("n"), Schema::integer(), 1))
        << json(R"([{},{"n":2}])") << json(R"([{"n":1},{"n":2}])");
    QTest::newRow("other fields allowed")
        << Schema::object().allowOtherFields().optional(QStringLiteral("n"), Schema::integer(), 1)
        << json(R"({"x":[1],"y":"z"})") << json(R"({"x":[1],"y":"z","n":1})");
    QTest::newRow("named checks its shape") << Schema::named(
        QStringLiteral("Point"), Schema::object().required(QStringLiteral("x"), Schema::number()))
                                            << json(R"({"x":1.5})") << json(R"({"x":1.5})");
}

void tst_Schema::accepts()
{
    QFETCH(Schema, schema);
    QFETCH(QJsonValue, input);
    QFETCH(QJsonValue, expected);
    QCOMPARE(schema.validate(input), expected);
}

void tst_Schema::refuses_data()
{
    QTest::addColumn<Schema>("schema");
    QTest::addColumn<QJsonValue>("input");
    QTest::addColumn<QString>("where");
    QTest::addColumn<QString>("message");

    const Schema mixed = mixedSchema();
    QTest::newRow("not an object") << mixed << json("[]") << ""
                                   << "the value must be an object";
    const Schema upload = Schema::object().required(QStringLiteral("data"), Schema::bytes());
    for (const char *bad :
         {R"("abc")", R"({"upload":0,"size":1})", R"({"upload":1,"size":-1})",
          R"({"upload":1.5,"size":1})", R"({"upload":1})", R"({"upload":1,"size":1,"extra":2})",
          R"({"upload":"1","size":1})", R"([1,2])"}) {
        QTest::newRow(qPrintable(QStringLiteral("bytes: %1").arg(QLatin1String(bad))))
            << upload << json(QByteArray(R"({"data":)") + bad + "}") << "data"
            << "argument 'data' must be bytes: {upload, size}";
    }
    QTest::newRow("missing") << mixed << json("{}") << "name"
                             << "missing argument 'name'";
    QTest::newRow("unknown, a typo") << mixed << json(R"({"name":"a","nmae":"a"})") << "nmae"
                                     << "unknown argument 'nmae'";
    QTest::newRow("too long") << mixed << json(R"({"name":"abcdef"})") << "name"
                              << "argument 'name' is longer than 5 characters";
    QTest::newRow("string as number") << mixed << json(R"({"name":"a","count":"3"})") << "count"
                                      << "argument 'count' must be an integer";
    QTest::newRow("fraction") << mixed << json(R"({"name":"a","count":2.5})") << "count"
                              << "argument 'count' must be an integer";
    QTest::newRow("below range") << mixed << json(R"({"name":"a","count":0})") << "count"
                                 << "argument 'count' must be between 1 and 100";
    QTest::newRow("number above") << mixed << json(R"({"name":"a","ratio":1.5})") << "ratio"
                                  << "argument 'ratio' must be between 0 and 1";
    QTest::newRow("bool as int") << mixed << json(R"({"name":"a","flag":1})") << "flag"
                                 << "argument 'flag' must be a boolean";
    QTest::newRow("not a literal") << mixed << json(R"({"name":"a","mode":"FAST"})") << "mode"
                                   << "argument 'mode' must be one of: fast, slow";
    QTest::newRow("too many items")
        << mixed << json(R"({"name":"a","tags":["a","b","c","d"]})") << "tags"
        << "argument 'tags' has more than 3 items";
    QTest::newRow("bad item, by index")
        << mixed << json(R"({"name":"a","tags":["a",""]})") << "tags[1]"
        << "argument 'tags[1]' must not be empty";
    QTest::newRow("nested unknown") << mixed << json(R"({"name":"a","meta":{"y":1}})") << "meta.y"
                                    << "unknown argument 'meta.y'";
    QTest::newRow("nested type") << mixed << json(R"({"name":"a","meta":{"x":true}})") << "meta.x"
                                 << "argument 'meta.x' must be an integer";
    QTest::newRow("beyond a safe integer")
        << Schema::integer() << json("9007199254740992") << ""
        << "the value must be between -9007199254740991 and 9007199254740991";
    QTest::newRow("null, not nullable") << Schema::string() << QJsonValue(QJsonValue::Null) << ""
                                        << "the value must be a string";
    QTest::newRow("named, by its shape") << Schema::named(
        QStringLiteral("Point"), Schema::object().required(QStringLiteral("x"), Schema::number()))
                                         << json(R"({"x":"1"})") << "x"
                                         << "argument 'x' must be a number";
}

void tst_Schema::refuses()
{
    QFETCH(Schema, schema);
    QFETCH(QJsonValue, input);
    QFETCH(QString, where);
    QFETCH(QString, message);
    try {
        const QJsonValue accepted = schema.validate(input);
        QFAIL(qPrintable(QStringLiteral("accepted: ")
                         + QString::fromUtf8(
                             QJsonDocument(QJsonArray{accepted}).toJson(QJsonDocument::Compact))));
    } catch (const SchemaError &error) {
        QCOMPARE(error.where(), where);
        QCOMPARE(error.message(), message);
    }
}

void tst_Schema::typeScript_data()
{
    QTest::addColumn<Schema>("schema");
    QTest::addColumn<QString>("expected");

    QTest::newRow("mixed") << mixedSchema()
                           << "{ name: string; count?: number; ratio?: number; flag?: boolean; "
                              "mode?: 'fast' | 'slow'; tags?: string[]; meta?: { x?: number }; "
                              "note?: string | null }";
    QTest::newRow("no fields") << Schema::object() << "Record<string, never>";
    QTest::newRow("bytes") << Schema::bytes() << "ConduitBytes";
    QTest::newRow("any") << Schema::any() << "unknown";
    QTest::newRow("any object") << Schema::object().allowOtherFields() << "object";
    QTest::newRow("open object") << Schema::object().allowOtherFields().required(
        "a", Schema::boolean()) << "{ a: boolean; [field: string]: unknown }";
    QTest::newRow("path") << Schema::path(Schema::PathCheck::Folder) << "string";
    QTest::newRow("array of literals")
        << Schema::arrayOf(Schema::oneOf({"a", "b"})) << "('a' | 'b')[]";
    QTest::newRow("array of objects")
        << Schema::arrayOf(Schema::object().required("p", Schema::string())) << "{ p: string }[]";
    QTest::newRow("nullable array item")
        << Schema::arrayOf(Schema::string().orNull()) << "(string | null)[]";
    QTest::newRow("named by name")
        << Schema::object().required("at", Schema::named("Point", Schema::object()))
        << "{ at: Point }";
    QTest::newRow("quoted property") << Schema::object().required("content-type", Schema::string())
                                     << "{ 'content-type': string }";
    QTest::newRow("described field")
        << Schema::object().required("total", Schema::integer().describe("-1 while unknown"))
        << "{ /** -1 while unknown */ total: number }";
}

void tst_Schema::typeScript()
{
    QFETCH(Schema, schema);
    QFETCH(QString, expected);
    QCOMPARE(schema.typeScript(), expected);
}

void tst_Schema::paths_data()
{
    QTest::addColumn<int>("check");
    QTest::addColumn<QString>("relative"); // under the temporary folder; "" = the folder
    QTest::addColumn<QString>("error");    // "" = accepted

    using C = Schema::PathCheck;
    QTest::newRow("folder") << int(C::Folder) << ""
                            << "";
    QTest::newRow("folder, a file") << int(C::Folder) << "file"
                                    << "no such folder: %1/file";
    QTest::newRow("folder, absent") << int(C::Folder) << "absent"
                                    << "no such folder: %1/absent";
    QTest::newRow("file") << int(C::File) << "file"
                          << "";
    QTest::newRow("file, cleaned") << int(C::File) << "sub/../file"
                                   << "";
    QTest::newRow("file, a folder") << int(C::File) << "sub"
                                    << "no such file: %1/sub";
    QTest::newRow("parent folder") << int(C::ParentFolder) << "new.txt"
                                   << "";
    QTest::newRow("parent folder, absent") << int(C::ParentFolder) << "absent/new.txt"
                                           << "no such folder: %1/absent";
    QTest::newRow("parent folder, a folder") << int(C::ParentFolder) << "sub"
                                             << "is a folder: %1/sub";
    QTest::newRow("none, absent is fine") << int(C::None) << "absent/x"
                                          << "";
}

void tst_Schema::paths()
{
    QFETCH(int, check);
    QFETCH(QString, relative);
    QFETCH(QString, error);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(QDir(dir.path()).mkdir(QStringLiteral("sub")));
    QFile file(dir.filePath(QStringLiteral("file")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();

    const Schema schema
        = Schema::object().required(QStringLiteral("p"), Schema::path(Schema::PathCheck(check)));
    const QString given
        = relative.isEmpty() ? dir.path() : dir.path() + QLatin1Char('/') + relative;
    try {
        const QJsonObject checked = schema.validateObject({{QStringLiteral("p"), given}});
        QVERIFY2(error.isEmpty(), qPrintable(QStringLiteral("accepted ") + given));
        QCOMPARE(checked.value(QStringLiteral("p")).toString(), QDir::cleanPath(given));
    } catch (const SchemaError &refused) {
        QCOMPARE(refused.message(), error.arg(dir.path()));
        QCOMPARE(refused.where(), QStringLiteral("p"));
    }

    // Whatever the check: relative, empty and NUL-holding paths never pass.
    // ":x" is absolute to QDir (a Qt resource), and cleaning ":x/../y" leaves "y".
    for (const QString &bad : {QStringLiteral("relative/x"), QString(), dir.path() + QChar(0),
                               QStringLiteral(":/web"), QStringLiteral(":t/../x")}) {
        QVERIFY_THROWS_EXCEPTION(SchemaError, schema.validateObject({{QStringLiteral("p"), bad}}));
    }
}

void tst_Schema::namedShapesOnceInnermostFirst()
{
    const Schema point
        = Schema::named(QStringLiteral("Point"), Schema::object().required("x", Schema::number()));
    const Schema line = Schema::named(
        QStringLiteral("Line"), Schema::object().required("from", point).required("to", point));
    const Schema drawing
        = Schema::object().required("lines", Schema::arrayOf(line)).required("origin", point);
    QStringList names;
    for (const Schema &named : drawing.namedShapes())
        names.append(named.name());
    QCOMPARE(names, (QStringList{QStringLiteral("Point"), QStringLiteral("Line")}));
    QCOMPARE(line.shape().typeScript(), QStringLiteral("{ from: Point; to: Point }"));
}

void tst_Schema::copiesAreIndependent()
{
    const Schema base = Schema::object().required(QStringLiteral("a"), Schema::string());
    Schema extended = base;
    extended.optional(QStringLiteral("b"), Schema::integer());
    QCOMPARE(base.fields().size(), 1);
    QCOMPARE(extended.fields().size(), 2);
    QVERIFY_THROWS_EXCEPTION(SchemaError, base.validate(json(R"({"a":"x","b":1})")));
    QCOMPARE(extended.validate(json(R"({"a":"x","b":1})")), json(R"({"a":"x","b":1})"));
}

QTEST_GUILESS_MAIN(tst_Schema)
#include "tst_schema.moc"
