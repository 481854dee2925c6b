// SPDX-License-Identifier: MIT
#include "AppSchemeHandler.h"

#include "AppScheme.h"
#include <web/WebBundle.h>

#include <QBuffer>
#include <QFile>
#include <QUrlQuery>
#include <QWebEngineUrlRequestJob>

namespace Conduit {

AppSchemeHandler::AppSchemeHandler(std::shared_ptr<ByteTokens> bytes, QObject *parent)
    : QWebEngineUrlSchemeHandler(parent)
    , m_bytes(std::move(bytes))
{}

QByteArray AppSchemeHandler::mimeTypeFor(const QString &path)
{
    static const std::pair<const char *, const char *> types[] = {
        {".html", "text/html"},    {".js", "text/javascript"}, {".css", "text/css"},
        {".svg", "image/svg+xml"}, {".png", "image/png"},      {".json", "application/json"},
        {".woff2", "font/woff2"},  {".ico", "image/x-icon"},
    };
    for (const auto &[suffix, type] : types) {
        if (path.endsWith(QLatin1String(suffix)))
            return type;
    }
    return "application/octet-stream";
}

void AppSchemeHandler::requestStarted(QWebEngineUrlRequestJob *job)
{
    const QUrl url = job->requestUrl();
    if (job->requestMethod() != "GET" || !AppScheme::isAppUrl(url)) {
        job->fail(QWebEngineUrlRequestJob::RequestDenied);
        return;
    }
    QString path = url.path(QUrl::FullyDecoded);
    if (path.isEmpty() || path == QLatin1String("/"))
        path = WebBundle::entryPath();
    if (path.contains(QLatin1String(".."))) {
        job->fail(QWebEngineUrlRequestJob::RequestDenied);
        return;
    }
    if (path.startsWith(QLatin1String(ByteTokens::kPath))) {
        serveBytes(job, path.mid(qsizetype(std::size(ByteTokens::kPath)) - 1), QUrlQuery(url));
        return;
    }
    // qwebchannel.js comes from QtWebChannel's own resources (the page asks for it only when
    // the injected copy is missing: see AppPage's renderer recovery).
    QFile file(path == QLatin1String("/qwebchannel.js")
                   ? QStringLiteral(":/qtwebchannel/qwebchannel.js")
                   : WebBundle::resourceRoot() + path);
    if (!file.open(QIODevice::ReadOnly)) {
        job->fail(QWebEngineUrlRequestJob::UrlNotFound);
        return;
    }
    auto *body = new QBuffer(job);
    body->setData(file.readAll());
    job->reply(mimeTypeFor(path), body);
}

void AppSchemeHandler::serveBytes(QWebEngineUrlRequestJob *job, const QString &token,
                                  const QUrlQuery &query)
{
    // Only the page's own documents: not another origin, not a navigation typed or linked in
    // (and AppPage refuses the page's own navigations to bytes, frames included).
    if (!AppScheme::isAppUrl(job->initiator()) || !m_bytes) {
        job->fail(QWebEngineUrlRequestJob::RequestDenied);
        return;
    }
    if (query.hasQueryItem(QStringLiteral("at"))) {
        // One chunk of a pass (ConduitBytes.stream()): ?at=<offset>&n=<bytes>.
        bool atOk = false, nOk = false;
        const qint64 at = query.queryItemValue(QStringLiteral("at")).toLongLong(&atOk);
        const qint64 n = query.queryItemValue(QStringLiteral("n")).toLongLong(&nOk);
        const std::optional<QByteArray> chunk
            = atOk && nOk ? m_bytes->read(token, at, std::min(n, kMaxChunk)) : std::nullopt;
        if (!chunk) {
            job->fail(QWebEngineUrlRequestJob::UrlNotFound);
            return;
        }
        auto *body = new QBuffer(job);
        body->setData(*chunk);
        job->reply(Bytes::kDefaultType, body);
        return;
    }
    const std::optional<Bytes> bytes = m_bytes ? m_bytes->take(token) : std::nullopt;
    std::unique_ptr<QIODevice> device = bytes ? bytes->open() : nullptr;
    if (!device) {
        job->fail(QWebEngineUrlRequestJob::UrlNotFound);
        return;
    }
    // QtWebEngine reads it as the page consumes the response, and the job's end deletes it.
    QIODevice *body = device.release();
    body->setParent(job);
    job->reply(bytes->type(), body);
}

} // namespace Conduit
