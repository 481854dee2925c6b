// SPDX-License-Identifier: MIT
#include "Task.h"

#include "TaskKind.h"

#include <QMetaObject>

namespace Conduit {

Task::Task(const TaskKind &kind, QObject *parent)
    : QObject(parent)
    , m_kind(kind.name)
    , m_progress(std::make_shared<TaskProgress>(kind.progressUnit))
{}

void Task::stop(StopReason reason)
{
    m_stopReason = reason;
    cancel();
}

void Task::enableOutput(int window)
{
    m_output = std::make_unique<TaskOutputLog>(window);
}

void Task::complete(const QJsonValue &result)
{
    if (m_outcome != Outcome::Pending)
        return;
    m_result = result;
    finish(Outcome::Completed);
}

void Task::fail(const TaskError &error)
{
    if (m_outcome != Outcome::Pending)
        return;
    m_error = error;
    finish(Outcome::Failed);
}

void Task::finishCancelled()
{
    if (m_outcome != Outcome::Pending)
        return;
    finish(Outcome::Cancelled);
}

void Task::finish(Outcome outcome)
{
    m_outcome = outcome;
    // Queued, so the manager is never re-entered from inside its own call into the task.
    QMetaObject::invokeMethod(this, &Task::finished, Qt::QueuedConnection);
}

} // namespace Conduit
