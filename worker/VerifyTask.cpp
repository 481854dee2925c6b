// SPDX-License-Identifier: MIT
#include "VerifyTask.h"

#include "ChecksumManifest.h"
#include "FileDigest.h"
#include "FileTree.h"
#include "TaskKind.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>

#include <atomic>
#include <sys/stat.h>
#include <vector>

namespace Conduit {

namespace {
constexpr qint64 kMaxManifestSize = 256 * 1024 * 1024;
}

struct VerifyTask::State
{
    enum class Verdict : char {
        Unchecked,
        Ok,
        Failed,
        Missing,
        Unreadable,
        Special,
        OutsideRoot,
        Malformed
    };
    struct Entry
    {
        int line = 0;
        QByteArray name; // as the manifest names it, unescaped
        QByteArray hex;
        Verdict verdict = Verdict::Unchecked;
        QString message;
    };
    QCryptographicHash::Algorithm algorithm = QCryptographicHash::Sha256;
    std::vector<Entry> entries; // every line that is not blank or a comment
    std::atomic<size_t> next{0};

    static QString verdictName(Verdict verdict)
    {
        switch (verdict) {
        case Verdict::Failed:
            return QStringLiteral("failed");
        case Verdict::Missing:
            return QStringLiteral("missing");
        case Verdict::Unreadable:
            return QStringLiteral("unreadable");
        case Verdict::Special:
            return QStringLiteral("special");
        case Verdict::OutsideRoot:
            return QStringLiteral("outside_root");
        case Verdict::Malformed:
            return QStringLiteral("malformed");
        default:
            return QStringLiteral("ok");
        }
    }
    // What a problem's verdict may be: every verdict but ok.
    static QStringList problemVerdicts()
    {
        QStringList names;
        for (const Verdict verdict : {Verdict::Failed, Verdict::Missing, Verdict::Unreadable,
                                      Verdict::Special, Verdict::OutsideRoot, Verdict::Malformed})
            names.append(verdictName(verdict));
        return names;
    }
};

const TaskKind &VerifyTask::declaration()
{
    static const TaskKind kind = TaskKind::of<VerifyTask>(
        QStringLiteral("verify"),
        QStringLiteral("Checks the files a checksum manifest names, as `sha256sum -c` does."),
        QStringLiteral("bytes"),
        Schema::object()
            .required(QStringLiteral("manifest"), Schema::path(Schema::PathCheck::File))
            .optional(QStringLiteral("root"),
                      Schema::path(Schema::PathCheck::Folder)
                          .describe(QStringLiteral("the folder the manifest's paths are relative "
                                                   "to; default: the manifest's folder"))),
        Schema::object()
            .required(QStringLiteral("ok"), Schema::boolean())
            .required(QStringLiteral("checked"),
                      Schema::integer().describe(QStringLiteral("checksum lines")))
            .required(QStringLiteral("passed"),
                      Schema::integer().describe(QStringLiteral("checksum lines that are OK")))
            .required(QStringLiteral("mismatched"), Schema::arrayOf(Schema::string()))
            .required(QStringLiteral("missing"), Schema::arrayOf(Schema::string()))
            .required(QStringLiteral("problems"),
                      Schema::arrayOf(
                          Schema::named(
                              QStringLiteral("VerifyProblem"),
                              Schema::object()
                                  .required(QStringLiteral("line"),
                                            Schema::integer().describe(QStringLiteral(
                                                "1-based line number in the manifest")))
                                  .required(QStringLiteral("verdict"),
                                            Schema::named(QStringLiteral("VerifyVerdict"),
                                                          Schema::oneOf(State::problemVerdicts())))
                                  .optional(QStringLiteral("path"),
                                            Schema::string().describe(
                                                QStringLiteral("absent for malformed lines")))
                                  .optional(QStringLiteral("escaped"), Schema::boolean())
                                  .optional(QStringLiteral("message"), Schema::string())))
                          .describe(QStringLiteral("every line that is not OK, in order"))));
    return kind;
}

VerifyTask::VerifyTask(const QJsonObject &params, QObject *parent)
    : PoolTask(declaration(), parent)
    , m_manifest(params.value(QStringLiteral("manifest")).toString())
    , m_root(params.value(QStringLiteral("root")).toString(QFileInfo(m_manifest).absolutePath()))
    , m_state(std::make_shared<State>())
{}

void VerifyTask::begin()
{
    using Verdict = State::Verdict;
    const auto state = m_state;
    // Stage 1: parse the manifest, refuse what leaves root, size the files it names.
    runJobs(
        1,
        [state, manifest = m_manifest, root = QFile::encodeName(m_root)](TaskJob &job) {
            const auto ioError = [&manifest](const QString &message) {
                return TaskError(QStringLiteral("io_error"), message,
                                 QJsonObject{{QStringLiteral("path"), manifest}});
            };
            QFile file(manifest);
            if (!file.open(QIODevice::ReadOnly))
                throw ioError(
                    QStringLiteral("cannot open %1: %2").arg(manifest, file.errorString()));
            if (file.size() > kMaxManifestSize)
                throw ioError(QStringLiteral("%1 is too large for a manifest").arg(manifest));
            const QByteArray content = file.readAll();
            state->algorithm = ChecksumManifest::algorithmFromFileName(manifest).value_or(
                ChecksumManifest::algorithmFromContent(content).value_or(
                    QCryptographicHash::Sha256));
            ChecksumManifest reader(state->algorithm);
            const QByteArray canonicalRoot = FileTree::canonical(root).value_or(root);
            qint64 total = 0;
            int number = 0;
            for (const QByteArray &text : content.split('\n')) {
                ++number;
                if (!job.checkpoint())
                    return;
                ChecksumManifest::Line line;
                const auto kind = reader.read(text, &line);
                if (kind == ChecksumManifest::Kind::Blank)
                    continue;
                State::Entry entry{number, line.name, line.hex, Verdict::Unchecked, {}};
                if (kind == ChecksumManifest::Kind::Malformed) {
                    entry.verdict = Verdict::Malformed;
                } else if (line.name.isEmpty()) {
                    entry.verdict = Verdict::Missing;
                    entry.message = QStringLiteral("empty file name");
                } else if (line.name.startsWith('/')) {
                    entry.verdict = Verdict::OutsideRoot;
                    entry.message = QStringLiteral("absolute path");
                } else if (line.name.split('/').contains("..")) {
                    entry.verdict = Verdict::OutsideRoot;
                    entry.message = QStringLiteral("'..' leaves the root");
                } else {
                    const QByteArray absolute = root + '/' + line.name;
                    const auto resolved = FileTree::canonical(absolute);
                    if (resolved && *resolved != canonicalRoot
                        && !FileTree::isInside(*resolved, canonicalRoot)) {
                        entry.verdict = Verdict::OutsideRoot;
                        entry.message = QStringLiteral("a symlink leads out of the root");
                    } else if (struct stat info;
                               ::stat(absolute.constData(), &info) == 0 && S_ISREG(info.st_mode)) {
                        total += info.st_size;
                    }
                }
                state->entries.push_back(std::move(entry));
            }
            job.progress().setTotal(total);
        },
        [this, state] {
            // Stage 2: hash every named file, several at once.
            const int jobs = int(qMin<size_t>(size_t(parallelism()), state->entries.size()));
            runJobs(
                jobs,
                [state, root = QFile::encodeName(m_root)](TaskJob &job) {
                    using Status = FileDigest::Outcome::Status;
                    FileDigest digest(state->algorithm);
                    for (size_t i = state->next++; i < state->entries.size(); i = state->next++) {
                        auto &entry = state->entries[i];
                        if (entry.verdict != Verdict::Unchecked)
                            continue;
                        const auto outcome = digest.digest(root + '/' + entry.name, job);
                        switch (outcome.status) {
                        case Status::Cancelled:
                            return;
                        case Status::Ok:
                            entry.verdict
                                = outcome.hex == entry.hex ? Verdict::Ok : Verdict::Failed;
                            break;
                        case Status::Missing:
                            entry.verdict = Verdict::Missing;
                            break;
                        case Status::Unreadable:
                        case Status::Changed: // only with an Expected, which verify never gives
                            entry.verdict = Verdict::Unreadable;
                            break;
                        case Status::Special:
                            entry.verdict = Verdict::Special;
                            break;
                        }
                        entry.message = outcome.message;
                    }
                },
                [this, state] {
                    QJsonArray mismatched;
                    QJsonArray missing;
                    QJsonArray problems;
                    int checked = 0;
                    int passed = 0;
                    bool failed = false;
                    for (const auto &entry : state->entries) {
                        if (entry.verdict != Verdict::Malformed)
                            ++checked;
                        if (entry.verdict == Verdict::Ok) {
                            ++passed;
                            continue;
                        }
                        QJsonObject problem{
                            {QStringLiteral("line"), entry.line},
                            {QStringLiteral("verdict"), State::verdictName(entry.verdict)}};
                        if (entry.verdict != Verdict::Malformed) {
                            failed = true;
                            bool escaped = false;
                            const QString path
                                = ChecksumManifest::displayName(entry.name, &escaped);
                            problem.insert(QStringLiteral("path"), path);
                            if (escaped)
                                problem.insert(QStringLiteral("escaped"), true);
                            if (entry.verdict == Verdict::Failed)
                                mismatched.append(path);
                            else if (entry.verdict == Verdict::Missing)
                                missing.append(path);
                        }
                        if (!entry.message.isEmpty())
                            problem.insert(QStringLiteral("message"), entry.message);
                        problems.append(problem);
                    }
                    const bool malformedOnly = checked == 0 && !state->entries.empty();
                    complete(QJsonObject{{QStringLiteral("ok"), !failed && !malformedOnly},
                                         {QStringLiteral("checked"), checked},
                                         {QStringLiteral("passed"), passed},
                                         {QStringLiteral("mismatched"), mismatched},
                                         {QStringLiteral("missing"), missing},
                                         {QStringLiteral("problems"), problems}});
                });
        });
}

} // namespace Conduit
