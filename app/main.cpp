#include "AppScheme.h"
#include "CommandLine.h"
#include "ConduitRuntime.h"
#include "MainWindow.h"
#include "RootSandboxGuard.h"
#include "Translations.h"

#include <QApplication>
#include <QTimer>

#include <cstdio>

namespace {

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
}

} // namespace

int main(int argc, char *argv[])
{
    Conduit::AppScheme::registerScheme();

    // --help and --version answer without a display: no window system is needed to print.
    if (asksForHelpOrVersion(argc, argv)) {
        QCoreApplication app(argc, argv);
        setApplicationIdentity();
        Conduit::Translations::install(app);
        Conduit::CommandLine::parse(app); // prints and exits
        return 0;
    }

    QCoreApplication::setAttribute(Qt::AA_ShareOpenGLContexts);
    QApplication app(argc, argv);
    setApplicationIdentity();
    QGuiApplication::setApplicationDisplayName(QStringLiteral("Conduit"));
    QGuiApplication::setDesktopFileName(QStringLiteral("io.github.conduit.Conduit"));
    Conduit::Translations::install(app);
    const Conduit::LaunchOptions options = Conduit::CommandLine::parse(app);
    Conduit::RootSandboxGuard::disableSandboxIfRoot();

    Conduit::ConduitRuntime runtime;
    runtime.start();
    Conduit::MainWindow window(runtime, options.home);
    window.show();
    if (options.exitAfterLoad) {
        QObject::connect(&runtime.bridge(), &Conduit::Bridge::pageAttached, &app,
                         [] { QTimer::singleShot(0, qApp, &QCoreApplication::quit); });
        QTimer::singleShot(60 * 1000, &app, [] {
            std::fprintf(stderr, "the page did not connect within 60 s\n");
            QCoreApplication::exit(1);
        });
    }
    const int status = QApplication::exec();
    runtime.shutdown();
    return status;
}
