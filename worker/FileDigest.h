#pragma once

#include <QByteArray>
#include <QCryptographicHash>
#include <QString>

#include <optional>

struct evp_md_st;
struct evp_md_ctx_st;

namespace Conduit {

class TaskJob;

// Hashes one file in 1 MiB blocks, checking for pause/cancel and adding to the task's byte
// progress after every block. One per pool job: it owns its read buffer and digest context.
// OpenSSL's libcrypto does the hashing: it uses the CPU's SHA extensions, several times the
// speed of QCryptographicHash (measured: ~1.7 GB/s against ~0.2 GB/s for SHA-256 here).
class FileDigest
{
public:
    explicit FileDigest(QCryptographicHash::Algorithm algorithm);

    // The lower-case hex digest; nullopt if the task was cancelled meanwhile. A file that
    // cannot be opened or read throws TaskError io_error, unless `missingOk` and it cannot
    // be opened, which also gives nullopt with *missing set.
    std::optional<QByteArray> hexDigest(const QString &path, TaskJob &job, bool *missing = nullptr);

    FileDigest(const FileDigest &) = delete;
    FileDigest &operator=(const FileDigest &) = delete;
    ~FileDigest();

private:
    const evp_md_st *m_algorithm = nullptr;
    evp_md_ctx_st *m_context = nullptr;
    QByteArray m_buffer;
};

} // namespace Conduit
