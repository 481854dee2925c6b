// SPDX-License-Identifier: MIT
#pragma once

#include "ArgumentSchema.h"

#include <QList>
#include <QMap>
#include <QString>

namespace Conduit {

class CommandRegistry;

// The one declaration of the page's API on the native side: with the command registry (names,
// argument rules, result types) it holds the events either side emits and the questions native
// asks the page. typeScript() renders all of it as the TypeScript the page's client is typed
// with, so a command changed in C++ fails the page's type check until the page follows.
// Types are written as TypeScript text; names they use come from declared imports.
class ApiCatalogue
{
public:
    enum class Direction { ToPage, FromPage };

    void declareEvent(const QString &name, const QString &payloadType,
                      Direction direction = Direction::ToPage);
    void declareRequest(const QString &name, const ArgumentSchema &args, const QString &resultType);
    void importType(const QString &name, const QString &module);

    QString typeScript(const CommandRegistry &commands) const;
    static QString typeScript(const ArgumentSchema &schema);

private:
    struct Event
    {
        QString payloadType;
        Direction direction;
    };
    struct Request
    {
        ArgumentSchema args;
        QString resultType;
    };
    QMap<QString, Event> m_events;
    QMap<QString, Request> m_requests;
    QMap<QString, QStringList> m_imports; // module → names
};

} // namespace Conduit
