// SPDX-License-Identifier: MIT
#include "AppScheme.h"

#include <QWebEngineUrlScheme>

namespace Conduit::AppScheme {

void registerScheme()
{
    QWebEngineUrlScheme scheme(kName);
    scheme.setSyntax(QWebEngineUrlScheme::Syntax::Host);
    // Secure (a "potentially trustworthy" origin, like https), and nothing more: no access to
    // local files, and the page's own Content-Security-Policy applies.
    scheme.setFlags(QWebEngineUrlScheme::SecureScheme);
    QWebEngineUrlScheme::registerScheme(scheme);
}

bool isAppUrl(const QUrl &url)
{
    return url.scheme() == QLatin1String(kName) && url.host() == QLatin1String(kHost);
}

} // namespace Conduit::AppScheme
