// SPDX-License-Identifier: MIT
#include "TaskHistory.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTimer>

#include <atomic>

namespace Conduit {

namespace {
const QString kDriver = QStringLiteral("QSQLITE");
// The files SQLite keeps beside the database, set aside with it: a WAL left behind would be
// replayed into the new file.
const QStringList kCompanions{QStringLiteral("-wal"), QStringLiteral("-shm")};

// SQLite's primary result codes (sqlite3.h), as Qt SQL reports them in nativeErrorCode().
constexpr int kSqliteBusy = 5;
constexpr int kSqliteLocked = 6;
constexpr int kSqliteCorrupt = 11;
constexpr int kSqliteNotADatabase = 26;

QString uniqueConnectionName()
{
    static std::atomic<quint64> next{0};
    return QStringLiteral("conduit.taskHistory.%1").arg(++next);
}

int primaryCode(const QSqlError &error)
{
    bool ok = false;
    const int code = error.nativeErrorCode().toInt(&ok);
    return ok ? code & 0xff : -1;
}
} // namespace

TaskHistory::TaskHistory(const QString &path, QObject *parent)
    : QObject(parent)
    , m_path(path)
    , m_connection(uniqueConnectionName())
    , m_flushTimer(new QTimer(this))
{
    m_flushTimer->setSingleShot(true);
    m_flushTimer->setInterval(0);
    connect(m_flushTimer, &QTimer::timeout, this, &TaskHistory::flush);

    const auto unavailable = [this](const QString &detail) {
        m_notice = TaskHistoryNotice{TaskHistoryNotice::Reason::Unavailable, m_path, detail};
        warn(QStringLiteral("tasks will not be remembered"), detail);
    };
    if (!QSqlDatabase::isDriverAvailable(kDriver)) {
        unavailable(QStringLiteral("Qt's SQLite driver (QSQLITE, package libqt6sql6-sqlite) is "
                                   "not installed"));
        return;
    }
    if (!QDir().mkpath(QFileInfo(m_path).absolutePath())) {
        unavailable(QStringLiteral("cannot make the folder of %1").arg(m_path));
        return;
    }
    Attempt attempt = open();
    if (attempt.verdict == Verdict::Corrupt || attempt.verdict == Verdict::Newer) {
        close();
        const bool corrupt = attempt.verdict == Verdict::Corrupt;
        QString error;
        const QString aside = setAside(corrupt ? QStringLiteral("corrupt-%1")
                                                     .arg(QDateTime::currentDateTimeUtc().toString(
                                                         QStringLiteral("yyyyMMdd'T'HHmmss'Z'")))
                                               : QStringLiteral("newer-%1").arg(attempt.version),
                                       &error);
        if (aside.isEmpty()) {
            unavailable(
                QStringLiteral("%1; setting it aside failed: %2").arg(attempt.detail, error));
            return;
        }
        m_notice = TaskHistoryNotice{corrupt ? TaskHistoryNotice::Reason::Corrupt
                                             : TaskHistoryNotice::Reason::Newer,
                                     aside, attempt.detail};
        warn(QStringLiteral("set aside as %1, a new one begun").arg(aside), attempt.detail);
        attempt = open();
    }
    if (attempt.verdict == Verdict::Ok)
        return;
    close();
    if (attempt.verdict == Verdict::InUse) {
        m_notice = TaskHistoryNotice{TaskHistoryNotice::Reason::InUse, m_path, attempt.detail};
        warn(QStringLiteral("another process uses it; tasks will not be remembered"),
             attempt.detail);
    } else {
        unavailable(attempt.detail);
    }
}

TaskHistory::~TaskHistory()
{
    flush();
    close();
}

bool TaskHistory::isOpen() const
{
    return m_db && m_db->isOpen();
}

TaskHistory::Attempt TaskHistory::open()
{
    m_db = std::make_unique<QSqlDatabase>(QSqlDatabase::addDatabase(kDriver, m_connection));
    m_db->setDatabaseName(m_path);
    // A file another process holds is answered at once (Qt's default waits 5 s).
    m_db->setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=0"));
    if (!m_db->open())
        return {Verdict::Failed, m_db->lastError().text()};
    QSqlQuery query(*m_db);
    const auto failed = [&query]() -> Attempt {
        const QSqlError error = query.lastError();
        switch (primaryCode(error)) {
        case kSqliteCorrupt:
        case kSqliteNotADatabase:
            return {Verdict::Corrupt, error.text()};
        case kSqliteBusy:
        case kSqliteLocked:
            return {Verdict::InUse, error.text()};
        default:
            return {Verdict::Failed, error.text()};
        }
    };
    // Exclusive before WAL: the file stays locked while open (one process at a time), and the
    // WAL's index lives in this process's memory instead of a -shm file.
    if (!query.exec(QStringLiteral("PRAGMA locking_mode=EXCLUSIVE")))
        return failed();
    if (!query.exec(QStringLiteral("PRAGMA user_version")) || !query.next())
        return failed();
    const int version = query.value(0).toInt();
    if (version > kSchemaVersion)
        return {Verdict::Newer,
                QStringLiteral("schema version %1; this build knows %2 at most")
                    .arg(version)
                    .arg(kSchemaVersion),
                version};
    if (!query.exec(QStringLiteral("PRAGMA quick_check")))
        return failed();
    QStringList problems;
    while (query.next())
        problems.append(query.value(0).toString());
    if (problems != QStringList{QStringLiteral("ok")})
        return {Verdict::Corrupt, problems.mid(0, 3).join(QStringLiteral("; "))};
    if (!query.exec(QStringLiteral("PRAGMA journal_mode=WAL")) || !query.next())
        return failed();
    if (query.value(0).toString() != QLatin1String("wal"))
        return {Verdict::Failed,
                QStringLiteral("journal mode %1, not wal").arg(query.value(0).toString())};
    // See the class comment: NORMAL survives a crash; a power cut may lose the last commits.
    if (!query.exec(QStringLiteral("PRAGMA synchronous=NORMAL")))
        return failed();
    // `final` says whether the task had ended (isFinalState) as last written: what is pruned,
    // and what is interrupted when found otherwise at the next start.
    if (!query.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS tasks (id INTEGER PRIMARY KEY, "
                                   "final INTEGER NOT NULL, snapshot TEXT NOT NULL)")))
        return failed();
    if (version < kSchemaVersion
        && !query.exec(QStringLiteral("PRAGMA user_version=%1").arg(kSchemaVersion)))
        return failed();
    return load();
}

