// SPDX-License-Identifier: MIT
#include "AppProfile.h"

#include "AppScheme.h"
#include "AppSchemeHandler.h"

#include <QFile>
#include <QWebEngineScript>
#include <QWebEngineScriptCollection>

namespace Conduit {

AppProfile::AppProfile(std::shared_ptr<ByteTokens> bytes, QObject *parent)
    : QWebEngineProfile(parent)
    , m_schemeHandler(new AppSchemeHandler(std::move(bytes), this))
{
    installUrlSchemeHandler(AppScheme::kName, m_schemeHandler);
    setHttpCacheType(QWebEngineProfile::MemoryHttpCache);
    setPersistentCookiesPolicy(QWebEngineProfile::NoPersistentCookies);

    QFile source(QStringLiteral(":/qtwebchannel/qwebchannel.js"));
    if (source.open(QIODevice::ReadOnly)) {
        QWebEngineScript script;
        script.setName(QStringLiteral("qwebchannel.js"));
        script.setSourceCode(QString::fromUtf8(source.readAll()));
        script.setInjectionPoint(QWebEngineScript::DocumentCreation);
        script.setWorldId(QWebEngineScript::MainWorld);
        script.setRunsOnSubFrames(false);
        scripts()->insert(script);
    } else {
        qFatal("qwebchannel.js is missing from the QtWebChannel resources");
    }
}

} // namespace Conduit
