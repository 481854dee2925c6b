// The hash and verify kinds on a real tree (nested folders, empty files, spaces, non-ASCII
// names, a backslash and a newline in names, symlinks, one 200 MB file), checked by the real
// coreutils md5sum/sha1sum/sha256sum/sha512sum.
#include "ChecksumManifest.h"
#include "TaskManager.h"

#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Conduit;
using namespace std::chrono_literals;

namespace {
constexpr qint64 kBigFileSize = 200LL * 1024 * 1024;

void writeFile(const QString &path, const QByteArray &content)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    QVERIFY2(file.open(QIODevice::WriteOnly), qPrintable(path));
    QCOMPARE(file.write(content), content.size());
}

// 200 MB of a repeated 1 MiB pattern: quick to write, not trivially compressible per block.
void writeBigFile(const QString &path)
{
    QByteArray block(1024 * 1024, Qt::Uninitialized);
    for (qsizetype i = 0; i < block.size(); ++i)
        block[i] = char((i * 31 + i / 251) % 251);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    for (qint64 written = 0; written < kBigFileSize; written += block.size())
        QCOMPARE(file.write(block), block.size());
}

// Everything whose name starts with `prefix` in `folder` (a manifest and its temp files).
QStringList leftovers(const QString &folder, const QString &prefix)
{
    return QDir(folder).entryList({prefix + QLatin1Char('*')},
                                  QDir::Files | QDir::Hidden | QDir::System);
}
} // namespace

class tst_HashTask : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void manifestLines_data();
    void manifestLines();
    void manifestAcceptedByCoreutils_data();
    void manifestAcceptedByCoreutils();
    void throughputAgainstSha256sum();
    void emptyFolder();
    void pausedHashMakesNoProgress();
    void stoppedHashLeavesNoManifest_data();
    void stoppedHashLeavesNoManifest();
    void verify_data();
    void verify();
    void verifyRefusesMalformedManifest();

private:
    TaskSnapshot run(const QString &kind, const QJsonObject &params);

    QTemporaryDir m_dir;
    QTemporaryDir m_outside; // symlink targets outside the hashed tree
    QString m_root;
    QStringList m_expectedFiles; // relative paths the manifest must list, sorted
    qint64 m_expectedBytes = 0;
    std::unique_ptr<TaskManager> m_manager;
};

void tst_HashTask::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY(m_outside.isValid());
    m_root = m_dir.filePath(QStringLiteral("tree"));
    const QList<QPair<QString, QByteArray>> files{
        {"a.txt", "hello\n"},
        {"empty", ""},
        {".hidden", "dot file\n"},
        {"with space.txt", "spaces in the name\n"},
        {"Grüße/naïve café.txt", "non-ASCII letters\n"},
        {"Grüße/empty too", ""},
        {"nested/deeper/deepest/leaf.bin", QByteArray(70000, 'x')},
        {"back\\slash.txt", "a backslash in the name\n"},
        {"new\nline.txt", "a newline in the name\n"},
    };
    for (const auto &[name, content] : files) {
        writeFile(m_root + QLatin1Char('/') + name, content);
        m_expectedFiles.append(name);
        m_expectedBytes += content.size();
    }
    // Many small files, so several jobs share the work.
    for (int i = 0; i < 300; ++i) {
        const QString name
            = QStringLiteral("many/%1/file-%2.dat").arg(i % 7).arg(i, 3, 10, QLatin1Char('0'));
        const QByteArray content = QByteArray::number(i).repeated(100 + i);
        writeFile(m_root + QLatin1Char('/') + name, content);
        m_expectedFiles.append(name);
        m_expectedBytes += content.size();
    }
    QDir().mkpath(m_root + QStringLiteral("/big"));
    writeBigFile(m_root + QStringLiteral("/big/big.bin"));
    m_expectedFiles.append(QStringLiteral("big/big.bin"));
    m_expectedBytes += kBigFileSize;

    // A link to a file inside is hashed (under the link's name); links out of the tree are not.
    QVERIFY(QFile::link(m_root + QStringLiteral("/a.txt"), m_root + QStringLiteral("/link-to-a")));
    m_expectedFiles.append(QStringLiteral("link-to-a"));
    m_expectedBytes += 6;
    writeFile(m_outside.filePath(QStringLiteral("secret.txt")), "outside\n");
    writeFile(m_outside.filePath(QStringLiteral("dir/inner.txt")), "outside too\n");
    QVERIFY(QFile::link(m_outside.filePath(QStringLiteral("secret.txt")),
                        m_root + QStringLiteral("/link-out")));
    QVERIFY(QFile::link(m_outside.filePath(QStringLiteral("dir")),
                        m_root + QStringLiteral("/linked-dir-out")));

    std::sort(m_expectedFiles.begin(), m_expectedFiles.end(),
              [](const QString &a, const QString &b) { return a.toUtf8() < b.toUtf8(); });
}

