// SPDX-License-Identifier: MIT
// The duplicates kind against Debian's fdupes (2.2) as the oracle: seeded generated trees with
// copies, same-size files that differ, empty files, hard links, symbolic links, unreadable
// files, FIFOs and nested folders; `fdupes -r` (and `--minsize=N`) and Conduit must find the
// same groups. Groups are compared as sets of inodes: fdupes lists one name of a hard-linked
// file, chosen by readdir order, where Conduit takes the first by bytes and reports the others
// as skipped (hard_link). The seed is printed; CONDUIT_DIFF_SEED=<n> replays. Also: what it
// streams equals its result, it never waits on a reader, it writes nothing, and cancel stops it.
#include "RawFile.h"
#include "TestPrivileges.h"
#include <worker/TaskManager.h>

#include <QDeadlineTimer>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QRandomGenerator>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <set>

using namespace Conduit;
using ConduitTest::writeRaw;

namespace {
constexpr int kTrees = 24;

using Inode = std::pair<dev_t, ino_t>;
using Groups = std::set<std::set<Inode>>; // each group as the set of its files

std::optional<Inode> inodeOf(const QByteArray &path)
{
    struct stat info;
    if (::lstat(path.constData(), &info) != 0)
        return std::nullopt;
    return Inode{info.st_dev, info.st_ino};
}

// fdupes prints each group's paths one per line, groups separated by an empty line.
std::optional<Groups> fdupesGroups(const QString &root, qint64 minSize, QString *why)
{
    QProcess fdupes;
    QStringList args{QStringLiteral("-r"), QStringLiteral("-q")};
    if (minSize > 0)
        args << QStringLiteral("--minsize=%1").arg(minSize);
    fdupes.start(QStringLiteral("fdupes"), args << root);
    if (!fdupes.waitForFinished(60000) || fdupes.exitStatus() != QProcess::NormalExit) {
        fdupes.kill();
        *why = QStringLiteral("fdupes did not finish");
        return std::nullopt;
    }
    Groups groups;
    std::set<Inode> group;
    for (const QByteArray &line : fdupes.readAllStandardOutput().split('\n')) {
        if (line.isEmpty()) {
            if (!group.empty())
                groups.insert(std::exchange(group, {}));
            continue;
        }
        const auto inode = inodeOf(line);
        if (!inode) {
            *why = QStringLiteral("fdupes printed a path that is not there: %1")
                       .arg(QString::fromUtf8(line));
            return std::nullopt;
        }
        group.insert(*inode);
    }
    if (!group.empty())
        groups.insert(group);
    return groups;
}

// The file name a result's {path, escaped?} stands for (the inverse of
// ChecksumManifest::displayName, written again here so that the test does not trust it).
QByteArray nameOf(const QJsonValue &entry)
{
    const QString path = entry[QStringLiteral("path")].toString();
    if (!entry[QStringLiteral("escaped")].toBool())
        return path.toUtf8();
    QByteArray name;
    const QByteArray text = path.toUtf8();
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text.at(i) == '\\' && i + 1 < text.size() && text.at(i + 1) == '\\') {
            name += '\\';
            ++i;
        } else if (text.at(i) == '\\' && i + 3 < text.size() && text.at(i + 1) == 'x') {
            name += char(text.mid(i + 2, 2).toInt(nullptr, 16));
            i += 3;
        } else {
            name += text.at(i);
        }
    }
    return name;
}

qint64 sizeOf(const Inode &inode, const QMap<Inode, qint64> &sizes)
{
    return sizes.value(inode, -1);
}
} // namespace

class tst_DuplicatesTask : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void matchesFdupes_data();
    void matchesFdupes();
    void streamsEveryGroupWithoutAReader();
    void aFileChangedAfterTheWalkIsLeftOut();
    void readsAndWritesNothingElse();
    void cancelStopsTheSearch();
    void refusesBadParams_data();
    void refusesBadParams();

private:
    TaskSnapshot run(const QJsonObject &params);
    // A tree under `root`; the sizes of its regular files by inode, for the reclaimable bytes,
    // and the files made unreadable.
    QMap<Inode, qint64> makeTree(QRandomGenerator &rng, const QByteArray &root,
                                 std::set<Inode> *unreadable);

    quint32 m_seed = 0;
    QTemporaryDir m_dir;
    TaskManager m_manager;
};

void tst_DuplicatesTask::initTestCase()
{
    QVERIFY(ConduitTest::dropFileOverride()); // unreadable files must be unreadable to fdupes too
    QVERIFY(m_dir.isValid());
    const QByteArray seed = qgetenv("CONDUIT_DIFF_SEED");
    m_seed = seed.isEmpty() ? QRandomGenerator::system()->generate() : seed.toUInt();
    qInfo("seed %u (replay: CONDUIT_DIFF_SEED=%u)", m_seed, m_seed);
}

