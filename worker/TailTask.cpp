// SPDX-License-Identifier: MIT
#include "TailTask.h"

#include "TaskKind.h"

#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QTimer>

#ifdef Q_OS_UNIX
#include <sys/stat.h>
#endif

namespace Conduit {

namespace {
constexpr qint64 kReadChunk = 256 * 1024; // more than an item and its line ending
static_assert(kReadChunk >= TailTask::kMaxItemBytes + 2);
constexpr auto kPollInterval = std::chrono::milliseconds(250);

bool isUtf8Continuation(char byte)
{
    return (uchar(byte) & 0xC0) == 0x80;
}

// The next item in data[from…]: its bytes and how many bytes it consumed, or 0 when the rest
// is a partial line that waits for more (unless `final`: then it is an item of its own).
qsizetype nextItem(const QByteArray &data, qsizetype from, bool final, QByteArray *item)
{
    constexpr qsizetype cap = TailTask::kMaxItemBytes;
    const qsizetype available = data.size() - from;
    // Enough to tell a line of exactly `cap` bytes (and its "\r\n") from a longer one.
    const qsizetype newline
        = QByteArrayView(data).sliced(from, qMin(available, cap + 2)).indexOf('\n');
    if (newline >= 0) {
        qsizetype length = newline;
        if (length > 0 && data.at(from + length - 1) == '\r')
            --length;
        if (length <= cap) {
            *item = data.mid(from, length);
            return newline + 1;
        }
    } else if (available <= cap) {
        if (!final || available == 0)
            return 0;
        *item = data.mid(from);
        return available;
    } else if (available < cap + 2 && !final) {
        return 0; // its newline may still come right after the cap
    }
    // Longer than the cap: a piece that does not split a UTF-8 character.
    qsizetype length = cap;
    while (length > cap - 3 && isUtf8Continuation(data.at(from + length)))
        --length;
    if (isUtf8Continuation(data.at(from + length)))
        length = cap; // not UTF-8 anyway
    *item = data.mid(from, length);
    return length;
}
} // namespace

const TaskKind &TailTask::declaration()
{
    static const TaskKind kind = TaskKind::of<TailTask>(
        QStringLiteral("tail"),
        QStringLiteral("Follows a growing file line by line until cancelled; it has no result."),
        QStringLiteral("lines"),
        Schema::object()
            .required(QStringLiteral("path"), Schema::path(Schema::PathCheck::File))
            .optional(QStringLiteral("fromStart"),
                      Schema::boolean().describe(
                          QStringLiteral("from the first line, not only what is appended")),
                      false),
        Schema::nothing(),
        Schema::string().describe(QStringLiteral("one line, without its newline")));
    return kind;
}

TailTask::TailTask(const QJsonObject &params, QObject *parent)
    : Task(declaration(), parent)
    , m_path(params.value(QStringLiteral("path")).toString())
    , m_fromStart(params.value(QStringLiteral("fromStart")).toBool())
{
    enableOutput();
}

void TailTask::start(const TaskServices &)
{
    if (!open()) {
        fail(TaskError(QStringLiteral("io_error"),
                       QStringLiteral("cannot open %1: %2").arg(m_path, m_file.errorString()),
                       QJsonObject{{QStringLiteral("path"), m_path}}));
        return;
    }
    if (!m_fromStart && m_file.size() > 0) {
        m_position = m_file.size();
        char last = 0;
        if (m_file.seek(m_position - 1) && m_file.getChar(&last))
            m_lastByte = last;
    }

    m_watcher = new QFileSystemWatcher(this);
    m_watcher->addPath(m_path);
    m_watcher->addPath(QFileInfo(m_path).absolutePath());
    connect(m_watcher, &QFileSystemWatcher::fileChanged, this, &TailTask::check);
    connect(m_watcher, &QFileSystemWatcher::directoryChanged, this, &TailTask::check);
    m_poll = new QTimer(this);
    m_poll->setInterval(kPollInterval);
    connect(m_poll, &QTimer::timeout, this, &TailTask::check);
    m_poll->start();
    QMetaObject::invokeMethod(this, &TailTask::check, Qt::QueuedConnection);
}

void TailTask::pause()
{
    m_paused = true;
}

void TailTask::resume()
{
    m_paused = false;
    QMetaObject::invokeMethod(this, &TailTask::check, Qt::QueuedConnection);
}

void TailTask::cancel()
{
    if (outcome() != Outcome::Pending)
        return;
    stopWatching();
    finishCancelled();
}

void TailTask::outputRoomAvailable()
{
    QMetaObject::invokeMethod(this, &TailTask::check, Qt::QueuedConnection);
}

void TailTask::stopWatching()
{
    m_stopped = true;
    delete m_watcher;
    m_watcher = nullptr;
    if (m_poll)
        m_poll->stop();
    m_file.close();
}

bool TailTask::open()
{
    m_file.close();
    m_file.setFileName(m_path);
    if (!m_file.open(QIODevice::ReadOnly | QIODevice::Unbuffered))
        return false;
    m_identity = identityOfOpenFile();
    m_position = 0;
    m_lastByte.reset();
    if (m_watcher && !m_watcher->files().contains(m_path))
        m_watcher->addPath(m_path); // a watch dies with the file it watched
    return true;
}

void TailTask::check()
{
    if (m_stopped || m_paused || outcome() != Outcome::Pending)
        return;
    if (truncated()) {
        m_position = 0;
        m_lastByte.reset();
    }
    if (!pump())
        return; // paused by credit; the rest waits for acknowledgeOutput()
    const auto current = identityOf(m_path);
    if (!current || (m_identity && *current == *m_identity))
        return; // no file there yet, or still ours
    // Rotated: the old file is read to its end; its unterminated tail is an item of its own.
    if (!pump(true))
        return;
    if (!open()) {
        // Replaced by something we cannot read (yet): look again at the next poll.
        m_identity.reset();
        return;
    }
    pump();
}

bool TailTask::truncated()
{
    if (m_file.size() < m_position)
        return true;
    if (!m_lastByte || m_position == 0)
        return false;
    char byte = 0;
    return m_file.seek(m_position - 1) && m_file.getChar(&byte) && byte != *m_lastByte;
}

void TailTask::emitItem(const QByteArray &bytes)
{
    outputLog()->append(QString::fromUtf8(bytes));
    ++m_lines;
}

bool TailTask::pump(bool toEnd)
{
    TaskOutputLog *log = outputLog();
    const qint64 before = log->lastSeq();
    bool atEnd = false;
    while (log->room() > 0) {
        if (!m_file.seek(m_position))
            break;
        const QByteArray chunk = m_file.read(kReadChunk);
        const bool last = chunk.size() < kReadChunk; // it reaches the end of the file
        qsizetype from = 0;
        QByteArray item;
        while (log->room() > 0) {
            const qsizetype used = nextItem(chunk, from, toEnd && last, &item);
            if (used == 0)
                break;
            emitItem(item);
            from += used;
        }
        if (from > 0) {
            m_position += from;
            m_lastByte = chunk.at(from - 1);
        }
        if (last && (from == chunk.size() || log->room() > 0)) {
            atEnd = true; // what is left is a partial line: it waits for its newline
            break;
        }
    }
    if (log->lastSeq() != before) {
        progress()->setDone(m_lines);
        Q_EMIT outputAppended(log->lastSeq());
    }
    return atEnd;
}

std::optional<TailTask::Identity> TailTask::identityOf(const QString &path)
{
#ifdef Q_OS_UNIX
    struct stat info;
    if (::stat(QFile::encodeName(path).constData(), &info) != 0)
        return std::nullopt;
    return Identity{qulonglong(info.st_dev), qulonglong(info.st_ino)};
#else
    if (!QFileInfo::exists(path))
        return std::nullopt;
    return Identity{};
#endif
}

std::optional<TailTask::Identity> TailTask::identityOfOpenFile() const
{
#ifdef Q_OS_UNIX
    struct stat info;
    if (::fstat(m_file.handle(), &info) != 0)
        return std::nullopt;
    return Identity{qulonglong(info.st_dev), qulonglong(info.st_ino)};
#else
    return Identity{};
#endif
}

} // namespace Conduit
