// SPDX-License-Identifier: MIT
#include "ProcessGateway.h"

#include <bridge/PageHub.h>
#include <schema/WireError.h>

#include <QJsonObject>

namespace Conduit {

namespace {
// Longest text the page may hand the process in one message.
constexpr qsizetype kMaxText = 64 * 1024;
const QString kPageVisible = QStringLiteral("page.visible");
const QString kVisible = QStringLiteral("visible");
} // namespace

ProcessGateway::ProcessGateway(PageHub &pages, QObject *parent)
    : QObject(parent)
    , m_pages(pages)
{
    qRegisterMetaType<Conduit::ProcessMessage>();
    connect(&m_pages, &PageHub::pageEvent, this,
            [this](const QString &label, const QString &event, const QJsonValue &payload) {
                if (event == kPageVisible)
                    noteVisibility(label, payload[kVisible].toBool());
                else
                    send(ProcessMessage::event(event, payload));
            });
    connect(&m_pages, &PageHub::pageClosed, this, [this](const QString &label) {
        if (m_visiblePages.contains(label))
            noteVisibility(label, false);
    });
    connect(&m_pages, &PageHub::pageBatchHandled, this, [this] {
        for (const ProcessMessage &message : std::exchange(m_held, {}))
            Q_EMIT toProcess(message);
    });
}

void ProcessGateway::registerCommands()
{
    const Schema textArgs
        = Schema::object().required(QStringLiteral("text"), Schema::string().maxLength(kMaxText));
    m_pages.commands()
        .add(QStringLiteral("echo"), textArgs,
             [this](const CommandCall &call) {
                 return this->call(QStringLiteral("echo"), call.args);
             })
        .returns(Schema::object().required(QStringLiteral("text"), Schema::string()));
    m_pages.commands()
        .add(QStringLiteral("process.tell"), textArgs,
             [this](const CommandCall &call) {
                 return this->call(QStringLiteral("tell"), call.args);
             })
        .returns(Schema::object().required(QStringLiteral("id"), Schema::integer()));

    ApiCatalogue &api = m_pages.api();
    const Schema errorPayload = WireError::payload();
    api.declareEvent(QStringLiteral("process.tick"),
                     Schema::object()
                         .required(QStringLiteral("count"), Schema::integer())
                         .required(QStringLiteral("time"), Schema::string()));
    api.declareEvent(QStringLiteral("process.output"),
                     Schema::object()
                         .required(QStringLiteral("id"), Schema::integer())
                         .required(QStringLiteral("text"), Schema::string())
                         .optional(QStringLiteral("answer"), Schema::boolean())
                         .optional(QStringLiteral("error"), errorPayload));
    api.declareEvent(QStringLiteral("process.visibility"),
                     Schema::object().required(QStringLiteral("ticking"), Schema::boolean()));
    api.declareEvent(kPageVisible, Schema::object().required(kVisible, Schema::boolean()),
                     ApiCatalogue::Direction::FromPage);
    api.declareRequest(QStringLiteral("confirm"),
                       Schema::object().required(QStringLiteral("question"), Schema::string()),
                       Schema::boolean());
}

QFuture<QJsonValue> ProcessGateway::call(const QString &command, const QJsonValue &args)
{
    const quint64 id = m_nextCallId++;
    auto promise = std::make_shared<QPromise<QJsonValue>>();
    promise->start();
    m_calls.emplace(id, promise);
    send(ProcessMessage::command(id, command, args));
    return promise->future();
}

void ProcessGateway::abandonCalls()
{
    auto calls = std::move(m_calls);
    m_calls.clear();
    for (auto &[id, promise] : calls) {
        promise->setException(
            CommandError(ErrorCode::ShuttingDown, QStringLiteral("the async process has stopped")));
        promise->finish();
    }
}

void ProcessGateway::routeEvent(const QString &event, std::function<void(const QJsonValue &)> route)
{
    m_routes.insert(event, std::move(route));
}

void ProcessGateway::fromProcess(const ProcessMessage &message)
{
    switch (message.kind) {
    case ProcessMessage::Kind::Result: {
        const auto it = m_calls.find(message.id);
        if (it == m_calls.end())
            return;
        const auto promise = it->second;
        m_calls.erase(it);
        if (message.ok)
            promise->addResult(message.body);
        else
            promise->setException(CommandError::fromJson(message.body.toObject()));
        promise->finish();
        break;
    }
    case ProcessMessage::Kind::Event:
        if (const auto route = m_routes.constFind(message.name); route != m_routes.cend())
            (*route)(message.body);
        else
            m_pages.emitEvent(message.name, message.body);
        break;
    case ProcessMessage::Kind::Request:
        forwardRequest(message);
        break;
    default:
        break;
    }
}

void ProcessGateway::send(const ProcessMessage &message)
{
    // What one page batch starts leaves back to back when the batch is done, so the process,
    // woken by the first, finds the rest waiting instead of being woken for each.
    if (m_pages.isDispatching())
        m_held.append(message);
    else
        Q_EMIT toProcess(message);
}

void ProcessGateway::fromProcessAll(const QList<ProcessMessage> &messages)
{
    for (const ProcessMessage &message : messages)
        fromProcess(message);
}

void ProcessGateway::forwardRequest(const ProcessMessage &request)
{
    const quint64 id = request.id;
    m_pages.request(request.name, request.body.toObject())
        .then(
            this,
            [this, id](const QJsonValue &answer) { send(ProcessMessage::reply(id, true, answer)); })
        .onFailed(this, [this, id](const CommandError &error) {
            send(ProcessMessage::reply(id, false, error.toJson()));
        });
}

void ProcessGateway::noteVisibility(const QString &label, bool visible)
{
    if (visible)
        m_visiblePages.insert(label);
    else
        m_visiblePages.remove(label);
    send(ProcessMessage::event(kPageVisible, QJsonObject{{kVisible, !m_visiblePages.isEmpty()}}));
}

} // namespace Conduit
