// SPDX-License-Identifier: MIT
// conduit_api_types: writes the TypeScript declarations of the page's API (commands, events,
// requests) from the native registrations, for the page's client to be type-checked against.
#include "ConduitRuntime.h"

#include <QCoreApplication>
#include <QFile>
#include <QSaveFile>

#include <cstdio>

int main(int argc, char *argv[])
{
    // Registering builds no widget and starts no thread: a QCoreApplication does, without a
    // display or a platform plugin.
    QCoreApplication app(argc, argv);
    if (argc != 2) {
        std::fprintf(stderr, "usage: conduit_api_types <output.ts>\n");
        return 2;
    }
    Conduit::ConduitRuntime runtime; // registers everything, starts nothing
    const QByteArray text = runtime.pages().api().typeScript(runtime.pages().commands()).toUtf8();
    QFile existing(QString::fromLocal8Bit(argv[1]));
    if (existing.open(QIODevice::ReadOnly) && existing.readAll() == text)
        return 0; // unchanged: keep the timestamp, so the page is not rebuilt for nothing
    QSaveFile out(QString::fromLocal8Bit(argv[1]));
    if (!out.open(QIODevice::WriteOnly) || out.write(text) != text.size() || !out.commit()) {
        std::fprintf(stderr, "cannot write %s\n", argv[1]);
        return 1;
    }
    return 0;
}
