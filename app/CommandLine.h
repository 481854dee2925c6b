// SPDX-License-Identifier: MIT
#pragma once

#include <QCoreApplication>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QUrl>

namespace Conduit {

// What the user asked for on the command line. --help and --version are answered by the
// parser itself (it prints and exits).
struct LaunchTask
{
    QString kind;
    QJsonObject params;
};

struct LaunchOptions
{
    QUrl home;                  // app://conduit/index.html, or the Vite dev server
    bool exitAfterLoad = false; // start, load the page, wait for its hello, quit: a smoke test
    QList<LaunchTask> tasks;    // --hash DIR, --verify MANIFEST: started once the runtime runs
};

class CommandLine
{
    Q_DECLARE_TR_FUNCTIONS(CommandLine)

public:
    // Parses the application's arguments; on a bad option prints why and exits with code 2.
    static LaunchOptions parse(const QCoreApplication &app);
    // Only loopback http(s) URLs may serve the page: the dev server on this machine.
    static bool isAcceptableDevUrl(const QUrl &url);
};

} // namespace Conduit
