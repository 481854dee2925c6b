// SPDX-License-Identifier: MIT
// Bytes both ways, attacked from outside: a page that forges or reuses upload references, stages
// bytes out of order or gives other bytes than it staged, cancels or says hello midway; handlers
// whose futures fail, are cancelled, finish without a value or finish on a pool thread; files that
// change under an offered token. Every call must settle, nothing may wait forever, and cancellation
// must reach the native work.
#include "PageSimulator.h"

#include <bridge/Bridge.h>
#include <bridge/ByteTokens.h>

#include <QFile>
#include <QPromise>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <sys/stat.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

using namespace Conduit;
using ConduitTest::drainEvents;
using ConduitTest::PageSimulator;

class tst_BridgeBytes : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    // page → native
    void sameUploadTwiceInOneCallIsRefused();
    void uploadIdOfAnotherCallIsRefused();
    void pageReadAnswers_data();
    void pageReadAnswers();
    void stagedOutOfOrderOrOverIsRefused_data();
    void stagedOutOfOrderOrOverIsRefused();
    void readsSplitAtUploadReadBytes();
    void readAnsweredAfterHelloIsIgnored();
    void emptyUploadRunsAtOnce();
    void announcedButNeverSentEndsAtTheDeadline();
    void putAfterCancelIsDropped();
    void putOfARefusedInvokeIsExpected();
    void helloMidwayDropsTheUpload();
    void pendingUploadsAreBounded();
    void uploadBytesHeldAreBounded();
    void cancelReachesTheHandlerAfterTheUpload_data();
    void cancelReachesTheHandlerAfterTheUpload();

    // native → page
    void cancelReachesTheBytesHandler();
    void bytesFutureOutcomes_data();
    void bytesFutureOutcomes();
    void bytesOfferedFromOtherThreads();

    // tokens and files underneath
    void fileReplacedByAFifoDoesNotBlock();
    void fileChangedUnderneath_data();
    void fileChangedUnderneath();
    void wholeAfterRangesIsASecondReading();
    void unreadBytesGoWithoutFurtherActivity();
    void concurrentOfferAndTake();

private:
    void put(qint64 upload, qint64 at, const QByteArray &raw) { m_page->put(upload, at, raw); }
    static QJsonObject ref(qint64 upload, qint64 size)
    {
        return QJsonObject{{QStringLiteral("upload"), double(upload)},
                           {QStringLiteral("size"), double(size)}};
    }

    std::unique_ptr<Bridge> m_bridge;
    std::unique_ptr<PageSimulator> m_page;
    QHash<QString, QByteArray> m_received; // what the last handler saw
    int m_handlerRuns = 0;
    std::shared_ptr<QPromise<QJsonValue>> m_heldPromise; // test.held's work
    std::shared_ptr<QPromise<Bytes>> m_heldBytesPromise; // test.heldBytes's work
    std::function<QFuture<Bytes>()> m_bytesOutcome;      // test.bytesOutcome's future
    std::vector<std::thread> m_threads;                  // test.pooled's
};

