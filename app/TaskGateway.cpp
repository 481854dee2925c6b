// SPDX-License-Identifier: MIT
#include "TaskGateway.h"

#include "ProcessGateway.h"
#include <bridge/PageHub.h>
#include <worker/TaskHistoryNotice.h>
#include <worker/TaskOutputLog.h>
#include <worker/TaskSnapshot.h>

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcTasks, "conduit.tasks")

namespace Conduit {

namespace {
// Recent output kept per task beyond what is unacknowledged, for pages that attach again.
constexpr qsizetype kOutputHistory = 1024;
constexpr double kMaxTimeoutMs = 7.0 * 24 * 3600 * 1000;

const QString kId = QStringLiteral("id");
const QString kSeq = QStringLiteral("seq");

quint64 idOf(const QJsonObject &object)
{
    return quint64(object.value(kId).toDouble());
}

bool isOpen(const QPointer<Bridge> &page, const StreamHandle &stream)
{
    return page && page->streams().isOpen(stream);
}
} // namespace

TaskGateway::TaskGateway(PageHub &pages, ProcessGateway &process, QObject *parent)
    : QObject(parent)
    , m_pages(pages)
    , m_process(process)
{
    m_process.routeEvent(QStringLiteral("task.state"), [this](const QJsonValue &v) { onState(v); });
    m_process.routeEvent(QStringLiteral("task.progress"),
                         [this](const QJsonValue &v) { onProgress(v); });
    m_process.routeEvent(QStringLiteral("task.output"),
                         [this](const QJsonValue &v) { onOutput(v); });
    m_process.routeEvent(QStringLiteral("task.history"),
                         [this](const QJsonValue &v) { onHistory(v); });
    for (Bridge *page : m_pages.pages())
        watchStreams(*page);
    connect(&m_pages, &PageHub::pageOpened, this,
            [this](const QString &label) { watchStreams(*m_pages.page(label)); });
    m_pages.setSnapshotProvider(
        [this] {
            QJsonObject snapshot{{QStringLiteral("tasks"), tasks()},
                                 {QStringLiteral("limit"), m_limit}};
            if (!m_historyNotice.isEmpty())
                snapshot.insert(QStringLiteral("historyNotice"), m_historyNotice);
            return snapshot;
        },
        Schema::object()
            .required(QStringLiteral("tasks"), Schema::arrayOf(TaskSnapshot::schema()))
            .required(QStringLiteral("limit"),
                      Schema::integer()
                          .range(TaskManager::kMinLimit, TaskManager::kMaxLimit)
                          .describe(QStringLiteral("how many tasks run at once")))
            .optional(QStringLiteral("historyNotice"),
                      TaskHistoryNotice::schema().describe(QStringLiteral(
                          "the task history was set aside, or is off in this run"))));
}

QFuture<QJsonValue> TaskGateway::start(const QString &kind, const QJsonObject &params)
{
    return start(QJsonObject{{QStringLiteral("kind"), kind}, {QStringLiteral("params"), params}},
                 nullptr, {});
}

QFuture<QJsonValue> TaskGateway::start(const QJsonObject &args, Bridge *page,
                                       const StreamHandle &output)
{
    return started(m_process.call(QStringLiteral("tasks.start"), args), page, output);
}

QFuture<QJsonValue> TaskGateway::started(QFuture<QJsonValue> answer, Bridge *page,
                                         const StreamHandle &output)
{
    return answer.then(this,
                       [this, page = QPointer<Bridge>(page), output](const QJsonValue &snapshot) {
                           remember(snapshot.toObject());
                           if (page && output.isValid())
                               bind(idOf(snapshot.toObject()), page, output, 0);
                           return snapshot;
                       });
}

void TaskGateway::watchStreams(Bridge &page)
{
    // A window that closes detaches its page first (PageHub::close), which closes its streams:
    // its readers are dropped here, and the others pace the producer.
    connect(&page.streams(), &StreamOutbox::creditAvailable, this, &TaskGateway::onStreamCredit);
    connect(&page.streams(), &StreamOutbox::closed, this, &TaskGateway::onStreamClosed);
}

void TaskGateway::registerCommands(const TaskKinds &kinds)
{
    CommandRegistry &commands = m_pages.commands();
    const Schema byId
        = Schema::object().required(kId, Schema::integer().range(1, Schema::kMaxSafeInteger));
    // The page's api.ts types the snapshot's result per kind.
    const Schema snapshot = TaskSnapshot::schema();

    commands
        .add(
            QStringLiteral("tasks.start"),
            Schema::object()
                .required(QStringLiteral("kind"), Schema::oneOf(kinds.names()))
                .optional(QStringLiteral("params"), Schema::object().allowOtherFields(),
                          QJsonObject{})
                .optional(QStringLiteral("priority"), Schema::integer().range(-1000, 1000), 0)
                .optional(QStringLiteral("timeoutMs"), Schema::integer().range(1, kMaxTimeoutMs)),
            [this](const CommandCall &call) { return start(call.args, call.page, call.stream); },
            StreamMode::Ordered, StreamLifetime::Handler)
        .returns(snapshot);

    // A finished task's kind, params and priority again, as a new task (its output, if any, to
    // the call's channel).
    commands
        .add(
            QStringLiteral("tasks.retry"), byId,
            [this](const CommandCall &call) {
                return started(m_process.call(QStringLiteral("tasks.retry"), call.args), call.page,
                               call.stream);
            },
            StreamMode::Ordered, StreamLifetime::Handler)
        .returns(snapshot);

    commands
        .add(
            QStringLiteral("tasks.attach"),
            Schema(byId).optional(QStringLiteral("after"),
                                  Schema::integer().range(0, Schema::kMaxSafeInteger), 0),
            [this](const CommandCall &call) {
                // Answered here: every task's latest snapshot reached this gateway (its state
                // and progress events), so attaching costs no trip to the process and no list.
                const quint64 id = idOf(call.args);
                const auto it = m_records.constFind(id);
                if (it == m_records.cend() || it->snapshot.isEmpty())
                    throw CommandError(ErrorCode::NotFound, QStringLiteral("no task %1").arg(id),
                                       {{kId, double(id)}});
                const QJsonObject snapshot = it->snapshot;
                if (call.stream.isValid())
                    bind(id, call.page, call.stream,
                         qint64(call.args.value(QStringLiteral("after")).toDouble()));
                return QtFuture::makeReadyFuture(QJsonValue(snapshot));
            },
            StreamMode::Ordered, StreamLifetime::Handler)
        .returns(snapshot);

    for (const char *verb : {"tasks.pause", "tasks.resume", "tasks.cancel"}) {
        const QString name = QString::fromLatin1(verb);
        commands
            .add(name, byId,
                 [this, name](const CommandCall &call) {
                     return m_process.call(name, call.args)
                         .then(this, [this](const QJsonValue &snapshot) {
                             remember(snapshot.toObject());
                             return snapshot;
                         });
                 })
            .returns(snapshot);
    }
    commands
        .add(QStringLiteral("tasks.forget"), byId,
             [this](const CommandCall &call) {
                 return m_process.call(QStringLiteral("tasks.forget"), call.args)
                     .then(this, [this, id = idOf(call.args)](const QJsonValue &value) {
                         // A reader that had not read everything learns why it ends early.
                         for (const Reader &reader : m_records.value(id).readers) {
                             m_readerTasks.remove(reader.stream);
                             if (reader.page)
                                 reader.page->streams().end(
                                     reader.stream,
                                     CommandError(ErrorCode::NotFound,
                                                  QStringLiteral("task %1 was forgotten before its "
                                                                 "output was read")
                                                      .arg(id),
                                                  {{kId, double(id)}}));
                         }
                         m_records.remove(id);
                         return value;
                     });
             })
        .returns(Schema::object());
    commands
        .add(QStringLiteral("tasks.list"), Schema::object(),
             [this](const CommandCall &) { return QtFuture::makeReadyFuture(QJsonValue(tasks())); })
        .returns(Schema::arrayOf(snapshot));
    commands
        .add(QStringLiteral("tasks.setLimit"),
             Schema::object().required(
                 QStringLiteral("limit"),
                 Schema::integer().range(TaskManager::kMinLimit, TaskManager::kMaxLimit)),
             [this](const CommandCall &call) {
                 return setLimit(call.args.value(QStringLiteral("limit")).toInt());
             })
        .returns(Schema::object().required(QStringLiteral("limit"), Schema::integer()));

    ApiCatalogue &api = m_pages.api();
    // Each kind as its class declares it: the page's tasks.start(kind, params) and the
    // snapshots' results are typed from this map.
    Schema kindMap = Schema::object();
    for (const TaskKind &kind : kinds.all())
        kindMap.required(kind.name,
                         Schema::object()
                             .required(QStringLiteral("params"), kind.params)
                             .required(QStringLiteral("result"), kind.result)
                             .required(QStringLiteral("output"), kind.output)
                             .required(QStringLiteral("unit"), Schema::oneOf({kind.progressUnit}))
                             .describe(kind.summary));
    api.declareType(Schema::named(QStringLiteral("TaskKinds"), kindMap));
    api.declareErrorCodes(TaskError::failureCodes());
    QJsonArray states;
    QJsonArray finalStates;
    for (const TaskState state : taskStates()) {
        states.append(taskStateName(state));
        if (isFinalState(state))
            finalStates.append(taskStateName(state));
    }
    api.declareConstant(QStringLiteral("taskStates"), states,
                        QStringLiteral("Every state a task can be in (worker/TaskState.h)."));
    api.declareConstant(QStringLiteral("finalTaskStates"), finalStates,
                        QStringLiteral("The states a task ends in: it never leaves them."));
    api.declareConstant(QStringLiteral("taskLimit"),
                        QJsonObject{{QStringLiteral("min"), TaskManager::kMinLimit},
                                    {QStringLiteral("max"), TaskManager::kMaxLimit}},
                        QStringLiteral("The range of tasks.setLimit."));
    api.declareEvent(QStringLiteral("task.state"), snapshot);
    api.declareEvent(QStringLiteral("task.historyNotice"), TaskHistoryNotice::schema());
    Schema progressEvent = Schema::object().required(kId, Schema::integer());
    const Schema progress = TaskSnapshot::progressSchema().shape();
    for (const SchemaField &field : progress.fields())
        progressEvent.required(field.name, field.schema);
    api.declareEvent(QStringLiteral("task.progress"),
                     Schema::named(QStringLiteral("TaskProgressEvent"), progressEvent));
    api.declareType(TaskOutputLog::itemSchema());
}

QFuture<QJsonValue> TaskGateway::setLimit(int limit)
{
    return m_process
        .call(QStringLiteral("tasks.setLimit"), QJsonObject{{QStringLiteral("limit"), limit}})
        .then(this, [this](const QJsonValue &answer) {
            m_limit = answer.toObject().value(QStringLiteral("limit")).toInt();
            Q_EMIT limitChanged(m_limit);
            return answer;
        });
}

QJsonArray TaskGateway::tasks() const
{
    QList<quint64> ids = m_records.keys();
    std::sort(ids.begin(), ids.end());
    QJsonArray list;
    for (quint64 id : ids)
        list.append(m_records.value(id).snapshot);
    return list;
}

bool TaskGateway::isFinal(const QJsonObject &snapshot)
{
    const auto state = taskStateFromName(snapshot.value(QStringLiteral("state")).toString());
    return state && isFinalState(*state);
}

TaskGateway::Record &TaskGateway::remember(const QJsonObject &snapshot)
{
    Record &record = m_records[idOf(snapshot)];
    // Replies and events can cross: a final state is never replaced by an earlier one.
    if (!isFinal(record.snapshot) || isFinal(snapshot))
        record.snapshot = snapshot;
    return record;
}

void TaskGateway::onHistory(const QJsonValue &history)
{
    // They ended in an earlier run: remembered, never announced as finished now. A page that
    // is here already hears of them as of any task; the next one finds them in its welcome.
    const QJsonObject payload = history.toObject();
    for (const QJsonValue &snapshot : payload.value(QStringLiteral("tasks")).toArray()) {
        remember(snapshot.toObject());
        m_pages.emitToConnected(QStringLiteral("task.state"), snapshot);
    }
    m_historyNotice = payload.value(QStringLiteral("notice")).toObject();
    if (!m_historyNotice.isEmpty())
        m_pages.emitToConnected(QStringLiteral("task.historyNotice"), m_historyNotice);
}

int TaskGateway::activeCount() const
{
    return int(std::count_if(m_records.cbegin(), m_records.cend(), [](const Record &record) {
        return !record.snapshot.isEmpty() && !isFinal(record.snapshot);
    }));
}

void TaskGateway::onState(const QJsonValue &snapshot)
{
    const bool wasFinal = isFinal(m_records.value(idOf(snapshot.toObject())).snapshot);
    const Record &record = remember(snapshot.toObject());
    qCDebug(lcTasks).noquote() << "task" << idOf(record.snapshot)
                               << record.snapshot.value(QStringLiteral("kind")).toString()
                               << record.snapshot.value(QStringLiteral("state")).toString();
    m_pages.emitEvent(QStringLiteral("task.state"), record.snapshot);
    if (!wasFinal && isFinal(record.snapshot))
        Q_EMIT taskFinished(record.snapshot);
    pump(idOf(snapshot.toObject()));
}

void TaskGateway::onProgress(const QJsonValue &progress)
{
    const QJsonObject payload = progress.toObject();
    const auto it = m_records.find(idOf(payload));
    if (it != m_records.end() && !isFinal(it->snapshot)) {
        QJsonObject current = it->snapshot.value(QStringLiteral("progress")).toObject();
        current.insert(QStringLiteral("done"), payload.value(QStringLiteral("done")));
        current.insert(QStringLiteral("total"), payload.value(QStringLiteral("total")));
        it->snapshot.insert(QStringLiteral("progress"), current);
    }
    // Progress is latest-wins: a page that is away catches up from the welcome's snapshot.
    m_pages.emitToConnected(QStringLiteral("task.progress"), payload);
}

void TaskGateway::onOutput(const QJsonValue &output)
{
    const QJsonObject payload = output.toObject();
    Record &record = m_records[idOf(payload)];
    for (const QJsonValue &item : payload.value(QStringLiteral("items")).toArray()) {
        record.output.append(item.toObject());
        record.lastSeq = std::max(record.lastSeq, qint64(item[kSeq].toDouble()));
    }
    // The snapshot the page gets from list and attach says how far the output has come.
    if (!record.output.isEmpty() && !isFinal(record.snapshot))
        record.snapshot.insert(QStringLiteral("outputSeq"), record.output.last().value(kSeq));
    pump(idOf(payload));
}

void TaskGateway::bind(quint64 id, Bridge *page, const StreamHandle &stream, qint64 after)
{
    if (!page || !page->streams().isOpen(stream))
        return; // the call that opened it was refused or cancelled: it has ended already
    Record &record = m_records[id];
    // A page cannot have seen what never reached this gateway: an `after` past the end means
    // "from what comes next", not "skip the next items" (nor may it acknowledge them).
    record.readers.append(Reader{page, stream, std::min(after, record.lastSeq)});
    m_readerTasks.insert(stream, id);
    pump(id);
}

void TaskGateway::pump(quint64 id)
{
    const auto it = m_records.find(id);
    if (it == m_records.end() || it->readers.isEmpty())
        return;
    Record &record = *it;
    // A stream ended from elsewhere (its call refused, its window closed) must not pace the
    // producer forever.
    record.readers.removeIf([&](const Reader &reader) {
        if (isOpen(reader.page, reader.stream))
            return false;
        m_readerTasks.remove(reader.stream);
        return true;
    });
    if (record.readers.isEmpty())
        return;
    const auto seqOf = [](const QJsonObject &item) {
        return qint64(item.value(kSeq).toDouble());
    };
    for (Reader &reader : record.readers) {
        StreamOutbox &streams = reader.page->streams();
        qint64 credit = streams.credit(reader.stream);
        // The output is in seq order: start at the reader's first unsent item, not at the
        // oldest one kept, so the work grows with what is new.
        auto item = std::upper_bound(
            record.output.cbegin(), record.output.cend(), reader.sentSeq,
            [&](qint64 seq, const QJsonObject &other) { return seq < seqOf(other); });
        for (; item != record.output.cend() && credit > 0; ++item, --credit) {
            if (!streams.write(reader.stream, *item))
                break;
            reader.sentSeq = seqOf(*item);
        }
    }
    const qint64 slowest
        = std::min_element(record.readers.cbegin(), record.readers.cend(),
                           [](const Reader &a, const Reader &b) { return a.sentSeq < b.sentSeq; })
              ->sentSeq;
    if (slowest > record.ackedSeq) {
        record.ackedSeq = slowest;
        m_process.call(QStringLiteral("tasks.ack"),
                       QJsonObject{{kId, double(id)}, {kSeq, double(record.ackedSeq)}});
    }
    // Keep the unacknowledged items and a bounded history of the rest.
    qsizetype drop = 0;
    while (record.output.size() - drop > kOutputHistory
           && seqOf(record.output.at(drop)) <= record.ackedSeq)
        ++drop;
    record.output.remove(0, drop);

    if (!isFinal(record.snapshot))
        return;
    // A finished task's readers end once they have everything, with the task's error if any.
    const qint64 lastSeq = qint64(record.snapshot.value(QStringLiteral("outputSeq")).toDouble());
    const QJsonValue error = record.snapshot.value(QStringLiteral("error"));
    record.readers.removeIf([&](const Reader &reader) {
        if (reader.sentSeq < lastSeq)
            return false;
        m_readerTasks.remove(reader.stream);
        reader.page->streams().end(
            reader.stream, error.isObject() ? std::optional(
                               CommandError::fromJson(error.toObject(), TaskError::failureCodes()))
                                            : std::nullopt);
        return true;
    });
}

void TaskGateway::onStreamCredit(const StreamHandle &stream)
{
    const auto it = m_readerTasks.constFind(stream);
    if (it != m_readerTasks.cend())
        pump(*it);
}

void TaskGateway::onStreamClosed(const StreamHandle &stream)
{
    const auto it = m_readerTasks.find(stream);
    if (it == m_readerTasks.end())
        return;
    const quint64 id = *it;
    m_readerTasks.erase(it);
    const auto record = m_records.find(id);
    if (record == m_records.end())
        return;
    if (record->readers.removeIf([&](const Reader &reader) { return reader.stream == stream; }))
        pump(id); // the remaining readers may now pace the producer
}

} // namespace Conduit
