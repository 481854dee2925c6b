// SPDX-License-Identifier: MIT
#include "CountTask.h"

#include "TaskKind.h"

#include <QElapsedTimer>
#include <QThread>

namespace Conduit {

const TaskKind &CountTask::declaration()
{
    static const TaskKind kind = TaskKind::of<CountTask>(
        QStringLiteral("count"),
        QStringLiteral("Counts to `to`, one step per `stepMs`: a deterministic kind for tests."),
        QStringLiteral("items"),
        Schema::object()
            .required(QStringLiteral("to"), Schema::integer().range(0, 1'000'000'000))
            .optional(QStringLiteral("stepMs"), Schema::integer().range(0, 3'600'000), 10),
        Schema::object().required(QStringLiteral("count"), Schema::integer()));
    return kind;
}

CountTask::CountTask(const QJsonObject &params, QObject *parent)
    : PoolTask(declaration(), parent)
    , m_to(qint64(params.value(QStringLiteral("to")).toDouble()))
    , m_stepMs(qint64(params.value(QStringLiteral("stepMs")).toDouble()))
{
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