void tst_BridgeBytes::init()
{
    BridgeLimits limits;
    limits.maxPendingUploads = 4;
    limits.maxUploadBytes = 16;
    limits.uploadWindow = 64;
    limits.uploadReadBytes = 4;
    m_bridge = std::make_unique<Bridge>(limits);
    m_page = std::make_unique<PageSimulator>(*m_bridge);
    m_received.clear();
    m_handlerRuns = 0;
    m_heldPromise.reset();
    m_heldBytesPromise.reset();
    CommandRegistry &commands = m_bridge->commands();

    const auto record = [this](const CommandCall &call) -> QJsonValue {
        ++m_handlerRuns;
        m_received = call.bytes;
        return QJsonValue(double(m_handlerRuns));
    };
    commands.addSync(QStringLiteral("test.one"),
                     Schema::object().required(QStringLiteral("data"), Schema::bytes()), record);
    commands.addSync(QStringLiteral("test.two"),
                     Schema::object()
                         .required(QStringLiteral("a"), Schema::bytes())
                         .required(QStringLiteral("b"), Schema::bytes()),
                     record);
    commands.add(QStringLiteral("test.held"),
                 Schema::object().required(QStringLiteral("data"), Schema::bytes()),
                 [this](const CommandCall &call) {
                     ++m_handlerRuns;
                     m_received = call.bytes;
                     m_heldPromise = std::make_shared<QPromise<QJsonValue>>();
                     m_heldPromise->start();
                     return m_heldPromise->future();
                 });
    commands.addBytes(QStringLiteral("test.heldBytes"), Schema::object(),
                      [this](const CommandCall &) {
                          m_heldBytesPromise = std::make_shared<QPromise<Bytes>>();
                          m_heldBytesPromise->start();
                          return m_heldBytesPromise->future();
                      });
    commands.addBytes(QStringLiteral("test.bytesOutcome"), Schema::object(),
                      [this](const CommandCall &) { return m_bytesOutcome(); });
    // Finished on another thread (std::thread, not QThreadPool: TSan sees its hand-off).
    commands.addBytes(QStringLiteral("test.pooled"),
                      Schema::object().required(QStringLiteral("n"), Schema::integer()),
                      [this](const CommandCall &call) {
                          const int n = call.args.value(QStringLiteral("n")).toInt();
                          auto promise = std::make_shared<QPromise<Bytes>>();
                          promise->start();
                          QFuture<Bytes> future = promise->future();
                          m_threads.emplace_back([promise, n] {
                              promise->addResult(Bytes::fromData(QByteArray::number(n)));
                              promise->finish();
                          });
                          return future;
                      });
    QVERIFY(!m_page->hello(QStringLiteral("doc-a")).isEmpty());
}

void tst_BridgeBytes::cleanup()
{
    for (std::thread &thread : m_threads)
        thread.join();
    m_threads.clear();
    m_page.reset();
    m_bridge.reset();
}

// Two arguments naming one upload: one put stream cannot fill both. The call must be refused
// (or at least settle), not wait forever holding what arrived outside maxPendingUploads.
void tst_BridgeBytes::sameUploadTwiceInOneCallIsRefused()
{
    const qint64 id = m_page->invoke(
        QStringLiteral("test.two"),
        QJsonObject{{QStringLiteral("a"), ref(7, 3)}, {QStringLiteral("b"), ref(7, 3)}},
        QJsonObject{{QStringLiteral("deadline"), 600000}});
    put(7, 0, "abc");
    QVERIFY2(m_page->waitForResult(id, 2000), "the call never settled");
    QCOMPARE(m_page->outcome(id), QStringLiteral("invalid_args"));
    QCOMPARE(m_handlerRuns, 0);
    QCOMPARE(m_bridge->pendingCallCount(), 0);
    QCOMPARE(m_bridge->pendingUploadCount(), 0);
}

void tst_BridgeBytes::uploadIdOfAnotherCallIsRefused()
{
    const qint64 first = m_page->invoke(QStringLiteral("test.one"),
                                        QJsonObject{{QStringLiteral("data"), ref(5, 4)}});
    const qint64 second = m_page->invoke(QStringLiteral("test.one"),
                                         QJsonObject{{QStringLiteral("data"), ref(5, 2)}});
    QVERIFY(m_page->waitForResult(second));
    QCOMPARE(m_page->outcome(second), QStringLiteral("invalid_args"));
    put(5, 0, "wxyz"); // the first call's upload is unharmed
    QVERIFY(m_page->waitForResult(first));
    QCOMPARE(m_page->outcome(first), QStringLiteral("ok"));
    QCOMPARE(m_received.value(QStringLiteral("data")), QByteArray("wxyz"));
}

void tst_BridgeBytes::pageReadAnswers_data()
{
    QTest::addColumn<QVariant>("answer"); // what every read of the staged "ab" gets
    QTest::addColumn<QString>("outcome");

    QTest::newRow("the bytes") << QVariant(QByteArray("ab")) << QStringLiteral("ok");
    QTest::newRow("null (not staged)") << QVariant() << QStringLiteral("invalid_args");
    QTest::newRow("too few") << QVariant(QByteArray("a")) << QStringLiteral("invalid_args");
    QTest::newRow("too many") << QVariant(QByteArray("abc")) << QStringLiteral("invalid_args");
    QTest::newRow("a string") << QVariant(QStringLiteral("ab")) << QStringLiteral("invalid_args");
    QTest::newRow("a number") << QVariant(2) << QStringLiteral("invalid_args");
    QTest::newRow("a list") << QVariant(QVariantList{97, 98}) << QStringLiteral("invalid_args");
}

