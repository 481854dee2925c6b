// SPDX-License-Identifier: MIT
#pragma once

#include <QFuture>
#include <QHash>
#include <QJsonValue>
#include <QObject>

namespace Conduit {

class Bridge;
class ProcessGateway;

// The page's `log.*` commands (the log view's line index, LogFiles in the async process),
// forwarded with ProcessGateway::call, and the process's `log.changed` events, passed on only
// for the page that opened the log. Bounded per page: at most kMaxPerPage logs open (or being
// opened) at once (busy), and every log a page opened is closed when another page attaches
// (a reload, a renderer that came back), so nothing leaks with the page. Lives in the GUI thread.
//   log.open {path}              → {id, lines, size}
//   log.lines {id, from, count}  → LogLines {from, lines, cut}
//   log.close {id}               → {}
class LogGateway final : public QObject
{
    Q_OBJECT

public:
    static constexpr int kMaxPerPage = 16;

    LogGateway(Bridge &bridge, ProcessGateway &process, QObject *parent = nullptr);

    void registerCommands();
    // Logs open for the page attached now.
    int openCount() const;

private:
    QFuture<QJsonValue> open(const QJsonValue &args);
    // The id, if the attached page opened it; else throws not_found.
    quint64 owned(const QJsonValue &args) const;
    void closeOthers(quint64 generation);
    void onChanged(const QJsonValue &payload);

    Bridge &m_bridge;
    ProcessGateway &m_process;
    QHash<quint64, quint64> m_owners; // log id → the page generation that opened it
    QHash<quint64, int> m_opening;    // page generation → log.open calls not yet answered
};

} // namespace Conduit
