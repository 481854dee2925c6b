// SPDX-License-Identifier: MIT
#pragma once

#include "TaskHistoryNotice.h"
#include "TaskSnapshot.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QSet>

#include <memory>
#include <optional>

class QSqlDatabase;
class QTimer;

namespace Conduit {

// Every task's latest snapshot, one row each, in one SQLite file (Qt SQL's QSQLITE driver): what
// lets the task list survive a restart. Lives in its TaskManager's thread, since a Qt SQL
// connection may only be used by the thread that made it: opened in the constructor, under a
// connection name of its own, and closed in the destructor.
//
// Durable, and cheap: WAL with synchronous=NORMAL. A commit is in the WAL, in the OS's page
// cache, when it returns, so it survives the process dying at any moment (a crash, kill -9); a
// power cut may lose the last commits, never the file's integrity (WAL frames are checksummed
// and replayed whole or not at all). FULL would add an fsync per commit for the power cut only.
// Writes are coalesced: put() marks a task due and the next event-loop turn writes everything
// due in one transaction; flush() and the destructor write what is left.
//
// Opening never fails and never waits. The file is locked exclusively while open: another
// process gets InUse at once and runs without a history. A file that is not a database, fails
// SQLite's quick_check or has a schema newer than kSchemaVersion is renamed aside (with its -wal
// and -shm, to <file>.corrupt-<UTC time> or <file>.newer-<version>) and a new one begun; the
// notice says so and where it went.
class TaskHistory final : public QObject
{
    Q_OBJECT

public:
    static constexpr int kSchemaVersion = 1; // PRAGMA user_version
    // Finished tasks kept: the newest by id. Older ones are dropped as new ones finish.
    static constexpr int kKeep = 200;

    explicit TaskHistory(const QString &path, QObject *parent = nullptr);
    ~TaskHistory() override; // writes what is due

    QString path() const { return m_path; }
    bool isOpen() const;
    // Why the history is not what it was, or is off; nullopt when all is well.
    const std::optional<TaskHistoryNotice> &notice() const { return m_notice; }
    // What the file held when opened, by id, at most kKeep: every one final, those that had not
    // finished now interrupted (and so written). Once: the history keeps no copy.
    QList<TaskSnapshot> takeRestored() { return std::exchange(m_restored, {}); }

    // Keeps `snapshot` as its task's latest, written at the next turn (nothing if not open).
    void put(const TaskSnapshot &snapshot);
    void remove(quint64 id);
    // Writes what is due, in one transaction.
    void flush();

private:
    enum class Verdict { Ok, Corrupt, Newer, InUse, Failed };
    struct Attempt
    {
        Verdict verdict = Verdict::Ok;
        QString detail;
        int version = 0; // the file's, for Newer
    };

    Attempt open();
    Attempt load();
    void close();
    QString setAside(const QString &suffix, QString *error);
    void write(bool prune); // flush(); `prune` drops what is over kKeep even if nothing ended
    void warn(const QString &what, const QString &detail);

    QString m_path;
    QString m_connection; // Qt SQL's name for this one's connection
    std::unique_ptr<QSqlDatabase> m_db;
    std::optional<TaskHistoryNotice> m_notice;
    QList<TaskSnapshot> m_restored;
    QHash<quint64, TaskSnapshot> m_due;
    QSet<quint64> m_removed;
    QTimer *m_flushTimer = nullptr;
    QString m_lastWarning; // a write that keeps failing is said once
};

} // namespace Conduit