// Whatever the page's read answers, the call settles; only the exact bytes are taken.
void tst_BridgeBytes::pageReadAnswers()
{
    QFETCH(QVariant, answer);
    QFETCH(QString, outcome);
    m_page->uploadReadAnswer = [answer](qint64, qint64, qint64) {
        return answer;
    };
    const qint64 id = m_page->invoke(QStringLiteral("test.one"),
                                     QJsonObject{{QStringLiteral("data"), ref(1, 2)}});
    put(1, 0, "ab");
    QVERIFY2(m_page->waitForResult(id, 2000), "the call never settled");
    QCOMPARE(m_page->outcome(id), outcome);
    QCOMPARE(m_handlerRuns, outcome == QLatin1String("ok") ? 1 : 0);
    if (outcome == QLatin1String("ok"))
        QCOMPARE(m_received.value(QStringLiteral("data")), QByteArray("ab"));
    QCOMPARE(m_bridge->pendingUploadCount(), 0);
}

void tst_BridgeBytes::stagedOutOfOrderOrOverIsRefused_data()
{
    QTest::addColumn<qint64>("at");
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("message"); // offsets in whole numbers, never 1.04858e+06

    QTest::newRow("a gap") << qint64(4) << QByteArray("ef")
                           << "'put' at 4, but 3 bytes were staged before";
    QTest::newRow("a gap of a MiB") << qint64(1 << 20) << QByteArray("ef")
                                    << "'put' at 1048576, but 3 bytes were staged before";
    QTest::newRow("again") << qint64(0) << QByteArray("ab")
                           << "'put' at 0, but 3 bytes were staged before";
    QTest::newRow("over the size")
        << qint64(3) << QByteArray("defg") << "more bytes than the 6 announced";
}

// The page stages "abc", then something that does not follow it: the call fails with
// invalid_args before its handler runs, and nothing stays.
void tst_BridgeBytes::stagedOutOfOrderOrOverIsRefused()
{
    QFETCH(qint64, at);
    QFETCH(QByteArray, bytes);
    QFETCH(QString, message);
    const qint64 id = m_page->invoke(QStringLiteral("test.one"),
                                     QJsonObject{{QStringLiteral("data"), ref(1, 6)}});
    put(1, 0, "abc");
    put(1, at, bytes);
    QVERIFY(m_page->waitForResult(id, 2000));
    QCOMPARE(m_page->outcome(id), QStringLiteral("invalid_args"));
    const QString said = m_page->result(id)->value("error")["message"].toString();
    QVERIFY2(said.contains(message), qPrintable(said));
    QCOMPARE(m_handlerRuns, 0);
    QCOMPARE(m_bridge->pendingUploadCount(), 0);
}

// 10 bytes staged at once are read 4, 4 and 2 at a time (uploadReadBytes), one read at a time,
// and each read is granted back.
void tst_BridgeBytes::readsSplitAtUploadReadBytes()
{
    QList<std::pair<qint64, qint64>> reads;
    m_page->uploadReadAnswer = [&](qint64, qint64 at, qint64 n) -> std::optional<QVariant> {
        reads.append({at, n});
        return QVariant(QByteArray("0123456789").mid(at, n));
    };
    const qint64 id = m_page->invoke(QStringLiteral("test.one"),
                                     QJsonObject{{QStringLiteral("data"), ref(1, 10)}});
    put(1, 0, "0123456789");
    QVERIFY(m_page->waitForResult(id));
    QCOMPARE(m_page->outcome(id), QStringLiteral("ok"));
    QCOMPARE(m_received.value(QStringLiteral("data")), QByteArray("0123456789"));
    const QList<std::pair<qint64, qint64>> expected{{0, 4}, {4, 4}, {8, 2}};
    QCOMPARE(reads, expected);
    qint64 granted = 0;
    for (const QJsonObject &grant : m_page->ofType(QStringLiteral("grant")))
        granted += qint64(grant.value(QStringLiteral("bytes")).toDouble());
    QCOMPARE(granted, 10);
}

