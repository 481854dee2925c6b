// SPDX-License-Identifier: MIT
// The hash and verify kinds on a real tree (nested folders, empty files, spaces, non-ASCII
// names, a backslash and a newline in names, symlinks, one 200 MB file), checked by the real
// coreutils md5sum/sha1sum/sha256sum/sha512sum; the policy for special, unreadable and linked
// files; verify against a root elsewhere. tst_coreutilsdiff compares many generated trees and
// manifests with coreutils line by line.
#include "TestPrivileges.h"
#include <worker/ChecksumManifest.h>
#include <worker/TaskManager.h>

#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <cstring>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

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

// QTemporaryDir removes by QString paths, which cannot name files that are not UTF-8.
void removeTree(const QString &path)
{
    QProcess rm;
    rm.start(QStringLiteral("rm"), {QStringLiteral("-rf"), QStringLiteral("--"), path});
    QVERIFY(rm.waitForFinished(30000));
    QCOMPARE(rm.exitCode(), 0);
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
    void exitWhileHashingThreadsWindDown();
    void pausedHashMakesNoProgress();
    void stoppedHashLeavesNoManifest_data();
    void stoppedHashLeavesNoManifest();
    void verify_data();
    void verify();
    void verifyReportsMalformedLines();
    void hostileNames();
    void specialFilesAreSkippedAndReported();
    void verifyNeverOpensSpecialFiles();
    void verifyAgainstRootElsewhere();
    void verifyRefusesBadRoot_data();
    void verifyRefusesBadRoot();

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
    QVERIFY(ConduitTest::dropFileOverride());
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
    QTest::addColumn<QByteArray>("name");
    QTest::addColumn<QByteArray>("line");
    const QByteArray hex(64, 'a');
    QTest::newRow("plain") << QByteArray("a/b.txt") << QByteArray(hex + "  a/b.txt\n");
    QTest::newRow("space") << QByteArray(" with space ") << QByteArray(hex + "   with space \n");
    QTest::newRow("non-ASCII") << QByteArray("Grüße/café") << QByteArray(hex + "  Grüße/café\n");
    QTest::newRow("not UTF-8") << QByteArray("bad\xff\xfe") << QByteArray(hex + "  bad\xff\xfe\n");
    QTest::newRow("backslash") << QByteArray("a\\b") << QByteArray("\\" + hex + "  a\\\\b\n");
    QTest::newRow("newline") << QByteArray("a\nb") << QByteArray("\\" + hex + "  a\\nb\n");
    QTest::newRow("carriage return")
        << QByteArray("a\rb\r") << QByteArray("\\" + hex + "  a\\rb\\r\n");
}

void tst_HashTask::manifestLines()
{
    QFETCH(QByteArray, name);
    QFETCH(QByteArray, line);
    const QByteArray hex(64, 'a');
    QCOMPARE(ChecksumManifest::formatLine(hex, name), line);
    ChecksumManifest reader(QCryptographicHash::Sha256);
    ChecksumManifest::Line parsed;
    QCOMPARE(reader.read(line.chopped(1), &parsed), ChecksumManifest::Kind::Checksum);
    QCOMPARE(parsed.name, name);
    QCOMPARE(parsed.hex, hex);
    // The binary-mode and tagged forms read back too; other lengths and junk do not.
    QCOMPARE(reader.read(hex + " *x", &parsed), ChecksumManifest::Kind::Checksum);
    QCOMPARE(parsed.name, QByteArray("x"));
    QCOMPARE(reader.read("SHA256 (x y) = " + hex.toUpper(), &parsed),
             ChecksumManifest::Kind::Checksum);
    QCOMPARE(parsed.name, QByteArray("x y"));
    QCOMPARE(parsed.hex, hex);
    QCOMPARE(reader.read("not a checksum line", nullptr), ChecksumManifest::Kind::Malformed);
    QCOMPARE(reader.read(hex.left(63) + "  odd length", nullptr),
             ChecksumManifest::Kind::Malformed);
    QCOMPARE(reader.read("SHA1 (x) = " + hex, nullptr), ChecksumManifest::Kind::Malformed);
    QCOMPARE(reader.read("# a comment", nullptr), ChecksumManifest::Kind::Blank);
    QCOMPARE(reader.read("\r", nullptr), ChecksumManifest::Kind::Blank);
    // Names that are not UTF-8 are shown escaped, losslessly.
    bool escaped = true;
    QCOMPARE(ChecksumManifest::displayName("Grüße\\x", &escaped), QStringLiteral("Grüße\\x"));
    QVERIFY(!escaped);
    QCOMPARE(ChecksumManifest::displayName("a\\\xff\xc3\xa9\xed\xa0\x80", &escaped),
             QStringLiteral("a\\\\\\xffé\\xed\\xa0\\x80"));
    QVERIFY(escaped);
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
    ChecksumManifest reader(*ChecksumManifest::algorithmFromName(algorithm));
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (line.isEmpty())
            continue;
        ChecksumManifest::Line parsed;
        QVERIFY2(reader.read(line, &parsed) == ChecksumManifest::Kind::Checksum, line.constData());
        listed.append(QString::fromUtf8(parsed.name));
    }
    QCOMPARE(listed, m_expectedFiles);
    // The links that are not followed are reported, with the reason.
    const QJsonArray skipped{
        QJsonObject{{"path", "link-out"},
                    {"reason", "link_outside_root"},
                    {"message", QFileInfo(m_outside.filePath("secret.txt")).canonicalFilePath()}},
        QJsonObject{{"path", "linked-dir-out"}, {"reason", "link_to_folder"}}};
    QCOMPARE(result.value("skipped").toArray(), skipped);

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