void tst_HashTask::init()
{
    m_manager = std::make_unique<TaskManager>();
}

void tst_HashTask::cleanup()
{
    m_manager.reset();
    for (const QString &name : leftovers(m_root, QString()))
        if (name.endsWith(QLatin1String("SUMS")))
            QFile::remove(m_root + QLatin1Char('/') + name);
}

TaskSnapshot tst_HashTask::run(const QString &kind, const QJsonObject &params)
{
    const quint64 id = m_manager->start(kind, params);
    QElapsedTimer clock;
    clock.start();
    while (!isFinalState(m_manager->snapshot(id).state) && clock.elapsed() < 60000)
        QTest::qWait(10);
    return m_manager->snapshot(id);
}

void tst_HashTask::manifestLines_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("line");
    const QByteArray hex(64, 'a');
    QTest::newRow("plain") << "a/b.txt" << QByteArray(hex + "  a/b.txt\n");
    QTest::newRow("space") << "with space" << QByteArray(hex + "  with space\n");
    QTest::newRow("non-ASCII") << "Grüße/café" << QByteArray(hex + "  Grüße/café\n");
    QTest::newRow("backslash") << "a\\b" << QByteArray("\\" + hex + "  a\\\\b\n");
    QTest::newRow("newline") << "a\nb" << QByteArray("\\" + hex + "  a\\nb\n");
}

void tst_HashTask::manifestLines()
{
    QFETCH(QString, path);
    QFETCH(QByteArray, line);
    const QByteArray hex(64, 'a');
    QCOMPARE(ChecksumManifest::formatLine(hex, path), line);
    const auto parsed = ChecksumManifest::parseLine(line.chopped(1));
    QVERIFY(parsed);
    QCOMPARE(parsed->path, path);
    QCOMPARE(parsed->hex, hex);
    // The binary-mode and BSD forms read back too.
    QVERIFY(ChecksumManifest::parseLine(hex + " *x"));
    const auto bsd = ChecksumManifest::parseLine("SHA256 (x y) = " + hex);
    QVERIFY(bsd);
    QCOMPARE(bsd->path, QStringLiteral("x y"));
    QVERIFY(!ChecksumManifest::parseLine("not a checksum line"));
    QVERIFY(!ChecksumManifest::parseLine(hex.left(63) + "  odd length"));
}

void tst_HashTask::manifestAcceptedByCoreutils_data()
{
    QTest::addColumn<QString>("algorithm");
    QTest::addColumn<QString>("tool");
    QTest::addColumn<QString>("manifestName");
    QTest::newRow("md5") << "md5"
                         << "md5sum"
                         << "MD5SUMS";
    QTest::newRow("sha1") << "sha1"
                          << "sha1sum"
                          << "SHA1SUMS";
    QTest::newRow("sha256") << "sha256"
                            << "sha256sum"
                            << "SHA256SUMS";
    QTest::newRow("sha512") << "sha512"
                            << "sha512sum"
                            << "SHA512SUMS";
}

void tst_HashTask::manifestAcceptedByCoreutils()
{
    QFETCH(QString, algorithm);
    QFETCH(QString, tool);
    QFETCH(QString, manifestName);

    qint64 lastDone = -1;
    qint64 lastTotal = -2;
    connect(m_manager.get(), &TaskManager::progressChanged, this, [&](quint64, qint64 d, qint64 t) {
        lastDone = d;
        lastTotal = t;
    });
    QElapsedTimer clock;
    clock.start();
    const TaskSnapshot s
        = run(QStringLiteral("hash"), {{"root", m_root}, {"algorithm", algorithm}});
    const qint64 ms = clock.elapsed();
    QCOMPARE(s.state, TaskState::Completed);
    const QString manifest = m_root + QLatin1Char('/') + manifestName;
    const QJsonObject result = s.result.toObject();
    QCOMPARE(result.value("files").toInteger(), m_expectedFiles.size());
    QCOMPARE(result.value("bytes").toInteger(), m_expectedBytes);
    QCOMPARE(result.value("manifest").toString(), manifest);
    QCOMPARE(lastDone, m_expectedBytes); // final progress delivered
    QCOMPARE(lastTotal, m_expectedBytes);
    QCOMPARE(leftovers(m_root, manifestName), QStringList{manifestName}); // no temp file left

    // Listed in byte order, relative, with `/`; escaped names read back to the real ones.
    QFile file(manifest);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QStringList listed;
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (line.isEmpty())
            continue;
        const auto parsed = ChecksumManifest::parseLine(line);
        QVERIFY2(parsed, line.constData());
        listed.append(parsed->path);
    }
    QCOMPARE(listed, m_expectedFiles);

    QElapsedTimer toolClock;
    toolClock.start();
    QProcess check;
    check.setWorkingDirectory(m_root);
    check.start(tool, {QStringLiteral("-c"), manifestName});
    QVERIFY(check.waitForFinished(60000));
    const qint64 toolMs = toolClock.elapsed();
    const QByteArray output = check.readAllStandardOutput();
    QVERIFY2(check.exitStatus() == QProcess::NormalExit && check.exitCode() == 0,
             (output + check.readAllStandardError()).constData());
    const QList<QByteArray> lines = output.trimmed().split('\n');
    QCOMPARE(lines.size(), m_expectedFiles.size());
    for (const QByteArray &line : lines)
        QVERIFY2(line.endsWith(": OK"), line.constData());
    qInfo("%s: hash task %lld ms for %lld files / %lld bytes; `%s -c` %lld ms",
          qPrintable(algorithm), ms, qint64(m_expectedFiles.size()), m_expectedBytes,
          qPrintable(tool), toolMs);
}

