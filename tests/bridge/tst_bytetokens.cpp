// SPDX-License-Identifier: MIT
// ByteTokens: one reading per token, only for the page load it was made for, in order, within
// its lifetime; Bytes from data and from real files.
#include <bridge/ByteTokens.h>
#include <bridge/CommandError.h>

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace Conduit;

class tst_ByteTokens : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void tokensAreRandomAndDistinct();
    void wholeReadSpendsTheToken();
    void onlyTheCurrentPageLoad();
    void unreadBytesExpireAndEachReadRenews();
    void passReadsInOrderThenSpends_data();
    void passReadsInOrderThenSpends();
    void rangesInAnyOrderUpToTheSize();
    void rangeOutsideSpendsTheToken();
    void outstandingIsBounded();
    void openSourcesAreBounded();
    void fileIsReadAtItsOfferedSize();
    void missingFileIsNotFound();
};

namespace {

QByteArray readAll(const Bytes &bytes)
{
    const std::unique_ptr<QIODevice> device = bytes.open();
    return device ? device->readAll() : QByteArray();
}

} // namespace

void tst_ByteTokens::tokensAreRandomAndDistinct()
{
    ByteTokens tokens;
    tokens.setGeneration(1);
    QSet<QString> seen;
    const QRegularExpression shape(QStringLiteral("^[0-9a-f]{32}$"));
    for (int i = 0; i < 500; ++i) {
        const QString token = tokens.offer(1, Bytes::fromData("x"));
        QVERIFY2(shape.match(token).hasMatch(), qPrintable(token));
        seen.insert(token);
    }
    QCOMPARE(seen.size(), 500);
}

void tst_ByteTokens::wholeReadSpendsTheToken()
{
    ByteTokens tokens;
    tokens.setGeneration(3);
    const QString token = tokens.offer(3, Bytes::fromData("hello", "text/plain"));
    QVERIFY(!tokens.take(QStringLiteral("0123456789abcdef0123456789abcdef")));
    const std::optional<Bytes> bytes = tokens.take(token);
    QVERIFY(bytes);
    QCOMPARE(bytes->size(), 5);
    QCOMPARE(bytes->type(), QByteArray("text/plain"));
    QCOMPARE(readAll(*bytes), QByteArray("hello"));
    QVERIFY(!tokens.take(token));
    QVERIFY(!tokens.read(token, 0, 10));
    QCOMPARE(tokens.outstanding(), 0);
}

void tst_ByteTokens::unreadBytesExpireAndEachReadRenews()
{
    using namespace std::chrono_literals;
    ByteTokens tokens(300ms);
    tokens.setGeneration(1);
    const QString unread = tokens.offer(1, Bytes::fromData("never read"));
    const QString reading = tokens.offer(1, Bytes::fromData("read in ranges"));
    QCOMPARE(tokens.lifetime(), 300ms);
    QTest::qWait(200);
    QCOMPARE(tokens.read(reading, 0, 4), QByteArray("read")); // renews it
    QTest::qWait(200);
    tokens.expire(); // 400 ms after the offer, 200 ms after the read
    QCOMPARE(tokens.outstanding(), 1);
    QVERIFY(!tokens.take(unread));
    QCOMPARE(tokens.read(reading, 4, 100), QByteArray(" in ranges"));
    QCOMPARE(tokens.outstanding(), 0);
}

void tst_ByteTokens::onlyTheCurrentPageLoad()
{
    ByteTokens tokens;
    tokens.setGeneration(1);
    const QString first = tokens.offer(1, Bytes::fromData("a"));
    QVERIFY(tokens.offer(2, Bytes::fromData("b")).isEmpty()); // not served yet: nothing made
    tokens.setGeneration(2);                                  // a reload
    QVERIFY(!tokens.take(first));
    QVERIFY(tokens.offer(1, Bytes::fromData("c")).isEmpty()); // for the page that left
    const QString second = tokens.offer(2, Bytes::fromData("d"));
    tokens.setGeneration(0); // the page went away
    QVERIFY(!tokens.take(second));
    QCOMPARE(tokens.outstanding(), 0);
}

void tst_ByteTokens::passReadsInOrderThenSpends_data()
{
    QTest::addColumn<int>("size");
    QTest::addColumn<int>("chunk");
    QTest::newRow("exact chunks") << 12 << 4;
    QTest::newRow("a short last chunk") << 10 << 4;
    QTest::newRow("one chunk larger than all") << 3 << 64;
    QTest::newRow("byte by byte") << 5 << 1;
}

void tst_ByteTokens::passReadsInOrderThenSpends()
{
    QFETCH(int, size);
    QFETCH(int, chunk);
    QByteArray data(size, Qt::Uninitialized);
    for (int i = 0; i < size; ++i)
        data[i] = char('a' + i % 26);
    ByteTokens tokens;
    tokens.setGeneration(1);
    const QString token = tokens.offer(1, Bytes::fromData(data));
    QByteArray got;
    while (got.size() < size) {
        const std::optional<QByteArray> next = tokens.read(token, got.size(), chunk);
        QVERIFY(next);
        QVERIFY(!next->isEmpty());
        QVERIFY(next->size() <= chunk);
        got += *next;
    }
    QCOMPARE(got, data);
    QVERIFY(!tokens.read(token, got.size(), chunk)); // spent with the last chunk
    QCOMPARE(tokens.outstanding(), 0);
}

