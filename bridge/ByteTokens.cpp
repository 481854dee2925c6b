// SPDX-License-Identifier: MIT
#include "ByteTokens.h"

#include <QRandomGenerator>

namespace Conduit {

void ByteTokens::setGeneration(quint64 generation)
{
    const QMutexLocker locker(&m_lock);
    m_generation = generation;
    m_offers.removeIf(
        [generation](const auto &offer) { return offer.value().generation != generation; });
}

QString ByteTokens::offer(quint64 generation, const Bytes &bytes)
{
    quint32 random[4];
    QRandomGenerator::system()->fillRange(random);
    QString token;
    for (const quint32 word : random)
        token += QStringLiteral("%1").arg(word, 8, 16, QLatin1Char('0'));

    const QMutexLocker locker(&m_lock);
    if (generation != m_generation)
        return {};
    if (bytes.size() == 0)
        return token; // nothing to fetch: the page reads none, and nothing is held for it
    dropExpired();
    if (m_offers.size() >= kMaxOutstanding) {
        const auto oldest
            = std::min_element(m_offers.cbegin(), m_offers.cend(),
                               [](const Offer &a, const Offer &b) { return a.order < b.order; });
        m_offers.erase(oldest);
    }
    m_offers.insert(token,
                    Offer{bytes, generation, QDeadlineTimer(m_lifetime), m_nextOrder++, {}, 0, 0});
    return token;
}

std::optional<Bytes> ByteTokens::take(const QString &token)
{
    const QMutexLocker locker(&m_lock);
    dropExpired();
    const auto it = m_offers.find(token);
    if (it == m_offers.end())
        return std::nullopt;
    const Offer offer = it.value();
    m_offers.erase(it);
    // Reads of ranges began: the whole would be a second reading.
    if (offer.generation != m_generation || offer.device || offer.served > 0)
        return std::nullopt;
    return offer.bytes;
}

std::optional<QByteArray> ByteTokens::read(const QString &token, qint64 at, qint64 maxBytes)
{
    const QMutexLocker locker(&m_lock);
    dropExpired();
    const auto it = m_offers.find(token);
    if (it == m_offers.end())
        return std::nullopt;
    Offer &offer = it.value();
    if (offer.generation != m_generation || at < 0 || at >= offer.bytes.size() || maxBytes <= 0) {
        m_offers.erase(it);
        return std::nullopt;
    }
    if (!offer.device) {
        closeIdleDevices();
        offer.device = offer.bytes.open();
    }
    offer.lastRead = m_nextOrder++;
    if (!offer.device || (offer.device->pos() != at && !offer.device->seek(at))) {
        m_offers.erase(it);
        return std::nullopt;
    }
    QByteArray chunk = offer.device->read(std::min(maxBytes, offer.bytes.size() - at));
    offer.served += chunk.size();
    if (chunk.isEmpty() || offer.served >= offer.bytes.size())
        m_offers.erase(it);
    else
        offer.expiry = QDeadlineTimer(m_lifetime);
    return chunk;
}

qsizetype ByteTokens::outstanding() const
{
    const QMutexLocker locker(&m_lock);
    return m_offers.size();
}

void ByteTokens::closeIdleDevices()
{
    // Reads of ranges keep their file open between chunks (the same file to the end); a page
    // that begins many and finishes none must not run the process out of descriptors. The one
    // read least recently gives its device back; its next read opens the source again.
    qsizetype open = 0;
    Offer *idlest = nullptr;
    for (Offer &offer : m_offers) {
        if (!offer.device)
            continue;
        ++open;
        if (!idlest || offer.lastRead < idlest->lastRead)
            idlest = &offer;
    }
    if (open >= kMaxOpenDevices && idlest)
        idlest->device.reset();
}

void ByteTokens::expire()
{
    const QMutexLocker locker(&m_lock);
    dropExpired();
}

void ByteTokens::dropExpired()
{
    m_offers.removeIf([](const auto &offer) { return offer.value().expiry.hasExpired(); });
}

} // namespace Conduit
