// SPDX-License-Identifier: MIT
// "Open with Conduit" for checksum manifests: packaging/<app id>.xml declares one type per
// algorithm ChecksumManifest reads (text/x-<algo>sums: <ALGO>SUMS and *.<algo>), the .desktop
// entry offers exactly those, and a desktop finds them: update-mime-database builds a database
// from the file alone, and QMimeDatabase, in a process of its own pointed at it (this binary as
// `tst_mimetypes --mime-type NAME`), names each manifest's type.
#include <worker/ChecksumManifest.h>

#include <QDir>
#include <QFile>
#include <QMap>
#include <QMimeDatabase>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

#include <cstdio>

using namespace Conduit;

namespace {

// type → its glob patterns, as the file declares them.
QMap<QString, QStringList> declaredTypes(QString *error)
{
    QFile file(QStringLiteral(CONDUIT_MIME_FILE));
    if (!file.open(QIODevice::ReadOnly)) {
        *error = file.errorString();
        return {};
    }
    QMap<QString, QStringList> types;
    QString type;
    QXmlStreamReader xml(&file);
    while (!xml.atEnd()) {
        if (xml.readNext() != QXmlStreamReader::StartElement)
            continue;
        if (xml.name() == QLatin1String("mime-type"))
            type = xml.attributes().value(QLatin1String("type")).toString();
        else if (xml.name() == QLatin1String("glob"))
            types[type].append(xml.attributes().value(QLatin1String("pattern")).toString());
    }
    if (xml.hasError())
        *error = xml.errorString();
    return types;
}

QString typeOf(const QString &algorithm)
{
    return QStringLiteral("text/x-%1sums").arg(algorithm);
}

} // namespace

class tst_MimeTypes : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void oneTypePerAlgorithm();
    void theDesktopEntryOffersThem();
    void aDesktopFindsThem_data();
    void aDesktopFindsThem();

private:
    QTemporaryDir m_data; // XDG_DATA_DIRS for the child: mime/ built from the file alone
};

void tst_MimeTypes::initTestCase()
{
    QVERIFY(m_data.isValid());
    const QString mime = m_data.filePath(QStringLiteral("mime"));
    QVERIFY(QDir().mkpath(mime + QStringLiteral("/packages")));
    QVERIFY(QFile::copy(QStringLiteral(CONDUIT_MIME_FILE),
                        mime + QStringLiteral("/packages/conduit.xml")));
    QProcess update;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_DATA_DIRS"), m_data.path());
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_data.path());
    update.setProcessEnvironment(env);
    update.start(QStringLiteral(CONDUIT_UPDATE_MIME_DATABASE), {mime});
    QVERIFY(update.waitForFinished(30000));
    // It exits 0 whatever it thinks of the file: what it says is the verdict.
    const QByteArray said = update.readAllStandardError() + update.readAllStandardOutput();
    QVERIFY2(update.exitCode() == 0 && said.isEmpty(), said.constData());
    QVERIFY(QFile::exists(mime + QStringLiteral("/mime.cache")));
}

void tst_MimeTypes::oneTypePerAlgorithm()
{
    QString error;
    const QMap<QString, QStringList> types = declaredTypes(&error);
    QCOMPARE(error, QString());
    QMap<QString, QStringList> expected;
    for (const QString &name : ChecksumManifest::algorithmNames()) {
        const auto algorithm = ChecksumManifest::algorithmFromName(name);
        QVERIFY(algorithm);
        expected[typeOf(name)]
            = {ChecksumManifest::defaultFileName(*algorithm), QStringLiteral("*.") + name};
        // A file the glob matches is read with the type's algorithm.
        for (const QString &glob : expected[typeOf(name)]) {
            const QString file = QString(glob).replace(QLatin1Char('*'), QStringLiteral("file"));
            QCOMPARE(ChecksumManifest::algorithmFromFileName(file), algorithm);
        }
    }
    QCOMPARE(types, expected);
}

void tst_MimeTypes::theDesktopEntryOffersThem()
{
    // The [Desktop Entry] group's keys (the file has no other group).
    QFile file(QStringLiteral(CONDUIT_DESKTOP_FILE));
    QVERIFY(file.open(QIODevice::ReadOnly | QIODevice::Text));
    QMap<QString, QString> entry;
    for (const QByteArray &line : file.readAll().split('\n')) {
        const qsizetype equals = line.indexOf('=');
        if (equals > 0)
            entry.insert(QString::fromUtf8(line.left(equals)),
                         QString::fromUtf8(line.mid(equals + 1)));
    }
    const QStringList offered
        = entry.value(QStringLiteral("MimeType")).split(QLatin1Char(';'), Qt::SkipEmptyParts);
    QStringList expected;
    for (const QString &name : ChecksumManifest::algorithmNames())
        expected.append(typeOf(name));
    QCOMPARE(offered, expected);
    // Files as paths (%F): a remote file reaches Conduit through the desktop's own mount.
    QCOMPARE(entry.value(QStringLiteral("Exec")), QStringLiteral("conduit %F"));
}

void tst_MimeTypes::aDesktopFindsThem_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("type");
    QTest::newRow("SHA256SUMS") << QStringLiteral("SHA256SUMS") << typeOf(QStringLiteral("sha256"));
    QTest::newRow("sha256sums") << QStringLiteral("sha256sums") << typeOf(QStringLiteral("sha256"));
    QTest::newRow("x.iso.sha256") << QStringLiteral("debian.iso.sha256")
                                  << typeOf(QStringLiteral("sha256"));
    QTest::newRow("MD5SUMS") << QStringLiteral("MD5SUMS") << typeOf(QStringLiteral("md5"));
    QTest::newRow("x.md5") << QStringLiteral("x.md5") << typeOf(QStringLiteral("md5"));
    QTest::newRow("SHA1SUMS") << QStringLiteral("SHA1SUMS") << typeOf(QStringLiteral("sha1"));
    QTest::newRow("x.SHA1") << QStringLiteral("x.SHA1") << typeOf(QStringLiteral("sha1"));
    QTest::newRow("SHA512SUMS") << QStringLiteral("SHA512SUMS") << typeOf(QStringLiteral("sha512"));
    QTest::newRow("x.sha512") << QStringLiteral("x.sha512") << typeOf(QStringLiteral("sha512"));
    QTest::newRow("not one") << QStringLiteral("notes.txt") << QStringLiteral("text/plain");
}

void tst_MimeTypes::aDesktopFindsThem()
{
    QFETCH(QString, file);
    QFETCH(QString, type);

    QProcess child;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_DATA_DIRS"), m_data.path() + QStringLiteral(":/usr/share"));
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_data.filePath(QStringLiteral("home")));
    child.setProcessEnvironment(env);
    child.start(QCoreApplication::applicationFilePath(), {QStringLiteral("--mime-type"), file});
    QVERIFY(child.waitForFinished(30000));
    QCOMPARE(QString::fromUtf8(child.readAllStandardOutput()).trimmed(), type);
}

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (argc == 3 && qstrcmp(argv[1], "--mime-type") == 0) {
        const QMimeType type = QMimeDatabase().mimeTypeForFile(QString::fromLocal8Bit(argv[2]),
                                                               QMimeDatabase::MatchExtension);
        std::printf("%s\n", qPrintable(type.name()));
        return 0;
    }
    tst_MimeTypes test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_mimetypes.moc"
