// SPDX-License-Identifier: MIT
#include "ConsoleModel.h"

#include <QDateTime>
#include <QJsonObject>
#include <QTimer>

namespace Conduit {

namespace {
const QString kText = QStringLiteral("text");
const QString kId = QStringLiteral("id");
} // namespace

ConsoleModel::ConsoleModel(std::chrono::milliseconds tickInterval, Output output, QObject *parent)
    : QObject(parent)
    , m_tickInterval(tickInterval)
    , m_output(std::move(output))
    , m_ticker(new QTimer(this))
{
    m_ticker->setTimerType(Qt::PreciseTimer);
    connect(m_ticker, &QTimer::timeout, this, &ConsoleModel::tick);
}

bool ConsoleModel::handles(const QString &command)
{
    return command == QLatin1String("echo") || command == QLatin1String("tell");
}

void ConsoleModel::startTicking()
{
    m_ticker->start(m_tickInterval);
}

void ConsoleModel::stopTicking()
{
    m_ticker->stop();
}

ProcessMessage ConsoleModel::run(const ProcessMessage &command)
{
    const QString text = command.body.toObject().value(kText).toString();
    if (command.name == QLatin1String("echo"))
        return ProcessMessage::result(command.id, QJsonObject{{kText, text}});
    if (command.name == QLatin1String("tell")) {
        const quint64 outputId = m_nextOutputId++;
        answerLater(outputId, text);
        return ProcessMessage::result(command.id, QJsonObject{{kId, double(outputId)}});
    }
    return ProcessMessage::failure(
        command.id, QStringLiteral("unknown_command"),
        QStringLiteral("the process has no command '%1'").arg(command.name));
}

void ConsoleModel::answer(const ProcessMessage &reply)
{
    const Question question = m_questions.take(reply.id);
    if (question.outputId == 0)
        return;
    QJsonObject payload{{kId, double(question.outputId)}, {kText, question.text}};
    if (reply.ok)
        payload.insert(QStringLiteral("answer"), reply.body.toBool());
    else
        payload.insert(QStringLiteral("error"), reply.body);
    m_output(ProcessMessage::event(QStringLiteral("process.output"), payload));
}

void ConsoleModel::observe(const ProcessMessage &event)
{
    // The page says whether anyone is looking; nobody needs ticks while it is hidden.
    if (event.name != QLatin1String("page.visible"))
        return;
    const bool visible = event.body.toObject().value(QStringLiteral("visible")).toBool(true);
    if (visible && !m_ticker->isActive())
        m_ticker->start(m_tickInterval);
    else if (!visible)
        m_ticker->stop();
    m_output(ProcessMessage::event(QStringLiteral("process.visibility"),
                                   QJsonObject{{QStringLiteral("ticking"), visible}}));
}

void ConsoleModel::answerLater(quint64 outputId, const QString &text)
{
    // "Later": after the result has left, from the process's own event loop.
    QMetaObject::invokeMethod(
        this,
        [this, outputId, text] {
            if (text.trimmed().endsWith(QLatin1Char('?'))) {
                const quint64 requestId = m_nextRequestId++;
                m_questions.insert(requestId, Question{outputId, text});
                m_output(ProcessMessage::request(requestId, QStringLiteral("confirm"),
                                                 QJsonObject{{QStringLiteral("question"), text}}));
                return;
            }
            m_output(ProcessMessage::event(QStringLiteral("process.output"),
                                           QJsonObject{{kId, double(outputId)}, {kText, text}}));
        },
        Qt::QueuedConnection);
}

void ConsoleModel::tick()
{
    ++m_ticks;
    m_output(ProcessMessage::event(
        QStringLiteral("process.tick"),
        QJsonObject{{QStringLiteral("count"), double(m_ticks)},
                    {QStringLiteral("time"),
                     QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)}}));
}

} // namespace Conduit
