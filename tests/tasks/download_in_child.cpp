// SPDX-License-Identifier: MIT
// Downloads in a process of its own, for tst_downloadtask::killedProcessResumes, which kills it
// with SIGKILL halfway and lets a new task resume what it left.
// Usage: download_in_child URL DEST. Prints "done N" whenever progress is published; exit code
// 0 once the download completed, 1 if it failed, 2 on bad usage.
#include <worker/TaskManager.h>

#include <QCoreApplication>

#include <cstdio>

using namespace Conduit;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc != 3)
        return 2;
    TaskManager manager;
    QObject::connect(&manager, &TaskManager::progressChanged, &app,
                     [](quint64, qint64 done, qint64) {
                         std::printf("done %lld\n", static_cast<long long>(done));
                         std::fflush(stdout);
                     });
    QObject::connect(&manager, &TaskManager::stateChanged, &app, [](const TaskSnapshot &s) {
        if (isFinalState(s.state))
            QCoreApplication::exit(s.state == TaskState::Completed ? 0 : 1);
    });
    manager.start(QStringLiteral("download"),
                  {{QStringLiteral("url"), QString::fromLocal8Bit(argv[1])},
                   {QStringLiteral("dest"), QString::fromLocal8Bit(argv[2])}});
    return app.exec();
}
