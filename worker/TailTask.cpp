#include "TailTask.h"

#include "TaskParams.h"

#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QTimer>

#ifdef Q_OS_UNIX
#include <sys/stat.h>
#endif

namespace Conduit {

namespace {
constexpr qint64 kReadChunk = 256 * 1024;
constexpr qint64 kMaxLineLength = 1024 * 1024; // a longer line is cut into items of this size
constexpr auto kPollInterval = std::chrono::milliseconds(250);
} // namespace

TailTask::TailTask(const QJsonObject &params, QObject *parent)
    : Task(QStringLiteral("tail"), QStringLiteral("lines"), parent)
{
    const TaskParams reader(params, {QStringLiteral("path"), QStringLiteral("fromStart")});
    m_path = reader.path(QStringLiteral("path"), TaskParams::Check::File);
    m_fromStart = reader.boolean(QStringLiteral("fromStart"), false);
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
    if (!m_fromStart)
        m_position = m_file.size();

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
    if (m_watcher && !m_watcher->files().contains(m_path))
        m_watcher->addPath(m_path); // a watch dies with the file it watched
    return true;
}

void TailTask::check()
{
    if (m_stopped || m_paused || outcome() != Outcome::Pending)
        return;
    // Same file shorter than where we are: truncated, start over.
    if (m_file.size() < m_position)
        m_position = 0;
    if (!pump())
        return; // paused by credit; the rest waits for acknowledgeOutput()
    const auto current = identityOf(m_path);
    if (!current || (m_identity && *current == *m_identity))
        return; // no file there yet, or still ours
    // Rotated: the old file is read to its end; its unterminated tail is a line of its own.
    if (m_position < m_file.size()) {
        if (!outputLog()->room())
            return;
        m_file.seek(m_position);
        const QByteArray rest = m_file.readAll();
        m_position += rest.size();
        outputLog()->append(QString::fromUtf8(rest));
        progress()->setDone(++m_lines);
        Q_EMIT outputAppended(outputLog()->lastSeq());
    }
    if (!open()) {
        // Replaced by something we cannot read (yet): look again at the next poll.
        m_identity.reset();
        return;
    }
    pump();
}

bool TailTask::pump()
{
    TaskOutputLog *log = outputLog();
    const qint64 before = log->lastSeq();
    bool atEnd = false;
    while (log->room() > 0) {
        if (!m_file.seek(m_position))
            break;
        const QByteArray chunk = m_file.read(kReadChunk);
        if (chunk.isEmpty()) {
            atEnd = true;
            break;
        }
        qsizetype from = 0;
        while (log->room() > 0) {
            const qsizetype newline = chunk.indexOf('\n', from);
            if (newline < 0)
                break;
            log->append(QString::fromUtf8(chunk.constData() + from, newline - from));
            ++m_lines;
            from = newline + 1;
        }
        m_position += from;
        if (from == 0 && chunk.size() < kReadChunk) {
            atEnd = true; // only a partial line is left: it waits for its newline
            break;
        }
        if (from == 0) {
            // No newline in a whole chunk: read on for it, up to kMaxLineLength.
            m_file.seek(m_position);
            const QByteArray longLine = m_file.read(kMaxLineLength);
            const qsizetype newline = longLine.indexOf('\n');
            if (newline < 0 && longLine.size() < kMaxLineLength) {
                atEnd = true;
                break;
            }
            const qsizetype length = newline < 0 ? longLine.size() : newline;
            log->append(QString::fromUtf8(longLine.constData(), length));
            ++m_lines;
            m_position += newline < 0 ? length : length + 1;
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
