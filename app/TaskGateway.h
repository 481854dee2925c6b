// SPDX-License-Identifier: MIT
#pragma once

#include <bridge/CommandCall.h>
#include <worker/TaskManager.h>

#include <QFuture>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPointer>

#include <optional>

namespace Conduit {

class Bridge;
class PageHub;
class ProcessGateway;

// The pages' `tasks.*` commands and `task.*` events, relayed to the TaskManager in the async
// process: every page sees and controls every task. Keeps, in the GUI thread, what the page needs
// to catch up after a reload: the latest snapshot of every task (for the welcome) and the recent
// output of each, so a page that attaches again with `after` gets exactly the items it has not
// seen. Output is acknowledged to the process only once written to every reader's stream, so the
// slowest reader paces the producer and a producer with no reader stops.
// The tasks the process's history brought back (task.history) are remembered as any others, but
// never announced as just finished, and its notice (a history set aside, in use or unavailable)
// goes to every page in the welcome.
class TaskGateway final : public QObject
{
    Q_OBJECT

public:
    TaskGateway(PageHub &pages, ProcessGateway &process, QObject *parent = nullptr);

    // The `tasks.*` commands and events, and the page's types of every kind in `kinds`.
    void registerCommands(const TaskKinds &kinds);
    // Starts a task as the page's tasks.start does, for native callers (the command line);
    // resolves with its snapshot or fails with the refusal.
    QFuture<QJsonValue> start(const QString &kind, const QJsonObject &params);
    // As the page's tasks.setLimit: resolves with {limit}, or fails with the refusal.
    QFuture<QJsonValue> setLimit(int limit);
    QJsonArray tasks() const;
    // Tasks queued, running or paused, as last reported by the process.
    int activeCount() const;

Q_SIGNALS:
    // A task reached completed, failed, cancelled or timed_out in this run.
    void taskFinished(const QJsonObject &snapshot);
    // The process runs this many tasks at once now (tasks.setLimit answered).
    void limitChanged(int limit);

private:
    struct Reader
    {
        QPointer<Bridge> page; // whose streams() `stream` is in; gone with its window
        StreamHandle stream;
        qint64 sentSeq = 0; // last item written to `stream`
    };
    struct Record
    {
        QJsonObject snapshot;
        QList<QJsonObject> output; // {seq, value}, oldest first
        qint64 ackedSeq = 0;
        qint64 lastSeq = 0;    // the newest item received from the process
        QList<Reader> readers; // every page channel following this task's output
    };

    // tasks.start's args; the new task's output goes to `output` if it is valid.
    QFuture<QJsonValue> start(const QJsonObject &args, Bridge *page, const StreamHandle &output);
    // The snapshot of a task the process just started (`answer`, its tasks.start or tasks.retry)
    // is remembered, and its output bound to `page`'s `output`.
    QFuture<QJsonValue> started(QFuture<QJsonValue> answer, Bridge *page,
                                const StreamHandle &output);
    void onHistory(const QJsonValue &history);
    void onState(const QJsonValue &snapshot);
    void onProgress(const QJsonValue &progress);
    void onOutput(const QJsonValue &output);
    Record &remember(const QJsonObject &snapshot);
    void bind(quint64 id, Bridge *page, const StreamHandle &stream, qint64 after);
    void watchStreams(Bridge &page);
    void pump(quint64 id);
    void onStreamCredit(const StreamHandle &stream);
    void onStreamClosed(const StreamHandle &stream);
    static bool isFinal(const QJsonObject &snapshot);

    PageHub &m_pages;
    ProcessGateway &m_process;
    QHash<quint64, Record> m_records;
    // Which task each reader's stream follows: credit and close find their task in O(1).
    QHash<StreamHandle, quint64> m_readerTasks;
    int m_limit = TaskManager::defaultLimit(); // the process's, as last set
    QJsonObject m_historyNotice;               // TaskHistoryNotice, if the process gave one
};

} // namespace Conduit
