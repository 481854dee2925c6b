// SPDX-License-Identifier: MIT
#include "AppScheme.h"
#include "AppSettings.h"
#include "AppViews.h"
#include "AppWindows.h"
#include "CommandLine.h"
#include "ConduitRuntime.h"
#include "MainWindow.h"
#include "RootSandboxGuard.h"
#include "SingleInstance.h"
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

// Tasks the command line asked for; a refusal goes to stderr (the page shows the rest).
void startTasks(Conduit::ConduitRuntime &runtime, const QList<Conduit::LaunchTask> &tasks)
{
    for (const Conduit::LaunchTask &task : tasks) {
        runtime.taskGateway()
            .start(task.kind, task.params)
            .onFailed([kind = task.kind](const Conduit::CommandError &error) {
                std::fprintf(stderr, "%s\n",
                             qPrintable(Conduit::CommandLine::tr("Cannot start %1: %2")
                                            .arg(kind, error.message())));
                return QJsonValue();
            });
    }
}

// Another `conduit …` handed its command line over: start its tasks, show the window.
void openHandedOver(Conduit::ConduitRuntime &runtime, Conduit::AppWindows &windows,
                    const Conduit::SingleInstance::Message &message)
{
    const Conduit::CommandLine::Parsed parsed
        = Conduit::CommandLine::parse(message.arguments, message.workingDirectory);
    QWidget &window = *windows.windowForHandOff(parsed.outcome == Conduit::CommandLine::Outcome::Run
                                                && !parsed.options.tasks.isEmpty());
    if (parsed.outcome == Conduit::CommandLine::Outcome::Run)
        startTasks(runtime, parsed.options.tasks);
    else if (parsed.outcome == Conduit::CommandLine::Outcome::Refused)
        std::fprintf(stderr, "%s\n", qPrintable(parsed.error));
    if (window.isMinimized())
        window.showNormal();
    window.raise();
    // Wayland lets a window take the focus with the token the launcher gave the other process
    // (Qt's xdg-activation reads it from the environment); elsewhere it does nothing.
    if (!message.activationToken.isEmpty())
        qputenv("XDG_ACTIVATION_TOKEN", message.activationToken.toUtf8());
    window.activateWindow();
    qunsetenv("XDG_ACTIVATION_TOKEN");
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
    // A Conduit of this user that runs already takes this command line (before anything heavy
    // starts here); if none answers, this one listens for later ones.
    Conduit::SingleInstance instance;
    if (!options.separateInstance
        && instance.start(Conduit::SingleInstance::ownMessage())
               == Conduit::SingleInstance::Role::HandedOff)
        return 0;
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
    startTasks(runtime, options.tasks);
    Conduit::AppSettings settings;
    Conduit::AppWindows windows(runtime, options.home, &settings);
    // Tasks from the command line are shown, whichever view was left open last time.
    windows.open(options.tasks.isEmpty() ? QString() : Conduit::AppViews::tasks);
    QObject::connect(&instance, &Conduit::SingleInstance::received, &windows,
                     [&](const Conduit::SingleInstance::Message &message) {
                         openHandedOver(runtime, windows, message);
                     });
    QObject::connect(&runtime, &Conduit::ConduitRuntime::shuttingDown, &instance,
                     &Conduit::SingleInstance::stopListening);
    // A signal ends the event loop without closing the windows: the one in front is
    // remembered all the same.
    QObject::connect(&app, &QCoreApplication::aboutToQuit, &windows, [&windows] {
        if (const QList<Conduit::MainWindow *> open = windows.windows(); !open.isEmpty())
            windows.lastWindowClosing(open.last());
    });
    if (options.exitAfterLoad) {
        QObject::connect(&runtime.pages(), &Conduit::PageHub::pageAttached, &app,
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
