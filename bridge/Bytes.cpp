// SPDX-License-Identifier: MIT
#include "Bytes.h"

#include "CommandError.h"

#include <QBuffer>
#include <QFile>
#include <QFileInfo>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace Conduit {

namespace {

// A file read up to a fixed size: the page was told that size, and a file that grew since must
// not send more.
class LimitedFile final : public QFile
{
public:
    LimitedFile(const QString &path, qint64 limit)
        : QFile(path)
        , m_limit(limit)
    {}

    qint64 size() const override { return std::min(QFile::size(), m_limit); }
    bool atEnd() const override { return pos() >= m_limit || QFile::atEnd(); }

protected:
    qint64 readData(char *data, qint64 maxSize) override
    {
        const qint64 left = m_limit - pos();
        return left <= 0 ? 0 : QFile::readData(data, std::min(maxSize, left));
    }

private:
    qint64 m_limit;
};

} // namespace

Bytes Bytes::fromData(const QByteArray &data, const QByteArray &type)
{
    Bytes bytes;
    bytes.m_size = data.size();
    bytes.m_type = type;
    bytes.m_open = [data] {
        auto buffer = std::make_unique<QBuffer>();
        buffer->setData(data);
        buffer->open(QIODevice::ReadOnly);
        return std::unique_ptr<QIODevice>(std::move(buffer));
    };
    return bytes;
}

Bytes Bytes::fromFile(const QString &path, const QByteArray &type, qint64 size)
{
    const QFileInfo info(path);
    if (!info.isFile() || !info.isReadable())
        throw CommandError(ErrorCode::NotFound,
                           QStringLiteral("%1 is not a readable file").arg(path),
                           {{QStringLiteral("path"), path}});
    Bytes bytes;
    bytes.m_size = size < 0 ? info.size() : std::min(size, info.size());
    bytes.m_type = type;
    bytes.m_open = [path, limit = bytes.m_size]() -> std::unique_ptr<QIODevice> {
        // The path may have changed since: opened without blocking (a FIFO put in its place
        // would block the opening thread, the GUI thread, until a writer came), and read only if
        // it is still a regular file.
        const int fd
            = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
            return nullptr;
        struct stat status = {};
        auto file = std::make_unique<LimitedFile>(path, limit);
        if (::fstat(fd, &status) != 0 || !S_ISREG(status.st_mode)
            || !file->open(fd, QIODevice::ReadOnly, QFileDevice::AutoCloseHandle)) {
            ::close(fd);
            return nullptr;
        }
        return file;
    };
    return bytes;
}

std::unique_ptr<QIODevice> Bytes::open() const
{
    return m_open ? m_open() : nullptr;
}

} // namespace Conduit
