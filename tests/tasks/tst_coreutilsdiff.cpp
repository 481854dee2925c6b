// SPDX-License-Identifier: MIT
// Differential suite: Conduit's hash and verify against the real md5sum, sha1sum, sha256sum and
// sha512sum (coreutils 9.1) on generated trees with hostile names (any byte a name may hold,
// names that are not UTF-8, carriage returns, newlines, backslashes, leading and trailing
// spaces, 255-byte names, deep paths) and generated manifests (every form `-c` reads, and
// malformed lines). Seeded and reproducible: the seed is printed; CONDUIT_DIFF_SEED=<n> replays.
// Compared: the manifest byte for byte, each manifest line's verdict and the overall one. The
// deliberate differences (docs/API.md, "hash and verify against coreutils") are asserted, not
// skipped: links out of root and paths leaving root are refused; FIFOs are never opened; an
// empty manifest verifies.
#include "RawFile.h"
#include "TestPrivileges.h"
#include <worker/ChecksumManifest.h>
#include <worker/TaskManager.h>

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace Conduit;
using ConduitTest::writeRaw;

namespace {
constexpr int kTreesPerAlgorithm = 6;
constexpr int kManifestsPerAlgorithm = 120;

const QCryptographicHash::Algorithm kAlgorithms[]
    = {QCryptographicHash::Md5, QCryptographicHash::Sha1, QCryptographicHash::Sha256,
       QCryptographicHash::Sha512};

QString toolFor(QCryptographicHash::Algorithm algorithm)
{
    return ChecksumManifest::algorithmName(algorithm) + QStringLiteral("sum");
}

QByteArray tagFor(QCryptographicHash::Algorithm algorithm)
{
    return ChecksumManifest::algorithmName(algorithm).toUpper().toLatin1();
}

QByteArray escaped(const QByteArray &name)
{
    QByteArray out;
    for (char c : name) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else if (c == '\r')
            out += "\\r";
        else
            out += c;
    }
    return out;
}

struct ToolRun
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

ToolRun runTool(const QString &program, const QStringList &args, const QString &cwd)
{
    QProcess process;
    process.setWorkingDirectory(cwd);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("LC_ALL"), QStringLiteral("C"));
    process.setProcessEnvironment(env);
    process.start(program, args);
    if (!process.waitForFinished(30000)) {
        process.kill();
        process.waitForFinished();
        return {};
    }
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            process.readAllStandardOutput(), process.readAllStandardError()};
}

// A generated tree: what Conduit must hash, and what it must skip and why.
struct Tree
{
    QByteArray root;         // absolute
    QList<QByteArray> files; // regular and readable, or links to such inside root
    QList<QByteArray> folders;
    QMap<QByteArray, QString> skipped;    // path → reason
    QByteArray unreadable;                // one file that cannot be read, if any
    QByteArray linkOut;                   // a link to a readable file outside root, if any
    QMap<QByteArray, QByteArray> content; // of files (links: of their target)
};
} // namespace

class tst_CoreutilsDiff : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void hashTrees_data();
    void hashTrees();
    void verifyManifests_data();
    void verifyManifests();

private:
    TaskSnapshot run(const QString &kind, const QJsonObject &params);
    QByteArray randomName(QRandomGenerator &rng);
    Tree makeTree(QRandomGenerator &rng, const QByteArray &root);
    void removeTree(const QByteArray &root);

    quint32 m_seed = 0;
    QTemporaryDir m_dir;
    QByteArray m_outsideFile;
    TaskManager m_manager;
    int m_trees = 0;
    int m_lines = 0;
    int m_differences = 0;
    QMap<QString, int> m_verdicts; // coreutils' per-line verdicts seen, to show the coverage
    QElapsedTimer m_clock;
};

