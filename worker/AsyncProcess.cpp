// SPDX-License-Identifier: MIT
#include "AsyncProcess.h"

#include "TaskCommands.h"

#include <QDateTime>
#include <QJsonObject>

namespace Conduit {

namespace {
const QString kText = QStringLiteral("text");
const QString kId = QStringLiteral("id");
} // namespace

AsyncProcess::AsyncProcess(std::chrono::milliseconds tickInterval, TaskKinds kinds, QObject *parent)
    : QObject(parent)
    , m_tickInterval(tickInterval)
    , m_kinds(std::move(kinds))
{
    qRegisterMetaType<Conduit::ProcessMessage>();
}

void AsyncProcess::start()
{
    if (m_ticker)
        return;
    // Created here, in the process's own thread, so its timer events are delivered there.
    m_ticker = new QTimer(this);
    m_ticker->setTimerType(Qt::PreciseTimer);
    connect(m_ticker, &QTimer::timeout, this, &AsyncProcess::tick);
    m_ticker->start(m_tickInterval);
    m_tasks = new TaskCommands(
        m_kinds, [this](const ProcessMessage &message) { Q_EMIT output(message); }, this);
}

bool AsyncProcess::stop(std::chrono::milliseconds deadline)
{
    if (m_ticker)
        m_ticker->stop();
    return !m_tasks || m_tasks->shutdown(deadline);
}

void AsyncProcess::post(const ProcessMessage &message)
{
    switch (message.kind) {
    case ProcessMessage::Kind::Command:
        runCommand(message);
        break;
    case ProcessMessage::Kind::Reply: {
        const Question question = m_questions.take(message.id);
        if (question.outputId == 0)
            break;
        QJsonObject payload{{kId, double(question.outputId)}, {kText, question.text}};
        if (message.ok)
            payload.insert(QStringLiteral("answer"), message.body.toBool());
        else
            payload.insert(QStringLiteral("error"), message.body);
        Q_EMIT output(ProcessMessage::event(QStringLiteral("process.output"), payload));
        break;
    }
    case ProcessMessage::Kind::Event:
        // The page says whether anyone is looking; nobody needs ticks while it is hidden.
        if (message.name == QLatin1String("page.visible") && m_ticker) {
            const bool visible
                = message.body.toObject().value(QStringLiteral("visible")).toBool(true);
            if (visible && !m_ticker->isActive())
                m_ticker->start(m_tickInterval);
            else if (!visible)
                m_ticker->stop();
            Q_EMIT output(ProcessMessage::event(QStringLiteral("process.visibility"),
                                                QJsonObject{{QStringLiteral("ticking"), visible}}));
        }
        break;
    default:
        break; // output kinds are not input
    }
}

void AsyncProcess::runCommand(const ProcessMessage &command)
{
    if (TaskCommands::handles(command.name)) {
        if (m_tasks)
            Q_EMIT output(m_tasks->run(command));
        else
            Q_EMIT output(ProcessMessage::failure(command.id, QStringLiteral("shutting_down"),
                                                  QStringLiteral("the process is not running")));
        return;
    }
    const QString text = command.body.toObject().value(kText).toString();
    if (command.name == QLatin1String("echo")) {
        Q_EMIT output(ProcessMessage::result(command.id, QJsonObject{{kText, text}}));
    } else if (command.name == QLatin1String("tell")) {
        const quint64 outputId = m_nextOutputId++;
        Q_EMIT output(ProcessMessage::result(command.id, QJsonObject{{kId, double(outputId)}}));
        answerLater(outputId, text);
    } else {
        Q_EMIT output(ProcessMessage::failure(
            command.id, QStringLiteral("unknown_command"),
            QStringLiteral("the process has no command '%1'").arg(command.name)));
    }
}

void AsyncProcess::answerLater(quint64 outputId, const QString &text)
{
    // "Later": after the result has left, from the process's own event loop.
    QMetaObject::invokeMethod(
        this,
        [this, outputId, text] {
            if (text.trimmed().endsWith(QLatin1Char('?'))) {
                const quint64 requestId = m_nextRequestId++;
                m_questions.insert(requestId, Question{outputId, text});
                Q_EMIT output(
                    ProcessMessage::request(requestId, QStringLiteral("confirm"),
                                            QJsonObject{{QStringLiteral("question"), text}}));
                return;
            }
            Q_EMIT output(
                ProcessMessage::event(QStringLiteral("process.output"),
                                      QJsonObject{{kId, double(outputId)}, {kText, text}}));
        },
        Qt::QueuedConnection);
}

void AsyncProcess::tick()
{
    ++m_ticks;
    Q_EMIT output(ProcessMessage::event(
        QStringLiteral("process.tick"),
        QJsonObject{{QStringLiteral("count"), double(m_ticks)},
                    {QStringLiteral("time"),
                     QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)}}));
}

} // namespace Conduit
