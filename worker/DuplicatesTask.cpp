// SPDX-License-Identifier: MIT
#include "DuplicatesTask.h"

#include "ChecksumManifest.h"
#include "FileDigest.h"
#include "FileTree.h"
#include "TaskKind.h"

#include <QFile>
#include <QJsonArray>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <map>
#include <sys/stat.h>
#include <vector>

namespace Conduit {

namespace {
// A batch of same-size buckets is hashed as one pool stage; its groups are known when the stage
// ends. Big enough that stages cost nothing next to the hashing, small enough that groups
// appear while the search goes on.
constexpr size_t kBatchFiles = 256;
constexpr qint64 kBatchBytes = 64 * 1024 * 1024;

const QString kSymlink = QStringLiteral("symlink");
const QString kHardLink = QStringLiteral("hard_link");
const QString kChanged = QStringLiteral("changed");

// FileTree's, less the manifest (no file is excluded here), and the two of this kind.
QStringList skipReasons()
{
    QStringList reasons = FileTree::skipReasons();
    reasons.removeOne(QStringLiteral("manifest"));
    return reasons << kSymlink << kHardLink << kChanged;
}

// {path, escaped?}: a name that is not UTF-8 is written escaped, and says so.
QJsonObject pathJson(const QByteArray &path)
{
    bool escaped = false;
    QJsonObject json{{QStringLiteral("path"), ChecksumManifest::displayName(path, &escaped)}};
    if (escaped)
        json.insert(QStringLiteral("escaped"), true);
    return json;
}

// Why a file that was to be hashed is left out.
QString skipReason(FileDigest::Outcome::Status status)
{
    switch (status) {
    case FileDigest::Outcome::Status::Special:
        return QStringLiteral("special");
    case FileDigest::Outcome::Status::Changed:
        return kChanged;
    default:
        return QStringLiteral("unreadable");
    }
}

QJsonObject skippedJson(const FileTree::Skipped &entry)
{
    QJsonObject json = pathJson(entry.path);
    json.insert(QStringLiteral("reason"), entry.reason);
    if (!entry.message.isEmpty())
        json.insert(QStringLiteral("message"), entry.message);
    return json;
}
} // namespace

struct DuplicatesTask::State
{
    struct Candidate
    {
        QByteArray path; // relative to root
        qint64 size = 0;
        FileDigest::Expected identity; // as the walk found it: the file hashed must be this one
    };
    // Files that share their size with another: largest first, then by path bytes. Files of
    // one size (a bucket) are next to each other.
    std::vector<Candidate> candidates;
    std::vector<FileDigest::Outcome> digests; // by candidate index, each written by one job
    std::vector<FileTree::Skipped> skipped;
    qint64 files = 0; // regular files looked at (links and second names not counted)
    size_t batchEnd = 0;
    std::atomic<size_t> next{0};