void tst_CoreutilsDiff::initTestCase()
{
    m_clock.start();
    QVERIFY(ConduitTest::dropFileOverride());
    QVERIFY(m_dir.isValid());
    const QByteArray seed = qgetenv("CONDUIT_DIFF_SEED");
    m_seed = seed.isEmpty() ? QRandomGenerator::system()->generate() : seed.toUInt();
    qInfo("seed %u (replay: CONDUIT_DIFF_SEED=%u)", m_seed, m_seed);
    m_outsideFile = QFile::encodeName(m_dir.filePath(QStringLiteral("outside.txt")));
    QVERIFY(writeRaw(m_outsideFile, "outside the root\n"));
    // The unreadable files must be unreadable to coreutils too, or the comparison is void.
    QVERIFY(writeRaw(QFile::encodeName(m_dir.filePath("probe")), "x", 0));
    QVERIFY2(runTool(QStringLiteral("cat"), {m_dir.filePath("probe")}, m_dir.path()).exitCode != 0,
             "a child process can read a mode-000 file: cannot compare unreadable files");
}

void tst_CoreutilsDiff::cleanupTestCase()
{
    removeTree(QFile::encodeName(m_dir.path())); // also what a failed row left behind
    QStringList verdicts;
    for (auto it = m_verdicts.begin(); it != m_verdicts.end(); ++it)
        verdicts.append(QStringLiteral("%1 %2").arg(it.value()).arg(it.key()));
    qInfo("%d trees, %d manifest lines compared (%s), %d documented differences asserted, %lld ms",
          m_trees, m_lines, qPrintable(verdicts.join(QStringLiteral(", "))), m_differences,
          m_clock.elapsed());
}

TaskSnapshot tst_CoreutilsDiff::run(const QString &kind, const QJsonObject &params)
{
    const quint64 id = m_manager.start(kind, params);
    QElapsedTimer clock;
    clock.start();
    while (!isFinalState(m_manager.snapshot(id).state) && clock.elapsed() < 30000)
        QTest::qWait(2);
    const TaskSnapshot s = m_manager.snapshot(id);
    m_manager.forget(id);
    return s;
}

QByteArray tst_CoreutilsDiff::randomName(QRandomGenerator &rng)
{
    static const QList<QByteArray> pieces{" ",
                                          "  ",
                                          "\\",
                                          "\n",
                                          "\r",
                                          "\t",
                                          "*",
                                          "(",
                                          ")",
                                          " = ",
                                          "#",
                                          ".",
                                          "é",
                                          "\xff",
                                          "\xc3",
                                          "\xed\xa0\x80",
                                          "\xf4\x90\x80\x80",
                                          "日本",
                                          "a",
                                          "B",
                                          "file",
                                          ".txt",
                                          "-",
                                          ": OK",
                                          "\\n",
                                          "\\\\",
                                          "SHA256 (",
                                          "~",
                                          "'",
                                          "\"",
                                          "$",
                                          "\x7f",
                                          "\x01",
                                          "\x1b[0m"};
    QByteArray name;
    const int mode = rng.bounded(10);
    if (mode == 0) { // any bytes but '/' and NUL
        const int length = 1 + rng.bounded(30);
        for (int i = 0; i < length; ++i) {
            char c = char(1 + rng.bounded(255));
            name += c == '/' ? 'x' : c;
        }
    } else if (mode == 1) { // as long as a name may be
        while (name.size() < 255)
            name += pieces.at(rng.bounded(pieces.size()));
        name.truncate(255);
        if (name.endsWith('\xc3'))
            name.chop(1); // keep it 255 bytes at most, whatever the last piece was
    } else {
        const int count = 1 + rng.bounded(4);
        for (int i = 0; i < count; ++i)
            name += pieces.at(rng.bounded(pieces.size()));
        name += QByteArray::number(rng.bounded(1000));
        if (rng.bounded(4) == 0)
            name = (rng.bounded(2) ? " " : "") + name + (rng.bounded(2) ? " " : "  ");
    }
    if (name == "." || name == "..")
        name += 'x';
    return name;
}