void tst_HashTask::throughputAgainstSha256sum()
{
    const QString folder = m_root + QStringLiteral("/big");
    QElapsedTimer clock;
    clock.start();
    const TaskSnapshot s = run(QStringLiteral("hash"),
                               {{"root", folder}, {"manifest", m_dir.filePath("big.SHA256SUMS")}});
    const qint64 ours = clock.elapsed();
    QCOMPARE(s.state, TaskState::Completed);

    clock.restart();
    QProcess tool;
    tool.setWorkingDirectory(folder);
    tool.start(QStringLiteral("sha256sum"), {QStringLiteral("big.bin")});
    QVERIFY(tool.waitForFinished(60000));
    const qint64 theirs = clock.elapsed();
    QCOMPARE(tool.exitCode(), 0);

    QFile manifest(m_dir.filePath("big.SHA256SUMS"));
    QVERIFY(manifest.open(QIODevice::ReadOnly));
    QCOMPARE(manifest.readAll(), tool.readAllStandardOutput()); // byte for byte the same line
    const double mb = kBigFileSize / 1e6;
    qInfo("200 MB sha256: hash task %lld ms (%.0f MB/s), sha256sum %lld ms (%.0f MB/s)", ours,
          mb / (ours / 1000.0), theirs, mb / (theirs / 1000.0));
}

void tst_HashTask::emptyFolder()
{
    QTemporaryDir dir;
    const TaskSnapshot s
        = run(QStringLiteral("hash"), {{"root", dir.path()}, {"algorithm", "md5"}});
    QCOMPARE(s.state, TaskState::Completed);
    QCOMPARE(s.result.toObject().value("files").toInt(), 0);
    QCOMPARE(s.total, 0);
    QCOMPARE(QFileInfo(dir.filePath("MD5SUMS")).size(), 0);
    const TaskSnapshot v = run(QStringLiteral("verify"), {{"manifest", dir.filePath("MD5SUMS")}});
    QCOMPARE(v.state, TaskState::Completed);
    QCOMPARE(v.result.toObject().value("ok").toBool(), true);
    QCOMPARE(v.result.toObject().value("checked").toInt(), 0);
}

void tst_HashTask::pausedHashMakesNoProgress()
{
    const quint64 id
        = m_manager->start(QStringLiteral("hash"), {{"root", m_root}, {"algorithm", "sha512"}});
    QTRY_VERIFY(m_manager->snapshot(id).done > 0);
    m_manager->pause(id);
    QTest::qWait(60); // at most one more 1 MiB block per job
    const qint64 before = m_manager->snapshot(id).done;
    QTest::qWait(300);
    QCOMPARE(m_manager->snapshot(id).done, before);
    QVERIFY(before < m_expectedBytes);
    m_manager->resume(id);
    QTRY_VERIFY_WITH_TIMEOUT(isFinalState(m_manager->snapshot(id).state), 60000);
    QCOMPARE(m_manager->snapshot(id).state, TaskState::Completed);
    QCOMPARE(m_manager->snapshot(id).done, m_expectedBytes);
}

void tst_HashTask::stoppedHashLeavesNoManifest_data()
{
    QTest::addColumn<QString>("how");
    QTest::newRow("cancel") << "cancel";
    QTest::newRow("cancel while paused") << "paused";
    QTest::newRow("timeout") << "timeout";
    QTest::newRow("shutdown") << "shutdown";
}

