// SPDX-License-Identifier: MIT
#pragma once

#include <QHashFunctions>

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QString>

namespace Conduit {

class Bridge;

// Names one per-call stream of one page load: stream ids restart when the page reloads, so the
// page generation is part of the name.
struct StreamHandle
{
    quint64 generation = 0;
    qint64 id = 0;

    bool isValid() const { return id > 0; }
    friend bool operator==(const StreamHandle &a, const StreamHandle &b)
    {
        return a.generation == b.generation && a.id == b.id;
    }
    friend size_t qHash(const StreamHandle &handle, size_t seed = 0)
    {
        return qHashMulti(seed, handle.generation, handle.id);
    }
};

// What a command handler receives: validated arguments (defaults filled in), when the page
// passed a Channel the stream to write into with the calling page's Bridge::streams(), the
// bytes of its Schema::bytes() arguments, by name, whole (the handler runs once they have all
// arrived), and the page that called (valid while the handler runs; keep a QPointer to it).
struct CommandCall
{
    QString command;
    QJsonObject args;
    qint64 id = 0;
    StreamHandle stream;
    QHash<QString, QByteArray> bytes;
    Bridge *page = nullptr;
};

} // namespace Conduit
