// SPDX-License-Identifier: MIT
#include "LogGateway.h"

#include "ProcessGateway.h"
#include <bridge/Bridge.h>
#include <worker/LogIndex.h>

#include <QJsonObject>

namespace Conduit {

namespace {
const QString kId = QStringLiteral("id");

quint64 idOf(const QJsonValue &value)
{
    return quint64(value.toObject().value(kId).toDouble());
}
} // namespace

LogGateway::LogGateway(Bridge &bridge, ProcessGateway &process, QObject *parent)
    : QObject(parent)
    , m_bridge(bridge)
    , m_process(process)
{
    m_process.routeEvent(QStringLiteral("log.changed"),
                         [this](const QJsonValue &payload) { onChanged(payload); });
    connect(&m_bridge, &Bridge::pageAttached, this, &LogGateway::closeOthers);
}

void LogGateway::registerCommands()
{
    CommandRegistry &commands = m_bridge.commands();
    const Schema count = Schema::integer().describe(
        QStringLiteral("lines, counting a last one without a newline"));
    const Schema byId
        = Schema::object().required(kId, Schema::integer().range(1, Schema::kMaxSafeInteger));

    commands
        .add(QStringLiteral("log.open"),
             Schema::object().required(QStringLiteral("path"),
                                       Schema::path(Schema::PathCheck::File).maxLength(4096)),
             [this](const CommandCall &call) { return open(call.args); })
        .returns(Schema::named(
            QStringLiteral("LogOpened"),
            Schema::object()
                .required(kId, Schema::integer())
                .required(QStringLiteral("lines"),
                          Schema::integer().describe(
                              QStringLiteral("lines, counting a last one without a newline")))
                .required(QStringLiteral("size"),
                          Schema::integer().describe(QStringLiteral("bytes indexed")))));

    commands
        .add(QStringLiteral("log.lines"),
             Schema::object()
                 .required(kId, Schema::integer().range(1, Schema::kMaxSafeInteger))
                 .required(QStringLiteral("from"),
                           Schema::integer()
                               .range(0, Schema::kMaxSafeInteger)
                               .describe(QStringLiteral("the first line, from 0")))
                 .required(QStringLiteral("count"),
                           Schema::integer().range(1, double(LogIndex::kMaxReadLines))),
             [this](const CommandCall &call) {
                 owned(call.args);
                 return m_process.call(QStringLiteral("log.lines"), call.args);
             })
        .returns(Schema::named(
            QStringLiteral("LogLines"),
            Schema::object()
                .required(QStringLiteral("from"), Schema::integer())
                .required(QStringLiteral("lines"),
                          Schema::arrayOf(Schema::string())
                              .describe(QStringLiteral(
                                  "from `from` on; fewer than asked past the end, or past the "
                                  "size a read gives at once")))
                .required(QStringLiteral("cut"),
                          Schema::arrayOf(
                              Schema::named(QStringLiteral("LogCut"),
                                            Schema::object()
                                                .required(QStringLiteral("index"),
                                                          Schema::integer().describe(
                                                              QStringLiteral("in `lines`")))
                                                .required(QStringLiteral("bytes"),
                                                          Schema::integer().describe(QStringLiteral(
                                                              "the whole line's length")))))
                              .describe(QStringLiteral("lines cut for display")))));

    commands
        .add(QStringLiteral("log.close"), byId,
             [this](const CommandCall &call) {
                 const quint64 id = owned(call.args);
                 m_owners.remove(id);
                 return m_process.call(QStringLiteral("log.close"), call.args);
             })
        .returns(Schema::object());

    m_bridge.api().declareEvent(
        QStringLiteral("log.changed"),
        Schema::named(QStringLiteral("LogChanged"),
                      Schema::object()
                          .required(kId, Schema::integer())
                          .required(QStringLiteral("lines"), count)
                          .required(QStringLiteral("size"), Schema::integer())
                          .required(QStringLiteral("reset"),
                                    Schema::boolean().describe(QStringLiteral(
                                        "truncated, rotated or rewritten: every line may "
                                        "differ")))));
    m_bridge.api().declareConstant(
        QStringLiteral("logLimits"),
        QJsonObject{{QStringLiteral("maxLines"), double(LogIndex::kMaxReadLines)},
                    {QStringLiteral("maxDisplayBytes"), double(LogIndex::kMaxDisplayBytes)},
                    {QStringLiteral("maxOpenPerPage"), kMaxPerPage}},
        QStringLiteral("what log.lines and log.open keep to"));
}

int LogGateway::openCount() const
{
    const quint64 generation = m_bridge.generation();
    int n = 0;
    for (const quint64 owner : m_owners)
        n += owner == generation ? 1 : 0;
    return n;
}

QFuture<QJsonValue> LogGateway::open(const QJsonValue &args)
{
    const quint64 generation = m_bridge.generation();
    if (openCount() + m_opening.value(generation) >= kMaxPerPage)
        throw CommandError(ErrorCode::Busy,
                           QStringLiteral("%1 logs are open; close one first").arg(kMaxPerPage),
                           {{QStringLiteral("limit"), kMaxPerPage}});
    ++m_opening[generation];
    return m_process.call(QStringLiteral("log.open"), args)
        .then(this, [this, generation](QFuture<QJsonValue> answered) {
            if (--m_opening[generation] <= 0)
                m_opening.remove(generation);
            const QJsonValue opened = answered.result(); // rethrows the process's refusal
            const quint64 id = idOf(opened);
            if (generation == m_bridge.generation())
                m_owners.insert(id, generation);
            else // the page that asked has gone
                m_process.call(QStringLiteral("log.close"), QJsonObject{{kId, double(id)}});
            return opened;
        });
}

quint64 LogGateway::owned(const QJsonValue &args) const
{
    const quint64 id = idOf(args);
    if (m_owners.value(id) != m_bridge.generation() || !m_owners.contains(id))
        throw CommandError(ErrorCode::NotFound, QStringLiteral("no log %1").arg(id),
                           {{kId, double(id)}});
    return id;
}

void LogGateway::closeOthers(quint64 generation)
{
    for (auto it = m_owners.begin(); it != m_owners.end();) {
        if (it.value() == generation) {
            ++it;
            continue;
        }
        m_process.call(QStringLiteral("log.close"), QJsonObject{{kId, double(it.key())}});
        it = m_owners.erase(it);
    }
}

void LogGateway::onChanged(const QJsonValue &payload)
{
    const auto owner = m_owners.constFind(idOf(payload));
    if (owner != m_owners.cend() && *owner == m_bridge.generation() && m_bridge.isPageAttached())
        m_bridge.emitEvent(QStringLiteral("log.changed"), payload);
}

} // namespace Conduit
