// SPDX-License-Identifier: MIT
#include "FileDigest.h"

#include "FileTree.h"
#include "TaskError.h"
#include "TaskJob.h"

#include <openssl/crypto.h>
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

// By default libcrypto frees its global state from an atexit() handler. A pool thread that
// has hashed frees its own OpenSSL state from a thread-exit handler, which can still be running
// when the process exits (QThread::wait() returns before those handlers run), and the two
// together corrupt the heap (seen in CI: tst_coreutilsdiff aborted after its last test). So
// libcrypto never cleans up at exit; the process's end reclaims it. This must be the first
// call into libcrypto in the process, hence at load time.
[[maybe_unused]] const bool kOpenSslWithoutAtExit
    = OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, nullptr) == 1;

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
    Q_ASSERT_X(kOpenSslWithoutAtExit, "FileDigest", "libcrypto failed to initialise");
}

FileDigest::~FileDigest()
{
    EVP_MD_CTX_free(m_context);
}

FileDigest::Outcome FileDigest::digest(const QByteArray &path, TaskJob &job,
                                       const Expected *expected)
{
    using Status = Outcome::Status;
    const auto changed = [](const QString &what) {
        return Outcome{Status::Changed, {}, what};
    };
    const Descriptor file{::open(path.constData(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC
                                                       | (expected ? O_NOFOLLOW : 0))};
    if (file.fd < 0 && expected && errno == ELOOP)
        return changed(QStringLiteral("it became a symbolic link"));
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
    if (expected && (info.st_dev != expected->device || info.st_ino != expected->inode))
        return changed(QStringLiteral("another file took its name"));
    if (expected && qint64(info.st_size) != expected->size)
        return changed(QStringLiteral("its size changed from %1 to %2 bytes")
                           .arg(expected->size)
                           .arg(qint64(info.st_size)));
    qint64 read = 0;
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
        if (expected && read + n > expected->size)
            return changed(QStringLiteral("it grew while it was read"));
        job.progress().add(n);
        read += n;
    }
    if (expected && read != expected->size)
        return changed(QStringLiteral("it shrank while it was read"));
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(m_context, digest, &length);
    return {
        Status::Ok, QByteArray(reinterpret_cast<const char *>(digest), int(length)).toHex(), {}};
}

} // namespace Conduit