TaskSnapshot tst_DuplicatesTask::run(const QJsonObject &params)
{
    const quint64 id = m_manager.start(QStringLiteral("duplicates"), params);
    QDeadlineTimer deadline(60000);
    while (!isFinalState(m_manager.snapshot(id).state) && !deadline.hasExpired())
        QTest::qWait(5);
    return m_manager.snapshot(id); // a caller that finds it still running fails on its state
}

QMap<Inode, qint64> tst_DuplicatesTask::makeTree(QRandomGenerator &rng, const QByteArray &root,
                                                 std::set<Inode> *unreadable)
{
    QMap<Inode, qint64> sizes;
    QList<QByteArray> folders{root};
    for (int i = rng.bounded(1, 6); i > 0; --i) {
        const QByteArray folder = folders.at(rng.bounded(folders.size())) + "/d"
                                  + QByteArray::number(i) + (rng.bounded(3) == 0 ? " ünï" : "");
        if (::mkdir(folder.constData(), 0755) == 0)
            folders.append(folder);
    }
    // A few contents, several of the same size, so that size alone does not decide.
    QList<QByteArray> contents{QByteArray()};
    for (int i = rng.bounded(2, 8); i > 0; --i) {
        QByteArray content(rng.bounded(2) ? 64 : rng.bounded(1, 300000), Qt::Uninitialized);
        for (char &c : content)
            c = char(rng.bounded(256));
        contents.append(content);
        if (rng.bounded(2)) { // same size, one byte different at a random place
            content[rng.bounded(int(content.size()))] ^= 0x5a;
            contents.append(content);
        }
    }
    QList<QByteArray> files;
    for (int i = rng.bounded(4, 40); i > 0; --i) {
        const bool isUnreadable = rng.bounded(15) == 0;
        // Some names are not UTF-8 (Latin-1 bytes), or hold a backslash: the result escapes
        // them and says so. (Not the unreadable ones, which QDirIterator finds below by name.)
        const int odd = isUnreadable ? 0 : rng.bounded(6);
        const QByteArray path = folders.at(rng.bounded(folders.size())) + "/f"
                                + QByteArray::number(i) + (rng.bounded(4) == 0 ? " (copy).txt" : "")
                                + (odd == 1   ? "-caf\xe9"
                                   : odd == 2 ? "-a\\b"
                                              : "");
        const QByteArray &content = contents.at(rng.bounded(contents.size()));
        if (!writeRaw(path, content, isUnreadable ? 0 : 0644))
            continue;
        files.append(path);
        sizes.insert(*inodeOf(path), content.size());
        if (isUnreadable)
            unreadable->insert(*inodeOf(path));
    }
    for (int i = rng.bounded(4); i > 0 && !files.isEmpty(); --i) {
        const QByteArray &target = files.at(rng.bounded(files.size()));
        const QByteArray link = target + ".hard" + QByteArray::number(i);
        ::link(target.constData(), link.constData());
    }
    for (int i = rng.bounded(3); i > 0 && !files.isEmpty(); --i) {
        const QByteArray &target = files.at(rng.bounded(files.size()));
        const QByteArray link = target + ".sym" + QByteArray::number(i);
        ::symlink(target.constData(), link.constData());
    }
    if (rng.bounded(4) == 0)
        ::mkfifo((root + "/fifo").constData(), 0644);
    return sizes;
}

void tst_DuplicatesTask::matchesFdupes_data()
{
    QTest::addColumn<quint32>("seed");
    QTest::addColumn<qint64>("minSize");
    for (int i = 0; i < kTrees; ++i) {
        const qint64 minSize = i % 4 == 3 ? 65 : i % 4 == 2 ? 1 : 0;
        QTest::addRow("tree %d, minSize %lld", i, minSize) << m_seed + quint32(i) << minSize;
    }
}

