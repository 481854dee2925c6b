// SPDX-License-Identifier: MIT
// EnvelopeCodec: the page's JSON text in, refused before parsing when too large or malformed;
// native batches out as one JSON text.
#include <bridge/EnvelopeCodec.h>

#include <QJsonDocument>
#include <QTest>

using namespace Conduit;

namespace {
constexpr qsizetype kCap = 256;
constexpr qint64 kNoId = -1;

QString padded(const QString &head, qsizetype size)
{
    // head is `{"t":…` without its closing part; fill a string argument up to `size` characters
    QString text = head + QStringLiteral("\"pad\":\"");
    const QString tail = QStringLiteral("\"}");
    text += QString(std::max<qsizetype>(0, size - text.size() - tail.size()), QLatin1Char('x'));
    return text + tail;
}
} // namespace

class tst_EnvelopeCodec : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void decodesGoodEnvelopes_data();
    void decodesGoodEnvelopes();
    void refuses_data();
    void refuses();
    void tooLargeCarriesSizeAndLimit();
    void capIsInclusive();
    void peekHeader_data();
    void peekHeader();
};

void tst_EnvelopeCodec::decodesGoodEnvelopes_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("type");
    QTest::addColumn<qint64>("id");
    QTest::addColumn<QJsonObject>("envelope");

    QTest::newRow("hello") << R"({"t":"hello"})"
                           << "hello" << kNoId << QJsonObject{{"t", "hello"}};
    QTest::newRow("invoke") << R"({"t":"invoke","id":7,"cmd":"echo","args":{"text":"hi"}})"
                            << "invoke" << qint64(7)
                            << QJsonObject{{"t", "invoke"},
                                           {"id", 7},
                                           {"cmd", "echo"},
                                           {"args", QJsonObject{{"text", "hi"}}}};
    QTest::newRow("id zero") << R"({"t":"cancel","id":0})"
                             << "cancel" << qint64(0) << QJsonObject{{"t", "cancel"}, {"id", 0}};
    QTest::newRow("largest safe id")
        << R"({"t":"reply","id":9007199254740991,"ok":true})"
        << "reply" << qint64(9007199254740991)
        << QJsonObject{{"t", "reply"}, {"id", 9007199254740991.0}, {"ok", true}};
    QTest::newRow("whitespace and any field order")
        << " { \"cmd\" : \"x\" , \"id\" : 3 , \"t\" : \"invoke\" } "
        << "invoke" << qint64(3) << QJsonObject{{"t", "invoke"}, {"id", 3}, {"cmd", "x"}};
    QTest::newRow("unicode payload")
        << QStringLiteral(R"({"t":"emit","event":"e","payload":"grüße ✓"})") << "emit" << kNoId
        << QJsonObject{{"t", "emit"}, {"event", "e"}, {"payload", QStringLiteral("grüße ✓")}};
    QTest::newRow("unknown type still decodes")
        << R"({"t":"bogus","id":1})"
        << "bogus" << qint64(1) << QJsonObject{{"t", "bogus"}, {"id", 1}};
}

void tst_EnvelopeCodec::decodesGoodEnvelopes()
{
    QFETCH(QString, text);
    QFETCH(QString, type);
    QFETCH(qint64, id);
    QFETCH(QJsonObject, envelope);

    const DecodedEnvelope decoded = EnvelopeCodec(kCap).decode(text);
    QVERIFY2(!decoded.error, decoded.error ? decoded.error->what() : "");
    QCOMPARE(decoded.type, type);
    QCOMPARE(decoded.id.has_value(), id != kNoId);
    if (id != kNoId)
        QCOMPARE(*decoded.id, id);
    QCOMPARE(decoded.envelope, envelope);
}

