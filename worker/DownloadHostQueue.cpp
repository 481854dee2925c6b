// SPDX-License-Identifier: MIT
#include "DownloadHostQueue.h"

#include <QNetworkAccessManager>
#include <QUrl>

#include <algorithm>

namespace Conduit {

namespace {
QString originOf(const QUrl &url)
{
    const int port = url.port(url.scheme() == QLatin1String("https") ? 443 : 80);
    return url.scheme() + QLatin1String("://") + url.host() + QLatin1Char(':')
           + QString::number(port);
}
} // namespace

DownloadHostQueue::DownloadHostQueue(QObject *parent)
    : QObject(parent)
{}

DownloadHostQueue *DownloadHostQueue::of(QNetworkAccessManager *network)
{
    auto *queue = network->findChild<DownloadHostQueue *>(QString(), Qt::FindDirectChildrenOnly);
    return queue ? queue : new DownloadHostQueue(network);
}

DownloadHostQueue::Ticket DownloadHostQueue::acquire(const QUrl &url, std::function<void()> send)
{
    const Ticket ticket = m_next++;
    const QString key = originOf(url);
    m_originOf.insert(ticket, key);
    Origin &origin = m_origins[key];
    if (origin.granted.size() < kRequestsPerHost && origin.waiting.empty()) {
        origin.granted.insert(ticket);
        send();
    } else {
        origin.waiting.emplace_back(ticket, std::move(send));
    }
    return ticket;
}

void DownloadHostQueue::release(Ticket ticket)
{
    const auto found = m_originOf.constFind(ticket);
    if (found == m_originOf.cend())
        return;
    const QString key = *found;
    m_originOf.erase(found);
    Origin &origin = m_origins[key];
    if (!origin.granted.remove(ticket)) {
        auto &waiting = origin.waiting;
        waiting.erase(std::remove_if(waiting.begin(), waiting.end(),
                                     [ticket](const auto &w) { return w.first == ticket; }),
                      waiting.end());
    } else if (!origin.waiting.empty()) {
        auto [next, send] = std::move(origin.waiting.front());
        origin.waiting.pop_front();
        origin.granted.insert(next);
        send(); // may reach acquire()/release() again: nothing of `origin` is used after this
        return;
    }
    if (origin.granted.isEmpty() && origin.waiting.empty())
        m_origins.remove(key);
}

} // namespace Conduit