// A read that comes back after the page said hello again belongs to the page that left: the new
// page's upload of the same id is not fed with it.
void tst_BridgeBytes::readAnsweredAfterHelloIsIgnored()
{
    QList<std::function<void(const QVariant &)>> held; // reads not answered yet, in order
    m_bridge->setUploadReader(
        [&held](qint64, qint64, qint64, std::function<void(const QVariant &)> done) {
            held.append(std::move(done));
        });
    const qint64 first = m_page->invoke(QStringLiteral("test.one"),
                                        QJsonObject{{QStringLiteral("data"), ref(1, 2)}});
    put(1, 0, "ab");
    QCOMPARE(held.size(), 1);
    QVERIFY(!m_page->hello(QStringLiteral("doc-b")).isEmpty());
    const qint64 second = m_page->invoke(QStringLiteral("test.one"),
                                         QJsonObject{{QStringLiteral("data"), ref(1, 2)}});
    put(1, 0, "cd");
    QCOMPARE(held.size(), 2);
    held.at(0)(QVariant(QByteArray("ab"))); // the old page's read, late
    drainEvents();
    QCOMPARE(m_handlerRuns, 0);
    held.at(1)(QVariant(QByteArray("cd")));
    QVERIFY(m_page->waitForResult(second));
    QCOMPARE(m_page->outcome(second), QStringLiteral("ok"));
    QCOMPARE(m_received.value(QStringLiteral("data")), QByteArray("cd"));
    QVERIFY(m_page->results(first).isEmpty());
}

void tst_BridgeBytes::emptyUploadRunsAtOnce()
{
    const qint64 id = m_page->invoke(QStringLiteral("test.one"),
                                     QJsonObject{{QStringLiteral("data"), ref(1, 0)}});
    QVERIFY(m_page->waitForResult(id));
    QCOMPARE(m_page->outcome(id), QStringLiteral("ok"));
    QVERIFY(m_received.contains(QStringLiteral("data")));
    QCOMPARE(m_received.value(QStringLiteral("data")), QByteArray());
    put(1, 0, "x"); // nobody waits for upload 1: dropped, nothing answered twice
    m_page->waitFor([] { return false; }, 50);
    QCOMPARE(m_page->results(id).size(), 1);
}

void tst_BridgeBytes::announcedButNeverSentEndsAtTheDeadline()
{
    const qint64 id = m_page->invoke(QStringLiteral("test.one"),
                                     QJsonObject{{QStringLiteral("data"), ref(1, 16)}},
                                     QJsonObject{{QStringLiteral("deadline"), 200}});
    QCOMPARE(m_bridge->pendingUploadCount(), 1);
    QVERIFY(m_page->waitForResult(id, 5000));
    QCOMPARE(m_page->outcome(id), QStringLiteral("timeout"));
    QCOMPARE(m_bridge->pendingUploadCount(), 0);
    QCOMPARE(m_bridge->pendingCallCount(), 0);
}

void tst_BridgeBytes::putAfterCancelIsDropped()
{
    const qint64 id = m_page->invoke(QStringLiteral("test.one"),
                                     QJsonObject{{QStringLiteral("data"), ref(3, 6)}});
    put(3, 0, "abc");
    m_page->send(QJsonObject{{QStringLiteral("t"), QStringLiteral("cancel")},
                             {QStringLiteral("id"), double(id)},
                             {QStringLiteral("reason"), QStringLiteral("aborted")}});
    QVERIFY(m_page->waitForResult(id));
    QCOMPARE(m_page->outcome(id), QStringLiteral("cancelled"));
    QCOMPARE(m_bridge->pendingUploadCount(), 0);
    QSignalSpy dropped(m_bridge.get(), &Bridge::envelopeDropped);
    put(3, 3, "def");
    QCOMPARE(dropped.size(), 1);
    m_page->waitFor([] { return false; }, 50);
    QCOMPARE(m_page->results(id).size(), 1);
    QCOMPARE(m_handlerRuns, 0);
}

