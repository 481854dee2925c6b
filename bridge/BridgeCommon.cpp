// SPDX-License-Identifier: MIT
#include "BridgeCommon.h"

#include "Bridge.h"
#include "ByteTokens.h"

#include <QUuid>

namespace Conduit {

BridgeCommon::BridgeCommon(const BridgeLimits &limits)
    : m_limits(limits)
    , m_session(QUuid::createUuid().toString(QUuid::WithoutBraces))
{
    m_api.declareConstant(QStringLiteral("bridgeLimits"), BridgeLimits{}.forPage(),
                          QStringLiteral("The bridge's default limits; a page goes by its "
                                         "welcome's `limits`, which the application may set."));
    m_api.declareConstant(
        QStringLiteral("idRange"),
        QJsonObject{{QStringLiteral("min"), 1}, {QStringLiteral("max"), Schema::kMaxSafeInteger}},
        QStringLiteral("The ids of calls, requests and streams."));
    m_api.declareConstant(QStringLiteral("bytesPath"), QLatin1String(ByteTokens::kPath),
                          QStringLiteral("Where the page fetches the bytes a command answered "
                                         "with: bytesPath + token, once."));
    m_api.declareConstant(QStringLiteral("uploadReader"), QLatin1String(Bridge::kUploadReader),
                          QStringLiteral("The global through which native reads what the page "
                                         "staged of its uploads: read(upload, at, n)."));
    m_api.declareType(welcomeSchema());
}

void BridgeCommon::addWelcomeField(const QString &name, const Schema &shape,
                                   const QJsonValue &value)
{
    m_welcomeFields.insert(name, value);
    m_welcomeFieldShapes.required(name, shape);
    m_api.declareType(welcomeSchema());
}

void BridgeCommon::setSnapshotProvider(std::function<QJsonObject()> provider, const Schema &shape)
{
    m_snapshotProvider = std::move(provider);
    m_snapshotShape = shape;
    m_api.declareType(welcomeSchema());
}

QJsonObject BridgeCommon::welcomeFields() const
{
    QJsonObject fields = m_welcomeFields;
    fields.insert(QStringLiteral("snapshot"),
                  m_snapshotProvider ? m_snapshotProvider() : QJsonObject{});
    return fields;
}

Schema BridgeCommon::welcomeSchema() const
{
    Schema welcome = Schema::object();
    welcome
        .required(QStringLiteral("session"),
                  Schema::string().describe(QStringLiteral("this native session, a UUID")))
        .required(QStringLiteral("generation"),
                  Schema::integer().describe(QStringLiteral(
                      "counts the pages that said hello in this window: > 1 after a reload")))
        .required(QStringLiteral("window"),
                  Schema::string().describe(QStringLiteral(
                      "this page's window label, e.g. 'main': what windows.emitTo names")))
        .required(QStringLiteral("limits"), BridgeLimits::pageSchema().describe(QStringLiteral(
                                                "what the native side accepts and grants")))
        .required(QStringLiteral("snapshot"), m_snapshotShape);
    for (const SchemaField &field : m_welcomeFieldShapes.fields())
        welcome.required(field.name, field.schema);
    return Schema::named(QStringLiteral("Welcome"), welcome);
}

} // namespace Conduit