void tst_EnvelopeCodec::refuses_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<QString>("type");
    QTest::addColumn<qint64>("id");

    QTest::newRow("too large, t and id first")
        << padded(R"({"t":"invoke","id":12,"cmd":"echo",)", kCap + 1) << ErrorCode::TooLarge
        << "invoke" << qint64(12);
    QTest::newRow("too large, t first without id")
        << padded(R"({"t":"emit","event":"e",)", kCap * 4) << ErrorCode::TooLarge << "emit"
        << kNoId;
    QTest::newRow("too large, id not right after t")
        << padded(R"({"t":"invoke","cmd":"echo","id":12,)", kCap * 2) << ErrorCode::TooLarge
        << "invoke" << kNoId;
    QTest::newRow("too large, header not first")
        << padded(R"({"cmd":"echo","t":"invoke","id":12,)", kCap * 2) << ErrorCode::TooLarge << ""
        << kNoId;
    QTest::newRow("too large, not JSON at all")
        << QString(kCap + 10, QLatin1Char('!')) << ErrorCode::TooLarge << "" << kNoId;
    QTest::newRow("malformed JSON with a header")
        << R"({"t":"invoke","id":5,"cmd":)" << ErrorCode::InvalidArgs << "invoke" << qint64(5);
    QTest::newRow("malformed JSON without a header")
        << R"({cmd: "echo"})" << ErrorCode::InvalidArgs << "" << kNoId;
    QTest::newRow("empty text") << "" << ErrorCode::InvalidArgs << "" << kNoId;
    QTest::newRow("array, not object") << "[1,2]" << ErrorCode::InvalidArgs << "" << kNoId;
    QTest::newRow("string, not object") << R"("hello")" << ErrorCode::InvalidArgs << "" << kNoId;
    QTest::newRow("number, not object") << "42" << ErrorCode::InvalidArgs << "" << kNoId;
    QTest::newRow("missing t") << R"({"id":3,"cmd":"echo"})" << ErrorCode::InvalidArgs << ""
                               << qint64(3);
    QTest::newRow("t not a string")
        << R"({"t":5,"id":3})" << ErrorCode::InvalidArgs << "" << qint64(3);
    QTest::newRow("negative id") << R"({"t":"invoke","id":-1,"cmd":"echo"})"
                                 << ErrorCode::InvalidArgs << "invoke" << kNoId;
    QTest::newRow("fractional id")
        << R"({"t":"invoke","id":1.5,"cmd":"echo"})" << ErrorCode::InvalidArgs << "invoke" << kNoId;
    QTest::newRow("string id") << R"({"t":"invoke","id":"1","cmd":"echo"})"
                               << ErrorCode::InvalidArgs << "invoke" << kNoId;
    QTest::newRow("null id") << R"({"t":"invoke","id":null,"cmd":"echo"})" << ErrorCode::InvalidArgs
                             << "invoke" << kNoId;
    QTest::newRow("id beyond 2^53") << R"({"t":"invoke","id":9007199254740993,"cmd":"echo"})"
                                    << ErrorCode::InvalidArgs << "invoke" << kNoId;
}

void tst_EnvelopeCodec::refuses()
{
    QFETCH(QString, text);
    QFETCH(ErrorCode, code);
    QFETCH(QString, type);
    QFETCH(qint64, id);

    const DecodedEnvelope decoded = EnvelopeCodec(kCap).decode(text);
    QVERIFY(decoded.error.has_value());
    QCOMPARE(decoded.error->code(), errorCodeName(code));
    QVERIFY(!decoded.error->message().isEmpty());
    QCOMPARE(decoded.type, type);
    QCOMPARE(decoded.id.has_value(), id != kNoId);
    if (id != kNoId)
        QCOMPARE(*decoded.id, id);
}

void tst_EnvelopeCodec::tooLargeCarriesSizeAndLimit()
{
    const QString text = padded(R"({"t":"invoke","id":1,)", 1000);
    QCOMPARE(text.size(), 1000);
    const DecodedEnvelope decoded = EnvelopeCodec(999).decode(text);
    QVERIFY(decoded.error);
    QCOMPARE(decoded.error->code(), errorCodeName(ErrorCode::TooLarge));
    QCOMPARE(decoded.error->details().value(QStringLiteral("size")).toDouble(), 1000.0);
    QCOMPARE(decoded.error->details().value(QStringLiteral("limit")).toDouble(), 999.0);
    QVERIFY(decoded.envelope.isEmpty()); // never parsed
}

void tst_EnvelopeCodec::capIsInclusive()
{
    const QString text = padded(R"({"t":"emit","event":"e",)", 300);
    QCOMPARE(text.size(), 300);
    QVERIFY(!EnvelopeCodec(300).decode(text).error);
    QVERIFY(EnvelopeCodec(299).decode(text).error);
}

void tst_EnvelopeCodec::peekHeader_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("type");
    QTest::addColumn<qint64>("id");

    QTest::newRow("t and id") << R"({"t":"invoke","id":42,"cmd")"
                              << "invoke" << qint64(42);
    QTest::newRow("spaces") << R"(  { "t" : "reply" , "id" : 8 )"
                            << "reply" << qint64(8);
    QTest::newRow("t only") << R"({"t":"hello"})"
                            << "hello" << kNoId;
    QTest::newRow("id first") << R"({"id":3,"t":"invoke"})"
                              << "" << kNoId;
    QTest::newRow("negative id") << R"({"t":"invoke","id":-3})"
                                 << "invoke" << kNoId;
    QTest::newRow("16-digit id") << R"({"t":"invoke","id":1234567890123456})"
                                 << "invoke" << kNoId;
    QTest::newRow("upper-case type") << R"({"t":"INVOKE","id":1})"
                                     << "" << kNoId;
    QTest::newRow("header past 128 characters")
        << QStringLiteral("{\"t\":\"invoke\",") + QString(200, QLatin1Char(' '))
               + QStringLiteral("\"id\":5}")
        << "invoke" << kNoId;
    QTest::newRow("garbage") << "not json"
                             << "" << kNoId;
}

void tst_EnvelopeCodec::peekHeader()
{
    QFETCH(QString, text);
    QFETCH(QString, type);
    QFETCH(qint64, id);

    QString peekedType;
    std::optional<qint64> peekedId;
    EnvelopeCodec::peekHeader(text, &peekedType, &peekedId);
    QCOMPARE(peekedType, type);
    QCOMPARE(peekedId.has_value(), id != kNoId);
    if (id != kNoId)
        QCOMPARE(*peekedId, id);
}

QTEST_GUILESS_MAIN(tst_EnvelopeCodec)
#include "tst_envelopecodec.moc"