void tst_DuplicatesTask::matchesFdupes()
{
    QFETCH(quint32, seed);
    QFETCH(qint64, minSize);
    QRandomGenerator rng(seed);
    const QByteArray root = QFile::encodeName(m_dir.filePath(QString::number(seed)));
    QVERIFY(::mkdir(root.constData(), 0755) == 0);
    std::set<Inode> unreadable;
    QMap<Inode, qint64> sizes = makeTree(rng, root, &unreadable);

    QJsonObject params{{QStringLiteral("root"), QFile::decodeName(root)}};
    if (minSize > 0)
        params.insert(QStringLiteral("minSize"), double(minSize));
    const TaskSnapshot snapshot = run(params);
    QCOMPARE(snapshot.state, TaskState::Completed);
    const QJsonObject result = snapshot.result.toObject();

    // An unreadable file is reported and otherwise as if it were not there. fdupes 2.2 is not
    // the oracle for it: it prints "cannot read file" and then matches none of the other files
    // of that size. So fdupes sees the tree without them (every name of them).
    std::set<Inode> skippedUnreadable;
    for (const QJsonValue &value : result.value(QStringLiteral("skipped")).toArray()) {
        const QJsonObject skipped = value.toObject();
        if (skipped.value(QStringLiteral("reason")).toString() == QLatin1String("unreadable"))
            skippedUnreadable.insert(*inodeOf(root + '/' + nameOf(skipped)));
    }
    // It is opened (and found unreadable) only if another file has its size, as fdupes does.
    for (const Inode &inode : unreadable) {
        const qint64 size = sizes.value(inode);
        const bool shared = size >= minSize && std::count(sizes.cbegin(), sizes.cend(), size) >= 2;
        QCOMPARE(skippedUnreadable.count(inode), size_t(shared ? 1 : 0));
    }
    QCOMPARE(skippedUnreadable.size(),
             std::count_if(unreadable.cbegin(), unreadable.cend(),
                           [&](const Inode &inode) { return skippedUnreadable.count(inode) > 0; }));
    QDirIterator names(QFile::decodeName(root), QDir::Files | QDir::System | QDir::Hidden,
                       QDirIterator::Subdirectories);
    while (names.hasNext()) {
        const QByteArray path = QFile::encodeName(names.next());
        if (const auto inode = inodeOf(path); inode && unreadable.count(*inode))
            QVERIFY(::unlink(path.constData()) == 0);
    }
    for (const Inode &inode : unreadable)
        sizes.remove(inode);
    QString why;
    const auto expected = fdupesGroups(QFile::decodeName(root), minSize, &why);
    QVERIFY2(expected, qPrintable(why));

    Groups actual;
    qint64 reclaimable = 0;
    qint64 duplicates = 0;
    for (const QJsonValue &value : result.value(QStringLiteral("groups")).toArray()) {
        const QJsonObject group = value.toObject();
        std::set<Inode> inodes;
        for (const QJsonValue &path : group.value(QStringLiteral("paths")).toArray()) {
            const auto inode = inodeOf(root + '/' + nameOf(path));
            QVERIFY2(inode, qPrintable(path["path"].toString()));
            inodes.insert(*inode);
        }
        QCOMPARE(qint64(inodes.size()),
                 qint64(group.value(QStringLiteral("paths")).toArray().size()));
        QCOMPARE(qint64(group.value(QStringLiteral("size")).toDouble()),
                 sizeOf(*inodes.begin(), sizes));
        actual.insert(inodes);
    }
    for (const auto &group : *expected) {
        duplicates += qint64(group.size()) - 1;
        reclaimable += sizeOf(*group.begin(), sizes) * (qint64(group.size()) - 1);
    }
    QCOMPARE(actual.size(), expected->size());
    QVERIFY2(actual == *expected, "the groups differ from fdupes -r");
    QCOMPARE(qint64(result.value(QStringLiteral("duplicates")).toDouble()), duplicates);
    QCOMPARE(qint64(result.value(QStringLiteral("reclaimableBytes")).toDouble()), reclaimable);
    // Every regular file is looked at once (the unreadable ones too).
    QCOMPARE(qint64(result.value(QStringLiteral("files")).toDouble()),
             qint64(sizes.size()) + qint64(unreadable.size()));
    for (const QJsonValue &value : result.value(QStringLiteral("skipped")).toArray()) {
        const QString reason = value.toObject().value(QStringLiteral("reason")).toString();
        QVERIFY2(QStringList({"symlink", "hard_link", "unreadable", "special"}).contains(reason),
                 qPrintable(reason));
    }
    m_manager.forget(snapshot.id);
}

