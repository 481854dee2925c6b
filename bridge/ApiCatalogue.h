// SPDX-License-Identifier: MIT
#pragma once

#include <schema/Schema.h>

#include <QJsonValue>
#include <QList>
#include <QMap>
#include <QString>

#include <utility>

namespace Conduit {

class CommandRegistry;

// The one declaration of the page's API on the native side: with the command registry (names,
// argument and result shapes) it holds the events either side emits and the questions native
// asks the page. typeScript() renders all of it as the TypeScript the page's client is typed
// with, so a command changed in C++ fails the page's type check until the page follows.
// Every shape is a Schema; a named shape is declared once in the generated file.
class ApiCatalogue
{
public:
    enum class Direction { ToPage, FromPage };

    void declareEvent(const QString &name, const Schema &payload,
                      Direction direction = Direction::ToPage);
    // Native declares this event to the page: only native may send it.
    bool isNativeEvent(const QString &name) const
    {
        const auto event = m_events.constFind(name);
        return event != m_events.cend() && event->direction == Direction::ToPage;
    }
    void declareRequest(const QString &name, const Schema &args, const Schema &result);
    // A value the page needs as native states it (a limit, a range): `export const name = …`.
    void declareConstant(const QString &name, const QJsonValue &value, const QString &doc);
    // A named shape (Schema::named) the page uses by its name, even where no command, event or
    // request refers to it: the task kinds' map, say. Declaring a name again replaces it.
    void declareType(const Schema &named);
    // Error codes of the application's own, beyond the bridge's (ErrorCode): the page's
    // ErrorCode type and its `errorCodes` list are both, generated.
    void declareErrorCodes(const QStringList &codes);

    QString typeScript(const CommandRegistry &commands) const;

private:
    struct Event
    {
        Schema payload;
        Direction direction;
    };
    struct Request
    {
        Schema args;
        Schema result;
    };
    QMap<QString, Event> m_events;
    QMap<QString, Request> m_requests;
    QList<Schema> m_types;
    QStringList m_errorCodes;                                  // the application's
    QMap<QString, std::pair<QJsonValue, QString>> m_constants; // name → value, JSDoc
};

} // namespace Conduit
