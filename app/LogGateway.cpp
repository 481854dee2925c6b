// SPDX-License-Identifier: MIT
#include "LogGateway.h"

#include "ProcessGateway.h"
#include <bridge/PageHub.h>
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

LogGateway::LogGateway(PageHub &pages, ProcessGateway &process, QObject *parent)
    : QObject(parent)
    , m_pages(pages)
    , m_process(process)
{
    m_process.routeEvent(QStringLiteral("log.changed"),
                         [this](const QJsonValue &payload) { onChanged(payload); });
    connect(&m_pages, &PageHub::pageAttached, this, &LogGateway::closeOthers);
    connect(&m_pages, &PageHub::pageClosed, this,
            [this](const QString &label) { closeOthers(label, 0); });
}

void LogGateway::registerCommands()
{
    CommandRegistry &commands = m_pages.commands();
    const Schema count = Schema::integer().describe(
        QStringLiteral("lines, counting a last one without a newline"));
    const Schema byId
        = Schema::object().required(kId, Schema::integer().range(1, Schema::kMaxSafeInteger));

    commands
        .add(QStringLiteral("log.open"),
             Schema::object().required(QStringLiteral("path"),
                                       Schema::path(Schema::PathCheck::File).maxLength(4096)),
             [this](const CommandCall &call) { return open(call); })
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
                 owned(call);
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
                 const quint64 id = owned(call);
                 m_owners.remove(id);
                 return m_process.call(QStringLiteral("log.close"), call.args);
             })
        .returns(Schema::object());

    m_pages.api().declareEvent(
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
    m_pages.api().declareConstant(
        QStringLiteral("logLimits"),
        QJsonObject{{QStringLiteral("maxLines"), double(LogIndex::kMaxReadLines)},
                    {QStringLiteral("maxDisplayBytes"), double(LogIndex::kMaxDisplayBytes)},
                    {QStringLiteral("maxOpenPerPage"), kMaxPerPage}},
        QStringLiteral("what log.lines and log.open keep to"));
}

QFuture<QJsonValue> LogGateway::open(const CommandCall &call)
{
    const QString label = call.page->label();
    const quint64 generation = call.page->generation();
    const auto owned = std::count_if(m_owners.cbegin(), m_owners.cend(), [&](const Owner &owner) {
        return owner.generation == generation;
    });
    if (owned + m_opening.value(generation) >= kMaxPerPage)
        throw CommandError(ErrorCode::Busy,
                           QStringLiteral("%1 logs are open; close one first").arg(kMaxPerPage),
                           {{QStringLiteral("limit"), kMaxPerPage}});
    ++m_opening[generation];
    return m_process.call(QStringLiteral("log.open"), call.args)
        .then(this, [this, label, generation](QFuture<QJsonValue> answered) {
            if (--m_opening[generation] <= 0)
                m_opening.remove(generation);
            const QJsonValue opened = answered.result(); // rethrows the process's refusal
            const quint64 id = idOf(opened);
            const Bridge *page = m_pages.page(label);
            if (page && page->generation() == generation)
                m_owners.insert(id, Owner{label, generation});
            else // the page that asked has gone
                m_process.call(QStringLiteral("log.close"), QJsonObject{{kId, double(id)}});
            return opened;
        });
}

quint64 LogGateway::owned(const CommandCall &call) const
{
    const quint64 id = idOf(call.args);
    const auto owner = m_owners.constFind(id);
    if (owner == m_owners.cend() || owner->generation != call.page->generation())
        throw CommandError(ErrorCode::NotFound, QStringLiteral("no log %1").arg(id),
                           {{kId, double(id)}});
    return id;
}

void LogGateway::closeOthers(const QString &label, quint64 generation)
{
    for (auto it = m_owners.begin(); it != m_owners.end();) {
        if (it->label != label || it->generation == generation) {
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
    if (owner == m_owners.cend())
        return;
    Bridge *page = m_pages.page(owner->label);
    if (page && page->generation() == owner->generation && page->isPageAttached())
        page->emitEvent(QStringLiteral("log.changed"), payload);
}

} // namespace Conduit
