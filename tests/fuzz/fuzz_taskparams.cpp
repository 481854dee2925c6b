// SPDX-License-Identifier: MIT
// TaskManager::start's validation of every kind's params, as each kind declares them
// (TaskKind::params, a Schema), with fuzzed JSON params. Input: the kind on the first line, the
// params object after it; "@TMP@" stands for a scratch folder holding a file, a folder and a
// manifest, so the path checks see both existing and missing paths.
//
// Nothing runs: a paused count task holds the manager's only slot, so a start() that passes
// validation only queues, and is cancelled (queued → cancelled at once) and forgotten.
// Besides the sanitizers: every refusal is invalid_args naming the argument (or the kind), and
// what passes obeys the declaration: every path field, once checked, is absolute, clean and
// passes its check.
#include <worker/CountTask.h>
#include <worker/TaskError.h>
#include <worker/TaskManager.h>

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

bool declares(const TaskKind &kind, const QString &field)
{
    for (const SchemaField &declared : kind.params.fields()) {
        if (declared.name == field)
            return true;
    }
    return false;
}

// What the kind's schema makes of params that start() accepted: each path as its check says.
void checkAccepted(const TaskKind &kind, const QJsonObject &params)
{
    const QJsonObject checked = kind.params.validateObject(params); // must not throw
    for (const SchemaField &field : kind.params.fields()) {
        if (field.schema.type() != Schema::Type::Path || !checked.contains(field.name))
            continue;
        const QString path = checked.value(field.name).toString();
        CONDUIT_FUZZ_CHECK(path.startsWith(QLatin1Char('/')) && QDir::cleanPath(path) == path);
        const QFileInfo info(path);
        switch (field.schema.pathCheck()) {
        case Schema::PathCheck::None:
            break;
        case Schema::PathCheck::Folder:
            CONDUIT_FUZZ_CHECK(info.isDir());
            break;
        case Schema::PathCheck::File:
            CONDUIT_FUZZ_CHECK(info.isFile());
            break;
        case Schema::PathCheck::ParentFolder:
            CONDUIT_FUZZ_CHECK(QFileInfo(info.absolutePath()).isDir() && !info.isDir());
            break;
        }
    }
}

void checkStart(const QString &kindName, const QJsonObject &params)
{
    TaskManager &manager = *fixture->manager;
    const TaskKind *kind = manager.kinds().find(kindName);
    quint64 id = 0;
    try {
        id = manager.start(kindName, params);
    } catch (const TaskError &error) {
        CONDUIT_FUZZ_CHECK(error.code() == QLatin1String("invalid_args"));
        CONDUIT_FUZZ_CHECK(!error.message().isEmpty());
        const QString argument = error.details().value(QStringLiteral("argument")).toString();
        if (!kind) {
            CONDUIT_FUZZ_CHECK(argument == QLatin1String("kind")
                               && error.details().value(QStringLiteral("kind")) == kindName);
        } else {
            // A field it does not know, or one it declares (or a place inside it, "field[2]").
            const QString field
                = argument.section(QLatin1Char('['), 0, 0).section(QLatin1Char('.'), 0, 0);
            CONDUIT_FUZZ_CHECK((params.contains(argument) && !declares(*kind, argument))
                               || declares(*kind, field));
        }
        return;
    }
    CONDUIT_FUZZ_CHECK(kind);
    checkAccepted(*kind, params);
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
    fixture->manager = new TaskManager(TaskKinds::builtIn().add(CountTask::declaration()));
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
    checkStart(kind, params);
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete); // forgotten tasks
    return 0;
}
