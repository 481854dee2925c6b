// SPDX-License-Identifier: MIT
#pragma once

#include <QWebEngineUrlSchemeHandler>

namespace Conduit {

// Serves app://conduit/<path> from the page bundle in the binary's resources (:/web). Read-only:
// GET only, no directory listing, nothing outside the bundle.
class AppSchemeHandler final : public QWebEngineUrlSchemeHandler
{
    Q_OBJECT

public:
    using QWebEngineUrlSchemeHandler::QWebEngineUrlSchemeHandler;

    void requestStarted(QWebEngineUrlRequestJob *job) override;

    static QByteArray mimeTypeFor(const QString &path);
};

} // namespace Conduit
