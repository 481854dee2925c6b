// SPDX-License-Identifier: MIT
// ApiCatalogue, the type generator: what the page's generated/api.ts says for each kind of
// declaration, read back from the text it writes.
#include <bridge/ApiCatalogue.h>
#include <bridge/CommandRegistry.h>
#include <bridge/ErrorCode.h>
#include <schema/WireError.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTest>

using namespace Conduit;

namespace {

// The body of `export interface <name> { … }` in the generated text, or a null string.
QString interfaceBody(const QString &text, const QString &name)
{
    const QString head = QStringLiteral("export interface %1 {\n").arg(name);
    const qsizetype start = text.indexOf(head);
    if (start < 0)
        return {};
    const qsizetype end = text.indexOf(QStringLiteral("\n}"), start);
    return text.mid(start + head.size(), end - start - head.size());
}

// The array literal of `export const <name> = [...] as const`.
QJsonArray constantArray(const QString &text, const QString &name)
{
    const QRegularExpression re(QStringLiteral("export const %1 = (\\[.*\\]) as const").arg(name));
    const auto match = re.match(text);
    return match.hasMatch() ? QJsonDocument::fromJson(match.captured(1).toUtf8()).array()
                            : QJsonArray();
}

CommandHandler never()
{
    return [](const CommandCall &) {
        return QFuture<QJsonValue>();
    };
}

} // namespace

class tst_ApiCatalogue : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void eachDeclarationLandsInItsSection_data();
    void eachDeclarationLandsInItsSection();
    void namedShapeDeclaredOnceBeforeUse();
    void errorPayloadAndItsCodesAreGenerated();
    void aTypeDeclaredAgainIsReplaced();
    void declaredTypeIsExportedUnused();
    void constantsKeepTheirValueAndDoc();
    void errorCodesAreTheBridgesThenTheApplications();
};

void tst_ApiCatalogue::eachDeclarationLandsInItsSection_data()
{
    QTest::addColumn<QString>("section");
    QTest::addColumn<QString>("line");

    QTest::newRow("command") << "GeneratedCommands"
                             << "'file.read': { args: { path: string; max?: number }; result: "
                                "{ text: string } }";
    QTest::newRow("event to the page") << "GeneratedEvents"
                                       << "'file.changed': { path: string }";
    QTest::newRow("event from the page") << "GeneratedPageEvents"
                                         << "'page.visible': boolean";
    QTest::newRow("request") << "GeneratedRequests"
                             << "'ask': { args: { question: string }; result: boolean }";
}

void tst_ApiCatalogue::eachDeclarationLandsInItsSection()
{
    QFETCH(QString, section);
    QFETCH(QString, line);

    CommandRegistry commands;
    commands
        .add(QStringLiteral("file.read"),
             Schema::object()
                 .required(QStringLiteral("path"), Schema::path())
                 .optional(QStringLiteral("max"), Schema::integer()),
             never())
        .returns(Schema::object().required(QStringLiteral("text"), Schema::string()));
    ApiCatalogue api;
    api.declareEvent(QStringLiteral("file.changed"),
                     Schema::object().required(QStringLiteral("path"), Schema::string()));
    api.declareEvent(QStringLiteral("page.visible"), Schema::boolean(),
                     ApiCatalogue::Direction::FromPage);
    api.declareRequest(QStringLiteral("ask"),
                       Schema::object().required(QStringLiteral("question"), Schema::string()),
                       Schema::boolean());
    const QString text = api.typeScript(commands);

    // In its own section, and in no other.
    for (const char *other :
         {"GeneratedCommands", "GeneratedEvents", "GeneratedPageEvents", "GeneratedRequests"}) {
        const QString body = interfaceBody(text, QLatin1String(other));
        QVERIFY2(!body.isNull(), other);
        QCOMPARE(body.contains(line), section == QLatin1String(other));
    }
}

void tst_ApiCatalogue::namedShapeDeclaredOnceBeforeUse()
{
    const Schema entry
        = Schema::named(QStringLiteral("Entry"),
                        Schema::object().required(QStringLiteral("name"), Schema::string()));
    CommandRegistry commands;
    commands.add(QStringLiteral("list"), Schema::object(), never()).returns(Schema::arrayOf(entry));
    ApiCatalogue api;
    api.declareEvent(QStringLiteral("added"), entry);
    const QString text = api.typeScript(commands);

    const QString declaration = QStringLiteral("export type Entry = { name: string }");
    QCOMPARE(text.count(declaration), 1);
    QVERIFY(text.indexOf(declaration) < text.indexOf(QStringLiteral("'list': ")));
    QVERIFY(interfaceBody(text, QStringLiteral("GeneratedCommands"))
                .contains(QStringLiteral("result: Entry[]")));
    QVERIFY(interfaceBody(text, QStringLiteral("GeneratedEvents"))
                .contains(QStringLiteral("'added': Entry")));
}

