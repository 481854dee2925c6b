// SPDX-License-Identifier: MIT
#pragma once

#include "BridgeLimits.h"
#include "Bytes.h"

#include <QDeadlineTimer>
#include <QHash>
#include <QMutex>
#include <QString>

#include <chrono>
#include <memory>
#include <optional>

namespace Conduit {

// The bytes commands answered, each behind a token until the page fetches it: 128 random bits,
// good for one fetch of the whole, or for reads of ranges that add up to the whole once (a
// stream the page pulls a chunk at a time, or several chunks in flight), by the page load it was
// made for (its generation), within a lifetime that each read renews. A new page load revokes every
// earlier token. Thread-safe: a command's bytes may be offered from the thread that finished it;
// the app:// handler takes them in the GUI thread.
class ByteTokens
{
public:
    // Where the page's origin serves them: kPath + token (app://conduit/bytes/<token>).
    static constexpr char kPath[] = "/bytes/";
    static constexpr qsizetype kMaxOutstanding = 1024; // the oldest is revoked past it
    static constexpr qsizetype kMaxOpenDevices = 32;   // sources held open between range reads

    // Unread bytes are dropped `lifetime` after they were offered or last read.
    explicit ByteTokens(std::chrono::milliseconds lifetime = BridgeLimits{}.bytesLifetime)
        : m_lifetime(lifetime)
    {}
    std::chrono::milliseconds lifetime() const { return m_lifetime; }

    // The page load now served; every token of another one is revoked.
    void setGeneration(quint64 generation);
    // A token for `bytes`, for the page load `generation` (none is made for a past one: "").
    QString offer(quint64 generation, const Bytes &bytes);
    // The bytes behind `token`, once: the token is spent. Nothing for an unknown, spent,
    // expired or revoked token, or one whose ranges are being read (which spends it).
    std::optional<Bytes> take(const QString &token);
    // Up to `maxBytes` from `at` (0 ≤ at < size). The token is spent once its reads have served
    // as many bytes as there are. Nothing for an unknown, spent, expired or revoked token, or a
    // range outside the bytes (which spends it).
    std::optional<QByteArray> read(const QString &token, qint64 at, qint64 maxBytes);
    qsizetype outstanding() const;
    // Drops what outlived its lifetime now (offer, take and read do too): the bridge calls it
    // while any are outstanding, so bytes nobody reads are not held until the next bytes call.
    void expire();

private:
    struct Offer
    {
        Bytes bytes;
        quint64 generation = 0;
        QDeadlineTimer expiry;
        quint64 order = 0;
        std::shared_ptr<QIODevice> device; // open once reads of ranges began
        qint64 served = 0;                 // bytes the reads served
        quint64 lastRead = 0;              // when it was last read, in m_nextOrder's count
    };
    void dropExpired();      // with m_lock held
    void closeIdleDevices(); // with m_lock held: at most kMaxOpenDevices stay open

    const std::chrono::milliseconds m_lifetime;
    mutable QMutex m_lock;
    quint64 m_generation = 0;
    quint64 m_nextOrder = 0;
    QHash<QString, Offer> m_offers;
};

} // namespace Conduit
