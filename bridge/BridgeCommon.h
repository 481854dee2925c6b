// SPDX-License-Identifier: MIT
#pragma once

#include "ApiCatalogue.h"
#include "BridgeLimits.h"
#include "CommandRegistry.h"

#include <QJsonObject>
#include <QString>

#include <functional>

namespace Conduit {

// What every page's Bridge shares: the commands, the page API, the limits, the native session
// and the welcome's application fields. Declared once however many pages are open (PageHub);
// a Bridge on its own makes one for itself.
class BridgeCommon final
{
public:
    explicit BridgeCommon(const BridgeLimits &limits = {});

    const BridgeLimits &limits() const { return m_limits; }
    CommandRegistry &commands() { return m_commands; }
    ApiCatalogue &api() { return m_api; }
    // This native session, a UUID: the same for every page of this process.
    QString session() const { return m_session; }
    // Every page load of the session gets its own generation, whatever page it is in, so a
    // StreamHandle names one stream of one page load among all of them.
    quint64 nextGeneration() { return ++m_lastGeneration; }

    void addWelcomeField(const QString &name, const Schema &shape, const QJsonValue &value);
    void setSnapshotProvider(std::function<QJsonObject()> provider, const Schema &shape);
    // The application's fields, and the snapshot, as of now.
    QJsonObject welcomeFields() const;
    Schema welcomeSchema() const;

private:
    BridgeLimits m_limits;
    CommandRegistry m_commands;
    ApiCatalogue m_api;
    QString m_session;
    quint64 m_lastGeneration = 0;
    QJsonObject m_welcomeFields;
    Schema m_welcomeFieldShapes = Schema::object();
    Schema m_snapshotShape = Schema::object();
    std::function<QJsonObject()> m_snapshotProvider;
};

} // namespace Conduit
