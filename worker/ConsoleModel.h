// SPDX-License-Identifier: MIT
#pragma once

#include "ProcessMessage.h"

#include <QHash>
#include <QObject>

#include <chrono>
#include <functional>

class QTimer;

namespace Conduit {

// What the page's message console talks to: the model a real application would put in the
// async process, reduced to text in and text out. Lives in the process's thread.
//   echo {text}          → {text}
//   tell {text}          → {id}, then later Event process.output {id, text}
//   tell {text ending ?} → Request confirm {question}; its Reply → Event process.output
//                          {id, text, answer | error}
// It speaks unasked too: Event process.tick {count, time} on every tick, paused while the page
// says it is hidden (Event page.visible {visible: false} → Event process.visibility {ticking}).
class ConsoleModel final : public QObject
{
    Q_OBJECT

public:
    using Output = std::function<void(const ProcessMessage &)>;
    ConsoleModel(std::chrono::milliseconds tickInterval, Output output, QObject *parent = nullptr);

    static bool handles(const QString &command);
    void startTicking();
    void stopTicking();
    ProcessMessage run(const ProcessMessage &command);
    // A Reply to one of its questions; other replies are ignored.
    void answer(const ProcessMessage &reply);
    // An Event from the page.
    void observe(const ProcessMessage &event);

private:
    void answerLater(quint64 outputId, const QString &text);
    void tick();

    std::chrono::milliseconds m_tickInterval;
    Output m_output;
    QTimer *m_ticker = nullptr;
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