// The page stages and announces an upload before it hears that its invoke was refused: that put
// is expected, not a malformed envelope; one for an upload nobody named still is.
void tst_BridgeBytes::putOfARefusedInvokeIsExpected()
{
    QSignalSpy dropped(m_bridge.get(), &Bridge::envelopeDropped);
    const qint64 id = m_page->invoke(QStringLiteral("test.one"),
                                     QJsonObject{{QStringLiteral("data"), ref(7, 17)}});
    put(7, 0, "x");
    QVERIFY(m_page->waitForResult(id));
    QCOMPARE(m_page->outcome(id), QStringLiteral("too_large"));
    put(7, 1, "y"); // a Blob's next slice, staged before the answer arrived
    QCOMPARE(dropped.size(), 0);
    put(8, 0, "z");
    QCOMPARE(dropped.size(), 1);
    QCOMPARE(m_handlerRuns, 0);
}

void tst_BridgeBytes::helloMidwayDropsTheUpload()
{
    const qint64 id = m_page->invoke(QStringLiteral("test.one"),
                                     QJsonObject{{QStringLiteral("data"), ref(3, 6)}});
    put(3, 0, "abc");
    QVERIFY(!m_page->hello(QStringLiteral("doc-b")).isEmpty()); // a new document
    QCOMPARE(m_bridge->pendingUploadCount(), 0);
    QCOMPARE(m_bridge->pendingCallCount(), 0);
    put(3, 3, "def");
    m_page->waitFor([] { return false; }, 50);
    QCOMPARE(m_handlerRuns, 0);
    QVERIFY(m_page->results(id).isEmpty()); // the old document hears nothing
}

void tst_BridgeBytes::pendingUploadsAreBounded()
{
    QList<qint64> ids;
    for (int i = 1; i <= 4; ++i)
        ids.append(m_page->invoke(QStringLiteral("test.one"),
                                  QJsonObject{{QStringLiteral("data"), ref(i, 1)}}));
    const qint64 over = m_page->invoke(QStringLiteral("test.one"),
                                       QJsonObject{{QStringLiteral("data"), ref(5, 1)}});
    QVERIFY(m_page->waitForResult(over));
    QCOMPARE(m_page->outcome(over), QStringLiteral("too_large"));
    QCOMPARE(m_bridge->pendingUploadCount(), 4);
    put(1, 0, "x"); // one finishes: its slot is free again
    QVERIFY(m_page->waitForResult(ids.first()));
    const qint64 again = m_page->invoke(QStringLiteral("test.one"),
                                        QJsonObject{{QStringLiteral("data"), ref(6, 1)}});
    put(6, 0, "y");
    QVERIFY(m_page->waitForResult(again));
    QCOMPARE(m_page->outcome(again), QStringLiteral("ok"));
}

// What all calls' uploads announced or already hold, together, stays within maxUploadBytes (16
// here): an upload that arrived waits, held, for its call's other one.
void tst_BridgeBytes::uploadBytesHeldAreBounded()
{
    const qint64 two
        = m_page->invoke(QStringLiteral("test.two"), QJsonObject{{QStringLiteral("a"), ref(1, 6)},
                                                                 {QStringLiteral("b"), ref(2, 6)}});
    put(1, 0, "aaaaaa"); // `a` has arrived and is held; `b` is announced: 12 bytes
    QTRY_COMPARE(m_bridge->pendingUploadCount(), 1);
    const qint64 over = m_page->invoke(QStringLiteral("test.one"),
                                       QJsonObject{{QStringLiteral("data"), ref(3, 5)}});
    QVERIFY(m_page->waitForResult(over));
    QCOMPARE(m_page->outcome(over), QStringLiteral("too_large"));
    const QJsonObject details = m_page->result(over)->value("error")["details"].toObject();
    QCOMPARE(details.value("limit").toInteger(), 16);
    QCOMPARE(details.value("size").toInteger(), 17);
    const qint64 fits = m_page->invoke(QStringLiteral("test.one"),
                                       QJsonObject{{QStringLiteral("data"), ref(4, 4)}});
    put(4, 0, "dddd");
    QVERIFY(m_page->waitForResult(fits));
    QCOMPARE(m_page->outcome(fits), QStringLiteral("ok"));
    put(2, 0, "bbbbbb");
    QVERIFY(m_page->waitForResult(two));
    QCOMPARE(m_page->outcome(two), QStringLiteral("ok"));
    QCOMPARE(m_received.value(QStringLiteral("a")), QByteArray("aaaaaa"));
    // Nothing is held any more: the whole limit is free again.
    const qint64 whole = m_page->invoke(QStringLiteral("test.one"),
                                        QJsonObject{{QStringLiteral("data"), ref(5, 16)}});
    put(5, 0, QByteArray(16, 'e'));
    QVERIFY(m_page->waitForResult(whole));
    QCOMPARE(m_page->outcome(whole), QStringLiteral("ok"));
}

