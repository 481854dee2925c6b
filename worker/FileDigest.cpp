#include "FileDigest.h"

#include "TaskError.h"
#include "TaskJob.h"

#include <QFile>

#include <openssl/evp.h>

namespace Conduit {

namespace {
constexpr qsizetype kBlockSize = 1024 * 1024;
}

namespace {
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

std::optional<QByteArray> FileDigest::hexDigest(const QString &path, TaskJob &job, bool *missing)
{
    if (missing)
        *missing = false;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (missing) {
            *missing = true;
            return std::nullopt;
        }
        throw TaskError(QStringLiteral("io_error"),
                        QStringLiteral("cannot open %1: %2").arg(path, file.errorString()),
                        QJsonObject{{QStringLiteral("path"), path}});
    }
    if (!m_context || EVP_DigestInit_ex(m_context, m_algorithm, nullptr) != 1)
        throw TaskError(QStringLiteral("internal"), QStringLiteral("cannot start the digest"));
    for (;;) {
        if (!job.checkpoint())
            return std::nullopt;
        const qint64 n = file.read(m_buffer.data(), m_buffer.size());
        if (n < 0)
            throw TaskError(QStringLiteral("io_error"),
                            QStringLiteral("cannot read %1: %2").arg(path, file.errorString()),
                            QJsonObject{{QStringLiteral("path"), path}});
        if (n == 0)
            break;
        EVP_DigestUpdate(m_context, m_buffer.constData(), size_t(n));
        job.progress().add(n);
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(m_context, digest, &length);
    return QByteArray(reinterpret_cast<const char *>(digest), int(length)).toHex();
}

} // namespace Conduit