void tst_HashTask::exitWhileHashingThreadsWindDown()
{
    // A process whose pool threads have hashed may exit before their exit handlers have run;
    // libcrypto must not free its state at exit under them (see hash_then_exit.cpp).
    const QString file = m_dir.filePath(QStringLiteral("exit.bin"));
    writeFile(file, QByteArray(256 * 1024, 'e'));
    QProcess child;
    child.start(QStringLiteral(CONDUIT_HASH_THEN_EXIT), {file});
    QVERIFY(child.waitForFinished(30000));
    QCOMPARE(child.exitStatus(), QProcess::NormalExit);
    QCOMPARE(child.exitCode(), 0);
}

void tst_HashTask::pausedHashMakesNoProgress()
{
    const quint64 id
        = m_manager->start(QStringLiteral("hash"), {{"root", m_root}, {"algorithm", "sha512"}});
    QTRY_VERIFY(m_manager->snapshot(id).done > 0);
    m_manager->pause(id);
    const qint64 atPause = m_manager->snapshot(id).done;
    const qint64 oneBlockPerThread = qint64(QThread::idealThreadCount()) * (1 << 20);
    QTest::qWait(1000);
    // Each job finishes the 1 MiB block it was reading when the pause came, then waits, however
    // long a loaded machine takes to get there: nothing beyond one block per pool thread.
    const qint64 before = m_manager->snapshot(id).done;
    QVERIFY2(before - atPause <= oneBlockPerThread,
             qPrintable(QStringLiteral("%1 bytes after the pause").arg(before - atPause)));
    QTest::qWait(300);
    QVERIFY(m_manager->snapshot(id).done - atPause <= oneBlockPerThread);
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

void tst_HashTask::verifyReportsMalformedLines()
{
    // Like `sha256sum -c`: a malformed line is reported and passed over; it fails the verdict
    // only if no line at all is a checksum line.
    QTemporaryDir dir;
    writeFile(dir.filePath("x.txt"), "x");
    const QByteArray hex = QCryptographicHash::hash("x", QCryptographicHash::Sha256).toHex();
    writeFile(dir.filePath("SHA256SUMS"), hex + "  x.txt\nthis is not a line\n# comment\n\n");
    TaskSnapshot s = run(QStringLiteral("verify"), {{"manifest", dir.filePath("SHA256SUMS")}});
    QCOMPARE(s.state, TaskState::Completed);
    QJsonObject result = s.result.toObject();
    QCOMPARE(result.value("ok").toBool(), true);
    QCOMPARE(result.value("checked").toInt(), 1);
    QCOMPARE(result.value("passed").toInt(), 1);
    QCOMPARE(result.value("problems").toArray(),
             (QJsonArray{QJsonObject{{"line", 2}, {"verdict", "malformed"}}}));

    writeFile(dir.filePath("SHA256SUMS"), "this is not a line\n");
    s = run(QStringLiteral("verify"), {{"manifest", dir.filePath("SHA256SUMS")}});
    QCOMPARE(s.state, TaskState::Completed);
    result = s.result.toObject();
    QCOMPARE(result.value("ok").toBool(), false);
    QCOMPARE(result.value("checked").toInt(), 0);
}

// Names coreutils must take byte for byte: every byte value a name may hold, names that are not
// UTF-8, a carriage return, leading and trailing spaces, a 255-byte name and a deep path.
void tst_HashTask::hostileNames()
{
    QTemporaryDir dir;
    const QByteArray root = QFile::encodeName(dir.path());
    QList<QByteArray> names;
    for (int byte = 1; byte < 256; ++byte) {
        if (byte != '/' && byte != '.')
            names.append("b-" + QByteArray(1, char(byte)));
    }
    names << "\xff\xfe not UTF-8"
          << "\xc3"
          << "\xed\xa0\x80 surrogate"
          << "cr\r"
          << "\r\n\\"
          << " leading"
          << "trailing "
          << "  " << QByteArray(255, 'L') << QByteArray("deep/").repeated(60) + "leaf"
          << "Grüße";
    for (const QByteArray &name : names) {
        const QByteArray path = root + '/' + name;
        const qsizetype slash = path.lastIndexOf('/');
        QVERIFY(QDir().mkpath(QFile::decodeName(path.left(slash))));
        const int fd = ::open(path.constData(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        QVERIFY2(fd >= 0, name.toHex().constData());
        QCOMPARE(::write(fd, name.constData(), size_t(name.size())), ssize_t(name.size()));
        ::close(fd);
    }
    const TaskSnapshot s = run(QStringLiteral("hash"), {{"root", dir.path()}});
    QCOMPARE(s.state, TaskState::Completed);
    QCOMPARE(s.result.toObject().value("files").toInt(), names.size());
    QCOMPARE(s.result.toObject().value("skipped").toArray(), QJsonArray());

    // Byte for byte what sha256sum writes for the same names in the same (C locale) order.
    std::sort(names.begin(), names.end());
    QFile list(m_dir.filePath("names.lst"));
    QVERIFY(list.open(QIODevice::WriteOnly));
    list.write(names.join('\0'));
    list.close();
    QProcess tool;
    tool.setWorkingDirectory(dir.path());
    tool.start(QStringLiteral("xargs"), {"-0", "-a", list.fileName(), "sha256sum", "--"});
    QVERIFY(tool.waitForFinished(30000));
    QCOMPARE(tool.exitCode(), 0);
    QFile manifest(dir.filePath("SHA256SUMS"));
    QVERIFY(manifest.open(QIODevice::ReadOnly));
    QCOMPARE(manifest.readAll(), tool.readAllStandardOutput());

    QProcess check;
    check.setWorkingDirectory(dir.path());
    check.start(QStringLiteral("sha256sum"), {"-c", "--quiet", "SHA256SUMS"});
    QVERIFY(check.waitForFinished(30000));
    QCOMPARE(check.exitCode(), 0);

    const TaskSnapshot v
        = run(QStringLiteral("verify"), {{"manifest", dir.filePath("SHA256SUMS")}});
    QCOMPARE(v.state, TaskState::Completed);
    QCOMPARE(v.result.toObject().value("ok").toBool(), true);
    QCOMPARE(v.result.toObject().value("passed").toInt(), names.size());

    // A changed file with a name that is not UTF-8 is reported in the escaped display form.
    const int fd = ::open(root + "/\xff\xfe not UTF-8", O_WRONLY | O_TRUNC);
    QVERIFY(fd >= 0);
    QCOMPARE(::write(fd, "changed", 7), ssize_t(7));
    ::close(fd);
    const TaskSnapshot w
        = run(QStringLiteral("verify"), {{"manifest", dir.filePath("SHA256SUMS")}});
    const QJsonObject result = w.result.toObject();
    QCOMPARE(result.value("ok").toBool(), false);
    QCOMPARE(result.value("mismatched").toArray(), QJsonArray{"\\xff\\xfe not UTF-8"});
    const QJsonObject problem = result.value("problems").toArray().at(0).toObject();
    QCOMPARE(problem.value("verdict").toString(), QStringLiteral("failed"));
    QCOMPARE(problem.value("escaped").toBool(), true);
    removeTree(dir.path());
}

void tst_HashTask::specialFilesAreSkippedAndReported()
{
    QTemporaryDir dir;
    const QByteArray root = QFile::encodeName(dir.path());
    writeFile(dir.filePath("plain.txt"), "plain\n");
    QCOMPARE(::mkfifo(root + "/fifo", 0644), 0); // no writer: opening it would block
    const int sock = ::socket(AF_UNIX, SOCK_STREAM, 0);
    QVERIFY(sock >= 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    const QByteArray socketPath = root + "/socket";
    QVERIFY(size_t(socketPath.size()) < sizeof(address.sun_path));
    std::memcpy(address.sun_path, socketPath.constData(), size_t(socketPath.size()));
    QCOMPARE(::bind(sock, reinterpret_cast<sockaddr *>(&address), sizeof(address)), 0);
    writeFile(dir.filePath("unreadable.txt"), "secret\n");
    QCOMPARE(::chmod(root + "/unreadable.txt", 0), 0);
    QVERIFY(QDir().mkpath(dir.filePath("locked")));
    writeFile(dir.filePath("locked/inner.txt"), "inner\n");
    QCOMPARE(::chmod(root + "/locked", 0), 0);
    QVERIFY(!QFile(dir.filePath("unreadable.txt")).open(QIODevice::ReadOnly)); // even as root
    QVERIFY(QFile::link(dir.filePath("gone"), dir.filePath("dangling")));
    QVERIFY(QFile::link(dir.filePath("fifo"), dir.filePath("link-to-fifo")));
    QVERIFY(QFile::link(QStringLiteral("/dev/null"), dir.filePath("link-to-device")));

    QElapsedTimer clock;
    clock.start();
    const TaskSnapshot s = run(QStringLiteral("hash"), {{"root", dir.path()}});
    QVERIFY(clock.elapsed() < 10000);
    ::close(sock);
    QCOMPARE(s.state, TaskState::Completed);
    const QJsonObject result = s.result.toObject();
    QCOMPARE(result.value("files").toInt(), 1);
    const auto errorText = [](int error) {
        return QString::fromLocal8Bit(std::strerror(error));
    };
    const QJsonArray expected{
        QJsonObject{
            {"path", "dangling"}, {"reason", "broken_link"}, {"message", errorText(ENOENT)}},
        QJsonObject{{"path", "fifo"}, {"reason", "special"}, {"message", "FIFO"}},
        QJsonObject{
            {"path", "link-to-device"}, {"reason", "link_outside_root"}, {"message", "/dev/null"}},
        QJsonObject{{"path", "link-to-fifo"}, {"reason", "special"}, {"message", "FIFO"}},
        QJsonObject{{"path", "locked"}, {"reason", "unreadable"}, {"message", errorText(EACCES)}},
        QJsonObject{{"path", "socket"}, {"reason", "special"}, {"message", "socket"}},
        QJsonObject{
            {"path", "unreadable.txt"}, {"reason", "unreadable"}, {"message", errorText(EACCES)}},
    };
    QCOMPARE(result.value("skipped").toArray(), expected);
    QFile manifest(dir.filePath("SHA256SUMS"));
    QVERIFY(manifest.open(QIODevice::ReadOnly));
    QCOMPARE(manifest.readAll(),
             QCryptographicHash::hash("plain\n", QCryptographicHash::Sha256).toHex()
                 + "  plain.txt\n");

    // Hashing again: the manifest from the first run is in root and is reported, not hashed.
    const TaskSnapshot again = run(QStringLiteral("hash"), {{"root", dir.path()}});
    QCOMPARE(again.result.toObject().value("files").toInt(), 1);
    QVERIFY(again.result.toObject().value("skipped").toArray().contains(
        QJsonObject{{"path", "SHA256SUMS"}, {"reason", "manifest"}}));
    QCOMPARE(::chmod(root + "/locked", 0755), 0); // so QTemporaryDir can remove it

    // A root that cannot be listed at all fails the task, and writes nothing.
    QCOMPARE(::chmod(root, 0300), 0);
    const TaskSnapshot locked
        = run(QStringLiteral("hash"),
              {{"root", dir.path()}, {"manifest", m_dir.filePath("locked.sums")}});
    QCOMPARE(::chmod(root, 0700), 0);
    QCOMPARE(locked.state, TaskState::Failed);
    QCOMPARE(locked.error->code(), QStringLiteral("io_error"));
    QVERIFY(!QFile::exists(m_dir.filePath("locked.sums")));
}

void tst_HashTask::verifyNeverOpensSpecialFiles()
{
    QTemporaryDir dir;
    const QByteArray root = QFile::encodeName(dir.path());
    QCOMPARE(::mkfifo(root + "/fifo", 0644), 0);
    writeFile(dir.filePath("unreadable.txt"), "secret\n");
    QCOMPARE(::chmod(root + "/unreadable.txt", 0), 0);
    QVERIFY(QDir().mkpath(dir.filePath("folder")));
    const QByteArray hex(64, '0');
    writeFile(dir.filePath("SHA256SUMS"), hex + "  fifo\n" + hex + "  unreadable.txt\n" + hex
                                              + "  folder\n" + hex + "  /etc/hostname\n" + hex
                                              + "  ../x\n");
    QElapsedTimer clock;
    clock.start();
    const TaskSnapshot s
        = run(QStringLiteral("verify"), {{"manifest", dir.filePath("SHA256SUMS")}});
    QVERIFY(clock.elapsed() < 10000);
    QCOMPARE(s.state, TaskState::Completed);
    const QJsonObject result = s.result.toObject();
    QCOMPARE(result.value("ok").toBool(), false);
    QStringList verdicts;
    for (const QJsonValue &problem : result.value("problems").toArray())
        verdicts.append(problem["verdict"].toString());
    QCOMPARE(verdicts,
             (QStringList{"special", "unreadable", "unreadable", "outside_root", "outside_root"}));
}

void tst_HashTask::verifyAgainstRootElsewhere()
{
    // The manifest saved outside the hashed folder: verify needs the root it was written for.
    QTemporaryDir dir;
    writeFile(dir.filePath("tree/a.txt"), "a");
    writeFile(dir.filePath("tree/sub/b.txt"), "b");
    const QString manifest = dir.filePath("elsewhere/tree.sha512");
    QVERIFY(QDir().mkpath(dir.filePath("elsewhere")));
    const TaskSnapshot h
        = run(QStringLiteral("hash"),
              {{"root", dir.filePath("tree")}, {"algorithm", "sha512"}, {"manifest", manifest}});
    QCOMPARE(h.state, TaskState::Completed);

    const TaskSnapshot withRoot
        = run(QStringLiteral("verify"), {{"manifest", manifest}, {"root", dir.filePath("tree")}});
    QCOMPARE(withRoot.state, TaskState::Completed);
    QCOMPARE(withRoot.result.toObject().value("ok").toBool(), true);
    QCOMPARE(withRoot.result.toObject().value("passed").toInt(), 2);

    // Without it the paths resolve against the manifest's folder, where they are not.
    const TaskSnapshot without = run(QStringLiteral("verify"), {{"manifest", manifest}});
    QCOMPARE(without.state, TaskState::Completed);
    QCOMPARE(without.result.toObject().value("ok").toBool(), false);
    QCOMPARE(without.result.toObject().value("missing").toArray(),
             (QJsonArray{"a.txt", "sub/b.txt"}));
}

void tst_HashTask::verifyRefusesBadRoot_data()
{
    QTest::addColumn<QJsonValue>("root");
    QTest::newRow("relative") << QJsonValue("tree");
    QTest::newRow("missing") << QJsonValue("/no/such/folder");
    QTest::newRow("a file") << QJsonValue("/etc/hostname");
    QTest::newRow("not a string") << QJsonValue(3);
    QTest::newRow("empty") << QJsonValue("");
}

void tst_HashTask::verifyRefusesBadRoot()
{
    QFETCH(QJsonValue, root);
    QTemporaryDir dir;
    writeFile(dir.filePath("SHA256SUMS"), "");
    try {
        m_manager->start(QStringLiteral("verify"),
                         {{"manifest", dir.filePath("SHA256SUMS")}, {"root", root}});
        QFAIL("start() accepted a bad root");
    } catch (const TaskError &error) {
        QCOMPARE(error.code(), QStringLiteral("invalid_args"));
        QCOMPARE(error.details().value(QStringLiteral("argument")).toString(),
                 QStringLiteral("root"));
    }
}

QTEST_GUILESS_MAIN(tst_HashTask)
#include "tst_hashtask.moc"
