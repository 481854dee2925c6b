// SPDX-License-Identifier: MIT
#pragma once

#include <QCoreApplication>
#include <QLoggingCategory>

#include <cstdio>
#include <cstdlib>

namespace Conduit::Fuzz {

// One QCoreApplication for the whole fuzzing process (timers, queued calls and futures need
// one); call it from LLVMFuzzerInitialize. It lives until the process exits, when libFuzzer
// calls exit(): a global keeps it reachable, so LeakSanitizer does not count it.
inline QCoreApplication *startApplication(int *argc, char ***argv)
{
    static QCoreApplication *application = new QCoreApplication(*argc, *argv);
    // Refused input is logged as a warning by design; millions of them would only slow the run.
    QLoggingCategory::setFilterRules(QStringLiteral("conduit.*=false"));
    // Qt's own warning for a path holding a NUL character, which fuzzed paths often do.
    static const QtMessageHandler previous = qInstallMessageHandler(
        [](QtMsgType type, const QMessageLogContext &context, const QString &message) {
            if (message != QLatin1String("Broken filename passed to function"))
                previous(type, context, message);
        });
    return application;
}

// A broken invariant: libFuzzer saves the input as a crash artifact.
[[noreturn]] inline void fail(const char *what)
{
    std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
    std::abort();
}

} // namespace Conduit::Fuzz

#define CONDUIT_FUZZ_CHECK(condition)                                                              \
    do {                                                                                           \
        if (!(condition))                                                                          \
            ::Conduit::Fuzz::fail(#condition);                                                     \
    } while (false)
