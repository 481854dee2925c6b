// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QIODevice>
#include <QString>

#include <functional>
#include <memory>

namespace Conduit {

// What a bytes command answers with (CommandRegistry::addBytes): where to read the bytes, how
// many there are, and their media type. They do not travel in the JSON: the page fetches them
// from app://conduit/bytes/<token>, and QtWebEngine reads the device as the page consumes it,
// so a file is streamed, never held whole. A value type; copies share the source.
class Bytes
{
public:
    static constexpr char kDefaultType[] = "application/octet-stream";

    Bytes() = default;
    // These bytes, shared, not copied.
    static Bytes fromData(const QByteArray &data, const QByteArray &type = kDefaultType);
    // The file as it is when the page fetches it, up to `size` bytes (its size now, if -1).
    // Throws CommandError(not_found) if it is not a readable regular file.
    static Bytes fromFile(const QString &path, const QByteArray &type = kDefaultType,
                          qint64 size = -1);

    qint64 size() const { return m_size; }
    QByteArray type() const { return m_type; }
    // A new device positioned at the start, open for reading; nullptr if the source is gone.
    std::unique_ptr<QIODevice> open() const;

private:
    std::function<std::unique_ptr<QIODevice>()> m_open;
    qint64 m_size = 0;
    QByteArray m_type = kDefaultType;
};

} // namespace Conduit
