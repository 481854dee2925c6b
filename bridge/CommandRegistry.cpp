// SPDX-License-Identifier: MIT
#include "CommandRegistry.h"

#include <QFuture>

#include <algorithm>

namespace Conduit {

namespace {

// Whether bytes appear anywhere in `schema` (uploads are taken only as top-level arguments).
[[maybe_unused]] bool containsBytes(const Schema &schema)
{
    switch (schema.type()) {
    case Schema::Type::Bytes:
        return true;
    case Schema::Type::Array:
        return containsBytes(schema.item());
    case Schema::Type::Named:
        return containsBytes(schema.shape());
    case Schema::Type::Object:
        return std::any_of(schema.fields().cbegin(), schema.fields().cend(),
                           [](const SchemaField &field) { return containsBytes(field.schema); });
    default:
        return false;
    }
}

[[maybe_unused]] bool bytesOnlyAtTheTop(const Schema &args)
{
    return std::none_of(args.fields().cbegin(), args.fields().cend(), [](const SchemaField &field) {
        return field.schema.type() != Schema::Type::Bytes && containsBytes(field.schema);
    });
}

} // namespace

Command &CommandRegistry::add(const QString &name, const Schema &args, CommandHandler handler,
                              StreamMode streamMode, StreamLifetime streamLifetime)
{
    Q_ASSERT_X(!m_commands.contains(name), "CommandRegistry::add", "command registered twice");
    Q_ASSERT_X(args.type() == Schema::Type::Object, "CommandRegistry::add",
               "args must be an object");
    // The bridge takes an upload for a top-level argument only: nested bytes would never arrive.
    Q_ASSERT_X(bytesOnlyAtTheTop(args), "CommandRegistry::add",
               "Schema::bytes() may only be a top-level argument");
    Command command;
    command.name = name;
    command.args = args;
    command.handler = std::move(handler);
    command.streamMode = streamMode;
    command.streamLifetime = streamLifetime;
    return *m_commands.insert(name, std::move(command));
}

Command &CommandRegistry::addSync(const QString &name, const Schema &args,
                                  SyncCommandHandler handler)
{
    Command &command = add(name, args, [handler](const CommandCall &call) {
        return QtFuture::makeReadyFuture(handler(call));
    });
    command.syncHandler = std::move(handler);
    return command;
}

Command &CommandRegistry::addBytes(const QString &name, const Schema &args, BytesHandler handler)
{
    Command &command = add(name, args, {});
    command.bytesHandler = std::move(handler);
    command.result = Schema::bytes();
    return command;
}

const Command *CommandRegistry::find(const QString &name) const
{
    const auto it = m_commands.constFind(name);
    return it == m_commands.cend() ? nullptr : &it.value();
}

QStringList CommandRegistry::names() const
{
    QStringList names = m_commands.keys();
    names.sort();
    return names;
}

} // namespace Conduit
