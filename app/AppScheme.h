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
QUrl entryUrl(); // app://conduit/index.html
bool isAppUrl(const QUrl &url);

} // namespace Conduit::AppScheme
