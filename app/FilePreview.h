// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>

namespace Conduit {

class PageHub;

// Lets the page look into a file (a finished download) through the byte path: an image whole,
// text as its first MiB, anything else refused. The bytes never travel in the JSON.
//   file.preview {path} → ConduitBytes (type: the file's media type)
class FilePreview final : public QObject
{
    Q_OBJECT

public:
    static constexpr qint64 kMaxImageBytes = qint64(64) << 20;
    static constexpr qint64 kTextBytes = qint64(1) << 20; // a text preview: its first MiB

    explicit FilePreview(PageHub &pages, QObject *parent = nullptr);

    void registerCommands();

private:
    PageHub &m_pages;
};

} // namespace Conduit
