// SPDX-License-Identifier: MIT
#include "CommandLine.h"

#include "AppScheme.h"

#include <QCommandLineParser>
#include <QFileInfo>
#include <QHostAddress>

#include <cstdio>

namespace Conduit {

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

LaunchOptions CommandLine::parse(const QCoreApplication &app)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("Conduit: a Vue page and an asynchronous C++ process, talking both ways."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption devUrl(
        QStringLiteral("dev-url"),
        tr("Load the page from a development server on this machine (e.g. the Vite dev server, "
           "http://localhost:5173) instead of the built-in one."),
        tr("url"));
    const QCommandLineOption exitAfterLoad(
        QStringLiteral("exit-after-load"),
        tr("Quit as soon as the page has loaded and connected (a start-up check)."));
    const QCommandLineOption hash(QStringLiteral("hash"),
                                  tr("Hash a folder into a checksum manifest (SHA256SUMS)."),
                                  tr("folder"));
    const QCommandLineOption verify(QStringLiteral("verify"),
                                    tr("Verify the files listed in a checksum manifest."),
                                    tr("manifest"));
    parser.addOption(devUrl);
    parser.addOption(exitAfterLoad);
    parser.addOption(hash);
    parser.addOption(verify);
    parser.process(app);

    LaunchOptions options;
    options.home = AppScheme::entryUrl();
    options.exitAfterLoad = parser.isSet(exitAfterLoad);
    // Relative paths are the user's, relative to where they started Conduit.
    const auto absolute = [](const QString &path) {
        return QFileInfo(path).absoluteFilePath();
    };
    for (const QString &root : parser.values(hash))
        options.tasks.append({QStringLiteral("hash"), {{QStringLiteral("root"), absolute(root)}}});
    for (const QString &manifest : parser.values(verify))
        options.tasks.append(
            {QStringLiteral("verify"), {{QStringLiteral("manifest"), absolute(manifest)}}});
    if (parser.isSet(devUrl)) {
        const QUrl url(parser.value(devUrl), QUrl::StrictMode);
        if (!isAcceptableDevUrl(url)) {
            std::fprintf(stderr, "%s\n",
                         qPrintable(tr("--dev-url must be an http(s) URL on this machine "
                                       "(localhost, 127.0.0.1 or [::1]): %1")
                                        .arg(parser.value(devUrl))));
            ::exit(2);
        }
        options.home = url;
    }
    return options;
}

} // namespace Conduit
