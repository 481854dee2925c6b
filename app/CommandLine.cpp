#include "CommandLine.h"

#include "AppScheme.h"

#include <QCommandLineParser>
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
    parser.addOption(devUrl);
    parser.addOption(exitAfterLoad);
    parser.process(app);

    LaunchOptions options;
    options.home = AppScheme::entryUrl();
    options.exitAfterLoad = parser.isSet(exitAfterLoad);
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