void tst_DuplicatesTask::streamsEveryGroupWithoutAReader()
{
    // More groups than the output window (256), and nobody reads or acknowledges: the search
    // still completes, and the output holds every group of the result, in order.
    const QByteArray root = QFile::encodeName(m_dir.filePath(QStringLiteral("many")));
    QVERIFY(::mkdir(root.constData(), 0755) == 0);
    constexpr int kGroups = 600;
    for (int i = 0; i < kGroups; ++i) {
        const QByteArray content = "group " + QByteArray::number(i) + '\n';
        QVERIFY(writeRaw(root + "/a" + QByteArray::number(i), content));
        QVERIFY(writeRaw(root + "/b" + QByteArray::number(i), content));
    }
    const TaskSnapshot snapshot = run({{QStringLiteral("root"), QFile::decodeName(root)}});
    QCOMPARE(snapshot.state, TaskState::Completed);
    const QJsonArray groups = snapshot.result.toObject().value(QStringLiteral("groups")).toArray();
    QCOMPARE(groups.size(), kGroups);
    QCOMPARE(snapshot.outputSeq, qint64(kGroups));
    const QJsonArray items = m_manager.readOutput(snapshot.id, 0, kGroups + 1);
    QCOMPARE(items.size(), kGroups);
    for (int i = 0; i < kGroups; ++i) {
        QCOMPARE(items.at(i).toObject().value(QStringLiteral("seq")).toInteger(), i + 1);
        QCOMPARE(items.at(i).toObject().value(QStringLiteral("value")), groups.at(i));
    }
    // Largest first: "group 100\n" (10 bytes) before "group 99\n" (9 bytes).
    QVERIFY(groups.first().toObject().value(QStringLiteral("size")).toInteger()
            >= groups.last().toObject().value(QStringLiteral("size")).toInteger());
    QCOMPARE(snapshot.result.toObject().value(QStringLiteral("reclaimableBytes")).toInteger(),
             qint64(10 * 8 + 90 * 9 + 500 * 10));
    m_manager.forget(snapshot.id);
}

void tst_DuplicatesTask::aFileChangedAfterTheWalkIsLeftOut()
{
    // Two sparse 1 GiB files (zeros, no disk) are the first batch; the small files are hashed
    // only after it. The task is paused while the big ones hash, and the small ones change.
    const QByteArray root = QFile::encodeName(m_dir.filePath(QStringLiteral("changing")));
    QVERIFY(::mkdir(root.constData(), 0755) == 0);
    for (const char *name : {"/big1", "/big2"}) {
        QVERIFY(writeRaw(root + name, {}));
        QVERIFY(::truncate((root + name).constData(), qint64(1) << 30) == 0);
    }
    for (const char *name : {"/a", "/b", "/c", "/d"})
        QVERIFY(writeRaw(root + name, QByteArray(10, name[1]))); // all different, all 10 bytes
    QVERIFY(writeRaw(root + "/e", QByteArray(20, 'x')));
    QVERIFY(writeRaw(root + "/f", QByteArray(20, 'x')));

    const quint64 id
        = m_manager.start(QStringLiteral("duplicates"), {{"root", QFile::decodeName(root)}});
    QVERIFY(QTest::qWaitFor([&] { return m_manager.snapshot(id).done > 0; }, 30000));
    m_manager.pause(id);
    QTRY_COMPARE_WITH_TIMEOUT(m_manager.snapshot(id).state, TaskState::Paused, 30000);
    QVERIFY2(m_manager.snapshot(id).done < qint64(2) << 30, "the big files were hashed already");
    // b becomes a link to a, d a second name of c: each would now "match" its twin.
    QVERIFY(::unlink((root + "/b").constData()) == 0);
    QVERIFY(::symlink("a", (root + "/b").constData()) == 0);
    QVERIFY(::unlink((root + "/d").constData()) == 0);
    QVERIFY(::link((root + "/c").constData(), (root + "/d").constData()) == 0);
    // e and f are still equal, but no longer the size the walk found.
    QVERIFY(writeRaw(root + "/e", QByteArray(5, 'y')));
    QVERIFY(writeRaw(root + "/f", QByteArray(5, 'y')));
    m_manager.resume(id);
    QVERIFY(QTest::qWaitFor([&] { return isFinalState(m_manager.snapshot(id).state); }, 60000));

    const TaskSnapshot snapshot = m_manager.snapshot(id);
    QCOMPARE(snapshot.state, TaskState::Completed);
    const QJsonObject result = snapshot.result.toObject();
    const QJsonArray groups = result.value(QStringLiteral("groups")).toArray();
    QCOMPARE(groups.size(), 1); // only the big files
    QCOMPARE(groups.first()["paths"].toArray(),
             (QJsonArray{QJsonObject{{"path", "big1"}}, QJsonObject{{"path", "big2"}}}));
    QCOMPARE(result.value(QStringLiteral("reclaimableBytes")).toInteger(), qint64(1) << 30);
    QStringList changed;
    for (const QJsonValue &skipped : result.value(QStringLiteral("skipped")).toArray()) {
        QCOMPARE(skipped["reason"].toString(), QStringLiteral("changed"));
        QVERIFY(!skipped["message"].toString().isEmpty());
        changed << skipped["path"].toString();
    }
    changed.sort();
    QCOMPARE(changed, (QStringList{"b", "d", "e", "f"}));
    QVERIFY(snapshot.done <= snapshot.total);
    m_manager.forget(id);
}

