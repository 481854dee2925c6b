// SPDX-License-Identifier: MIT
#pragma once

#include <worker/ProcessMessage.h>

#include <QFuture>
#include <QHash>
#include <QJsonValue>
#include <QObject>
#include <QPromise>
#include <QSet>

#include <functional>
#include <memory>
#include <unordered_map>

namespace Conduit {

class PageHub;

// Translates between the pages' world (commands, events, page requests) and the async
// process's messages. Lives in the GUI thread; toProcess() and fromProcess() are its ends of the
// queued connections to the process's thread (AsyncProcess::post() and AsyncProcess::output()).
class ProcessGateway final : public QObject
{
    Q_OBJECT

public:
    explicit ProcessGateway(PageHub &pages, QObject *parent = nullptr);

    // echo {text} and process.tell {text}.
    void registerCommands();
    // A message the process sent (its output, through a queued connection).
    void fromProcess(const Conduit::ProcessMessage &message);
    // fromProcess() for each, in order (from a ProcessMessageBatcher).
    void fromProcessAll(const QList<Conduit::ProcessMessage> &messages);
    // Sends a command to the process; the future carries its result or a CommandError.
    QFuture<QJsonValue> call(const QString &command, const QJsonValue &args);
    // Fails every call the process has not answered (it stopped); see Bridge::abandonRequests.
    void abandonCalls();
    // Events of this name go to `route` instead of straight to the page.
    void routeEvent(const QString &event, std::function<void(const QJsonValue &)> route);

Q_SIGNALS:
    // A message for the process (to its post(), through a queued connection).
    void toProcess(const Conduit::ProcessMessage &message);

private:
    void forwardRequest(const ProcessMessage &request);
    // page.visible from each page: the process hears whether any page is visible.
    void noteVisibility(const QString &label, bool visible);
    void send(const ProcessMessage &message); // toProcess(), or held while a page batch runs

    PageHub &m_pages;
    QSet<QString> m_visiblePages;
    quint64 m_nextCallId = 1;
    std::unordered_map<quint64, std::shared_ptr<QPromise<QJsonValue>>> m_calls;
    QHash<QString, std::function<void(const QJsonValue &)>> m_routes;
    QList<ProcessMessage> m_held;
};

} // namespace Conduit
