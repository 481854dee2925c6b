#include "AppScheme.h"
#include "ConduitRuntime.h"
#include "MainWindow.h"
#include "RootSandboxGuard.h"
#include "Translations.h"

#include <QApplication>
#include <QCommandLineParser>

namespace {

void describeCommandLine(QCommandLineParser &parser)
{
    parser.setApplicationDescription(QCoreApplication::translate(
        "main", "Conduit: a Vue page and an asynchronous C++ process, talking both ways."));
    parser.addHelpOption();
    parser.addVersionOption();
}

bool asksForHelpOrVersion(int argc, char *argv[])
{
    for (int i = 1; i < argc; ++i) {
        const QByteArray arg(argv[i]);
        if (arg == "-h" || arg == "--help" || arg == "-?" || arg == "--help-all" || arg == "-v"
            || arg == "--version")
            return true;
    }
    return false;
}

void setApplicationIdentity()
{
    QCoreApplication::setApplicationName(QStringLiteral("conduit"));
    QCoreApplication::setApplicationVersion(QStringLiteral(CONDUIT_VERSION));
    QCoreApplication::setOrganizationName(QStringLiteral("Conduit"));
    QGuiApplication::setApplicationDisplayName(QStringLiteral("Conduit"));
    QGuiApplication::setDesktopFileName(QStringLiteral("conduit"));
}

} // namespace

int main(int argc, char *argv[])
{
    Conduit::AppScheme::registerScheme();

    // --help and --version answer without a display: no window system is needed to print.
    if (asksForHelpOrVersion(argc, argv)) {
        QCoreApplication app(argc, argv);
        QCoreApplication::setApplicationName(QStringLiteral("conduit"));
        QCoreApplication::setApplicationVersion(QStringLiteral(CONDUIT_VERSION));
        Conduit::Translations::install(app);
        QCommandLineParser parser;
        describeCommandLine(parser);
        parser.process(app); // prints and exits
        return 0;
    }

    QCoreApplication::setAttribute(Qt::AA_ShareOpenGLContexts);
    QApplication app(argc, argv);
    setApplicationIdentity();
    Conduit::Translations::install(app);
    QCommandLineParser parser;
    describeCommandLine(parser);
    parser.process(app);
    Conduit::RootSandboxGuard::disableSandboxIfRoot();

    Conduit::ConduitRuntime runtime;
    runtime.start();
    Conduit::MainWindow window(runtime);
    window.show();
    const int status = QApplication::exec();
    runtime.shutdown();
    return status;
}