void tst_DuplicatesTask::readsAndWritesNothingElse()
{
    const QByteArray root = QFile::encodeName(m_dir.filePath(QStringLiteral("untouched")));
    QVERIFY(::mkdir(root.constData(), 0755) == 0);
    QVERIFY(writeRaw(root + "/one", "same"));
    QVERIFY(writeRaw(root + "/two", "same"));
    const auto listing = [&] {
        QStringList entries;
        for (const QFileInfo &info : QDir(QFile::decodeName(root))
                                         .entryInfoList(QDir::AllEntries | QDir::Hidden
                                                        | QDir::System | QDir::NoDotAndDotDot))
            entries << info.fileName() + QLatin1Char(' ') + QString::number(info.size())
                           + QLatin1Char(' ') + info.lastModified().toString(Qt::ISODateWithMs);
        return entries;
    };
    const QStringList before = listing();
    const TaskSnapshot snapshot = run({{QStringLiteral("root"), QFile::decodeName(root)}});
    QCOMPARE(snapshot.state, TaskState::Completed);
    QCOMPARE(snapshot.result.toObject().value(QStringLiteral("groups")).toArray().size(), 1);
    QCOMPARE(listing(), before);
    m_manager.forget(snapshot.id);
}

void tst_DuplicatesTask::cancelStopsTheSearch()
{
    // Two big files of one size: hashing them takes long enough to cancel in the middle.
    const QByteArray root = QFile::encodeName(m_dir.filePath(QStringLiteral("big")));
    QVERIFY(::mkdir(root.constData(), 0755) == 0);
    const QByteArray block(1 << 20, 'x');
    for (const char *name : {"/one", "/two"}) {
        QFile file(QFile::decodeName(root + name));
        QVERIFY(file.open(QIODevice::WriteOnly));
        for (int i = 0; i < 512; ++i)
            QCOMPARE(file.write(block), block.size());
    }
    const quint64 id
        = m_manager.start(QStringLiteral("duplicates"),
                          QJsonObject{{QStringLiteral("root"), QFile::decodeName(root)}});
    QTRY_VERIFY_WITH_TIMEOUT(m_manager.snapshot(id).done > 0, 30000);
    QCOMPARE(m_manager.snapshot(id).total, qint64(2) << 29);
    m_manager.cancel(id);
    QTRY_COMPARE_WITH_TIMEOUT(m_manager.snapshot(id).state, TaskState::Cancelled, 30000);
    QVERIFY(m_manager.snapshot(id).done < m_manager.snapshot(id).total);
    QCOMPARE(m_manager.snapshot(id).outputSeq, 0);
    m_manager.forget(id);
}

void tst_DuplicatesTask::refusesBadParams_data()
{
    QTest::addColumn<QJsonObject>("params");
    QTest::addColumn<QString>("argument");
    const QString folder = m_dir.path();
    QTest::newRow("no root") << QJsonObject{} << "root";
    QTest::newRow("relative root") << QJsonObject{{"root", "relative/path"}} << "root";
    QTest::newRow("root is a file") << QJsonObject{{"root", "/etc/hostname"}} << "root";
    QTest::newRow("missing root") << QJsonObject{{"root", folder + "/nowhere"}} << "root";
    QTest::newRow("negative minSize")
        << QJsonObject{{"root", folder}, {"minSize", -1}} << "minSize";
    QTest::newRow("fractional minSize")
        << QJsonObject{{"root", folder}, {"minSize", 1.5}} << "minSize";
    QTest::newRow("text minSize") << QJsonObject{{"root", folder}, {"minSize", "1"}} << "minSize";
    QTest::newRow("unknown field") << QJsonObject{{"root", folder}, {"delete", true}} << "delete";
}

void tst_DuplicatesTask::refusesBadParams()
{
    QFETCH(QJsonObject, params);
    QFETCH(QString, argument);
    const qsizetype before = m_manager.list().size();
    try {
        m_manager.start(QStringLiteral("duplicates"), params);
        QFAIL("the params were accepted");
    } catch (const TaskError &error) {
        QCOMPARE(error.code(), QStringLiteral("invalid_args"));
        QCOMPARE(error.details().value(QStringLiteral("argument")).toString(), argument);
    }
    QCOMPARE(m_manager.list().size(), before);
}

QTEST_GUILESS_MAIN(tst_DuplicatesTask)
#include "tst_duplicatestask.moc"
