// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QString>
#include <QUrl>

namespace Conduit::AppScheme {

// app://conduit/… serves the page compiled into the binary. Must be registered before the
// QApplication exists (QtWebEngine locks its scheme list at start-up).
inline constexpr char kName[] = "app";
inline constexpr char kHost[] = "conduit";

void registerScheme();
bool isAppUrl(const QUrl &url);

// app://conduit/index.html. Inline: the command line (conduit_instance) names the page without
// linking QtWebEngine.
inline QUrl entryUrl()
{
    QUrl url;
    url.setScheme(QString::fromLatin1(kName));
    url.setHost(QString::fromLatin1(kHost));
    url.setPath(QStringLiteral("/index.html"));
    return url;
}

} // namespace Conduit::AppScheme
