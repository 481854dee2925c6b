// SPDX-License-Identifier: MIT
// Keeps a TaskManager busy writing its task history: count and pad tasks started, finished,
// cancelled and forgotten in a tight loop, forever, every state change written to the history at
// PATH. Pad tasks' results (up to 12 KB) make rows that span pages, as a large result does.
// Prints "ready" once the first task has ended; tst_taskhistory::survivesKillNineAtAnyMoment
// kills it with SIGKILL at random moments and checks the file after each kill.
// Usage: history_writer PATH SEED TASKS, TASKS being how many it keeps started and not ended.
// Never exits by itself; exit code 2 if the history it found was not a whole, current one (the
// notice is printed).
#include <worker/CountTask.h>
#include <worker/Task.h>
#include <worker/TaskKind.h>
#include <worker/TaskManager.h>

#include <QCoreApplication>
#include <QJsonDocument>
#include <QRandomGenerator>

#include <cstdio>

using namespace Conduit;

namespace {
// pad {size} → {text}: `size` characters, at once.
class PadTask final : public Task
{
public:
    static const TaskKind &declaration()
    {
        static const TaskKind kind = TaskKind::of<PadTask>(
            QStringLiteral("pad"), QStringLiteral("A result of `size` characters."),
            QStringLiteral("items"),
            Schema::object().required(QStringLiteral("size"), Schema::integer().range(0, 1 << 20)),
            Schema::object().required(QStringLiteral("text"), Schema::string()));
        return kind;
    }
    explicit PadTask(const QJsonObject &params)
        : Task(declaration())
        , m_size(params.value(QStringLiteral("size")).toInt())
    {}
    void start(const TaskServices &) override
    {
        complete(QJsonObject{{QStringLiteral("text"), QString(m_size, QLatin1Char('p'))}});
    }
    void pause() override {}
    void resume() override {}
    void cancel() override {}

private:
    int m_size = 0;
};
} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc != 4)
        return 1;
    const int tasks = QByteArray(argv[3]).toInt();
    TaskManager manager(TaskKinds().add(CountTask::declaration()).add(PadTask::declaration()),
                        QString::fromLocal8Bit(argv[1]));
    if (const auto notice = manager.historyNotice()) {
        std::printf("notice %s\n", QJsonDocument(notice->toJson()).toJson().constData());
        return 2;
    }
    QRandomGenerator random(QByteArray(argv[2]).toUInt());
    // Later, from the event loop: the manager is not to be called back from its own signal.
    const auto later = [&manager](auto call) {
        QMetaObject::invokeMethod(
            &manager,
            [call] {
                try {
                    call();
                } catch (const TaskError &) {
                    // it ended meanwhile: nothing to cancel
                }
            },
            Qt::QueuedConnection);
    };
    manager.setLimit(TaskManager::kMaxLimit);
    int active = 0;
    bool ready = false;
    const auto topUp = [&] {
        for (; active < tasks; ++active) {
            const TaskOptions options{random.bounded(-2, 3), std::nullopt};
            if (random.bounded(2) == 0)
                manager.start(QStringLiteral("count"),
                              QJsonObject{{QStringLiteral("to"), random.bounded(0, 20)},
                                          {QStringLiteral("stepMs"), 0}},
                              options);
            else
                manager.start(QStringLiteral("pad"),
                              QJsonObject{{QStringLiteral("size"), random.bounded(0, 12'000)}},
                              options);
        }
    };
    QObject::connect(&manager, &TaskManager::stateChanged, &manager,
                     [&](const TaskSnapshot &snapshot) {
                         if (!isFinalState(snapshot.state)) {
                             if (snapshot.state == TaskState::Running && random.bounded(8) == 0)
                                 later([&manager, id = snapshot.id] { manager.cancel(id); });
                             return;
                         }
                         --active;
                         if (!ready) {
                             ready = true;
                             std::printf("ready\n");
                             std::fflush(stdout);
                         }
                         // Forgotten: deleted; the others stay until the history's bound.
                         if (random.bounded(3) == 0)
                             later([&manager, id = snapshot.id] { manager.forget(id); });
                         later(topUp);
                     });
    topUp();
    return QCoreApplication::exec();
}