TaskHistory::Attempt TaskHistory::load()
{
    QSqlQuery query(*m_db);
    const auto failed = [&] {
        m_due.clear();
        m_removed.clear();
        const QSqlError error = query.lastError();
        const int code = primaryCode(error);
        return Attempt{code == kSqliteCorrupt || code == kSqliteNotADatabase ? Verdict::Corrupt
                                                                             : Verdict::Failed,
                       error.text()};
    };
    if (!query.exec(QStringLiteral("SELECT id, final, snapshot FROM tasks ORDER BY id")))
        return failed();
    QList<TaskSnapshot> restored;
    while (query.next()) {
        const quint64 id = query.value(0).toULongLong();
        std::optional<TaskSnapshot> snapshot = TaskSnapshot::fromJson(
            QJsonDocument::fromJson(query.value(2).toString().toUtf8()).object());
        if (!snapshot || snapshot->id != id) {
            // A row this build cannot read (written by hand, or by a bug) is dropped, not the
            // history.
            qWarning("task history: task %llu cannot be read; dropped", qulonglong(id));
            m_removed.insert(id);
            continue;
        }
        if (!query.value(1).toBool() || !isFinalState(snapshot->state)) {
            *snapshot = snapshot->interrupted();
            m_due.insert(id, *snapshot);
        }
        restored.append(*snapshot);
    }
    if (query.lastError().isValid()) // a page that quick_check let through, unreadable after all
        return failed();
    query.finish();
    write(true); // the interrupted ones, the unreadable ones, and what is over kKeep
    if (restored.size() > kKeep)
        restored.remove(0, restored.size() - kKeep);
    m_restored = std::move(restored);
    return {};
}

