// SPDX-License-Identifier: MIT
#include "LogIndex.h"

#include <QFile>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace Conduit {

namespace {
constexpr qint64 kScanChunk = 1024 * 1024;
constexpr qint64 kReadChunk = 64 * 1024;

bool isUtf8Continuation(char byte)
{
    return (uchar(byte) & 0xC0) == 0x80;
}

qint64 preadAll(int fd, char *data, qint64 size, qint64 offset)
{
    qint64 done = 0;
    while (done < size) {
        const ssize_t n = ::pread(fd, data + done, size_t(size - done), off_t(offset + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return done > 0 ? done : n;
        done += n;
    }
    return done;
}

// An open regular file, closed when it goes.
struct OpenFile
{
    int fd = -1;
    struct stat status = {};
    LogIndex::Outcome outcome = LogIndex::Outcome::Ok;
    QString error;

    explicit OpenFile(const QString &path)
    {
        // O_NONBLOCK: a FIFO put at the path must not block the open; it is refused below.
        fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        if (fd < 0) {
            outcome = errno == ENOENT ? LogIndex::Outcome::Missing : LogIndex::Outcome::Failed;
            error = QString::fromLocal8Bit(std::strerror(errno));
            return;
        }
        if (::fstat(fd, &status) != 0 || !S_ISREG(status.st_mode)) {
            outcome = LogIndex::Outcome::Failed;
            error = QStringLiteral("not a regular file");
            ::close(fd);
            fd = -1;
        }
    }
    ~OpenFile()
    {
        if (fd >= 0)
            ::close(fd);
    }
    OpenFile(const OpenFile &) = delete;
    OpenFile &operator=(const OpenFile &) = delete;
    explicit operator bool() const { return fd >= 0; }
    LogIndex::Identity identity() const { return {quint64(status.st_dev), quint64(status.st_ino)}; }
};

// Reads a file up to `limit` through one buffer: finds newlines and copies bytes.
class BufferedReader
{
public:
    BufferedReader(int fd, qint64 limit)
        : m_fd(fd)
        , m_limit(limit)
        , m_buffer(kReadChunk, Qt::Uninitialized)
    {}

    // The offset of the first '\n' at or after `pos`, or -1 if there is none before the limit.
    qint64 findNewline(qint64 pos)
    {
        while (pos < m_limit) {
            if (!holds(pos) && !fill(pos))
                return -1;
            const char *from = m_buffer.constData() + (pos - m_start);
            const qint64 available = m_start + m_length - pos;
            if (const void *hit = std::memchr(from, '\n', size_t(available)))
                return pos + (static_cast<const char *>(hit) - from);
            pos = m_start + m_length;
        }
        return -1;
    }

    QByteArray bytes(qint64 pos, qint64 size)
    {
        size = qMax<qint64>(0, qMin(size, m_limit - pos));
        if (holds(pos) && pos + size <= m_start + m_length)
            return QByteArray(m_buffer.constData() + (pos - m_start), size);
        QByteArray out(size, Qt::Uninitialized);
        const qint64 n = preadAll(m_fd, out.data(), size, pos);
        out.truncate(qMax<qint64>(0, n));
        return out;
    }

private:
    bool holds(qint64 pos) const { return pos >= m_start && pos < m_start + m_length; }
    bool fill(qint64 pos)
    {
        const qint64 n = preadAll(m_fd, m_buffer.data(), qMin(kReadChunk, m_limit - pos), pos);
        m_start = pos;
        m_length = qMax<qint64>(0, n);
        return m_length > 0;
    }

    int m_fd;
    qint64 m_limit;
    QByteArray m_buffer;
    qint64 m_start = 0;
    qint64 m_length = 0;
};
} // namespace

LogIndex::LogIndex()
    : m_checkpoints(1, Checkpoint{})
{}

LogIndex::Position LogIndex::position() const
{
    return {m_identity, m_size, m_end, m_lines, m_checkpoints.back().offset};
}

bool LogIndex::apply(const Scan &scan)
{
    if (scan.outcome != Outcome::Ok)
        return false;
    const qint64 lines = lineCount();
    const qint64 size = m_size;
    if (scan.reset)
        m_checkpoints.assign(1, Checkpoint{});
    m_identity = scan.identity;
    m_size = scan.size;
    m_end = scan.end;
    m_lines = scan.lines;
    m_checkpoints.insert(m_checkpoints.end(), scan.checkpoints.begin(), scan.checkpoints.end());
    return scan.reset || lines != lineCount() || size != m_size;
}

LogIndex::ReadPlan LogIndex::plan(qint64 from, qint64 count) const
{
    ReadPlan plan;
    plan.identity = m_identity.value_or(Identity{});
    plan.from = qMax<qint64>(0, from);
    plan.size = m_size;
    plan.count = qMax<qint64>(0, std::min({count, kMaxReadLines, lineCount() - plan.from}));
    if (plan.count == 0)
        return plan;
    const auto byLine = [](qint64 line, const Checkpoint &checkpoint) {
        return line < checkpoint.line;
    };
    const auto first
        = std::upper_bound(m_checkpoints.begin(), m_checkpoints.end(), plan.from, byLine) - 1;
    auto last = std::upper_bound(first, m_checkpoints.end(), plan.from + plan.count, byLine);
    if (last != m_checkpoints.end())
        ++last; // the start of the line after the window, if known
    plan.checkpoints.assign(first, last);
    return plan;
}

std::optional<LogIndex::FileStat> LogIndex::statOf(const QString &path)
{
    struct stat status = {};
    if (::stat(QFile::encodeName(path).constData(), &status) != 0 || !S_ISREG(status.st_mode))
        return std::nullopt;
    return FileStat{{quint64(status.st_dev), quint64(status.st_ino)}, qint64(status.st_size)};
}

LogIndex::Scan LogIndex::scan(const QString &path, const Position &from,
                              const std::atomic<bool> &stop)
{
    Scan result;
    const OpenFile file(path);
    if (!file) {
        result.outcome = file.outcome;
        result.error = file.error;
        return result;
    }
    result.identity = file.identity();
    const qint64 size = qint64(file.status.st_size);

    // Another file, a shorter one, or one rewritten under the indexed end: start over.
    bool startOver = !from.identity || *from.identity != result.identity || size < from.size;
    if (!startOver && from.end > 0) {
        char byte = 0;
        startOver = preadAll(file.fd, &byte, 1, from.end - 1) != 1 || byte != '\n';
    }
    const Position base = startOver ? Position{} : from;
    result.reset = startOver && from.identity.has_value();

    qint64 lines = base.lines;
    qint64 end = base.end;
    qint64 lastCheckpoint = base.lastCheckpoint;
    qint64 pos = base.end;
    QByteArray buffer(qMin(kScanChunk, qMax<qint64>(1, size - pos)), Qt::Uninitialized);
    while (pos < size) {
        if (stop.load(std::memory_order_relaxed)) {
            result.outcome = Outcome::Failed;
            result.error = QStringLiteral("stopped");
            return result;
        }
        const qint64 n = preadAll(file.fd, buffer.data(), qMin(kScanChunk, size - pos), pos);
        if (n < 0) {
            result.outcome = Outcome::Failed;
            result.error = QString::fromLocal8Bit(std::strerror(errno));
            return result;
        }
        if (n == 0)
            break; // it got shorter meanwhile; the next scan sees that
        const char *const data = buffer.constData();
        const char *at = data;
        const char *const stopAt = data + n;
        while (const void *hit = std::memchr(at, '\n', size_t(stopAt - at))) {
            at = static_cast<const char *>(hit) + 1;
            ++lines;
            end = pos + (at - data);
            if (end - lastCheckpoint >= kStride) {
                result.checkpoints.push_back({lines, end});
                lastCheckpoint = end;
            }
        }
        pos += n;
    }
    result.size = pos;
    result.end = end;
    result.lines = lines;
    return result;
}

LogIndex::Window LogIndex::read(const QString &path, const ReadPlan &plan,
                                const std::atomic<bool> &stop)
{
    Window window;
    window.from = plan.from;
    if (plan.count <= 0 || plan.checkpoints.empty())
        return window;
    const OpenFile file(path);
    if (!file) {
        window.outcome = file.outcome;
        window.error = file.error;
        return window;
    }
    if (file.identity() != plan.identity) {
        window.outcome = Outcome::Changed;
        window.error = QStringLiteral("the path names another file now");
        return window;
    }
    BufferedReader reader(file.fd, plan.size);
    const std::vector<Checkpoint> &checkpoints = plan.checkpoints;
    std::size_t hint = 1;
    // Where line+1 starts, if a checkpoint says so (every line longer than kStride has one).
    const auto knownNext = [&](qint64 line) -> qint64 {
        while (hint < checkpoints.size() && checkpoints[hint].line <= line)
            ++hint;
        return hint < checkpoints.size() && checkpoints[hint].line == line + 1
                   ? checkpoints[hint].offset
                   : -1;
    };
    const auto stopped = [&] {
        if (!stop.load(std::memory_order_relaxed))
            return false;
        window.outcome = Outcome::Failed;
        window.error = QStringLiteral("stopped");
        window.lines.clear();
        window.cut.clear();
        return true;
    };

    qint64 line = checkpoints.front().line;
    qint64 pos = checkpoints.front().offset;
    while (line < plan.from) {
        qint64 next = knownNext(line);
        if (next < 0) {
            const qint64 newline = reader.findNewline(pos);
            if (newline < 0)
                return window; // the file is no longer what was indexed
            next = newline + 1;
        }
        pos = next;
        ++line;
        if ((line & 0xfff) == 0 && stopped())
            return window;
    }

    qsizetype chars = 0;
    for (qint64 i = 0; i < plan.count && pos < plan.size; ++i, ++line) {
        if (stopped())
            return window;
        qint64 next = knownNext(line);
        qint64 lineEnd = 0;
        if (next > 0) {
            lineEnd = next - 1;
        } else {
            const qint64 newline = reader.findNewline(pos);
            lineEnd = newline < 0 ? plan.size : newline;
            next = newline < 0 ? plan.size : newline + 1;
        }
        qint64 length = lineEnd - pos;
        if (length > 0 && reader.bytes(lineEnd - 1, 1) == "\r")
            --length;
        QByteArray bytes = reader.bytes(pos, qMin<qint64>(length, kMaxDisplayBytes + 1));
        if (length > kMaxDisplayBytes && bytes.size() > kMaxDisplayBytes) {
            qsizetype cut = kMaxDisplayBytes;
            while (cut > kMaxDisplayBytes - 3 && isUtf8Continuation(bytes.at(cut)))
                --cut;
            if (isUtf8Continuation(bytes.at(cut)))
                cut = kMaxDisplayBytes; // not UTF-8 anyway
            bytes.truncate(cut);
            window.cut.append({window.lines.size(), length});
        }
        const QString text = display(bytes.constData(), bytes.size());
        if (!window.lines.isEmpty() && chars + text.size() > kMaxReadChars) {
            if (!window.cut.isEmpty() && window.cut.constLast().index == window.lines.size())
                window.cut.removeLast();
            break;
        }
        chars += text.size();
        window.lines.append(text);
        pos = next;
    }
    return window;
}

QString LogIndex::display(const char *data, qsizetype size)
{
    QString text = QString::fromUtf8(data, size);
    for (QChar &c : text) {
        const char16_t u = c.unicode();
        if (u < 0x20 && u != u'\t')
            c = QChar(char16_t(0x2400 + u));
        else if (u == 0x7f)
            c = QChar(char16_t(0x2421));
    }
    return text;
}

} // namespace Conduit
