// SPDX-License-Identifier: MIT
#include "TaskCommands.h"

#include "TaskError.h"
#include "TaskManager.h"

#include <QJsonArray>
#include <QJsonObject>

namespace Conduit {

namespace {
// Output items forwarded per step; the manager's window bounds how far ahead they run.
constexpr int kForwardBatch = 256;

quint64 taskId(const QJsonObject &args)
{
    return quint64(args.value(QStringLiteral("id")).toDouble());
}
} // namespace

TaskCommands::TaskCommands(const TaskKinds &kinds, Output output, const QString &historyPath,
                           QObject *parent)
    : QObject(parent)
    , m_output(std::move(output))
    , m_manager(new TaskManager(kinds, historyPath, this))
{
    if (m_manager->hasHistory()) {
        QJsonArray restored; // every task the manager has now came from the history
        for (const TaskSnapshot &snapshot : m_manager->list())
            restored.append(snapshot.toJson());
        QJsonObject history{{QStringLiteral("tasks"), restored}};
        if (const auto notice = m_manager->historyNotice())
            history.insert(QStringLiteral("notice"), notice->toJson());
        m_output(ProcessMessage::event(QStringLiteral("task.history"), history));
    }
    connect(m_manager, &TaskManager::stateChanged, this, [this](const TaskSnapshot &snapshot) {
        if (isFinalState(snapshot.state))
            forwardOutput(snapshot.id, snapshot.outputSeq);
        m_output(ProcessMessage::event(QStringLiteral("task.state"), snapshot.toJson()));
    });
    connect(m_manager, &TaskManager::progressChanged, this,
            [this](quint64 id, qint64 done, qint64 total) {
                m_output(ProcessMessage::event(
                    QStringLiteral("task.progress"),
                    QJsonObject{{QStringLiteral("id"), double(id)},
                                {QStringLiteral("done"), double(done)},
                                {QStringLiteral("total"), double(total)},
                                {QStringLiteral("unit"), m_manager->snapshot(id).unit}}));
            });
    connect(m_manager, &TaskManager::outputAvailable, this, &TaskCommands::forwardOutput);
}

bool TaskCommands::handles(const QString &command)
{
    return command.startsWith(QLatin1String("tasks."));
}

ProcessMessage TaskCommands::run(const ProcessMessage &command)
{
    try {
        return ProcessMessage::result(command.id, dispatch(command.name, command.body.toObject()));
    } catch (const TaskError &error) {
        ProcessMessage failure = ProcessMessage::failure(command.id, error.code(), error.message());
        failure.body = error.toJson();
        return failure;
    }
}

QJsonValue TaskCommands::dispatch(const QString &name, const QJsonObject &args)
{
    if (name == QLatin1String("tasks.start")) {
        TaskOptions options;
        options.priority = args.value(QStringLiteral("priority")).toInt();
        if (args.contains(QStringLiteral("timeoutMs")))
            options.timeout = std::chrono::milliseconds(
                qint64(args.value(QStringLiteral("timeoutMs")).toDouble()));
        const quint64 id
            = m_manager->start(args.value(QStringLiteral("kind")).toString(),
                               args.value(QStringLiteral("params")).toObject(), options);
        return m_manager->snapshot(id).toJson();
    }
    if (name == QLatin1String("tasks.pause")) {
        m_manager->pause(taskId(args));
        return m_manager->snapshot(taskId(args)).toJson();
    }
    if (name == QLatin1String("tasks.resume")) {
        m_manager->resume(taskId(args));
        return m_manager->snapshot(taskId(args)).toJson();
    }
    if (name == QLatin1String("tasks.cancel")) {
        m_manager->cancel(taskId(args));
        return m_manager->snapshot(taskId(args)).toJson();
    }
    if (name == QLatin1String("tasks.list")) {
        QJsonArray tasks;
        for (const TaskSnapshot &snapshot : m_manager->list())
            tasks.append(snapshot.toJson());
        return tasks;
    }
    if (name == QLatin1String("tasks.retry"))
        return m_manager->snapshot(m_manager->retry(taskId(args))).toJson();
    if (name == QLatin1String("tasks.forget")) {
        m_manager->forget(taskId(args));
        m_forwardedSeq.remove(taskId(args));
        return QJsonObject{};
    }
    if (name == QLatin1String("tasks.setLimit")) {
        m_manager->setLimit(args.value(QStringLiteral("limit")).toInt());
        return QJsonObject{{QStringLiteral("limit"), m_manager->limit()}};
    }
    if (name == QLatin1String("tasks.read")) {
        return QJsonObject{
            {QStringLiteral("items"),
             m_manager->readOutput(taskId(args),
                                   qint64(args.value(QStringLiteral("after")).toDouble()),
                                   args.value(QStringLiteral("max")).toInt(kForwardBatch))}};
    }
    if (name == QLatin1String("tasks.ack")) {
        m_manager->acknowledgeOutput(taskId(args),
                                     qint64(args.value(QStringLiteral("seq")).toDouble()));
        return QJsonObject{};
    }
    throw TaskError(QStringLiteral("unknown_command"),
                    QStringLiteral("the process has no command '%1'").arg(name));
}

void TaskCommands::forwardOutput(quint64 id, qint64 lastSeq)
{
    qint64 &forwarded = m_forwardedSeq[id];
    while (forwarded < lastSeq) {
        const QJsonArray items = m_manager->readOutput(id, forwarded, kForwardBatch);
        if (items.isEmpty())
            break;
        forwarded = qint64(items.last().toObject().value(QStringLiteral("seq")).toDouble());
        m_output(ProcessMessage::event(
            QStringLiteral("task.output"),
            QJsonObject{{QStringLiteral("id"), double(id)}, {QStringLiteral("items"), items}}));
    }
}

bool TaskCommands::shutdown(std::chrono::milliseconds deadline)
{
    return m_manager->shutdown(deadline);
}

} // namespace Conduit
