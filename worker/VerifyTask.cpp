#include "VerifyTask.h"

#include "ChecksumManifest.h"
#include "FileDigest.h"
#include "TaskParams.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>

#include <atomic>
#include <vector>

namespace Conduit {

namespace {
constexpr qint64 kMaxManifestSize = 256 * 1024 * 1024;
}

struct VerifyTask::State
{
    enum class Verdict : char { Unchecked, Ok, Mismatched, Missing };
    struct Entry
    {
        QString path;         // as written in the manifest
        QString absolutePath; // resolved against the manifest's folder
        QByteArray hex;
        Verdict verdict = Verdict::Unchecked;
    };
    QCryptographicHash::Algorithm algorithm = QCryptographicHash::Sha256;
    std::vector<Entry> entries;
    std::atomic<size_t> next{0};
};

VerifyTask::VerifyTask(const QJsonObject &params, QObject *parent)
    : PoolTask(QStringLiteral("verify"), QStringLiteral("bytes"), parent)
    , m_state(std::make_shared<State>())
{
    const TaskParams reader(params, {QStringLiteral("manifest")});
    m_manifest = reader.path(QStringLiteral("manifest"), TaskParams::Check::File);
}

void VerifyTask::begin()
{
    const auto state = m_state;
    // Stage 1: parse the manifest and size the files it names.
    runJobs(
        1,
        [state, manifest = m_manifest](TaskJob &job) {
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
            const QDir folder = QFileInfo(manifest).absoluteDir();
            auto algorithm = ChecksumManifest::algorithmFromFileName(manifest);
            qint64 total = 0;
            int number = 0;
            for (const QByteArray &line : content.split('\n')) {
                ++number;
                if (line.trimmed().isEmpty())
                    continue;
                const auto parsed = ChecksumManifest::parseLine(line);
                if (!parsed)
                    throw ioError(QStringLiteral("line %1 of %2 is not a checksum line")
                                      .arg(number)
                                      .arg(manifest));
                if (!algorithm)
                    algorithm = parsed->algorithm
                                    ? parsed->algorithm
                                    : ChecksumManifest::algorithmFromHexLength(parsed->hex.size());
                const QString absolute = QDir::isAbsolutePath(parsed->path)
                                             ? parsed->path
                                             : folder.filePath(parsed->path);
                state->entries.push_back({parsed->path, absolute, parsed->hex});
                const QFileInfo info(absolute);
                if (info.isFile())
                    total += info.size();
            }
            if (!job.checkpoint())
                return;
            state->algorithm = algorithm.value_or(QCryptographicHash::Sha256);
            const qsizetype expected = QCryptographicHash::hashLength(state->algorithm) * 2;
            for (const auto &entry : state->entries) {
                if (entry.hex.size() != expected)
                    throw ioError(QStringLiteral("%1 mixes digest lengths").arg(manifest));
            }
            job.progress().setTotal(total);
        },
        [this, state] {
            // Stage 2: hash every named file, several at once.
            const int jobs = int(qMin<size_t>(size_t(parallelism()), state->entries.size()));
            runJobs(
                jobs,
                [state](TaskJob &job) {
                    FileDigest digest(state->algorithm);
                    for (size_t i = state->next++; i < state->entries.size(); i = state->next++) {
                        auto &entry = state->entries[i];
                        bool missing = true;
                        std::optional<QByteArray> hex;
                        if (QFileInfo(entry.absolutePath).isFile())
                            hex = digest.hexDigest(entry.absolutePath, job, &missing);
                        if (missing)
                            entry.verdict = State::Verdict::Missing;
                        else if (!hex)
                            return; // cancelled
                        else
                            entry.verdict = *hex == entry.hex ? State::Verdict::Ok
                                                              : State::Verdict::Mismatched;
                    }
                },
                [this, state] {
                    QJsonArray mismatched;
                    QJsonArray missing;
                    for (const auto &entry : state->entries) {
                        if (entry.verdict == State::Verdict::Mismatched)
                            mismatched.append(entry.path);
                        else if (entry.verdict == State::Verdict::Missing)
                            missing.append(entry.path);
                    }
                    complete(QJsonObject{
                        {QStringLiteral("ok"), mismatched.isEmpty() && missing.isEmpty()},
                        {QStringLiteral("checked"), double(state->entries.size())},
                        {QStringLiteral("mismatched"), mismatched},
                        {QStringLiteral("missing"), missing}});
                });
        });
}

} // namespace Conduit