void TaskHistory::close()
{
    m_flushTimer->stop();
    if (m_db) {
        m_db->close();
        m_db.reset(); // no handle may outlive removeDatabase()
        QSqlDatabase::removeDatabase(m_connection);
    }
}

QString TaskHistory::setAside(const QString &suffix, QString *error)
{
    QString aside = m_path + QLatin1Char('.') + suffix;
    for (int n = 2; QFileInfo::exists(aside) || QFileInfo::exists(aside + kCompanions.first()); ++n)
        aside = m_path + QLatin1Char('.') + suffix + QLatin1Char('-') + QString::number(n);
    // The companions first: if one cannot move, the database stays where it is, with it.
    for (const QString &companion : kCompanions + QStringList{QString()}) {
        QFile file(m_path + companion);
        if (file.exists() && !file.rename(aside + companion)) {
            *error = QStringLiteral("%1: %2").arg(file.fileName(), file.errorString());
            return {};
        }
    }
    return aside;
}

void TaskHistory::put(const TaskSnapshot &snapshot)
{
    if (!isOpen())
        return;
    m_due.insert(snapshot.id, snapshot);
    m_removed.remove(snapshot.id);
    if (!m_flushTimer->isActive())
        m_flushTimer->start();
}

void TaskHistory::remove(quint64 id)
{
    if (!isOpen())
        return;
    m_due.remove(id);
    m_removed.insert(id);
    if (!m_flushTimer->isActive())
        m_flushTimer->start();
}

void TaskHistory::flush()
{
    write(false);
}

void TaskHistory::write(bool prune)
{
    m_flushTimer->stop();
    if (!isOpen() || (m_due.isEmpty() && m_removed.isEmpty() && !prune))
        return;
    const QHash<quint64, TaskSnapshot> due = std::exchange(m_due, {});
    const QSet<quint64> removed = std::exchange(m_removed, {});
    if (!m_db->transaction()) {
        warn(QStringLiteral("cannot write"), m_db->lastError().text());
        return;
    }
    QSqlQuery query(*m_db);
    bool ok = true;
    bool ended = prune;
    if (!due.isEmpty()) {
        ok = query.prepare(
            QStringLiteral("INSERT OR REPLACE INTO tasks (id, final, snapshot) VALUES (?, ?, ?)"));
        for (auto it = due.cbegin(); ok && it != due.cend(); ++it) {
            const bool final = isFinalState(it->state);
            ended = ended || final;
            query.addBindValue(qint64(it.key()));
            query.addBindValue(final);
            query.addBindValue(
                QString::fromUtf8(QJsonDocument(it->toJson()).toJson(QJsonDocument::Compact)));
            ok = query.exec();
        }
    }
    if (ok && !removed.isEmpty()) {
        ok = query.prepare(QStringLiteral("DELETE FROM tasks WHERE id = ?"));
        for (auto it = removed.cbegin(); ok && it != removed.cend(); ++it) {
            query.addBindValue(qint64(*it));
            ok = query.exec();
        }
    }
    // The newest kKeep finished tasks stay; what is older goes once a newer one has ended.
    if (ok && ended)
        ok = query.exec(
            QStringLiteral(
                "DELETE FROM tasks WHERE final = 1 AND id <= (SELECT id FROM tasks WHERE final = 1 "
                "ORDER BY id DESC LIMIT 1 OFFSET %1)")
                .arg(kKeep));
    const QString error = query.lastError().text();
    query.finish();
    if (ok && m_db->commit()) {
        m_lastWarning.clear();
        return;
    }
    m_db->rollback();
    warn(QStringLiteral("cannot write"), ok ? m_db->lastError().text() : error);
}

void TaskHistory::warn(const QString &what, const QString &detail)
{
    const QString warning = QStringLiteral("task history %1: %2 (%3)").arg(m_path, what, detail);
    if (warning == m_lastWarning)
        return;
    m_lastWarning = warning;
    qWarning("%s", qPrintable(warning));
}

} // namespace Conduit
