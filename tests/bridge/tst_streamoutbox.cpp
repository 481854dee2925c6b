// SPDX-License-Identifier: MIT
// StreamOutbox on its own: sequence numbers, credit, latest-wins, the pending cap, end and close.
// (tst_bridge drives the same through envelopes from the page.)
#include <bridge/StreamOutbox.h>

#include <QSignalSpy>
#include <QTest>

using namespace Conduit;

namespace {

const StreamHandle kStream{1, 5};

QJsonArray itemsOf(const QJsonArray &envelopes)
{
    QJsonArray items;
    for (const QJsonValue &envelope : envelopes) {
        if (envelope[QStringLiteral("t")].toString() == QLatin1String("chunk")) {
            for (const QJsonValue &item : envelope[QStringLiteral("items")].toArray())
                items.append(item);
        }
    }
    return items;
}

} // namespace

class tst_StreamOutbox : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void orderedWaitsForCredit();
    void sequenceNumbersIncrease();
    void endFollowsTheLastItem();
    void endCarriesTheError();
    void pendingCapRefusesWrites();
    void latestWinsKeepsTheNewest();
    void closeStopsTheProducer();
    void resetClosesEverything();
    void otherGenerationsAreStrangers();
    void dueSignalsOncePerTurn();
    void creditAvailableOnGrant();
};

void tst_StreamOutbox::orderedWaitsForCredit()
{
    StreamOutbox outbox(100);
    outbox.open(kStream, StreamMode::Ordered);
    QVERIFY(outbox.isOpen(kStream));
    QCOMPARE(outbox.credit(kStream), 0);
    for (int i = 0; i < 5; ++i)
        QVERIFY(outbox.write(kStream, i));
    QVERIFY(!outbox.hasDue());
    QCOMPARE(outbox.takeDue(), QJsonArray{});

    outbox.grant(kStream.generation, kStream.id, 3);
    QVERIFY(outbox.hasDue());
    QCOMPARE(itemsOf(outbox.takeDue()), (QJsonArray{0, 1, 2}));
    QVERIFY(!outbox.hasDue());

    outbox.grant(kStream.generation, kStream.id, 10);
    QCOMPARE(outbox.credit(kStream), 8); // 10 granted, 2 already waiting
    QCOMPARE(itemsOf(outbox.takeDue()), (QJsonArray{3, 4}));
    QCOMPARE(outbox.credit(kStream), 8);
    QVERIFY(outbox.write(kStream, 5));
    QCOMPARE(outbox.credit(kStream), 7);
    QCOMPARE(itemsOf(outbox.takeDue()), (QJsonArray{5}));
}

void tst_StreamOutbox::sequenceNumbersIncrease()
{
    StreamOutbox outbox(100);
    outbox.open(kStream, StreamMode::Ordered);
    outbox.grant(kStream.generation, kStream.id, 100);
    for (int round = 0; round < 4; ++round) {
        QVERIFY(outbox.write(kStream, round));
        const QJsonArray due = outbox.takeDue();
        QCOMPARE(due.size(), 1);
        const QJsonObject chunk = due.first().toObject();
        QCOMPARE(chunk.value(QStringLiteral("t")).toString(), QStringLiteral("chunk"));
        QCOMPARE(chunk.value(QStringLiteral("stream")).toDouble(), 5.0);
        QCOMPARE(chunk.value(QStringLiteral("seq")).toDouble(), double(round));
        QCOMPARE(chunk.value(QStringLiteral("items")).toArray(), QJsonArray{round});
    }
}

void tst_StreamOutbox::endFollowsTheLastItem()
{
    StreamOutbox outbox(100);
    outbox.open(kStream, StreamMode::Ordered);
    QVERIFY(outbox.write(kStream, "a"));
    QVERIFY(outbox.write(kStream, "b"));
    outbox.end(kStream);
    QVERIFY(!outbox.isOpen(kStream));
    QVERIFY(!outbox.write(kStream, "late")); // an ending stream takes nothing more
    QVERIFY(!outbox.hasDue());               // the end waits behind the unsent items

    outbox.grant(kStream.generation, kStream.id, 1);
    QJsonArray due = outbox.takeDue();
    QCOMPARE(due.size(), 1);
    QCOMPARE(itemsOf(due), QJsonArray{"a"});

    outbox.grant(kStream.generation, kStream.id, 1);
    due = outbox.takeDue();
    QCOMPARE(due.size(), 2);
    QCOMPARE(itemsOf(due), QJsonArray{"b"});
    const QJsonObject end = due.at(1).toObject();
    QCOMPARE(end, (QJsonObject{{"t", "end"}, {"stream", 5}}));
    QVERIFY(!outbox.hasDue());
    QCOMPARE(outbox.takeDue(), QJsonArray{}); // ended streams are forgotten
}

void tst_StreamOutbox::endCarriesTheError()
{
    StreamOutbox outbox(100);
    outbox.open(kStream, StreamMode::Ordered);
    outbox.end(kStream, CommandError(ErrorCode::Timeout, QStringLiteral("late")));
    const QJsonArray due = outbox.takeDue();
    QCOMPARE(due.size(), 1);
    QCOMPARE(due.first()[QStringLiteral("error")][QStringLiteral("code")].toString(),
             QStringLiteral("timeout"));
}

