// SPDX-License-Identifier: MIT
#include "AppSchemeHandler.h"

#include "AppScheme.h"
#include <web/WebBundle.h>

#include <QBuffer>
#include <QFile>
#include <QWebEngineUrlRequestJob>

namespace Conduit {

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

} // namespace Conduit
