// SPDX-License-Identifier: MIT
#include "AsyncProcess.h"

#include "ConsoleModel.h"
#include "LogFiles.h"
#include "TaskCommands.h"

namespace Conduit {

AsyncProcess::AsyncProcess(std::chrono::milliseconds tickInterval, TaskKinds kinds,
                           QString historyPath, QObject *parent)
    : QObject(parent)
    , m_tickInterval(tickInterval)
    , m_kinds(std::move(kinds))
    , m_historyPath(std::move(historyPath))
{
    qRegisterMetaType<Conduit::ProcessMessage>();
}

void AsyncProcess::start()
{
    if (m_console)
        return;
    const auto emitOutput = [this](const ProcessMessage &message) {
        send(message);
    };
    m_console = new ConsoleModel(m_tickInterval, emitOutput, this);
    m_console->startTicking();
    m_tasks = new TaskCommands(m_kinds, emitOutput, m_historyPath, this);
    m_logs = new LogFiles(emitOutput, this);
}

bool AsyncProcess::stop(std::chrono::milliseconds deadline)
{
    if (m_console)
        m_console->stopTicking();
    if (m_logs)
        m_logs->shutdown(deadline / 10);
    return !m_tasks || m_tasks->shutdown(deadline);
}

void AsyncProcess::post(const ProcessMessage &message)
{
    switch (message.kind) {
    case ProcessMessage::Kind::Command:
        runCommand(message);
        break;
    case ProcessMessage::Kind::Reply:
        if (m_console)
            m_console->answer(message);
        break;
    case ProcessMessage::Kind::Event:
        if (m_console)
            m_console->observe(message);
        break;
    default:
        break; // output kinds are not input
    }
}

void AsyncProcess::postAll(const QList<ProcessMessage> &messages)
{
    // What a batch produces leaves back to back at its end, so the receiver, woken by the
    // first, finds the rest waiting instead of being woken for each.
    m_holding = true;
    for (const ProcessMessage &message : messages)
        post(message);
    m_holding = false;
    for (const ProcessMessage &message : std::exchange(m_held, {}))
        Q_EMIT output(message);
}

void AsyncProcess::send(const ProcessMessage &message)
{
    if (m_holding)
        m_held.append(message);
    else
        Q_EMIT output(message);
}

void AsyncProcess::runCommand(const ProcessMessage &command)
{
    if (!m_console) {
        send(ProcessMessage::failure(command.id, QStringLiteral("shutting_down"),
                                     QStringLiteral("the process is not running")));
        return;
    }
    if (TaskCommands::handles(command.name))
        send(m_tasks->run(command));
    else if (ConsoleModel::handles(command.name))
        send(m_console->run(command));
    else if (LogFiles::handles(command.name))
        m_logs->run(command); // answers through the output, now or later
    else
        send(ProcessMessage::failure(
            command.id, QStringLiteral("unknown_command"),
            QStringLiteral("the process has no command '%1'").arg(command.name)));
}

} // namespace Conduit
