// SPDX-License-Identifier: MIT
#pragma once

#include <QHash>
#include <QObject>
#include <QSet>

#include <deque>
#include <functional>

class QNetworkAccessManager;
class QUrl;

namespace Conduit {

// Lets at most kRequestsPerHost downloads per origin (scheme, host, port) talk to it at once;
// the others wait here, first come first served, without a timer running. Why: a
// QNetworkAccessManager opens at most 6 connections per origin and keeps further requests
// in its own queue, invisible to us, where their connect timeouts would run out. Here a
// request is only sent once a connection is free for it. One per network manager, as its
// child, so every download on it shares the count.
class DownloadHostQueue final : public QObject
{
    Q_OBJECT

public:
    using Ticket = quint64;
    // QNetworkAccessManager's connections per HTTP(S) origin (Qt's defaultHttpChannelCount).
    static constexpr int kRequestsPerHost = 6;

    static DownloadHostQueue *of(QNetworkAccessManager *network);

    // Calls send now if the origin has room, otherwise from a later release() once it has.
    Ticket acquire(const QUrl &url, std::function<void()> send);
    // Returns a granted slot (and grants it to the next waiting one), or withdraws a waiting
    // ticket. Call it once the reply is aborted or finished; 0 and unknown tickets are ignored.
    void release(Ticket ticket);

private:
    explicit DownloadHostQueue(QObject *parent);

    struct Origin
    {
        QSet<Ticket> granted;
        std::deque<std::pair<Ticket, std::function<void()>>> waiting;
    };

    QHash<QString, Origin> m_origins;
    QHash<Ticket, QString> m_originOf;
    Ticket m_next = 1;
};

} // namespace Conduit