void tst_BridgeBytes::cancelReachesTheHandlerAfterTheUpload_data()
{
    QTest::addColumn<bool>("byDeadline");
    QTest::newRow("cancel") << false;
    QTest::newRow("deadline") << true;
}

// Once its bytes arrived the handler runs; cancelling the call then must reach its work, as it
// does for a call without uploads (the page's cancel and deadline reach the native work).
void tst_BridgeBytes::cancelReachesTheHandlerAfterTheUpload()
{
    QFETCH(bool, byDeadline);
    const qint64 id = m_page->invoke(
        QStringLiteral("test.held"), QJsonObject{{QStringLiteral("data"), ref(1, 3)}},
        byDeadline ? QJsonObject{{QStringLiteral("deadline"), 300}} : QJsonObject{});
    put(1, 0, "abc");
    QTRY_VERIFY(m_heldPromise);
    QCOMPARE(m_received.value(QStringLiteral("data")), QByteArray("abc"));
    if (!byDeadline)
        m_page->send(QJsonObject{{QStringLiteral("t"), QStringLiteral("cancel")},
                                 {QStringLiteral("id"), double(id)},
                                 {QStringLiteral("reason"), QStringLiteral("aborted")}});
    QVERIFY(m_page->waitForResult(id));
    QCOMPARE(m_page->outcome(id),
             byDeadline ? QStringLiteral("timeout") : QStringLiteral("cancelled"));
    QTRY_VERIFY_WITH_TIMEOUT(m_heldPromise->isCanceled(), 2000);
}

// A bytes command's work is cancelled like any other command's.
void tst_BridgeBytes::cancelReachesTheBytesHandler()
{
    const qint64 id = m_page->invoke(QStringLiteral("test.heldBytes"));
    QTRY_VERIFY(m_heldBytesPromise);
    m_page->send(QJsonObject{{QStringLiteral("t"), QStringLiteral("cancel")},
                             {QStringLiteral("id"), double(id)},
                             {QStringLiteral("reason"), QStringLiteral("aborted")}});
    QVERIFY(m_page->waitForResult(id));
    QCOMPARE(m_page->outcome(id), QStringLiteral("cancelled"));
    QTRY_VERIFY_WITH_TIMEOUT(m_heldBytesPromise->isCanceled(), 2000);
}

void tst_BridgeBytes::bytesFutureOutcomes_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("expected");
    QTest::newRow("value") << 0 << QStringLiteral("ok");
    QTest::newRow("exception") << 1 << QStringLiteral("not_found");
    QTest::newRow("cancelled") << 2 << QStringLiteral("cancelled");
    QTest::newRow("finished without a value") << 3 << QStringLiteral("internal");
    QTest::newRow("promise destroyed") << 4 << QStringLiteral("cancelled");
    QTest::newRow("empty bytes") << 5 << QStringLiteral("ok");
}

// However a bytes handler's future ends, the page gets one answer (and the app does not crash).
void tst_BridgeBytes::bytesFutureOutcomes()
{
    QFETCH(int, kind);
    QFETCH(QString, expected);
    m_bytesOutcome = [kind]() -> QFuture<Bytes> {
        QPromise<Bytes> promise;
        promise.start();
        QFuture<Bytes> future = promise.future();
        switch (kind) {
        case 0:
            promise.addResult(Bytes::fromData("abc"));
            break;
        case 1:
            promise.setException(CommandError(ErrorCode::NotFound, QStringLiteral("gone")));
            break;
        case 2:
            future.cancel();
            break;
        case 3:
            break; // finished without a result
        case 4:
            return future; // destroyed unfinished: Qt cancels it
        case 5:
            promise.addResult(Bytes::fromData({}));
            break;
        }
        promise.finish();
        return future;
    };
    const qint64 id = m_page->invoke(QStringLiteral("test.bytesOutcome"));
    QVERIFY(m_page->waitForResult(id));
    QCOMPARE(m_page->results(id).size(), 1);
    QCOMPARE(m_page->outcome(id), expected);
    if (expected == QLatin1String("ok")) {
        const QJsonObject offer = m_page->result(id)->value(QStringLiteral("bytes")).toObject();
        QCOMPARE(offer.value(QStringLiteral("token")).toString().size(), 32);
    }
}

