// SPDX-License-Identifier: MIT
// CommandLine: what each command line starts, resolved against the working directory it names
// (never this process's), and what it refuses. The process's own command line (exit codes,
// --help) through this binary run again as `tst_commandline --as-conduit ARGS…`.
#include <app/CommandLine.h>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <cstdio>

using namespace Conduit;

namespace {

QJsonArray toJson(const QList<LaunchTask> &tasks)
{
    QJsonArray array;
    for (const LaunchTask &task : tasks)
        array.append(QJsonObject{{QStringLiteral("kind"), task.kind},
                                 {QStringLiteral("params"), task.params}});
    return array;
}

QJsonObject task(const QString &kind, const QString &field, const QString &value)
{
    return {{QStringLiteral("kind"), kind},
            {QStringLiteral("params"), QJsonObject{{field, value}}}};
}

QJsonObject download(const QString &url, const QString &dest)
{
    return {{QStringLiteral("kind"), QStringLiteral("download")},
            {QStringLiteral("params"),
             QJsonObject{{QStringLiteral("url"), url}, {QStringLiteral("dest"), dest}}}};
}

bool touch(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write("") == 0;
}

} // namespace

class tst_CommandLine : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void parse_data();
    void parse();
    void refuses_data();
    void refuses();
    void ownCommandLine_data();
    void ownCommandLine();
    void aNameGivenOutStaysTaken();

private:
    QTemporaryDir m_dir;
    QString m_cwd;       // <dir>/work: where the command lines are "given"
    QString m_downloads; // <dir>/downloads: XDG_DOWNLOAD_DIR
};

void tst_CommandLine::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_cwd = m_dir.filePath(QStringLiteral("work"));
    m_downloads = m_dir.filePath(QStringLiteral("downloads"));
    QVERIFY(QDir().mkpath(m_cwd + QStringLiteral("/sub")));
    QVERIFY(QDir().mkpath(m_downloads));
    QVERIFY(touch(m_cwd + QStringLiteral("/SHA256SUMS")));
    QVERIFY(touch(m_cwd + QStringLiteral("/my sums.sha512")));
    QVERIFY(touch(m_downloads + QStringLiteral("/file.iso")));
    QVERIFY(touch(m_downloads + QStringLiteral("/file (1).iso")));
    QVERIFY(touch(m_downloads + QStringLiteral("/archive.tar.gz")));
    QVERIFY(touch(m_downloads + QStringLiteral("/movie.mkv.part"))); // a download under way
    // The Downloads folder as xdg-user-dirs names it (QStandardPaths reads it on each call).
    const QString config = m_dir.filePath(QStringLiteral("config"));
    QVERIFY(QDir().mkpath(config));
    QFile userDirs(config + QStringLiteral("/user-dirs.dirs"));
    QVERIFY(userDirs.open(QIODevice::WriteOnly));
    userDirs.write("XDG_DOWNLOAD_DIR=\"" + QFile::encodeName(m_downloads) + "\"\n");
    userDirs.close();
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(config));
    // What is resolved must come from the working directory given, not from this process's.
    QVERIFY(QDir::currentPath() != m_cwd);
}