void tst_ApiCatalogue::errorPayloadAndItsCodesAreGenerated()
{
    ApiCatalogue api;
    api.declareErrorCodes({QStringLiteral("disk_full")});
    api.declareEvent(QStringLiteral("failed"), WireError::payload());
    const QString text = api.typeScript(CommandRegistry());

    // The page's error shape and its code union come from here, not from page code.
    QVERIFY(!text.contains(QStringLiteral("import ")));
    QCOMPARE(text.count(QStringLiteral("export type ErrorCode = (typeof errorCodes)[number]\n")),
             1);
    QVERIFY(text.indexOf(QStringLiteral("export type ErrorPayload = { code: ErrorCode;")) >= 0);
    QVERIFY(text.contains(QStringLiteral("\"internal\",\"disk_full\"] as const")));
    QVERIFY(interfaceBody(text, QStringLiteral("GeneratedEvents"))
                .contains(QStringLiteral("'failed': ErrorPayload")));
}

void tst_ApiCatalogue::aTypeDeclaredAgainIsReplaced()
{
    ApiCatalogue api;
    api.declareType(
        Schema::named(QStringLiteral("Welcome"),
                      Schema::object().required(QStringLiteral("a"), Schema::string())));
    api.declareType(
        Schema::named(QStringLiteral("Welcome"),
                      Schema::object().required(QStringLiteral("b"), Schema::integer())));
    const QString text = api.typeScript(CommandRegistry());
    QCOMPARE(text.count(QStringLiteral("export type Welcome")), 1);
    QVERIFY(text.contains(QStringLiteral("export type Welcome = { b: number }")));
}

void tst_ApiCatalogue::declaredTypeIsExportedUnused()
{
    ApiCatalogue api;
    api.declareType(Schema::named(
        QStringLiteral("Kinds"),
        Schema::object().required(
            QStringLiteral("hash"),
            Schema::object()
                .required(QStringLiteral("params"),
                          Schema::object().required(QStringLiteral("root"), Schema::path()))
                .required(QStringLiteral("output"), Schema::nothing()))));
    const QString text = api.typeScript(CommandRegistry());
    QVERIFY2(text.contains(QStringLiteral(
                 "export type Kinds = { hash: { params: { root: string }; output: never } }")),
             qPrintable(text));
}

void tst_ApiCatalogue::constantsKeepTheirValueAndDoc()
{
    ApiCatalogue api;
    api.declareConstant(QStringLiteral("limit"),
                        QJsonObject{{QStringLiteral("min"), 1}, {QStringLiteral("max"), 64}},
                        QStringLiteral("The range."));
    api.declareConstant(QStringLiteral("states"),
                        QJsonArray{QStringLiteral("a"), QStringLiteral("b")},
                        QStringLiteral("Every state."));
    const QString text = api.typeScript(CommandRegistry());
    QVERIFY(text.contains(
        QStringLiteral("/** The range. */\nexport const limit = {\"max\":64,\"min\":1} as const")));
    QCOMPARE(constantArray(text, QStringLiteral("states")),
             (QJsonArray{QStringLiteral("a"), QStringLiteral("b")}));
}

void tst_ApiCatalogue::errorCodesAreTheBridgesThenTheApplications()
{
    ApiCatalogue api;
    // A bridge code declared again is not repeated; an application's code is added once.
    api.declareErrorCodes({QStringLiteral("io_error"), QStringLiteral("timeout")});
    api.declareErrorCodes({QStringLiteral("io_error"), QStringLiteral("disk_full")});
    const QJsonArray codes
        = constantArray(api.typeScript(CommandRegistry()), QStringLiteral("errorCodes"));

    QJsonArray expected;
    for (const QString &code : errorCodeNames())
        expected.append(code);
    expected.append(QStringLiteral("io_error"));
    expected.append(QStringLiteral("disk_full"));
    QCOMPARE(codes, expected);
    QCOMPARE(errorCodeNames().size(), 9); // ErrorCode's values, each with a name
}

QTEST_GUILESS_MAIN(tst_ApiCatalogue)
#include "tst_apicatalogue.moc"
