// SPDX-License-Identifier: MIT
#include "ProcessMessage.h"

#include <QJsonObject>

namespace Conduit {

ProcessMessage ProcessMessage::command(quint64 id, const QString &name, const QJsonValue &args)
{
    return {Kind::Command, id, name, args, true};
}

ProcessMessage ProcessMessage::reply(quint64 id, bool ok, const QJsonValue &value)
{
    return {Kind::Reply, id, {}, value, ok};
}

ProcessMessage ProcessMessage::result(quint64 id, const QJsonValue &value)
{
    return {Kind::Result, id, {}, value, true};
}

ProcessMessage ProcessMessage::failure(quint64 id, const QString &code, const QString &message)
{
    return {Kind::Result,
            id,
            {},
            QJsonObject{{QStringLiteral("code"), code}, {QStringLiteral("message"), message}},
            false};
}

ProcessMessage ProcessMessage::event(const QString &name, const QJsonValue &payload)
{
    return {Kind::Event, 0, name, payload, true};
}

ProcessMessage ProcessMessage::request(quint64 id, const QString &name, const QJsonValue &args)
{
    return {Kind::Request, id, name, args, true};
}

} // namespace Conduit