void tst_CommandLine::parse_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QJsonArray>("tasks");
    QTest::addColumn<bool>("separateInstance");

    const QString sums = m_cwd + QStringLiteral("/SHA256SUMS");
    const QString dl = m_downloads + QLatin1Char('/');
    QTest::newRow("nothing") << QStringList() << QJsonArray() << false;
    QTest::newRow("--hash relative")
        << QStringList{QStringLiteral("--hash"), QStringLiteral("sub")}
        << QJsonArray{task(QStringLiteral("hash"), QStringLiteral("root"), m_cwd + "/sub")}
        << false;
    QTest::newRow("--hash .") << QStringList{QStringLiteral("--hash"), QStringLiteral(".")}
                              << QJsonArray{task(QStringLiteral("hash"), QStringLiteral("root"),
                                                 m_cwd)}
                              << false;
    QTest::newRow("--verify relative")
        << QStringList{QStringLiteral("--verify"), QStringLiteral("SHA256SUMS")}
        << QJsonArray{task(QStringLiteral("verify"), QStringLiteral("manifest"), sums)} << false;
    QTest::newRow("manifest path")
        << QStringList{QStringLiteral("SHA256SUMS")}
        << QJsonArray{task(QStringLiteral("verify"), QStringLiteral("manifest"), sums)} << false;
    QTest::newRow("manifest path through ..")
        << QStringList{QStringLiteral("sub/../SHA256SUMS")}
        << QJsonArray{task(QStringLiteral("verify"), QStringLiteral("manifest"), sums)} << false;
    QTest::newRow("manifest absolute")
        << QStringList{sums}
        << QJsonArray{task(QStringLiteral("verify"), QStringLiteral("manifest"), sums)} << false;
    QTest::newRow("manifest file URL")
        << QStringList{QUrl::fromLocalFile(m_cwd + QStringLiteral("/my sums.sha512"))
                           .toString(QUrl::FullyEncoded)}
        << QJsonArray{task(QStringLiteral("verify"), QStringLiteral("manifest"),
                           m_cwd + QStringLiteral("/my sums.sha512"))}
        << false;
    QTest::newRow("http URL") << QStringList{QStringLiteral("http://127.0.0.1:8080/pub/notes.txt")}
                              << QJsonArray{download(
                                     QStringLiteral("http://127.0.0.1:8080/pub/notes.txt"),
                                     dl + QStringLiteral("notes.txt"))}
                              << false;
    QTest::newRow("https URL, name taken twice")
        << QStringList{QStringLiteral("https://example.invalid/x/file.iso?mirror=2")}
        << QJsonArray{download(QStringLiteral("https://example.invalid/x/file.iso?mirror=2"),
                               dl + QStringLiteral("file (2).iso"))}
        << false;
    QTest::newRow("URL, .tar.gz taken")
        << QStringList{QStringLiteral("https://example.invalid/archive.tar.gz")}
        << QJsonArray{download(QStringLiteral("https://example.invalid/archive.tar.gz"),
                               dl + QStringLiteral("archive (1).tar.gz"))}
        << false;
    QTest::newRow("URL, a download of that name under way")
        << QStringList{QStringLiteral("https://example.invalid/movie.mkv")}
        << QJsonArray{download(QStringLiteral("https://example.invalid/movie.mkv"),
                               dl + QStringLiteral("movie (1).mkv"))}
        << false;
    QTest::newRow("the same URL twice: two names")
        << QStringList{QStringLiteral("https://example.invalid/twice.bin"),
                       QStringLiteral("https://example.invalid/twice.bin")}
        << QJsonArray{download(QStringLiteral("https://example.invalid/twice.bin"),
                               dl + QStringLiteral("twice.bin")),
                      download(QStringLiteral("https://example.invalid/twice.bin"),
                               dl + QStringLiteral("twice (1).bin"))}
        << false;
    QTest::newRow("URL without a file name")
        << QStringList{QStringLiteral("https://example.invalid/")}
        << QJsonArray{download(QStringLiteral("https://example.invalid/"),
                               dl + QStringLiteral("download"))}
        << false;
    QTest::newRow("URL naming a hidden file")
        << QStringList{QStringLiteral("HTTPS://example.invalid/.profile")}
        << QJsonArray{download(QStringLiteral("https://example.invalid/.profile"),
                               dl + QStringLiteral("profile"))}
        << false;
    QTest::newRow("URL, an encoded slash in its name")
        << QStringList{QStringLiteral("https://example.invalid/a%2F..%2Fb")}
        << QJsonArray{download(QStringLiteral("https://example.invalid/a%2F..%2Fb"),
                               dl + QStringLiteral("b"))}
        << false;
    QTest::newRow("options first, then the rest in order")
        << QStringList{QStringLiteral("http://127.0.0.1/a.bin"), QStringLiteral("--hash"),
                       QStringLiteral("sub"), QStringLiteral("SHA256SUMS")}
        << QJsonArray{task(QStringLiteral("hash"), QStringLiteral("root"), m_cwd + "/sub"),
                      download(QStringLiteral("http://127.0.0.1/a.bin"),
                               dl + QStringLiteral("a.bin")),
                      task(QStringLiteral("verify"), QStringLiteral("manifest"), sums)}
        << false;
    QTest::newRow("--dev-url: its own instance")
        << QStringList{QStringLiteral("--dev-url"), QStringLiteral("http://localhost:5173")}
        << QJsonArray() << true;
    QTest::newRow("--exit-after-load: its own instance")
        << QStringList{QStringLiteral("--exit-after-load")} << QJsonArray() << true;
}

