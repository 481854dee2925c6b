// SPDX-License-Identifier: MIT
#pragma once

#include <bridge/ByteTokens.h>

#include <QUrlQuery>
#include <QWebEngineUrlSchemeHandler>

#include <memory>

namespace Conduit {

// Serves app://conduit/<path> from the page bundle in the binary's resources (:/web). Read-only:
// GET only, no directory listing, nothing outside the bundle. And app://conduit/bytes/<token>:
// the bytes a command answered with (Bridge::byteTokens()), once, to the page's own origin.
class AppSchemeHandler final : public QWebEngineUrlSchemeHandler
{
    Q_OBJECT

public:
    static constexpr qint64 kMaxChunk = qint64(16) << 20; // one read of a pass, at most

    AppSchemeHandler(std::shared_ptr<ByteTokens> bytes, QObject *parent = nullptr);

    void requestStarted(QWebEngineUrlRequestJob *job) override;

    static QByteArray mimeTypeFor(const QString &path);

private:
    void serveBytes(QWebEngineUrlRequestJob *job, const QString &token, const QUrlQuery &query);

    std::shared_ptr<ByteTokens> m_bytes;
};

} // namespace Conduit
