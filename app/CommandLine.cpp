// SPDX-License-Identifier: MIT
#include "CommandLine.h"

#include "AppScheme.h"
#include <schema/SchemaError.h>
#include <worker/DownloadTask.h>
#include <worker/TaskKinds.h>

#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QHostAddress>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>

#include <cstdio>
#include <cstdlib>

namespace Conduit {

namespace {

struct Options
{
    QCommandLineOption help;
    QCommandLineOption version;
    QCommandLineOption devUrl;
    QCommandLineOption exitAfterLoad;
    QCommandLineOption hash;
    QCommandLineOption verify;
};

Options declare(QCommandLineParser &parser)
{
    parser.setApplicationDescription(
        CommandLine::tr("Conduit: a Vue page and an asynchronous C++ process, talking both ways.")
        + QStringLiteral("\n\n")
        + CommandLine::tr("A Conduit that runs already takes the command line over and shows\n"
                          "its window; --dev-url and --exit-after-load start one of their own."));
    const QCommandLineOption help = parser.addHelpOption();
    const QCommandLineOption version = parser.addVersionOption();
    const QCommandLineOption devUrl(
        QStringLiteral("dev-url"),
        CommandLine::tr(
            "Load the page from a development server on this machine (e.g. the Vite dev server, "
            "http://localhost:5173) instead of the built-in one."),
        CommandLine::tr("url"));
    const QCommandLineOption exitAfterLoad(
        QStringLiteral("exit-after-load"),
        CommandLine::tr("Quit as soon as the page has loaded and connected (a start-up check)."));
    const QCommandLineOption hash(
        QStringLiteral("hash"),
        CommandLine::tr("Hash a folder into a checksum manifest (SHA256SUMS)."),
        CommandLine::tr("folder"));
    const QCommandLineOption verify(
        QStringLiteral("verify"),
        CommandLine::tr("Verify the files listed in a checksum manifest."),
        CommandLine::tr("manifest"));
    parser.addOption(devUrl);
    parser.addOption(exitAfterLoad);
    parser.addOption(hash);
    parser.addOption(verify);
    parser.addPositionalArgument(
        QStringLiteral("URL|manifest"),
        CommandLine::tr("http(s) URLs to download into the Downloads folder, and checksum "
                        "manifests to verify."),
        CommandLine::tr("[URL|manifest...]"));
    return {help, version, devUrl, exitAfterLoad, hash, verify};
}

// RFC 3986: scheme ":" …; a path that should not read as one can be written ./a:b.
bool looksLikeUrl(const QString &argument)
{
    static const QRegularExpression scheme(QStringLiteral("^[A-Za-z][A-Za-z0-9+.-]*:"));
    return scheme.match(argument).hasMatch();
}

// "name.tar.gz" → {"name", ".tar.gz"}, "name.iso" → {"name", ".iso"}, "name" → {"name", ""}.
std::pair<QString, QString> splitSuffix(const QString &name)
{
    static const QRegularExpression suffix(QStringLiteral("(\\.tar)?\\.[^.]+$"));
    const QRegularExpressionMatch match = suffix.match(name);
    if (!match.hasMatch() || match.capturedStart() == 0)
        return {name, QString()};
    return {name.left(match.capturedStart()), match.captured()};
}

} // namespace

bool CommandLine::isAcceptableDevUrl(const QUrl &url)
{
    if (!url.isValid()
        || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")))
        return false;
    if (url.host() == QLatin1String("localhost"))
        return true;
    const QHostAddress address(url.host());
    return !address.isNull() && address.isLoopback();
}

QString CommandLine::downloadDestination(const QUrl &url)
{
    const QString folder = QStandardPaths::writableLocation(QStandardPaths::DownloadLocation);
    if (folder.isEmpty() || !QDir().mkpath(folder))
        return QString();
    // Not hidden, no control characters, a length any file system takes.
    QString name = url.fileName(QUrl::FullyDecoded);
    for (QChar &c : name) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            c = QLatin1Char('_');
    }
    while (name.startsWith(QLatin1Char('.')))
        name.remove(0, 1);
    if (name.trimmed().isEmpty() || name.toUtf8().size() > 200)
        name = QStringLiteral("download");
    const QDir dir(folder);
    static QSet<QString> givenOut; // the GUI thread's alone, like every hand-off
    const auto occupied = [](const QString &path) {
        const QFileInfo info(path);
        return info.exists() || info.isSymLink();
    };
    const auto taken = [&](const QString &candidate) {
        const QString path = dir.filePath(candidate);
        return givenOut.contains(path) || occupied(path)
               || occupied(path + QLatin1String(DownloadTask::kPartialSuffix));
    };
    const auto [stem, suffix] = splitSuffix(name);
    QString candidate = name;
    for (int n = 1; taken(candidate); ++n)
        candidate = QStringLiteral("%1 (%2)%3").arg(stem).arg(n).arg(suffix);
    const QString dest = dir.filePath(candidate);
    givenOut.insert(dest);
    return dest;
}

CommandLine::Parsed CommandLine::parse(const QStringList &arguments,
                                       const QString &workingDirectory)
{
    QCommandLineParser parser;
    const Options option = declare(parser);
    Parsed parsed;
    const auto refuse = [](const QString &error) {
        return Parsed{Outcome::Refused, {}, error};
    };
    if (!parser.parse(arguments))
        return refuse(parser.errorText());
    if (parser.isSet(option.help) || parser.isSet(QStringLiteral("help-all"))) {
        parsed.outcome = Outcome::Help;
        return parsed;
    }
    if (parser.isSet(option.version)) {
        parsed.outcome = Outcome::Version;
        return parsed;
    }

    LaunchOptions &options = parsed.options;
    options.home = AppScheme::entryUrl();
    options.exitAfterLoad = parser.isSet(option.exitAfterLoad);
    options.separateInstance = options.exitAfterLoad || parser.isSet(option.devUrl);
    // Relative paths are the user's, relative to where they started Conduit.
    const QDir cwd(workingDirectory);
    const auto absolute = [&cwd](const QString &path) {
        return QDir::cleanPath(cwd.absoluteFilePath(path));
    };
    const auto verify = [&options](const QString &manifest) {
        options.tasks.append({QStringLiteral("verify"), {{QStringLiteral("manifest"), manifest}}});
    };
    for (const QString &root : parser.values(option.hash))
        options.tasks.append({QStringLiteral("hash"), {{QStringLiteral("root"), absolute(root)}}});
    for (const QString &manifest : parser.values(option.verify)) {
        const QString path = absolute(manifest);
        if (QFileInfo(path).isDir())
            return refuse(tr("%1 is a folder: to hash it, use --hash %1").arg(path));
        verify(path);
    }
    // What a file manager's "Open with" passes (a path), and URLs typed in a terminal; after
    // the options, in their order.
    for (const QString &argument : parser.positionalArguments()) {
        QString path = argument;
        if (looksLikeUrl(argument)) {
            const QUrl url(argument, QUrl::StrictMode);
            const QString scheme = url.scheme().toLower();
            if (scheme == QLatin1String("http") || scheme == QLatin1String("https")) {
                if (!url.isValid() || url.host().isEmpty())
                    return refuse(tr("Not a valid URL: %1").arg(argument));
                const QString dest = downloadDestination(url);
                if (dest.isEmpty())
                    return refuse(tr("There is no Downloads folder to save %1 in.").arg(argument));
                options.tasks.append({QStringLiteral("download"),
                                      {{QStringLiteral("url"), url.toString(QUrl::FullyEncoded)},
                                       {QStringLiteral("dest"), dest}}});
                continue;
            }
            if (scheme != QLatin1String("file") || !url.isValid()
                || !(url.host().isEmpty() || url.host() == QLatin1String("localhost")))
                return refuse(tr("Conduit opens http and https URLs and checksum manifests, not "
                                 "this: %1")
                                  .arg(argument));
            path = url.path(QUrl::FullyDecoded);
        }
        path = absolute(path);
        if (QFileInfo(path).isDir())
            return refuse(tr("%1 is a folder: to hash it, use --hash %1").arg(path));
        verify(path);
    }
    if (parser.isSet(option.devUrl)) {
        const QUrl url(parser.value(option.devUrl), QUrl::StrictMode);
        if (!isAcceptableDevUrl(url))
            return refuse(tr("--dev-url must be an http(s) URL on this machine "
                             "(localhost, 127.0.0.1 or [::1]): %1")
                              .arg(parser.value(option.devUrl)));
        options.home = url;
    }
    // The kinds' own rules (an existing folder, an existing file, …), said once in worker/.
    const TaskKinds kinds = TaskKinds::builtIn();
    for (const LaunchTask &task : std::as_const(options.tasks)) {
        try {
            kinds.find(task.kind)->params.validateObject(task.params);
        } catch (const SchemaError &error) {
            return refuse(tr("Cannot start %1: %2").arg(task.kind, error.message()));
        }
    }
    return parsed;
}

LaunchOptions CommandLine::parse(const QCoreApplication &app)
{
    const Parsed parsed = parse(QCoreApplication::arguments(), QDir::currentPath());
    switch (parsed.outcome) {
    case Outcome::Run:
        return parsed.options;
    case Outcome::Help:
    case Outcome::Version: {
        // QCommandLineParser's own texts, --help-all's Qt options among them.
        QCommandLineParser parser;
        declare(parser);
        parser.process(app); // prints and exits
        break;
    }
    case Outcome::Refused:
        std::fprintf(stderr, "%s: %s\n", qPrintable(QCoreApplication::applicationName()),
                     qPrintable(parsed.error));
        break;
    }
    std::exit(2);
}

} // namespace Conduit
