// SPDX-License-Identifier: MIT
#pragma once

#include <QCoreApplication>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace Conduit {

// What the user asked for on the command line.
struct LaunchTask
{
    QString kind;
    QJsonObject params;
};

struct LaunchOptions
{
    QUrl home;                  // app://conduit/index.html, or the Vite dev server
    bool exitAfterLoad = false; // start, load the page, wait for its hello, quit: a smoke test
    // --dev-url or --exit-after-load: this process neither hands its command line to a running
    // Conduit nor takes other processes' (a development page; a start-up check of this binary).
    bool separateInstance = false;
    // --hash DIR, --verify MANIFEST, a MANIFEST, an http(s) URL: started once the runtime runs
    QList<LaunchTask> tasks;
};

class CommandLine
{
    Q_DECLARE_TR_FUNCTIONS(CommandLine)

public:
    enum class Outcome { Run, Help, Version, Refused };
    struct Parsed
    {
        Outcome outcome = Outcome::Run;
        LaunchOptions options;
        QString error; // why it was refused, for the user
    };

    // Parses a command line (arguments[0] is the program) as if it was given in
    // workingDirectory: relative paths are resolved against it, so a running Conduit parses
    // another process's command line as that process would. Every task is checked against its
    // kind's params, so what the task would refuse is refused here, where the user sees it.
    // Neither prints nor exits.
    static Parsed parse(const QStringList &arguments, const QString &workingDirectory);
    // This process's own command line: prints help or the version and exits with 0, or prints
    // why it is refused and exits with 2.
    static LaunchOptions parse(const QCoreApplication &app);
    // Only loopback http(s) URLs may serve the page: the dev server on this machine.
    static bool isAcceptableDevUrl(const QUrl &url);
    // Where `conduit URL` saves: the Downloads folder (created if missing), the file name from
    // the URL's path ("download" if it has none), made unique with " (1)", " (2)", … before
    // its suffix. A name is taken by a file (a dangling link too), by a download's partial
    // (DownloadTask::kPartialSuffix), and by any name this process gave out before: a download
    // handed over while another of the same name waits in the queue has written nothing yet.
    // Empty if there is no Downloads folder.
    static QString downloadDestination(const QUrl &url);
};

} // namespace Conduit
