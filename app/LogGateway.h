// SPDX-License-Identifier: MIT
#pragma once

#include <QFuture>
#include <QHash>
#include <QJsonValue>
#include <QObject>
#include <QString>

namespace Conduit {

class PageHub;
class ProcessGateway;
struct CommandCall;

// The page's `log.*` commands (the log view's line index, LogFiles in the async process),
// forwarded with ProcessGateway::call, and the process's `log.changed` events, passed on only
// for the page that opened the log. Bounded per page: at most kMaxPerPage logs open (or being
// opened) at once (busy), and every log a page opened is closed when another page attaches in
// its window (a reload, a renderer that came back) or its window closes, so nothing leaks with
// the page. Lives in the GUI thread.
//   log.open {path}              → {id, lines, size}
//   log.lines {id, from, count}  → LogLines {from, lines, cut}
//   log.close {id}               → {}
class LogGateway final : public QObject
{
    Q_OBJECT

public:
    static constexpr int kMaxPerPage = 16;

    LogGateway(PageHub &pages, ProcessGateway &process, QObject *parent = nullptr);

    void registerCommands();
    // Logs open, in every page.
    int openCount() const { return int(m_owners.size()); }

private:
    struct Owner
    {
        QString label;          // the page's window
        quint64 generation = 0; // the page load that opened the log
    };

    QFuture<QJsonValue> open(const CommandCall &call);
    // The id, if the calling page opened it; else throws not_found.
    quint64 owned(const CommandCall &call) const;
    // Closes the logs of `label`'s earlier page loads (every one if generation is 0).
    void closeOthers(const QString &label, quint64 generation);
    void onChanged(const QJsonValue &payload);

    PageHub &m_pages;
    ProcessGateway &m_process;
    QHash<quint64, Owner> m_owners; // by log id
    QHash<quint64, int> m_opening;  // page generation → log.open calls not yet answered
};

} // namespace Conduit