Tree tst_CoreutilsDiff::makeTree(QRandomGenerator &rng, const QByteArray &root)
{
    Tree tree;
    tree.root = root;
    [&] {
        QVERIFY(::mkdir(root.constData(), 0755) == 0);
    }();
    QSet<QByteArray> used;
    const auto fresh = [&](const QByteArray &folder) {
        for (;;) {
            const QByteArray name = randomName(rng);
            const QByteArray path = folder.isEmpty() ? name : folder + '/' + name;
            if (!used.contains(path)) {
                used.insert(path);
                return path;
            }
        }
    };
    QList<QByteArray> folders{QByteArray()};
    for (int i = rng.bounded(5); i > 0; --i) {
        const QByteArray folder = fresh(folders.at(rng.bounded(folders.size())));
        if (::mkdir(root + '/' + folder, 0755) == 0)
            folders.append(folder);
    }
    // A deep path, near (not over) PATH_MAX in all.
    QByteArray deep;
    for (int depth = 0; depth < 40; ++depth) {
        const QByteArray next = (deep.isEmpty() ? QByteArray() : deep + '/')
                                + QByteArray::number(depth) + QByteArray(60, 'd');
        if (::mkdir(root + '/' + next, 0755) != 0)
            break;
        deep = next;
    }
    folders.append(deep);
    tree.folders = folders.mid(1);
    const int count = rng.bounded(30);
    for (int i = 0; i < count; ++i) {
        const QByteArray path = fresh(folders.at(rng.bounded(folders.size())));
        QByteArray content(rng.bounded(i == 0 ? 3 * 1024 * 1024 : 3000), Qt::Uninitialized);
        for (char &c : content)
            c = char(rng.bounded(256));
        if (!writeRaw(root + '/' + path, content))
            continue; // a name too long for the file system's limits: not part of the tree
        tree.files.append(path);
        tree.content.insert(path, content);
    }
    const auto maybe = [&] {
        return rng.bounded(3) != 0;
    };
    if (!tree.files.isEmpty() && maybe()) {
        const QByteArray target = tree.files.at(rng.bounded(tree.files.size()));
        const QByteArray link = fresh(QByteArray());
        if (::symlink(root + '/' + target, root + '/' + link) == 0) {
            tree.files.append(link);
            tree.content.insert(link, tree.content.value(target));
        }
    }
    if (maybe()) {
        tree.unreadable = fresh(QByteArray());
        writeRaw(root + '/' + tree.unreadable, "secret", 0);
        tree.skipped.insert(tree.unreadable, QStringLiteral("unreadable"));
    }
    if (maybe()) {
        tree.linkOut = fresh(QByteArray());
        ::symlink(m_outsideFile.constData(), root + '/' + tree.linkOut);
        tree.skipped.insert(tree.linkOut, QStringLiteral("link_outside_root"));
    }
    if (maybe()) {
        const QByteArray fifo = fresh(QByteArray());
        ::mkfifo(root + '/' + fifo, 0644);
        tree.skipped.insert(fifo, QStringLiteral("special"));
    }
    if (maybe()) {
        const QByteArray dangling = fresh(QByteArray());
        ::symlink("no such target", root + '/' + dangling);
        tree.skipped.insert(dangling, QStringLiteral("broken_link"));
    }
    if (maybe() && !tree.folders.isEmpty()) {
        const QByteArray link = fresh(QByteArray());
        ::symlink(root + '/' + tree.folders.first(), root + '/' + link);
        tree.skipped.insert(link, QStringLiteral("link_to_folder"));
    }
    std::sort(tree.files.begin(), tree.files.end());
    return tree;
}

void tst_CoreutilsDiff::removeTree(const QByteArray &root)
{
    // QTemporaryDir removes by QString paths, which cannot name files that are not UTF-8.
    const ToolRun rm = runTool(QStringLiteral("rm"), {"-rf", "--", QFile::decodeName(root)}, "/");
    QCOMPARE(rm.exitCode, 0);
}

void tst_CoreutilsDiff::hashTrees_data()
{
    QTest::addColumn<int>("algorithm");
    QTest::addColumn<int>("index");
    for (int a = 0; a < 4; ++a) {
        for (int i = 0; i < kTreesPerAlgorithm; ++i)
            QTest::addRow("%s tree %d", qPrintable(toolFor(kAlgorithms[a])), i) << a << i;
    }
}