    QJsonArray groups;
    QList<QJsonObject> unsent; // groups found but not yet in the output log
    qint64 duplicates = 0;
    qint64 reclaimable = 0;
};

const TaskKind &DuplicatesTask::declaration()
{
    // One group of identical files: an item of the output and of the result's groups.
    static const Schema group = Schema::named(
        QStringLiteral("DuplicateGroup"),
        Schema::object()
            .required(QStringLiteral("size"),
                      Schema::integer().describe(QStringLiteral("of each file, bytes")))
            .required(QStringLiteral("sha256"), Schema::string())
            .required(
                QStringLiteral("paths"),
                Schema::arrayOf(
                    Schema::named(
                        QStringLiteral("DuplicatePath"),
                        Schema::object()
                            .required(QStringLiteral("path"),
                                      Schema::string().describe(QStringLiteral("relative to root")))
                            .optional(QStringLiteral("escaped"),
                                      Schema::boolean().describe(QStringLiteral(
                                          "path is escaped (ChecksumManifest::displayName)")))))
                    .describe(QStringLiteral("sorted by path"))));
    static const TaskKind kind = TaskKind::of<DuplicatesTask>(
        QStringLiteral("duplicates"),
        QStringLiteral("Finds identical files under a folder (as fdupes -r); deletes nothing."),
        QStringLiteral("bytes"),
        Schema::object()
            .required(QStringLiteral("root"),
                      Schema::path(Schema::PathCheck::Folder)
                          .describe(QStringLiteral("the folder to search, with its subfolders")))
            .optional(QStringLiteral("minSize"),
                      Schema::integer()
                          .range(0, Schema::kMaxSafeInteger)
                          .describe(QStringLiteral("smaller files are left out (bytes)")),
                      0),
        Schema::object()
            .required(QStringLiteral("groups"),
                      Schema::arrayOf(group).describe(QStringLiteral("largest files first")))
            .required(QStringLiteral("files"),
                      Schema::integer().describe(QStringLiteral("regular files looked at")))
            .required(QStringLiteral("duplicates"),
                      Schema::integer().describe(
                          QStringLiteral("files that are a copy of another (each group less one)")))
            .required(QStringLiteral("reclaimableBytes"),
                      Schema::integer().describe(
                          QStringLiteral("what deleting every copy but one would free")))
            .required(
                QStringLiteral("skipped"),
                Schema::arrayOf(
                    Schema::named(
                        QStringLiteral("DuplicateSkipped"),
                        Schema::object()
                            .required(QStringLiteral("path"), Schema::string())
                            .optional(QStringLiteral("escaped"), Schema::boolean())
                            .required(QStringLiteral("reason"),
                                      Schema::named(QStringLiteral("DuplicateSkipReason"),
                                                    Schema::oneOf(skipReasons())))
                            .optional(QStringLiteral("message"),
                                      Schema::string().describe(QStringLiteral(
                                          "the system's error, what changed since the walk, or "
                                          "for a hard link the name it shares its file with")))))
                    .describe(QStringLiteral("every file left out, by path"))),
        group);
    return kind;
}

DuplicatesTask::DuplicatesTask(const QJsonObject &params, QObject *parent)
    : PoolTask(declaration(), parent)
    , m_root(params.value(QStringLiteral("root")).toString())
    , m_minSize(qint64(params.value(QStringLiteral("minSize")).toDouble()))
    , m_state(std::make_shared<State>())
{
    enableOutput();
}

void DuplicatesTask::begin()
{
    const auto state = m_state;
    // Stage 1: list the files, drop links and second names, keep sizes that occur twice.
    runJobs(
        1,
        [state, root = QFile::encodeName(m_root), minSize = m_minSize](TaskJob &job) {
            std::vector<FileTree::File> listed;
            if (!FileTree::walk(
                    root, QByteArray(), [&job] { return job.checkpoint(); }, &listed,
                    &state->skipped))
                return;
            std::sort(
                listed.begin(), listed.end(),
                [](const FileTree::File &a, const FileTree::File &b) { return a.path < b.path; });
            std::map<std::pair<dev_t, ino_t>, QByteArray> firstName;
            std::vector<State::Candidate> kept;
            for (const FileTree::File &file : listed) {
                struct stat info;
                if (::lstat((root + '/' + file.path).constData(), &info) != 0) {
                    state->skipped.push_back({file.path, QStringLiteral("unreadable"),
                                              QString::fromLocal8Bit(std::strerror(errno))});
                    continue;
                }
                if (S_ISLNK(info.st_mode)) {
                    state->skipped.push_back({file.path, kSymlink, {}});
                    continue;
                }
                const auto [first, isNew]
                    = firstName.emplace(std::pair(info.st_dev, info.st_ino), file.path);
                if (!isNew) {
                    state->skipped.push_back(
                        {file.path, kHardLink, ChecksumManifest::displayName(first->second)});
                    continue;
                }
                ++state->files;
                const qint64 size = qint64(info.st_size);
                if (size >= minSize)
                    kept.push_back({file.path, size, {info.st_dev, info.st_ino, size}});
            }
            std::sort(kept.begin(), kept.end(),
                      [](const State::Candidate &a, const State::Candidate &b) {
                          return a.size != b.size ? a.size > b.size : a.path < b.path;
                      });
            qint64 total = 0;
            for (size_t i = 0; i < kept.size();) {
                size_t end = i;
                while (end < kept.size() && kept[end].size == kept[i].size)
                    ++end;
                if (end - i >= 2) {
                    for (; i < end; ++i) {
                        total += kept[i].size;
                        state->candidates.push_back(std::move(kept[i]));
                    }
                }
                i = end;
            }
            state->digests.resize(state->candidates.size());
            job.progress().setTotal(total);
        },
        [this] { hashNextBatch(); });
}

void DuplicatesTask::hashNextBatch()
{
    const auto state = m_state;
    const auto &candidates = state->candidates;
    const size_t first = state->batchEnd;
    if (first >= candidates.size()) {
        finishSearch();
        return;
    }
    // Whole buckets only: a bucket's groups are known once all of its files are hashed.
    size_t last = first;
    qint64 bytes = 0;
    while (last < candidates.size() && last - first < kBatchFiles && bytes < kBatchBytes) {
        const qint64 size = candidates[last].size;
        for (; last < candidates.size() && candidates[last].size == size; ++last)
            bytes += size;
    }
    state->batchEnd = last;
    state->next = first;
    const int jobs = int(qMin<size_t>(size_t(parallelism()), last - first));
    runJobs(
        jobs,
        [state, last, root = QFile::encodeName(m_root)](TaskJob &job) {
            FileDigest digest(QCryptographicHash::Sha256);
            for (size_t i = state->next++; i < last; i = state->next++) {
                const State::Candidate &file = state->candidates[i];
                auto outcome = digest.digest(root + '/' + file.path, job, &file.identity);
                if (outcome.status == FileDigest::Outcome::Status::Cancelled)
                    return;
                state->digests[i] = std::move(outcome);
            }
        },
        [this, first, last] {
            collectGroups(first, last);
            appendOutput();
            hashNextBatch();
        });
}

void DuplicatesTask::collectGroups(size_t first, size_t last)
{
    State &state = *m_state;
    for (size_t begin = first; begin < last;) {
        const qint64 size = state.candidates[begin].size;
        size_t end = begin;
        std::vector<size_t> hashed;
        for (; end < last && state.candidates[end].size == size; ++end) {
            const auto &outcome = state.digests[end];
            if (outcome.status == FileDigest::Outcome::Status::Ok)
                hashed.push_back(end);
            else
                state.skipped.push_back(
                    {state.candidates[end].path, skipReason(outcome.status), outcome.message});
        }
        begin = end;
        // Equal digests side by side, each run in path order (the bucket is in path order).
        std::stable_sort(hashed.begin(), hashed.end(), [&state](size_t a, size_t b) {
            return state.digests[a].hex < state.digests[b].hex;
        });
        std::vector<QJsonObject> bucketGroups;
        for (size_t i = 0; i < hashed.size();) {
            size_t j = i;
            QJsonArray paths;
            for (;
                 j < hashed.size() && state.digests[hashed[j]].hex == state.digests[hashed[i]].hex;
                 ++j)
                paths.append(pathJson(state.candidates[hashed[j]].path));
            if (paths.size() >= 2) {
                bucketGroups.push_back(QJsonObject{
                    {QStringLiteral("size"), double(size)},
                    {QStringLiteral("sha256"), QString::fromLatin1(state.digests[hashed[i]].hex)},
                    {QStringLiteral("paths"), paths}});
                state.duplicates += paths.size() - 1;
                state.reclaimable += size * (paths.size() - 1);
            }
            i = j;
        }
        // Within one size, groups go by their first path.
        std::sort(bucketGroups.begin(), bucketGroups.end(),
                  [](const QJsonObject &a, const QJsonObject &b) {
                      const auto first = [](const QJsonObject &group) {
                          return group.value(QStringLiteral("paths"))[0][QStringLiteral("path")]
                              .toString();
                      };
                      return first(a) < first(b);
                  });
        for (QJsonObject &group : bucketGroups) {
            state.groups.append(group);
            state.unsent.append(std::move(group));
        }
    }
}

void DuplicatesTask::appendOutput()
{
    TaskOutputLog *log = outputLog();
    bool appended = false;
    while (!m_state->unsent.isEmpty() && log->room() > 0) {
        log->append(m_state->unsent.takeFirst());
        appended = true;
    }
    if (appended)
        Q_EMIT outputAppended(log->lastSeq());
}

void DuplicatesTask::outputRoomAvailable()
{
    if (outcome() == Outcome::Pending)
        appendOutput();
}

void DuplicatesTask::finishSearch()
{
    State &state = *m_state;
    // What credit held back goes now: the stream carries every group, and the search never
    // waited for a reader. It is no more than the result holds anyway.
    TaskOutputLog *log = outputLog();
    for (QJsonObject &group : state.unsent)
        log->append(std::move(group));
    if (!state.unsent.isEmpty())
        Q_EMIT outputAppended(log->lastSeq());
    state.unsent.clear();
    std::sort(
        state.skipped.begin(), state.skipped.end(),
        [](const FileTree::Skipped &a, const FileTree::Skipped &b) { return a.path < b.path; });
    QJsonArray skipped;
    for (const auto &entry : state.skipped)
        skipped.append(skippedJson(entry));
    complete(QJsonObject{{QStringLiteral("groups"), state.groups},
                         {QStringLiteral("files"), double(state.files)},
                         {QStringLiteral("duplicates"), double(state.duplicates)},
                         {QStringLiteral("reclaimableBytes"), double(state.reclaimable)},
                         {QStringLiteral("skipped"), skipped}});
}

} // namespace Conduit
