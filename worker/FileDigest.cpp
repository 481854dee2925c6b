// SPDX-License-Identifier: MIT
#include "FileDigest.h"

#include "FileTree.h"
#include "TaskError.h"
#include "TaskJob.h"

#include <openssl/evp.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace Conduit {

namespace {
constexpr qsizetype kBlockSize = 1024 * 1024;

const EVP_MD *digestFor(QCryptographicHash::Algorithm algorithm)
{
    switch (algorithm) {
    case QCryptographicHash::Md5:
        return EVP_md5();
    case QCryptographicHash::Sha1:
        return EVP_sha1();
    case QCryptographicHash::Sha256:
        return EVP_sha256();
    case QCryptographicHash::Sha512:
        return EVP_sha512();
    default:
        return nullptr;
    }
}

FileDigest::Outcome failure(FileDigest::Outcome::Status status, int error)
{
    return {status, {}, QString::fromLocal8Bit(std::strerror(error))};
}

// Closes the descriptor on every way out.
struct Descriptor
{
    int fd;
    ~Descriptor()
    {
        if (fd >= 0)
            ::close(fd);
    }
};
} // namespace

FileDigest::FileDigest(QCryptographicHash::Algorithm algorithm)
    : m_algorithm(digestFor(algorithm))
    , m_context(EVP_MD_CTX_new())
    , m_buffer(kBlockSize, Qt::Uninitialized)
{
    Q_ASSERT_X(m_algorithm, "FileDigest", "unsupported algorithm");
}

FileDigest::~FileDigest()
{
    EVP_MD_CTX_free(m_context);
}

FileDigest::Outcome FileDigest::digest(const QByteArray &path, TaskJob &job)
{
    using Status = Outcome::Status;
    const Descriptor file{::open(path.constData(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)};
    if (file.fd < 0)
        return failure(errno == ENOENT || errno == ENOTDIR ? Status::Missing : Status::Unreadable,
                       errno);
    struct stat info;
    if (::fstat(file.fd, &info) != 0)
        return failure(Status::Unreadable, errno);
    if (S_ISDIR(info.st_mode))
        return failure(Status::Unreadable, EISDIR);
    if (!S_ISREG(info.st_mode))
        return {Status::Special, {}, FileTree::describeType(info.st_mode)};
    if (!m_context || EVP_DigestInit_ex(m_context, m_algorithm, nullptr) != 1)
        throw TaskError(QStringLiteral("internal"), QStringLiteral("cannot start the digest"));
    for (;;) {
        if (!job.checkpoint())
            return {Status::Cancelled, {}, {}};
        const ssize_t n = ::read(file.fd, m_buffer.data(), size_t(m_buffer.size()));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return failure(Status::Unreadable, errno);
        if (n == 0)
            break;
        EVP_DigestUpdate(m_context, m_buffer.constData(), size_t(n));
        job.progress().add(n);
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(m_context, digest, &length);
    return {
        Status::Ok, QByteArray(reinterpret_cast<const char *>(digest), int(length)).toHex(), {}};
}

} // namespace Conduit