// Handlers that finish on other threads offer their bytes there while the GUI thread takes
// others: every token serves exactly its own bytes.
void tst_BridgeBytes::bytesOfferedFromOtherThreads()
{
    constexpr int kCalls = 300;
    QHash<qint64, int> expected;
    for (int n = 0; n < kCalls; ++n)
        expected.insert(
            m_page->invoke(QStringLiteral("test.pooled"), QJsonObject{{QStringLiteral("n"), n}}),
            n);
    int taken = 0;
    QSet<QString> tokens;
    QVERIFY(m_page->waitFor(
        [&] {
            for (auto it = expected.begin(); it != expected.end();) {
                const auto result = m_page->result(it.key());
                if (!result) {
                    ++it;
                    continue;
                }
                const QJsonObject offer = result->value(QStringLiteral("bytes")).toObject();
                const QString token = offer.value(QStringLiteral("token")).toString();
                tokens.insert(token);
                const std::optional<Bytes> bytes = m_bridge->byteTokens()->take(token);
                if (!bytes)
                    return true; // fails below
                const std::unique_ptr<QIODevice> device = bytes->open();
                if (device->readAll() != QByteArray::number(it.value()))
                    return true;
                ++taken;
                it = expected.erase(it);
            }
            return expected.isEmpty();
        },
        30000));
    QCOMPARE(taken, kCalls);
    QCOMPARE(tokens.size(), kCalls);
    QCOMPARE(m_bridge->byteTokens()->outstanding(), 0);
}

// A file offered, then replaced by a FIFO before the page reads it: reading must not block the
// thread that serves the page (the GUI thread) until some writer opens the FIFO.
void tst_BridgeBytes::fileReplacedByAFifoDoesNotBlock()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("f"));
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("0123456789");
    }
    ByteTokens tokens;
    tokens.setGeneration(1);
    const QString ranged = tokens.offer(1, Bytes::fromFile(path));
    const QString whole = tokens.offer(1, Bytes::fromFile(path));
    QVERIFY(QFile::remove(path));
    QCOMPARE(::mkfifo(QFile::encodeName(path).constData(), 0600), 0);

    std::atomic<int> done{0};
    std::optional<QByteArray> chunk{QByteArray("unset")};
    std::unique_ptr<QIODevice> device;
    std::thread reader([&] {
        chunk = tokens.read(ranged, 0, 10);
        ++done;
        if (const std::optional<Bytes> bytes = tokens.take(whole))
            device = bytes->open();
        ++done;
    });
    const bool finished = QTest::qWaitFor([&] { return done == 2; }, 3000);
    if (!finished) {
        // Unblock the reader (a writer opens the FIFO) so the test can end.
        for (int i = 0; i < 2 && done < 2; ++i) {
            QFile writer(path);
            if (writer.open(QIODevice::WriteOnly))
                writer.close();
            (void)QTest::qWaitFor([&, before = i] { return done > before; }, 2000);
        }
    }
    reader.join();
    QVERIFY2(finished, "opening the offered path blocked on a FIFO");
    QVERIFY(!chunk || chunk->isEmpty());
    QVERIFY(!device);
}

void tst_BridgeBytes::fileChangedUnderneath_data()
{
    QTest::addColumn<QByteArray>("now"); // the file's bytes when the page reads
    QTest::addColumn<bool>("removed");
    QTest::newRow("grew") << QByteArray("0123456789abcdef") << false;
    QTest::newRow("shrank") << QByteArray("0123") << false;
    QTest::newRow("emptied") << QByteArray() << false;
    QTest::newRow("removed") << QByteArray() << true;
}

