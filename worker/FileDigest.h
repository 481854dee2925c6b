#pragma once

#include <QByteArray>
#include <QCryptographicHash>
#include <QString>

#include <optional>

namespace Conduit {

class TaskJob;

// Hashes one file in 1 MiB blocks, checking for pause/cancel and adding to the task's byte
// progress after every block. One per pool job: it owns its read buffer.
class FileDigest
{
public:
    explicit FileDigest(QCryptographicHash::Algorithm algorithm);

    // The lower-case hex digest; nullopt if the task was cancelled meanwhile. A file that
    // cannot be opened or read throws TaskError io_error, unless `missingOk` and it cannot
    // be opened, which also gives nullopt with *missing set.
    std::optional<QByteArray> hexDigest(const QString &path, TaskJob &job, bool *missing = nullptr);

private:
    QCryptographicHash m_hash;
    QByteArray m_buffer;
};

} // namespace Conduit
