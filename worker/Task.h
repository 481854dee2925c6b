// SPDX-License-Identifier: MIT
#pragma once

#include "TaskError.h"
#include "TaskOutputLog.h"
#include "TaskProgress.h"
#include "TaskServices.h"

#include <QJsonValue>
#include <QObject>

#include <memory>
#include <optional>

namespace Conduit {

struct TaskKind;

// One task's work, driven by TaskManager from the manager's thread. It is made by its kind
// (TaskKind::make) from params already checked against the kind's schema, may refuse what a
// schema cannot say (TaskError invalid_args), does nothing until start(), and reports once
// through finished(), never from within start()/cancel() themselves.
class Task : public QObject
{
    Q_OBJECT

public:
    enum class Outcome { Pending, Completed, Failed, Cancelled };

    explicit Task(const TaskKind &kind, QObject *parent = nullptr);

    QString kind() const { return m_kind; }
    const std::shared_ptr<TaskProgress> &progress() const { return m_progress; }
    // Null unless the kind produces output items.
    TaskOutputLog *outputLog() const { return m_output.get(); }

    virtual void start(const TaskServices &services) = 0;
    virtual void pause() = 0;
    virtual void resume() = 0;
    // Stop the work; the outcome becomes Cancelled (or whatever finished first).
    virtual void cancel() = 0;
    // Why the manager stops a task. Only what a task keeps for later depends on it: a download
    // keeps a partial it can resume unless the user cancelled it (DownloadTask.h).
    enum class StopReason { Cancelled, TimedOut, ShuttingDown };
    // Records the reason, then cancel().
    void stop(StopReason reason);
    // True once no code of this task runs anywhere (pool jobs included).
    virtual bool isStopped() const { return m_outcome != Outcome::Pending; }
    // The consumer acknowledged output: a producer blocked on credit may go on.
    virtual void outputRoomAvailable() {}

    Outcome outcome() const { return m_outcome; }
    QJsonValue result() const { return m_result; }
    std::optional<TaskError> error() const { return m_error; }

Q_SIGNALS:
    void finished();
    void outputAppended(qint64 lastSeq);

protected:
    void enableOutput(int window = TaskOutputLog::kDefaultWindow);
    // Each records the outcome once and signals finished() from the event loop.
    void complete(const QJsonValue &result);
    void fail(const TaskError &error);
    void finishCancelled();
    // Cancelled unless stop() said otherwise.
    StopReason stopReason() const { return m_stopReason; }

private:
    void finish(Outcome outcome);

    QString m_kind;
    std::shared_ptr<TaskProgress> m_progress;
    std::unique_ptr<TaskOutputLog> m_output;
    Outcome m_outcome = Outcome::Pending;
    StopReason m_stopReason = StopReason::Cancelled;
    QJsonValue m_result;
    std::optional<TaskError> m_error;
};

} // namespace Conduit