void tst_ByteTokens::rangesInAnyOrderUpToTheSize()
{
    ByteTokens tokens;
    tokens.setGeneration(1);
    const QString token = tokens.offer(1, Bytes::fromData("abcdefgh"));
    QCOMPARE(*tokens.read(token, 5, 3), QByteArray("fgh")); // several chunks in flight
    QCOMPARE(*tokens.read(token, 0, 3), QByteArray("abc"));
    QCOMPARE(*tokens.read(token, 3, 100), QByteArray("defgh")); // 11 served: spent
    QVERIFY(!tokens.read(token, 0, 1));
    // A page that reads a range twice gets no more than the size in all.
    const QString again = tokens.offer(1, Bytes::fromData("abcd"));
    QCOMPARE(*tokens.read(again, 0, 3), QByteArray("abc"));
    QCOMPARE(*tokens.read(again, 0, 3), QByteArray("abc"));
    QVERIFY(!tokens.read(again, 3, 1));
}

void tst_ByteTokens::rangeOutsideSpendsTheToken()
{
    ByteTokens tokens;
    tokens.setGeneration(1);
    for (const auto &[at, n] : {std::pair<qint64, qint64>{8, 1}, {-1, 2}, {0, 0}, {0, -5}}) {
        const QString token = tokens.offer(1, Bytes::fromData("abcdefgh"));
        QVERIFY(!tokens.read(token, at, n));
        QVERIFY(!tokens.take(token));
    }
}

void tst_ByteTokens::outstandingIsBounded()
{
    ByteTokens tokens;
    tokens.setGeneration(1);
    const QString oldest = tokens.offer(1, Bytes::fromData("0"));
    for (qsizetype i = 1; i <= ByteTokens::kMaxOutstanding; ++i)
        QVERIFY(!tokens.offer(1, Bytes::fromData("x")).isEmpty());
    QCOMPARE(tokens.outstanding(), ByteTokens::kMaxOutstanding);
    QVERIFY(!tokens.take(oldest)); // revoked to make room
}

void tst_ByteTokens::openSourcesAreBounded()
{
    // Many readings begun and none finished: at most kMaxOpenDevices files stay open, and each
    // reading still goes on where it left off.
    QTemporaryDir dir;
    QFile file(dir.filePath(QStringLiteral("f")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("0123456789");
    file.close();
    ByteTokens tokens;
    tokens.setGeneration(1);
    QStringList started;
    const auto openFiles = [] {
        return QDir(QStringLiteral("/proc/self/fd")).count();
    };
    const qsizetype before = openFiles();
    for (int i = 0; i < 3 * ByteTokens::kMaxOpenDevices; ++i) {
        started.append(tokens.offer(1, Bytes::fromFile(file.fileName())));
        QCOMPARE(*tokens.read(started.last(), 0, 2), QByteArray("01"));
    }
    QVERIFY2(openFiles() - before <= ByteTokens::kMaxOpenDevices,
             qPrintable(QString::number(openFiles() - before)));
    for (const QString &token : std::as_const(started))
        QCOMPARE(*tokens.read(token, 2, 100), QByteArray("23456789"));
    QCOMPARE(tokens.outstanding(), 0);
}

void tst_ByteTokens::fileIsReadAtItsOfferedSize()
{
    QTemporaryDir dir;
    QFile file(dir.filePath(QStringLiteral("f")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("0123456789");
    file.flush();
    const Bytes whole = Bytes::fromFile(file.fileName(), "text/plain");
    const Bytes head = Bytes::fromFile(file.fileName(), "text/plain", 4);
    QCOMPARE(whole.size(), 10);
    QCOMPARE(head.size(), 4);
    file.write("abc"); // grows after the offer: the page was told 10 (or 4) bytes
    file.close();
    QCOMPARE(readAll(whole), QByteArray("0123456789"));
    QCOMPARE(readAll(head), QByteArray("0123"));
    ByteTokens tokens;
    tokens.setGeneration(1);
    const QString token = tokens.offer(1, whole);
    QCOMPARE(*tokens.read(token, 0, 6), QByteArray("012345"));
    QCOMPARE(*tokens.read(token, 6, 6), QByteArray("6789"));
    QVERIFY(!tokens.read(token, 10, 6));
}

void tst_ByteTokens::missingFileIsNotFound()
{
    QTemporaryDir dir;
    for (const QString &path : {dir.filePath(QStringLiteral("absent")), dir.path()}) {
        try {
            Bytes::fromFile(path);
            QFAIL("no error");
        } catch (const CommandError &error) {
            QCOMPARE(error.code(), QStringLiteral("not_found"));
        }
    }
}

QTEST_GUILESS_MAIN(tst_ByteTokens)
#include "tst_bytetokens.moc"
