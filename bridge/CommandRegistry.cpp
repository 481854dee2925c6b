// SPDX-License-Identifier: MIT
#include "CommandRegistry.h"

#include <QFuture>

namespace Conduit {

Command &CommandRegistry::add(const QString &name, const Schema &args, CommandHandler handler,
                              StreamMode streamMode, StreamLifetime streamLifetime)
{
    Q_ASSERT_X(!m_commands.contains(name), "CommandRegistry::add", "command registered twice");
    Q_ASSERT_X(args.type() == Schema::Type::Object, "CommandRegistry::add",
               "args must be an object");
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
    return add(name, args, [handler = std::move(handler)](const CommandCall &call) {
        return QtFuture::makeReadyFuture(handler(call));
    });
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
