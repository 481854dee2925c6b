// SPDX-License-Identifier: MIT
#include "AppScheme.h"
#include "CommandLine.h"
#include "ConduitRuntime.h"
#include "MainWindow.h"
#include "RootSandboxGuard.h"
#include "Translations.h"
#include "UnixSignalWatcher.h"

#include <QApplication>
#include <QStandardPaths>
#include <QTimer>

#include <cstdio>
#include <cstdlib>

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

    // A termination signal shuts down as closing the window does, without asking: the user
    // (or the session) has already decided.
    Conduit::UnixSignalWatcher signalWatcher;
    QObject::connect(&signalWatcher, &Conduit::UnixSignalWatcher::received, &app,
                     [] { QCoreApplication::exit(0); });

    Conduit::ConduitRuntime runtime(
        std::chrono::seconds(1), Conduit::TaskKinds::builtIn(),
        QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
            + QStringLiteral("/history.sqlite"));
    runtime.start();
    for (const Conduit::LaunchTask &task : options.tasks) {
        runtime.taskGateway()
            .start(task.kind, task.params)
            .onFailed([kind = task.kind](const Conduit::CommandError &error) {
                std::fprintf(stderr, "%s\n",
                             qPrintable(Conduit::CommandLine::tr("Cannot start %1: %2")
                                            .arg(kind, error.message())));
                return QJsonValue();
            });
    }
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
    if (!runtime.shutdown()) {
        // Work that ignored cancellation still runs in the async thread: destroying what it
        // uses would crash. Leave without destructors; the log says which task it was.
        std::fflush(nullptr);
        std::_Exit(status);
    }
    return status;
}