void tst_CommandLine::parse()
{
    QFETCH(QStringList, arguments);
    QFETCH(QJsonArray, tasks);
    QFETCH(bool, separateInstance);

    const CommandLine::Parsed parsed
        = CommandLine::parse(QStringList{QStringLiteral("conduit")} + arguments, m_cwd);
    QCOMPARE(parsed.error, QString());
    QCOMPARE(parsed.outcome, CommandLine::Outcome::Run);
    QCOMPARE(toJson(parsed.options.tasks), tasks);
    QCOMPARE(parsed.options.separateInstance, separateInstance);
}

void tst_CommandLine::refuses_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("because"); // a part of the message

    QTest::newRow("ftp URL") << QStringList{QStringLiteral("ftp://example.invalid/file")}
                             << QStringLiteral("not this: ftp://example.invalid/file");
    QTest::newRow("mailto") << QStringList{QStringLiteral("mailto:someone@example.invalid")}
                            << QStringLiteral("not this: mailto:someone@example.invalid");
    QTest::newRow("javascript") << QStringList{QStringLiteral("javascript:alert(1)")}
                                << QStringLiteral("not this: javascript:alert(1)");
    QTest::newRow("a file URL of another host")
        << QStringList{QStringLiteral("file://server/share/SHA256SUMS")}
        << QStringLiteral("not this: file://server/share/SHA256SUMS");
    QTest::newRow("http URL without a host")
        << QStringList{QStringLiteral("http:/SHA256SUMS")} << QStringLiteral("Not a valid URL");
    QTest::newRow("missing manifest") << QStringList{QStringLiteral("MD5SUMS")}
                                      << QStringLiteral("Cannot start verify: no such file: ")
                                             + m_cwd + QStringLiteral("/MD5SUMS");
    QTest::newRow("--verify missing")
        << QStringList{QStringLiteral("--verify"), QStringLiteral("nope")}
        << QStringLiteral("Cannot start verify: no such file");
    QTest::newRow("a folder") << QStringList{QStringLiteral("sub")}
                              << QStringLiteral("use --hash ") + m_cwd + QStringLiteral("/sub");
    QTest::newRow("--verify a folder")
        << QStringList{QStringLiteral("--verify"), QStringLiteral("sub")}
        << QStringLiteral("is a folder: to hash it, use --hash ") + m_cwd + QStringLiteral("/sub");
    QTest::newRow("--hash missing") << QStringList{QStringLiteral("--hash"), QStringLiteral("gone")}
                                    << QStringLiteral("Cannot start hash: no such folder");
    QTest::newRow("unknown option")
        << QStringList{QStringLiteral("--frobnicate")} << QStringLiteral("frobnicate");
    QTest::newRow("--dev-url elsewhere")
        << QStringList{QStringLiteral("--dev-url"), QStringLiteral("https://example.com")}
        << QStringLiteral("--dev-url must be");
}

