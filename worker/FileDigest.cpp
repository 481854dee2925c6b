#include "FileDigest.h"

#include "TaskError.h"
#include "TaskJob.h"

#include <QFile>

namespace Conduit {

namespace {
constexpr qsizetype kBlockSize = 1024 * 1024;
}

FileDigest::FileDigest(QCryptographicHash::Algorithm algorithm)
    : m_hash(algorithm)
    , m_buffer(kBlockSize, Qt::Uninitialized)
{}

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
    m_hash.reset();
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
        m_hash.addData(QByteArrayView(m_buffer.constData(), n));
        job.progress().add(n);
    }
    return m_hash.result().toHex();
}

} // namespace Conduit
