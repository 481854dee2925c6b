#pragma once

#include "Task.h"

#include <QFile>

class QFileSystemWatcher;
class QTimer;

namespace Conduit {

// tail {path, fromStart = false} → output items: the file's lines (strings, no newline),
// until cancelled. Follows appends, truncation (restarts at 0) and rotation (the path now
// names another file: the old one is read to its end, then the new one from 0). A partial
// last line waits for its newline. QFileSystemWatcher wakes it early; a 250 ms poll catches
// what the watcher misses. Paused, or out of output credit, it reads nothing and keeps its
// position. Progress: lines, total unknown.
class TailTask final : public Task
{
    Q_OBJECT

public:
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
    // Emits complete lines from m_position while there is credit; true if it reached the end.
    bool pump();
    bool open();
    void stopWatching();
    static std::optional<Identity> identityOf(const QString &path);
    std::optional<Identity> identityOfOpenFile() const;

    QString m_path;
    bool m_fromStart = false;
    QFile m_file;
    std::optional<Identity> m_identity;
    qint64 m_position = 0; // first byte not yet emitted as part of a line
    qint64 m_lines = 0;
    bool m_paused = false;
    bool m_stopped = false;
    QFileSystemWatcher *m_watcher = nullptr;
    QTimer *m_poll = nullptr;
};

} // namespace Conduit
