// SPDX-License-Identifier: MIT
// The task params reader (worker/TaskParams) and TaskManager::start's validation of every kind,
// with fuzzed JSON params. Input: the kind on the first line, the params object after it;
// "@TMP@" stands for a scratch folder holding a file, a folder and a manifest, so the path
// checks see both existing and missing paths.
//
// Nothing runs: a paused count task holds the manager's only slot, so a start() that passes
// validation only queues, and is cancelled (queued → cancelled at once) and forgotten.
// Besides the sanitizers: every refusal is invalid_args naming the argument (or the kind), and
// every accessor's result obeys its contract.
#include <worker/TaskError.h>
#include <worker/TaskManager.h>
#include <worker/TaskParams.h>

#include "FuzzApplication.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QTemporaryDir>

#include <cstddef>
#include <cstdint>

using namespace Conduit;

namespace {

struct Fixture
{
    QTemporaryDir scratch;
    TaskManager *manager = nullptr; // lives until exit, with its paused blocker
};

Fixture *fixture = nullptr;

const QStringList &allowedKeys()
{
    // Every key any kind reads, and one no kind knows.
    static const QStringList keys{QStringLiteral("to"),
                                  QStringLiteral("stepMs"),
                                  QStringLiteral("root"),
                                  QStringLiteral("algorithm"),
                                  QStringLiteral("manifest"),
                                  QStringLiteral("url"),
                                  QStringLiteral("dest"),
                                  QStringLiteral("sha256"),
                                  QStringLiteral("connectTimeoutMs"),
                                  QStringLiteral("stallTimeoutMs"),
                                  QStringLiteral("path"),
                                  QStringLiteral("fromStart"),
                                  QStringLiteral("other")};
    return keys;
}

const QStringList &requiredKeys()
{
    static const QStringList keys{QStringLiteral("to"),       QStringLiteral("root"),
                                  QStringLiteral("manifest"), QStringLiteral("url"),
                                  QStringLiteral("dest"),     QStringLiteral("path")};
    return keys;
}

void checkRefusal(const TaskError &error, const QString &argument)
{
    CONDUIT_FUZZ_CHECK(error.code() == QLatin1String("invalid_args"));
    CONDUIT_FUZZ_CHECK(error.details().value(QStringLiteral("argument")).toString() == argument);
    CONDUIT_FUZZ_CHECK(!error.message().isEmpty());
}

template<typename Read> void readEach(const QString &key, Read read)
{
    try {
        read();
    } catch (const TaskError &error) {
        checkRefusal(error, key);
    }
}

void checkReader(const QJsonObject &params)
{
    std::optional<TaskParams> reader;
    try {
        reader.emplace(params, allowedKeys());
    } catch (const TaskError &error) {
        const QString key = error.details().value(QStringLiteral("argument")).toString();
        CONDUIT_FUZZ_CHECK(params.contains(key) && !allowedKeys().contains(key));
        checkRefusal(error, key);
        return;
    }
    for (const QString &key : allowedKeys()) {
        const QJsonValue given = params.value(key);
        const bool present = !given.isUndefined() && !given.isNull();
        CONDUIT_FUZZ_CHECK(reader->has(key) == present);
        readEach(key, [&] {
            const QString value = reader->string(key, QStringLiteral("fallback"));
            CONDUIT_FUZZ_CHECK(value == (present ? given.toString() : QStringLiteral("fallback")));
        });
        readEach(key, [&] { CONDUIT_FUZZ_CHECK(!reader->requiredString(key).isEmpty()); });
        readEach(key, [&] {
            const qint64 value = reader->integer(key, 7, -1000, 1'000'000'000'000);
            CONDUIT_FUZZ_CHECK(value >= -1000 && value <= 1'000'000'000'000);
            CONDUIT_FUZZ_CHECK(present ? double(value) == given.toDouble() : value == 7);
        });
        readEach(key, [&] {
            CONDUIT_FUZZ_CHECK(reader->boolean(key, true) == (present ? given.toBool() : true));
        });
        using Check = TaskParams::Check;
        for (const Check check : {Check::None, Check::Folder, Check::File, Check::ParentFolder}) {
            readEach(key, [&] {
                const QString path = reader->path(key, check, QStringLiteral("/fallback"));
                CONDUIT_FUZZ_CHECK(path.startsWith(QLatin1Char('/'))
                                   && QDir::cleanPath(path) == path);
                const QFileInfo info(path);
                if (check == Check::Folder)
                    CONDUIT_FUZZ_CHECK(info.isDir());
                if (check == Check::File)
                    CONDUIT_FUZZ_CHECK(info.isFile());
                if (check == Check::ParentFolder)
                    CONDUIT_FUZZ_CHECK(QFileInfo(info.absolutePath()).isDir() && !info.isDir());
            });
        }
    }
}

void checkStart(const QString &kind, const QJsonObject &params)
{
    TaskManager &manager = *fixture->manager;
    quint64 id = 0;
    try {
        id = manager.start(kind, params);
    } catch (const TaskError &error) {
        CONDUIT_FUZZ_CHECK(error.code() == QLatin1String("invalid_args"));
        const QString argument = error.details().value(QStringLiteral("argument")).toString();
        if (!TaskManager::kinds().contains(kind))
            CONDUIT_FUZZ_CHECK(argument == QLatin1String("kind")
                               && error.details().value(QStringLiteral("kind")) == kind);
        else // a param it refused, or a required one that is missing
            CONDUIT_FUZZ_CHECK(params.contains(argument) || requiredKeys().contains(argument));
        return;
    }
    CONDUIT_FUZZ_CHECK(TaskManager::kinds().contains(kind));
    CONDUIT_FUZZ_CHECK(manager.snapshot(id).state == TaskState::Queued);
    CONDUIT_FUZZ_CHECK(manager.snapshot(id).params == params);
    manager.cancel(id);
    CONDUIT_FUZZ_CHECK(manager.snapshot(id).state == TaskState::Cancelled);
    manager.forget(id);
    CONDUIT_FUZZ_CHECK(manager.list().size() == 1); // the blocker
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    Fuzz::startApplication(argc, argv);
    fixture = new Fixture;
    CONDUIT_FUZZ_CHECK(fixture->scratch.isValid());
    const QDir dir(fixture->scratch.path());
    CONDUIT_FUZZ_CHECK(dir.mkpath(QStringLiteral("tree/sub")));
    for (const char *name : {"tree/a.txt", "tree/sub/b.txt", "log.txt", "SHA256SUMS"}) {
        QFile file(dir.filePath(QLatin1String(name)));
        CONDUIT_FUZZ_CHECK(file.open(QIODevice::WriteOnly) && file.write("hello\n") == 6);
    }
    fixture->manager = new TaskManager;
    fixture->manager->setLimit(1);
    const quint64 blocker = fixture->manager->start(
        QStringLiteral("count"),
        QJsonObject{{QStringLiteral("to"), 1'000'000'000}, {QStringLiteral("stepMs"), 3'600'000}});
    fixture->manager->pause(blocker);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    QByteArray text(reinterpret_cast<const char *>(data), qsizetype(size));
    const qsizetype newline = text.indexOf('\n');
    if (newline < 0)
        return 0;
    const QString kind = QString::fromUtf8(text.left(newline));
    text.remove(0, newline + 1);
    text.replace("@TMP@", fixture->scratch.path().toUtf8());
    const QJsonDocument document = QJsonDocument::fromJson(text);
    if (!document.isObject())
        return 0; // the page's params are always an object (tasks.start's schema)
    const QJsonObject params = document.object();
    checkReader(params);
    checkStart(kind, params);
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete); // forgotten tasks
    return 0;
}