void tst_StreamOutbox::pendingCapRefusesWrites()
{
    StreamOutbox outbox(3);
    outbox.open(kStream, StreamMode::Ordered);
    QVERIFY(outbox.write(kStream, 1));
    QVERIFY(outbox.write(kStream, 2));
    QVERIFY(outbox.write(kStream, 3));
    QVERIFY(!outbox.write(kStream, 4)); // the page is behind: memory stays bounded
    outbox.grant(kStream.generation, kStream.id, 2);
    QCOMPARE(itemsOf(outbox.takeDue()), (QJsonArray{1, 2}));
    QVERIFY(outbox.write(kStream, 4));
    outbox.grant(kStream.generation, kStream.id, 5);
    QCOMPARE(itemsOf(outbox.takeDue()), (QJsonArray{3, 4}));
}

void tst_StreamOutbox::latestWinsKeepsTheNewest()
{
    StreamOutbox outbox(2);
    outbox.open(kStream, StreamMode::LatestWins);
    QCOMPARE(outbox.credit(kStream), std::numeric_limits<qint64>::max());
    for (int i = 1; i <= 10; ++i)
        QVERIFY(outbox.write(kStream, i)); // never refused, never above one pending item
    QVERIFY(outbox.hasDue());              // needs no credit
    const QJsonArray due = outbox.takeDue();
    QCOMPARE(due.size(), 1);
    QCOMPARE(itemsOf(due), QJsonArray{10});

    QVERIFY(outbox.write(kStream, 11));
    QVERIFY(outbox.write(kStream, 12));
    outbox.end(kStream);
    const QJsonArray last = outbox.takeDue();
    QCOMPARE(itemsOf(last), QJsonArray{12});
    QCOMPARE(last.first()[QStringLiteral("seq")].toInt(), 1);
    QCOMPARE(last.last()[QStringLiteral("t")].toString(), QStringLiteral("end"));
}

void tst_StreamOutbox::closeStopsTheProducer()
{
    StreamOutbox outbox(100);
    QSignalSpy closed(&outbox, &StreamOutbox::closed);
    outbox.open(kStream, StreamMode::Ordered);
    QVERIFY(outbox.write(kStream, 1));
    outbox.close(kStream.generation, kStream.id);
    QCOMPARE(closed.count(), 1);
    QCOMPARE(closed.first().first().value<StreamHandle>(), kStream);
    QVERIFY(!outbox.isOpen(kStream));
    QVERIFY(!outbox.write(kStream, 2));
    QCOMPARE(outbox.credit(kStream), 0);
    outbox.end(kStream);                      // the call finishing later sends nothing
    QCOMPARE(outbox.takeDue(), QJsonArray{}); // no chunk, no end: the page asked to stop
    outbox.close(kStream.generation, kStream.id);
    QCOMPARE(closed.count(), 1); // closing twice signals once
}

void tst_StreamOutbox::resetClosesEverything()
{
    StreamOutbox outbox(100);
    QSignalSpy closed(&outbox, &StreamOutbox::closed);
    const StreamHandle other{1, 6};
    outbox.open(kStream, StreamMode::Ordered);
    outbox.open(other, StreamMode::LatestWins);
    QVERIFY(outbox.write(other, 1));
    outbox.reset();
    QCOMPARE(closed.count(), 2);
    QVERIFY(!outbox.isOpen(kStream));
    QVERIFY(!outbox.isOpen(other));
    QVERIFY(!outbox.hasDue());
    QVERIFY(!outbox.write(kStream, 1));
}

void tst_StreamOutbox::otherGenerationsAreStrangers()
{
    StreamOutbox outbox(100);
    outbox.open(kStream, StreamMode::Ordered);
    const StreamHandle sameIdNextPage{2, kStream.id};
    QVERIFY(!outbox.isOpen(sameIdNextPage));
    QVERIFY(!outbox.write(sameIdNextPage, 1));
    outbox.grant(2, kStream.id, 10);
    QCOMPARE(outbox.credit(kStream), 0);

    outbox.open(sameIdNextPage, StreamMode::Ordered); // the next page's stream replaces it
    QVERIFY(outbox.isOpen(sameIdNextPage));
    QVERIFY(!outbox.isOpen(kStream));
    QVERIFY(!outbox.write(kStream, 1));
}

void tst_StreamOutbox::dueSignalsOncePerTurn()
{
    StreamOutbox outbox(100);
    QSignalSpy due(&outbox, &StreamOutbox::due);
    outbox.open(kStream, StreamMode::LatestWins);
    for (int i = 0; i < 50; ++i)
        outbox.write(kStream, i);
    QCOMPARE(due.count(), 1); // one wake-up for the bridge, not one per item
    outbox.takeDue();
    outbox.write(kStream, 50);
    QCOMPARE(due.count(), 2);
}

void tst_StreamOutbox::creditAvailableOnGrant()
{
    StreamOutbox outbox(100);
    QSignalSpy available(&outbox, &StreamOutbox::creditAvailable);
    outbox.open(kStream, StreamMode::Ordered);
    outbox.grant(kStream.generation, kStream.id, 0); // nothing granted, nothing said
    outbox.grant(kStream.generation, 99, 4);         // unknown stream
    QCOMPARE(available.count(), 0);
    outbox.grant(kStream.generation, kStream.id, 4);
    QCOMPARE(available.count(), 1);
    QCOMPARE(available.first().first().value<StreamHandle>(), kStream);
    QCOMPARE(outbox.credit(kStream), 4);
}

QTEST_GUILESS_MAIN(tst_StreamOutbox)
#include "tst_streamoutbox.moc"