void tst_CoreutilsDiff::hashTrees()
{
    QFETCH(int, algorithm);
    QFETCH(int, index);
    const auto algo = kAlgorithms[algorithm];
    const QString tool = toolFor(algo);
    QRandomGenerator rng(m_seed ^ quint32(algorithm * 1000 + index));
    const QByteArray root
        = QFile::encodeName(m_dir.filePath(QStringLiteral("hash-%1-%2").arg(algorithm).arg(index)));
    const Tree tree = makeTree(rng, root);
    if (QTest::currentTestFailed())
        return;
    ++m_trees;
    // The manifest inside root (then it is left out) or elsewhere.
    const bool inside = rng.bounded(2);
    const QString manifest
        = inside ? QFile::decodeName(root) + QStringLiteral("/MANIFEST")
                 : m_dir.filePath(QStringLiteral("hash-%1-%2.sums").arg(algorithm).arg(index));
    if (inside) // a manifest from an earlier run: left out, and reported
        QVERIFY(writeRaw(QFile::encodeName(manifest), "stale"));
    const TaskSnapshot s
        = run(QStringLiteral("hash"), {{"root", QFile::decodeName(root)},
                                       {"algorithm", ChecksumManifest::algorithmName(algo)},
                                       {"manifest", manifest}});
    QCOMPARE(s.state, TaskState::Completed);
    const QJsonObject result = s.result.toObject();
    QCOMPARE(result.value("files").toInt(), tree.files.size());

    // The manifest is byte for byte what the tool writes for the same files in C order.
    QFile list(m_dir.filePath(QStringLiteral("list")));
    QVERIFY(list.open(QIODevice::WriteOnly | QIODevice::Truncate));
    list.write(tree.files.join('\0'));
    list.close();
    const ToolRun reference
        = runTool(QStringLiteral("xargs"), {"-0", "-r", "-a", list.fileName(), tool, "--"},
                  QFile::decodeName(root));
    QCOMPARE(reference.exitCode, 0);
    QFile written(manifest);
    QVERIFY(written.open(QIODevice::ReadOnly));
    const QByteArray bytes = written.readAll();
    QCOMPARE(bytes, reference.out);

    // Every file left out is reported, with the documented reason.
    QMap<QByteArray, QString> expectedSkipped = tree.skipped;
    if (inside)
        expectedSkipped.insert("MANIFEST", QStringLiteral("manifest"));
    QMap<QString, QString> reported;
    for (const QJsonValue &entry : result.value("skipped").toArray())
        reported.insert(entry["path"].toString(), entry["reason"].toString());
    QMap<QString, QString> expected;
    for (auto it = expectedSkipped.begin(); it != expectedSkipped.end(); ++it)
        expected.insert(ChecksumManifest::displayName(it.key()), it.value());
    QCOMPARE(reported, expected);
    // What coreutils makes of the skipped ones: the unreadable file cannot be read by it
    // either; a link out of root it would hash (a documented difference); a FIFO would block
    // it, so it is not given one.
    if (!tree.unreadable.isEmpty()) {
        list.open(QIODevice::WriteOnly | QIODevice::Truncate);
        list.write(tree.unreadable);
        list.close();
        const ToolRun unreadable
            = runTool(QStringLiteral("xargs"), {"-0", "-a", list.fileName(), tool, "--"},
                      QFile::decodeName(root));
        QVERIFY(unreadable.exitCode != 0);
        QVERIFY2(unreadable.err.contains("Permission denied"), unreadable.err.constData());
    }
    if (!tree.linkOut.isEmpty()) {
        list.open(QIODevice::WriteOnly | QIODevice::Truncate);
        list.write(tree.linkOut);
        list.close();
        QCOMPARE(runTool(QStringLiteral("xargs"), {"-0", "-a", list.fileName(), tool, "--"},
                         QFile::decodeName(root))
                     .exitCode,
                 0);
        ++m_differences;
    }

    // `<tool> -c` accepts the manifest: every line OK. An empty one it refuses, where verify
    // passes it (documented).
    const ToolRun check = runTool(tool, {"-c", "--strict", manifest}, QFile::decodeName(root));
    const TaskSnapshot v = run(QStringLiteral("verify"),
                               {{"manifest", manifest}, {"root", QFile::decodeName(root)}});
    QCOMPARE(v.state, TaskState::Completed);
    QCOMPARE(v.result.toObject().value("ok").toBool(), true);
    QCOMPARE(v.result.toObject().value("passed").toInt(), tree.files.size());
    if (tree.files.isEmpty()) {
        QCOMPARE(check.exitCode, 1);
        QVERIFY(check.err.contains("no properly formatted checksum lines found"));
        ++m_differences;
    } else {
        QVERIFY2(check.exitCode == 0, check.err.constData());
        QCOMPARE(check.out.count(": OK\n"), tree.files.size());
    }
    removeTree(root);
}