void tst_CommandLine::refuses()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, because);

    const CommandLine::Parsed parsed
        = CommandLine::parse(QStringList{QStringLiteral("conduit")} + arguments, m_cwd);
    QCOMPARE(parsed.outcome, CommandLine::Outcome::Refused);
    QVERIFY2(parsed.error.contains(because), qPrintable(parsed.error));
    QVERIFY(parsed.options.tasks.isEmpty());
}

void tst_CommandLine::ownCommandLine_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("stdOut");
    QTest::addColumn<QString>("stdErr");

    QTest::newRow("a manifest") << QStringList{QStringLiteral("SHA256SUMS")} << 0
                                << QStringLiteral("verify %1/SHA256SUMS").arg(m_cwd) << QString();
    QTest::newRow("a bad scheme") << QStringList{QStringLiteral("gopher://example.invalid/")} << 2
                                  << QString()
                                  << QStringLiteral("conduit: Conduit opens http and https URLs");
    QTest::newRow("an unknown option") << QStringList{QStringLiteral("--frobnicate")} << 2
                                       << QString() << QStringLiteral("conduit: Unknown option");
    QTest::newRow("--help") << QStringList{QStringLiteral("--help")} << 0
                            << QStringLiteral("[URL|manifest...]") << QString();
    QTest::newRow("--version") << QStringList{QStringLiteral("--version")} << 0
                               << QStringLiteral("conduit 9.8.7") << QString();
}

// The process's own command line, parsed by CommandLine::parse(app) in a process of its own.
void tst_CommandLine::ownCommandLine()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    QFETCH(QString, stdOut);
    QFETCH(QString, stdErr);

    QProcess process;
    process.setWorkingDirectory(m_cwd);
    process.start(QCoreApplication::applicationFilePath(),
                  QStringList{QStringLiteral("--as-conduit")} + arguments);
    QVERIFY(process.waitForFinished(30000));
    const QString out = QString::fromUtf8(process.readAllStandardOutput());
    const QString err = QString::fromUtf8(process.readAllStandardError());
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QVERIFY2(process.exitCode() == exitCode, qPrintable(out + err));
    QVERIFY2(out.contains(stdOut), qPrintable(out));
    QVERIFY2(err.contains(stdErr), qPrintable(err));
}

int main(int argc, char *argv[])
{
    if (argc > 1 && qstrcmp(argv[1], "--as-conduit") == 0) {
        // As conduit's main() does: its own command line, without the switch that got here.
        std::vector<char *> args{argv[0]};
        args.insert(args.end(), argv + 2, argv + argc);
        int count = int(args.size());
        QCoreApplication app(count, args.data());
        QCoreApplication::setApplicationName(QStringLiteral("conduit"));
        QCoreApplication::setApplicationVersion(QStringLiteral("9.8.7"));
        for (const LaunchTask &task : CommandLine::parse(app).tasks)
            std::printf("%s %s\n", qPrintable(task.kind),
                        qPrintable(task.params.begin()->toString()));
        return 0;
    }
    QCoreApplication app(argc, argv);
    tst_CommandLine test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_commandline.moc"
// Two hand-offs of one file name from different places, the first still queued (nothing on
// disk yet): the second must not be given the first's file to overwrite.
void tst_CommandLine::aNameGivenOutStaysTaken()
{
    const QString dl = m_downloads + QLatin1Char('/');
    const auto destOf = [this](const QString &url) {
        const CommandLine::Parsed parsed
            = CommandLine::parse(QStringList{QStringLiteral("conduit"), url}, m_cwd);
        return parsed.options.tasks.value(0).params.value(QStringLiteral("dest")).toString();
    };
    QCOMPARE(destOf(QStringLiteral("https://a.example.invalid/pub/release.tar.xz")),
             dl + QStringLiteral("release.tar.xz"));
    QVERIFY(!QFileInfo::exists(dl + QStringLiteral("release.tar.xz")));
    QCOMPARE(destOf(QStringLiteral("https://b.example.invalid/mirror/release.tar.xz")),
             dl + QStringLiteral("release (1).tar.xz"));
}