// Offered at 10 bytes: never more than 10 come out, by ranges or whole, and a shorter or missing
// file ends the reading (short or nothing), spending the token.
void tst_BridgeBytes::fileChangedUnderneath()
{
    QFETCH(QByteArray, now);
    QFETCH(bool, removed);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("f"));
    const auto write = [&](const QByteArray &bytes) {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        QCOMPARE(file.write(bytes), bytes.size());
    };
    write("0123456789");
    ByteTokens tokens;
    tokens.setGeneration(1);
    const QString ranged = tokens.offer(1, Bytes::fromFile(path));
    const QString whole = tokens.offer(1, Bytes::fromFile(path));
    if (removed)
        QVERIFY(QFile::remove(path));
    else
        write(now);

    QByteArray got;
    for (qint64 at = 0; at < 10;) {
        const std::optional<QByteArray> chunk = tokens.read(ranged, at, 3);
        if (!chunk || chunk->isEmpty())
            break;
        QVERIFY(chunk->size() <= 3);
        got += *chunk;
        at += chunk->size();
    }
    QCOMPARE(got, now.left(10));
    QVERIFY(!tokens.read(ranged, 0, 3)); // spent

    const std::optional<Bytes> bytes = tokens.take(whole);
    QVERIFY(bytes);
    const std::unique_ptr<QIODevice> device = bytes->open();
    QCOMPARE(device ? device->readAll() : QByteArray(), now.left(10));
    QCOMPARE(tokens.outstanding(), 0);
}

// One reading per token: ranges, then the whole, would serve the bytes twice.
void tst_BridgeBytes::wholeAfterRangesIsASecondReading()
{
    ByteTokens tokens;
    tokens.setGeneration(1);
    const QString token = tokens.offer(1, Bytes::fromData("0123456789"));
    QCOMPARE(tokens.read(token, 0, 4), QByteArray("0123"));
    QVERIFY(!tokens.take(token));
}

// Bytes the page never reads go once their lifetime is over, with nothing else happening on
// the wire (not at the next bytes call).
void tst_BridgeBytes::unreadBytesGoWithoutFurtherActivity()
{
    using namespace std::chrono_literals;
    BridgeLimits limits;
    limits.bytesLifetime = 200ms;
    Bridge bridge(limits);
    PageSimulator page(bridge);
    bridge.commands().addBytes(QStringLiteral("test.b"), Schema::object(), [](const CommandCall &) {
        return QtFuture::makeReadyFuture(Bytes::fromData("abc"));
    });
    QVERIFY(!page.hello().isEmpty());
    const qint64 id = page.invoke(QStringLiteral("test.b"));
    QVERIFY(page.waitForResult(id));
    QCOMPARE(page.outcome(id), QStringLiteral("ok"));
    QCOMPARE(bridge.byteTokens()->outstanding(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(bridge.byteTokens()->outstanding(), 0, 5000);
}

// ByteTokens from many threads at once: offers from pool threads, takes and reads from another.
void tst_BridgeBytes::concurrentOfferAndTake()
{
    ByteTokens tokens;
    tokens.setGeneration(1);
    constexpr int kThreads = 4, kEach = 200;
    QMutex lock;
    QStringList offered;
    std::atomic<int> served{0};
    std::thread consumer([&] {
        for (int processed = 0; processed < kThreads * kEach;) {
            QString token;
            {
                const QMutexLocker locker(&lock);
                if (!offered.isEmpty())
                    token = offered.takeFirst();
            }
            if (token.isEmpty()) {
                QThread::yieldCurrentThread();
                continue;
            }
            if (processed++ % 2) {
                if (tokens.take(token))
                    ++served;
            } else if (const auto chunk = tokens.read(token, 0, 100); chunk && chunk->size() == 4) {
                ++served;
            }
        }
    });
    std::vector<std::thread> producers;
    for (int t = 0; t < kThreads; ++t) {
        producers.emplace_back([&] {
            for (int i = 0; i < kEach; ++i) {
                const QString token = tokens.offer(1, Bytes::fromData("abcd"));
                const QMutexLocker locker(&lock);
                offered.append(token);
            }
        });
    }
    for (std::thread &producer : producers)
        producer.join();
    consumer.join();
    QCOMPARE(served.load(), kThreads * kEach);
    QCOMPARE(tokens.outstanding(), 0);
}

QTEST_GUILESS_MAIN(tst_BridgeBytes)
#include "tst_bridgebytes.moc"
