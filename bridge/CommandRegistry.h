// SPDX-License-Identifier: MIT
#pragma once

#include "Bytes.h"
#include "CommandCall.h"
#include <schema/Schema.h>

#include <QFuture>
#include <QHash>
#include <QJsonValue>
#include <QString>

#include <functional>

namespace Conduit {

enum class StreamMode {
    Ordered,    // every item, in order, paced by the page's credit
    LatestWins, // only the newest unsent item survives (progress)
};

enum class StreamLifetime {
    Call, // the stream ends with the call (its result or error)
    // The handler ends it itself once the call succeeds (a task's output outlives the call that
    // started it); a failed or cancelled call still ends it, with the call's error.
    Handler,
};

// An asynchronous handler returns a future the bridge watches; cancelling the page's call
// cancels that future. It may throw CommandError before returning, or fail the future with one.
using CommandHandler = std::function<QFuture<QJsonValue>(const CommandCall &call)>;
using SyncCommandHandler = std::function<QJsonValue(const CommandCall &call)>;
// A handler whose result is bytes (a file, a buffer): they travel beside the JSON, and the page
// gets a ConduitBytes to read them from.
using BytesHandler = std::function<QFuture<Bytes>(const CommandCall &call)>;

struct Command
{
    QString name;
    Schema args; // an object: checked (and its defaults filled in) before the handler runs
    CommandHandler handler;
    StreamMode streamMode = StreamMode::Ordered;
    StreamLifetime streamLifetime = StreamLifetime::Call;
    Schema result;             // what the handler resolves with, for the generated page API
    BytesHandler bytesHandler; // instead of handler, for addBytes()
    // addSync()'s handler as given (`handler` wraps it in a ready future): the bridge answers a
    // call without streams or uploads from it directly, with no future and no pending call.
    SyncCommandHandler syncHandler;
    qint64 maxBytes = kDefaultMaxBytes; // bytes answered past it are refused with too_large

    static constexpr qint64 kDefaultMaxBytes = qint64(1) << 30;

    Command &returns(const Schema &shape)
    {
        result = shape;
        return *this;
    }
    // The most bytes a bytes command may answer with.
    Command &limitBytes(qint64 bytes)
    {
        maxBytes = bytes;
        return *this;
    }
};

// Commands by name, each with the argument rules checked before its handler runs.
class CommandRegistry
{
public:
    // The returned declaration takes the result's shape: add(…).returns(Schema::object()…).
    Command &add(const QString &name, const Schema &args, CommandHandler handler,
                 StreamMode streamMode = StreamMode::Ordered,
                 StreamLifetime streamLifetime = StreamLifetime::Call);
    Command &addSync(const QString &name, const Schema &args, SyncCommandHandler handler);
    // A command that answers with bytes; its result is typed Schema::bytes().
    Command &addBytes(const QString &name, const Schema &args, BytesHandler handler);

    const Command *find(const QString &name) const;
    QStringList names() const;

private:
    QHash<QString, Command> m_commands;
};

} // namespace Conduit
