// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonValue>
#include <QMetaType>
#include <QString>

namespace Conduit {

// One message on the async process's input or output channel. A value type: it is copied
// across the thread boundary by the queued connection, so the threads share no mutable state.
struct ProcessMessage
{
    enum class Kind {
        Command, // in:  run `name` with `body` as arguments; answered by a Result with the same id
        Reply,   // in:  the answer to a Request the process sent
        Result,  // out: the answer to a Command; `ok` false carries {code, message} in `body`
        Event,   // out: something happened (`name`, `body` = payload)
        Request, // out: the process asks its peer; answered by a Reply with the same id
    };

    Kind kind = Kind::Command;
    quint64 id = 0;
    QString name;
    QJsonValue body;
    bool ok = true;

    static ProcessMessage command(quint64 id, const QString &name, const QJsonValue &args);
    static ProcessMessage reply(quint64 id, bool ok, const QJsonValue &value);
    static ProcessMessage result(quint64 id, const QJsonValue &value);
    static ProcessMessage failure(quint64 id, const QString &code, const QString &message);
    static ProcessMessage event(const QString &name, const QJsonValue &payload);
    static ProcessMessage request(quint64 id, const QString &name, const QJsonValue &args);
};

} // namespace Conduit

Q_DECLARE_METATYPE(Conduit::ProcessMessage)
