// SPDX-License-Identifier: MIT
#include "FilePreview.h"

#include <bridge/PageHub.h>

#include <QFileInfo>
#include <QJsonObject>
#include <QMimeDatabase>

namespace Conduit {

FilePreview::FilePreview(PageHub &pages, QObject *parent)
    : QObject(parent)
    , m_pages(pages)
{}

void FilePreview::registerCommands()
{
    m_pages.api().declareConstant(
        QStringLiteral("filePreview"),
        QJsonObject{{QStringLiteral("textBytes"), double(kTextBytes)},
                    {QStringLiteral("maxImageBytes"), double(kMaxImageBytes)}},
        QStringLiteral("What file.preview sends: a text's first textBytes, an image up to "
                       "maxImageBytes."));
    m_pages.commands()
        .addBytes(
            QStringLiteral("file.preview"),
            Schema::object().required(QStringLiteral("path"),
                                      Schema::path(Schema::PathCheck::File).maxLength(4096)),
            [](const CommandCall &call) {
                const QString path = call.args.value(QStringLiteral("path")).toString();
                const QMimeType mime = QMimeDatabase().mimeTypeForFile(path);
                const QByteArray type = mime.name().toLatin1();
                // An image whole, but not SVG: a document that can carry script (it falls to
                // the text branch below, and shows as its source).
                if (mime.name().startsWith(QLatin1String("image/"))
                    && !mime.inherits(QStringLiteral("image/svg+xml"))) {
                    if (QFileInfo(path).size() > kMaxImageBytes)
                        throw CommandError(ErrorCode::TooLarge,
                                           tr("The image is too large to preview."),
                                           {{QStringLiteral("limit"), double(kMaxImageBytes)}});
                    return QtFuture::makeReadyFuture(Bytes::fromFile(path, type));
                }
                if (mime.inherits(QStringLiteral("text/plain")))
                    return QtFuture::makeReadyFuture(
                        Bytes::fromFile(path, "text/plain;charset=utf-8", kTextBytes));
                throw CommandError(ErrorCode::InvalidArgs,
                                   tr("There is no preview for %1 files.").arg(mime.comment()),
                                   {{QStringLiteral("type"), mime.name()}});
            })
        .limitBytes(kMaxImageBytes);
}

} // namespace Conduit