void tst_HashTask::stoppedHashLeavesNoManifest()
{
    QFETCH(QString, how);
    TaskOptions options;
    if (how == QLatin1String("timeout"))
        options.timeout = 150ms;
    const quint64 id = m_manager->start(QStringLiteral("hash"), {{"root", m_root}}, options);
    if (how == QLatin1String("timeout")) {
        // Hashing 200 MB takes ~0.15 s here: hold it so the deadline, not the end, comes first.
        QCOMPARE(m_manager->snapshot(id).state, TaskState::Running);
        m_manager->pause(id);
    }
    QTRY_VERIFY(m_manager->snapshot(id).done > 0 || how == QLatin1String("timeout"));
    if (how == QLatin1String("cancel")) {
        m_manager->cancel(id);
    } else if (how == QLatin1String("paused")) {
        m_manager->pause(id);
        m_manager->cancel(id);
    } else if (how == QLatin1String("shutdown")) {
        QVERIFY(m_manager->shutdown(2s));
    }
    QTRY_VERIFY_WITH_TIMEOUT(isFinalState(m_manager->snapshot(id).state), 10000);
    QCOMPARE(m_manager->snapshot(id).state,
             how == QLatin1String("timeout") ? TaskState::TimedOut : TaskState::Cancelled);
    // A deadline may fire after the last byte but before the manifest is committed; either way
    // nothing may be left behind.
    if (how != QLatin1String("timeout"))
        QVERIFY(m_manager->snapshot(id).done < m_expectedBytes);
    QTest::qWait(50);
    QCOMPARE(leftovers(m_root, QStringLiteral("SHA256SUMS")), QStringList());
}

void tst_HashTask::verify_data()
{
    QTest::addColumn<QStringList>("tamper");
    QTest::addColumn<QStringList>("remove");
    QTest::newRow("intact") << QStringList() << QStringList();
    QTest::newRow("tampered") << QStringList{"sub/two.txt"} << QStringList();
    QTest::newRow("deleted") << QStringList() << QStringList{"naïve café.txt"};
    QTest::newRow("both") << QStringList{"one.txt"} << QStringList{"sub/two.txt"};
    QTest::newRow("escaped name tampered") << QStringList{"back\\slash"} << QStringList();
}

void tst_HashTask::verify()
{
    QFETCH(QStringList, tamper);
    QFETCH(QStringList, remove);
    QTemporaryDir dir;
    const QStringList names{"one.txt", "sub/two.txt", "naïve café.txt", "back\\slash", "empty"};
    for (const QString &name : names)
        writeFile(dir.filePath(name),
                  name == QLatin1String("empty") ? QByteArray() : name.toUtf8());
    const TaskSnapshot hashed
        = run(QStringLiteral("hash"), {{"root", dir.path()}, {"algorithm", "sha1"}});
    QCOMPARE(hashed.state, TaskState::Completed);

    for (const QString &name : tamper)
        writeFile(dir.filePath(name), "changed");
    for (const QString &name : remove)
        QVERIFY(QFile::remove(dir.filePath(name)));

    const TaskSnapshot s = run(QStringLiteral("verify"), {{"manifest", dir.filePath("SHA1SUMS")}});
    QCOMPARE(s.state, TaskState::Completed);
    const QJsonObject result = s.result.toObject();
    QCOMPARE(result.value("ok").toBool(), tamper.isEmpty() && remove.isEmpty());
    QCOMPARE(result.value("checked").toInt(), names.size());
    QCOMPARE(result.value("mismatched").toArray(), QJsonArray::fromStringList(tamper));
    QCOMPARE(result.value("missing").toArray(), QJsonArray::fromStringList(remove));
    QCOMPARE(s.unit, QStringLiteral("bytes"));
    QCOMPARE(s.done, s.total);
}

void tst_HashTask::verifyRefusesMalformedManifest()
{
    QTemporaryDir dir;
    writeFile(dir.filePath("x.txt"), "x");
    writeFile(dir.filePath("SHA256SUMS"), QByteArray(64, 'a') + "  x.txt\nthis is not a line\n");
    const TaskSnapshot s
        = run(QStringLiteral("verify"), {{"manifest", dir.filePath("SHA256SUMS")}});
    QCOMPARE(s.state, TaskState::Failed);
    QVERIFY(s.error);
    QCOMPARE(s.error->code(), QStringLiteral("io_error"));
    QVERIFY2(s.error->message().contains(QLatin1String("line 2")), qPrintable(s.error->message()));
}

QTEST_GUILESS_MAIN(tst_HashTask)
#include "tst_hashtask.moc"