void tst_CoreutilsDiff::verifyManifests_data()
{
    QTest::addColumn<int>("algorithm");
    for (int a = 0; a < 4; ++a)
        QTest::addRow("%s", qPrintable(toolFor(kAlgorithms[a]))) << a;
}

void tst_CoreutilsDiff::verifyManifests()
{
    QFETCH(int, algorithm);
    const auto algo = kAlgorithms[algorithm];
    const QString tool = toolFor(algo);
    const QByteArray tag = tagFor(algo);
    const qsizetype hexLength = QCryptographicHash::hashLength(algo) * 2;
    QRandomGenerator rng(m_seed ^ quint32(0x5eed0000 + algorithm));
    const QByteArray root
        = QFile::encodeName(m_dir.filePath(QStringLiteral("verify-%1").arg(algorithm)));
    Tree tree = makeTree(rng, root);
    if (QTest::currentTestFailed())
        return;
    for (int i = 0; i < 4; ++i) { // at least a few files to name
        const QByteArray name = "plain " + QByteArray::number(i) + (i % 2 ? "\\x" : "");
        QVERIFY(writeRaw(root + '/' + name, name));
        tree.files.append(name);
        tree.content.insert(name, name);
    }
    const QByteArray treeName = root.mid(root.lastIndexOf('/') + 1);
    const auto digestOf = [&](const QByteArray &content) {
        return QCryptographicHash::hash(content, algo).toHex();
    };
    const auto randomHex = [&](qsizetype length) {
        QByteArray hex;
        for (qsizetype i = 0; i < length; ++i)
            hex += "0123456789abcdef"[rng.bounded(16)];
        return hex;
    };
    QList<QByteArray> others; // names that do not hold a readable file
    others << randomName(rng) << randomName(rng) << tree.folders.value(0, "nope");
    if (!tree.unreadable.isEmpty())
        others << tree.unreadable;
    // Simple names for lines that must leave root: no escapes needed.
    QList<QByteArray> plainFiles;
    for (const QByteArray &f : tree.files) {
        if (!f.contains('\\') && !f.contains('\n') && !f.contains('\r') && !f.contains('/')
            && f.size() < 200)
            plainFiles.append(f);
    }

    // One checksum line of a random form; `outside` is set for a line naming a path that
    // leaves root (always tagged, so coreutils reads it whatever mode it is in).
    const auto checksumLine = [&](bool *outside) -> QByteArray {
        *outside = false;
        if (rng.bounded(12) == 0 && !plainFiles.isEmpty()) {
            const QByteArray f = plainFiles.at(rng.bounded(plainFiles.size()));
            const QByteArray hex = digestOf(tree.content.value(f));
            *outside = true;
            switch (rng.bounded(3)) {
            case 0:
                return tag + " (" + root + '/' + f + ") = " + hex;
            case 1:
                return tag + " (../" + treeName + '/' + f + ") = " + hex;
            default:
                if (!tree.linkOut.isEmpty()) {
                    const QByteArray link = tree.linkOut;
                    const bool escape
                        = link.contains('\\') || link.contains('\n') || link.contains('\r');
                    return (escape ? "\\" : "") + tag + " (" + (escape ? escaped(link) : link)
                           + ") = " + digestOf("outside the root\n");
                }
                return tag + " (./../" + treeName + '/' + f + ") = " + hex;
            }
        }
        QByteArray name;
        QByteArray hex;
        const int pick = rng.bounded(10);
        if (pick < 7 && !tree.files.isEmpty()) {
            name = tree.files.at(rng.bounded(tree.files.size()));
            hex = digestOf(tree.content.value(name));
            if (rng.bounded(6) == 0)
                hex[rng.bounded(int(hex.size()))] = hex.at(0) == '0' ? '1' : '0';
        } else if (pick < 9) {
            name = others.at(rng.bounded(others.size()));
            hex = randomHex(hexLength);
        } else {
            name = QByteArray(); // tagged only: `TAG () = hex`
            hex = randomHex(hexLength);
        }
        if (rng.bounded(5) == 0)
            hex = hex.toUpper();
        const bool mustEscape = name.contains('\n');
        const bool escape = mustEscape
                            || ((name.contains('\\') || name.contains('\r')) && rng.bounded(3))
                            || rng.bounded(10) == 0;
        const QByteArray written = escape ? escaped(name) : name;
        const QByteArray lead
            = QByteArray(rng.bounded(4) == 0 ? rng.bounded(3) : 0, rng.bounded(2) ? ' ' : '\t');
        QByteArray line = lead + (escape ? "\\" : "");
        const int form = name.isEmpty() ? 4 : rng.bounded(9);
        if (form <= 1)
            line += hex + "  " + written;
        else if (form == 2)
            line += hex + " *" + written;
        else if (form == 3)
            line += hex + (rng.bounded(2) ? " " : "\t") + written; // reversed
        else if (form <= 6)
            line += tag + " (" + written + ") = " + hex;
        else if (form == 7)
            line += tag + "(" + written + ")=" + hex;
        else
            line += tag + " (" + written + ")\t=\t" + hex;
        if (rng.bounded(8) == 0)
            line += '\r';
        return line;
    };
    const auto malformedLine = [&]() -> QByteArray {
        const QByteArray name = tree.files.value(rng.bounded(qMax(1, int(tree.files.size()))), "x");
        const QByteArray hex = digestOf(tree.content.value(name));
        switch (rng.bounded(12)) {
        case 0: {
            QByteArray junk("j"); // not '#': that would be a comment
            for (int i = rng.bounded(1, 90); i > 0; --i)
                junk += char(rng.bounded(1, 256)) == '\n' ? 'n' : char(rng.bounded(32, 127));
            return junk;
        }
        case 1:
            return hex.left(hexLength - 1) + "  " + name.left(20).replace('\n', ' ');
        case 2:
            return hex + "0  x";
        case 3: {
            const auto other = kAlgorithms[(algorithm + 1 + rng.bounded(3)) % 4];
            return tagFor(other) + " (x) = " + QCryptographicHash::hash("x", other).toHex();
        }
        case 4:
            return tag.toLower() + " (x) = " + hex;
        case 5:
            return "\\" + hex + "  a\\q";
        case 6:
            return "\\" + hex + "  a\\";
        case 7:
            return tag + " (x) " + hex;
        case 8:
            return hex + "x";
        case 9:
            return QByteArray(hex).replace(3, 1, "g") + "  x";
        case 10:
            return "   ";
        default:
            return hex;
        }
    };
    const auto blankLine = [&]() -> QByteArray {
        switch (rng.bounded(4)) {
        case 0:
            return QByteArray();
        case 1:
            return "# " + randomName(rng).replace('\n', ' ');
        case 2:
            return "\r";
        default:
            return "#";
        }
    };

    for (int m = 0; m < kManifestsPerAlgorithm; ++m) {
        QList<QByteArray> lines;
        QList<int> kinds; // 0 blank, 1 checksum, 2 checksum that leaves root, 3 malformed
        const int count = m == 0 ? 0 : m == 1 ? 3 : rng.bounded(1, 25);
        for (int i = 0; i < count; ++i) {
            const int roll = m == 1 ? 0 : rng.bounded(10);
            bool outside = false;
            if (roll < 1) {
                lines.append(blankLine());
                kinds.append(0);
            } else if (roll < 3) {
                lines.append(malformedLine());
                kinds.append(3);
            } else {
                lines.append(checksumLine(&outside));
                kinds.append(outside ? 2 : 1);
            }
        }
        QByteArray text = lines.join('\n');
        if (!lines.isEmpty() && rng.bounded(5) != 0)
            text += '\n';
        const QString manifest = m_dir.filePath(QStringLiteral("m%1-%2.%3")
                                                    .arg(algorithm)
                                                    .arg(m)
                                                    .arg(ChecksumManifest::algorithmName(algo)));
        QVERIFY(writeRaw(QFile::encodeName(manifest), text));

        const ToolRun theirs = runTool(tool, {"-c", "-w", manifest}, QFile::decodeName(root));
        QVERIFY2(theirs.exitCode == 0 || theirs.exitCode == 1, theirs.err.constData());
        const TaskSnapshot s = run(QStringLiteral("verify"),
                                   {{"manifest", manifest}, {"root", QFile::decodeName(root)}});
        QCOMPARE(s.state, TaskState::Completed);
        const QJsonObject ours = s.result.toObject();

        // coreutils: the malformed line numbers (stderr, -w) and, in order, one verdict per
        // other line that is not blank.
        QSet<int> theirMalformed;
        static const QRegularExpression improperly(
            QStringLiteral(": (\\d+): improperly formatted"));
        for (auto it = improperly.globalMatch(QString::fromLatin1(theirs.err)); it.hasNext();)
            theirMalformed.insert(it.next().captured(1).toInt());
        QList<QString> theirVerdicts;
        for (const QByteArray &record : theirs.out.split('\n')) {
            if (record.isEmpty())
                continue;
            if (record.endsWith(": FAILED open or read"))
                theirVerdicts.append(QStringLiteral("FAILED open or read"));
            else if (record.endsWith(": FAILED"))
                theirVerdicts.append(QStringLiteral("FAILED"));
            else if (record.endsWith(": OK"))
                theirVerdicts.append(QStringLiteral("OK"));
            else
                QFAIL(qPrintable(QStringLiteral("unexpected output: ")
                                 + QString::fromLatin1(record.toHex())));
        }
        QMap<int, QString> ourVerdicts;
        for (const QJsonValue &problem : ours.value("problems").toArray())
            ourVerdicts.insert(problem["line"].toInt(), problem["verdict"].toString());

        qsizetype next = 0;
        bool anyOutside = false;
        bool anyChecksumOrMalformed = false;
        for (int i = 0; i < lines.size(); ++i) {
            const int number = i + 1;
            const QString our = ourVerdicts.value(number, QStringLiteral("ok"));
            const auto where = [&] {
                return QStringLiteral("manifest %1 line %2 (hex %3): conduit %4, %5")
                    .arg(manifest)
                    .arg(number)
                    .arg(QString::fromLatin1(lines.at(i).toHex()), our,
                         theirMalformed.contains(number)
                             ? QStringLiteral("improperly formatted")
                             : theirVerdicts.value(next, QStringLiteral("nothing")))
                    .toLocal8Bit();
            };
            if (kinds.at(i) == 0) {
                QVERIFY2(!theirMalformed.contains(number) && !ourVerdicts.contains(number),
                         where());
                continue;
            }
            anyChecksumOrMalformed = true;
            ++m_lines;
            if (theirMalformed.contains(number)) {
                ++m_verdicts[QStringLiteral("improperly formatted")];
                QVERIFY2(our == QLatin1String("malformed"), where().constData());
                continue;
            }
            QVERIFY2(next < theirVerdicts.size(), where().constData());
            const QString their = theirVerdicts.at(next);
            ++m_verdicts[their];
            if (kinds.at(i) == 2) {
                // Documented difference: coreutils reads outside root, Conduit refuses.
                QVERIFY2(our == QLatin1String("outside_root") && their == QLatin1String("OK"),
                         where());
                anyOutside = true;
                ++m_differences;
            } else {
                const QString expected
                    = our == QLatin1String("ok")       ? QStringLiteral("OK")
                      : our == QLatin1String("failed") ? QStringLiteral("FAILED")
                      : our == QLatin1String("missing") || our == QLatin1String("unreadable")
                          ? QStringLiteral("FAILED open or read")
                          : our;
                QVERIFY2(expected == their, where().constData());
            }
            ++next;
        }
        QCOMPARE(next, theirVerdicts.size());

        // The overall verdict.
        const bool theirOk = theirs.exitCode == 0;
        if (!anyChecksumOrMalformed) {
            // Documented difference: a manifest with no lines verifies.
            QCOMPARE(ours.value("ok").toBool(), true);
            QCOMPARE(theirOk, false);
            ++m_differences;
        } else if (anyOutside) {
            QCOMPARE(ours.value("ok").toBool(), false);
        } else {
            QVERIFY2(ours.value("ok").toBool() == theirOk, qPrintable(manifest));
        }
        QFile::remove(manifest);
    }
    removeTree(root);
}

QTEST_GUILESS_MAIN(tst_CoreutilsDiff)
#include "tst_coreutilsdiff.moc"
