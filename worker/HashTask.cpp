// SPDX-License-Identifier: MIT
#include "HashTask.h"

#include "ChecksumManifest.h"
#include "FileDigest.h"
#include "FileTree.h"
#include "TaskKind.h"

#include <QFile>
#include <QJsonArray>
#include <QSaveFile>

#include <algorithm>
#include <atomic>
#include <vector>

namespace Conduit {

namespace {
QJsonObject skippedJson(const FileTree::Skipped &entry)
{
    bool escaped = false;
    QJsonObject json{{QStringLiteral("path"), ChecksumManifest::displayName(entry.path, &escaped)},
                     {QStringLiteral("reason"), entry.reason}};
    if (!entry.message.isEmpty())
        json.insert(QStringLiteral("message"), entry.message);
    if (escaped)
        json.insert(QStringLiteral("escaped"), true);
    return json;
}
} // namespace

struct HashTask::State
{
    std::vector<FileTree::File> files;        // sorted by path bytes
    std::vector<FileDigest::Outcome> digests; // by file index, each written by one job
    std::vector<FileTree::Skipped> skipped;
    std::atomic<size_t> next{0};
    qint64 bytes = 0;
};

const TaskKind &HashTask::declaration()
{
    static const TaskKind kind = TaskKind::of<HashTask>(
        QStringLiteral("hash"),
        QStringLiteral("Hashes every file under a folder into a checksum manifest."),
        QStringLiteral("bytes"),
        Schema::object()
            .required(QStringLiteral("root"), Schema::path(Schema::PathCheck::Folder)
                                                  .describe(QStringLiteral("the folder to hash")))
            .optional(QStringLiteral("algorithm"),
                      Schema::named(QStringLiteral("HashAlgorithm"),
                                    Schema::oneOf(ChecksumManifest::algorithmNames())),
                      QStringLiteral("sha256"))
            .optional(QStringLiteral("manifest"),
                      Schema::path(Schema::PathCheck::ParentFolder)
                          .describe(QStringLiteral("default <root>/SHA256SUMS (or the "
                                                   "algorithm's twin)"))),
        Schema::object()
            .required(QStringLiteral("files"),
                      Schema::integer().describe(QStringLiteral("files hashed")))
            .required(QStringLiteral("bytes"), Schema::integer())
            .required(QStringLiteral("manifest"), Schema::string())
            .required(QStringLiteral("skipped"),
                      Schema::arrayOf(
                          Schema::named(
                              QStringLiteral("HashSkipped"),
                              Schema::object()
                                  .required(QStringLiteral("path"), Schema::string())
                                  .optional(QStringLiteral("escaped"),
                                            Schema::boolean().describe(QStringLiteral(
                                                "path is escaped (ChecksumManifest::displayName)")))
                                  .required(QStringLiteral("reason"),
                                            Schema::named(QStringLiteral("HashSkipReason"),
                                                          Schema::oneOf(FileTree::skipReasons())))
                                  .optional(QStringLiteral("message"),
                                            Schema::string().describe(QStringLiteral(
                                                "the system's error, the kind of special file, or "
                                                "where a link leads")))))
                          .describe(QStringLiteral("every file left out, by path"))));
    return kind;
}

HashTask::HashTask(const QJsonObject &params, QObject *parent)
    : PoolTask(declaration(), parent)
    , m_root(params.value(QStringLiteral("root")).toString())
    , m_algorithm(*ChecksumManifest::algorithmFromName(
          params.value(QStringLiteral("algorithm")).toString()))
    , m_state(std::make_shared<State>())
{
    m_manifest
        = params.value(QStringLiteral("manifest"))
              .toString(m_root + QLatin1Char('/') + ChecksumManifest::defaultFileName(m_algorithm));
}

void HashTask::begin()
{
    const auto state = m_state;
    // Stage 1: list the files and their total size.
    runJobs(
        1,
        [state, root = QFile::encodeName(m_root),
         manifest = QFile::encodeName(m_manifest)](TaskJob &job) {
            if (!FileTree::walk(
                    root, manifest, [&job] { return job.checkpoint(); }, &state->files,
                    &state->skipped))
                return;
            std::sort(
                state->files.begin(), state->files.end(),
                [](const FileTree::File &a, const FileTree::File &b) { return a.path < b.path; });
            qint64 total = 0;
            for (const auto &file : state->files)
                total += file.size;
            state->digests.resize(state->files.size());
            job.progress().setTotal(total);
        },
        [this, state] {
            // Stage 2: hash, each job taking the next file until none is left.
            const int jobs = int(qMin<size_t>(size_t(parallelism()), state->files.size()));
            runJobs(
                jobs,
                [state, algorithm = m_algorithm, root = QFile::encodeName(m_root)](TaskJob &job) {
                    FileDigest digest(algorithm);
                    for (size_t i = state->next++; i < state->files.size(); i = state->next++) {
                        auto outcome = digest.digest(root + '/' + state->files[i].path, job);
                        if (outcome.status == FileDigest::Outcome::Status::Cancelled)
                            return;
                        state->digests[i] = std::move(outcome);
                    }
                },
                [this, state] {
                    // Files that failed to hash join the skipped ones.
                    for (size_t i = 0; i < state->files.size(); ++i) {
                        const auto &outcome = state->digests[i];
                        if (outcome.status == FileDigest::Outcome::Status::Ok)
                            state->bytes += state->files[i].size;
                        else
                            state->skipped.push_back(
                                {state->files[i].path,
                                 outcome.status == FileDigest::Outcome::Status::Special
                                     ? QStringLiteral("special")
                                     : QStringLiteral("unreadable"),
                                 outcome.message});
                    }
                    std::sort(state->skipped.begin(), state->skipped.end(),
                              [](const FileTree::Skipped &a, const FileTree::Skipped &b) {
                                  return a.path < b.path;
                              });
                    // Stage 3: write the manifest next to its final name, commit on success.
                    runJobs(
                        1,
                        [state, manifest = m_manifest](TaskJob &job) {
                            QSaveFile file(manifest);
                            if (!file.open(QIODevice::WriteOnly))
                                throw TaskError(QStringLiteral("io_error"),
                                                QStringLiteral("cannot write %1: %2")
                                                    .arg(manifest, file.errorString()));
                            for (size_t i = 0; i < state->files.size(); ++i) {
                                const auto &outcome = state->digests[i];
                                if (outcome.status == FileDigest::Outcome::Status::Ok)
                                    file.write(ChecksumManifest::formatLine(outcome.hex,
                                                                            state->files[i].path));
                            }
                            if (!job.checkpoint())
                                return; // QSaveFile discards its temporary file
                            if (!file.commit())
                                throw TaskError(QStringLiteral("io_error"),
                                                QStringLiteral("cannot write %1: %2")
                                                    .arg(manifest, file.errorString()));
                        },
                        [this, state] {
                            QJsonArray skipped;
                            for (const auto &entry : state->skipped)
                                skipped.append(skippedJson(entry));
                            const auto hashed = std::count_if(
                                state->digests.begin(), state->digests.end(), [](const auto &d) {
                                    return d.status == FileDigest::Outcome::Status::Ok;
                                });
                            complete(QJsonObject{{QStringLiteral("files"), double(hashed)},
                                                 {QStringLiteral("bytes"), double(state->bytes)},
                                                 {QStringLiteral("manifest"), m_manifest},
                                                 {QStringLiteral("skipped"), skipped}});
                        });
                });
        });
}

} // namespace Conduit
