// SPDX-License-Identifier: MIT
#pragma once

#include "ProcessMessage.h"
#include "TaskKinds.h"

#include <QHash>
#include <QObject>
#include <QTimer>

#include <chrono>

namespace Conduit {

class TaskCommands;

// The asynchronous process the page talks to. It lives in its own QThread; its input is the
// queued slot post() and its output the signal output(), so everything it owns is touched by
// its own thread only. Like the model it stands in for, it takes text and gives text back:
//   echo {text}          → Result {text}
//   tell {text}          → Result {id}, then later Event process.output {id, text}
//   tell {text ending ?} → Request confirm {question}; its Reply → Event process.output {id, text,
//   answer}
// `tasks.*` commands go to its TaskCommands (the TaskManager and task kinds);
// and it speaks unasked: Event process.tick {count, time} on every tick. It listens to the
// page's events too: `page.visible {visible: false}` pauses the ticks until the page is back.
class AsyncProcess final : public QObject
{
    Q_OBJECT

public:
    explicit AsyncProcess(std::chrono::milliseconds tickInterval = std::chrono::seconds(1),
                          TaskKinds kinds = TaskKinds::builtIn(), QObject *parent = nullptr);

    // Call through a queued connection or QMetaObject::invokeMethod once in its thread.
    void start();
    // Stops ticking and shuts the tasks down within the deadline; true if all work stopped.
    bool stop(std::chrono::milliseconds deadline = std::chrono::seconds(5));
    void post(const Conduit::ProcessMessage &message);

Q_SIGNALS:
    void output(const Conduit::ProcessMessage &message);

private:
    void runCommand(const ProcessMessage &command);
    void answerLater(quint64 outputId, const QString &text);
    void tick();

    std::chrono::milliseconds m_tickInterval;
    TaskKinds m_kinds; // for m_tasks
    QTimer *m_ticker = nullptr;
    TaskCommands *m_tasks = nullptr; // created in start(), in this object's thread
    quint64 m_ticks = 0;
    quint64 m_nextOutputId = 1;
    quint64 m_nextRequestId = 1;
    struct Question
    {
        quint64 outputId = 0; // the process.output that will carry the answer
        QString text;
    };
    QHash<quint64, Question> m_questions; // by request id
};

} // namespace Conduit
