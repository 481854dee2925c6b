// SPDX-License-Identifier: MIT
#include "CountTask.h"

#include "TaskParams.h"

#include <QElapsedTimer>
#include <QThread>

namespace Conduit {

CountTask::CountTask(const QJsonObject &params, QObject *parent)
    : PoolTask(QStringLiteral("count"), QStringLiteral("items"), parent)
{
    const TaskParams reader(params, {QStringLiteral("to"), QStringLiteral("stepMs")});
    if (!reader.has(QStringLiteral("to")))
        throw TaskError::invalidArgument(QStringLiteral("to"), QStringLiteral("'to' is required"));
    m_to = reader.integer(QStringLiteral("to"), 0, 0, 1'000'000'000);
    m_stepMs = reader.integer(QStringLiteral("stepMs"), 10, 0, 3'600'000);
    progress()->setTotal(m_to);
}

void CountTask::begin()
{
    runJobs(
        1,
        [to = m_to, stepMs = m_stepMs](TaskJob &job) {
            // Step i is due at i * stepMs of running time; time spent paused does not count.
            QElapsedTimer clock;
            clock.start();
            qint64 pausedMs = 0;
            const auto checkpoint = [&] {
                const qint64 before = clock.elapsed();
                const bool goOn = job.checkpoint();
                pausedMs += clock.elapsed() - before;
                return goOn;
            };
            for (qint64 i = 1; i <= to; ++i) {
                while (stepMs > 0) {
                    const qint64 left = i * stepMs - (clock.elapsed() - pausedMs);
                    if (left <= 0)
                        break;
                    QThread::msleep(quint64(qMin<qint64>(left, 20)));
                    if (!checkpoint())
                        return;
                }
                if (!checkpoint())
                    return;
                job.progress().setDone(i);
            }
        },
        [this] {
            complete(QJsonObject{{QStringLiteral("count"), double(m_to)}});
        });
}

} // namespace Conduit
