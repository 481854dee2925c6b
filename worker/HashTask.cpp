#include "HashTask.h"

#include "ChecksumManifest.h"
#include "FileDigest.h"
#include "TaskParams.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QSaveFile>

#include <algorithm>
#include <atomic>
#include <vector>

namespace Conduit {

struct HashTask::State
{
    struct File
    {
        QByteArray sortKey; // UTF-8, so the order is that of `LC_ALL=C sort`
        QString relativePath;
        QString absolutePath;
    };
    std::vector<File> files;
    std::vector<QByteArray> digests; // by file index, each written by one job
    std::atomic<size_t> next{0};
    qint64 bytes = 0;
};

HashTask::HashTask(const QJsonObject &params, QObject *parent)
    : PoolTask(QStringLiteral("hash"), QStringLiteral("bytes"), parent)
    , m_state(std::make_shared<State>())
{
    const TaskParams reader(
        params, {QStringLiteral("root"), QStringLiteral("algorithm"), QStringLiteral("manifest")});
    m_root = reader.path(QStringLiteral("root"), TaskParams::Check::Folder);
    const QString name = reader.string(QStringLiteral("algorithm"), QStringLiteral("sha256"));
    const auto algorithm = ChecksumManifest::algorithmFromName(name);
    if (!algorithm)
        throw TaskError::invalidArgument(
            QStringLiteral("algorithm"),
            QStringLiteral("algorithm must be md5, sha1, sha256 or sha512, not '%1'").arg(name));
    m_algorithm = *algorithm;
    m_manifest
        = reader.path(QStringLiteral("manifest"), TaskParams::Check::ParentFolder,
                      m_root + QLatin1Char('/') + ChecksumManifest::defaultFileName(m_algorithm));
}

void HashTask::begin()
{
    const auto state = m_state;
    // Stage 1: list the files and their total size.
    runJobs(
        1,
        [state, root = m_root, manifest = m_manifest](TaskJob &job) {
            const QString canonicalRoot = QFileInfo(root).canonicalFilePath();
            const QString canonicalManifest = QFileInfo(manifest).canonicalFilePath();
            QDirIterator it(root, QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot,
                            QDirIterator::Subdirectories);
            qint64 total = 0;
            QDir rootDir(root);
            while (it.hasNext()) {
                const QString path = it.next();
                if (!job.checkpoint())
                    return;
                const QFileInfo info = it.fileInfo();
                if (path == manifest
                    || (!canonicalManifest.isEmpty()
                        && info.canonicalFilePath() == canonicalManifest))
                    continue;
                if (info.isSymLink()) {
                    // Follow a link only to a regular file inside root.
                    const QString target = info.canonicalFilePath();
                    if (target.isEmpty() || !QFileInfo(target).isFile()
                        || !target.startsWith(canonicalRoot + QLatin1Char('/')))
                        continue;
                }
                const QString relative = rootDir.relativeFilePath(path);
                state->files.push_back({relative.toUtf8(), relative, path});
                total += info.size();
            }
            std::sort(
                state->files.begin(), state->files.end(),
                [](const State::File &a, const State::File &b) { return a.sortKey < b.sortKey; });
            state->digests.resize(state->files.size());
            state->bytes = total;
            job.progress().setTotal(total);
        },
        [this, state] {
            // Stage 2: hash, each job taking the next file until none is left.
            const int jobs = int(qMin<size_t>(size_t(parallelism()), state->files.size()));
            runJobs(
                jobs,
                [state, algorithm = m_algorithm](TaskJob &job) {
                    FileDigest digest(algorithm);
                    for (size_t i = state->next++; i < state->files.size(); i = state->next++) {
                        const auto hex = digest.hexDigest(state->files[i].absolutePath, job);
                        if (!hex)
                            return;
                        state->digests[i] = *hex;
                    }
                },
                [this, state] {
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
                                file.write(ChecksumManifest::formatLine(
                                    state->digests[i], state->files[i].relativePath));
                            }
                            if (!job.checkpoint())
                                return; // QSaveFile discards its temporary file
                            if (!file.commit())
                                throw TaskError(QStringLiteral("io_error"),
                                                QStringLiteral("cannot write %1: %2")
                                                    .arg(manifest, file.errorString()));
                        },
                        [this, state] {
                            complete(
                                QJsonObject{{QStringLiteral("files"), double(state->files.size())},
                                            {QStringLiteral("bytes"), double(state->bytes)},
                                            {QStringLiteral("manifest"), m_manifest}});
                        });
                });
        });
}

} // namespace Conduit
