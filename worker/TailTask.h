// SPDX-License-Identifier: MIT
#pragma once

#include "Task.h"

#include <QFile>

class QFileSystemWatcher;
class QTimer;

namespace Conduit {

// tail {path, fromStart = false} → output items: the file's lines (strings, no newline),
// until cancelled. Follows appends, truncation (the file got shorter, or the byte before the
// read position changed: it restarts at 0) and rotation (the path now names another file: the
// old one is read to its end, then the new one from 0). A partial last line waits for its
// newline. A "\r\n" ending goes whole. Lines are decoded as UTF-8: an invalid byte becomes
// U+FFFD, NUL stays U+0000. A line longer than kMaxItemBytes arrives as several items, each
// of at most kMaxItemBytes bytes cut on a UTF-8 character boundary, the last one holding the
// rest; a line of exactly kMaxItemBytes is one item, and no empty item follows a cut line. So
// memory stays bounded (window × kMaxItemBytes) on a file that grows without newlines.
// QFileSystemWatcher wakes it early; a 250 ms poll catches what the watcher misses. Paused,
// or out of output credit, it reads nothing and keeps its position. Progress: items (lines
// and pieces), total unknown.
class TailTask final : public Task
{
    Q_OBJECT

public:
    static constexpr qsizetype kMaxItemBytes = 64 * 1024;

    static const TaskKind &declaration();
    // params: checked against declaration().params
    explicit TailTask(const QJsonObject &params, QObject *parent = nullptr);

    void start(const TaskServices &services) override;
    void pause() override;
    void resume() override;
    void cancel() override;
    void outputRoomAvailable() override;

private:
    struct Identity
    {
        qulonglong device = 0;
        qulonglong inode = 0;
        bool operator==(const Identity &other) const
        {
            return device == other.device && inode == other.inode;
        }
    };

    void check();
    // Emits items from m_position while there is credit; true if it reached the end. `toEnd`:
    // the file grows no more (rotated away), so its unterminated tail is an item too.
    bool pump(bool toEnd = false);
    void emitItem(const QByteArray &bytes);
    bool truncated();
    bool open();
    void stopWatching();
    static std::optional<Identity> identityOf(const QString &path);
    std::optional<Identity> identityOfOpenFile() const;

    QString m_path;
    bool m_fromStart = false;
    QFile m_file;
    std::optional<Identity> m_identity;
    qint64 m_position = 0;          // first byte not yet emitted as part of an item
    std::optional<char> m_lastByte; // the one before m_position, to notice a rewrite
    qint64 m_lines = 0;
    bool m_paused = false;
    bool m_stopped = false;
    QFileSystemWatcher *m_watcher = nullptr;
    QTimer *m_poll = nullptr;
};

} // namespace Conduit
