// SPDX-License-Identifier: MIT
#pragma once

#include <bridge/ByteTokens.h>

#include <QWebEngineProfile>

#include <memory>

namespace Conduit {

class AppSchemeHandler;

// The browser profile the page runs in: off the record (nothing written to disk), serves
// app://conduit/ and injects qwebchannel.js into every page before its own scripts run,
// since qrc: cannot be reached from a custom scheme in Qt 6.
class AppProfile final : public QWebEngineProfile
{
    Q_OBJECT

public:
    // `bytes`: what the bridge's bytes commands answered, served at app://conduit/bytes/.
    explicit AppProfile(std::shared_ptr<ByteTokens> bytes, QObject *parent = nullptr);

private:
    AppSchemeHandler *m_schemeHandler = nullptr;
};

} // namespace Conduit
