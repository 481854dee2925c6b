#pragma once

#include <QByteArray>
#include <QCryptographicHash>
#include <QString>

#include <optional>

namespace Conduit {

// The coreutils checksum file format (md5sum, sha1sum, sha256sum, sha512sum):
// `<hex>  <path>\n`; a name holding `\`, a newline or a carriage return is written escaped
// (`\\`, `\n`, `\r`) with a `\` in front of the line, which is how `sha256sum -c` reads it back.
class ChecksumManifest
{
public:
    struct Line
    {
        QByteArray hex; // lower case
        QString path;
        std::optional<QCryptographicHash::Algorithm> algorithm; // only the BSD form names it
    };

    // "md5", "sha1", "sha256", "sha512" (any case) → the algorithm.
    static std::optional<QCryptographicHash::Algorithm> algorithmFromName(const QString &name);
    static QString algorithmName(QCryptographicHash::Algorithm algorithm); // "sha256"
    // MD5SUMS, SHA1SUMS, SHA256SUMS, SHA512SUMS
    static QString defaultFileName(QCryptographicHash::Algorithm algorithm);
    // From a manifest's file name (SHA256SUMS, x.sha256, …), if it tells.
    static std::optional<QCryptographicHash::Algorithm> algorithmFromFileName(const QString &name);
    // From the digest's length in hex digits.
    static std::optional<QCryptographicHash::Algorithm> algorithmFromHexLength(qsizetype length);

    static QByteArray formatLine(const QByteArray &hex, const QString &path);
    // Parses `<hex>  <path>`, `<hex> *<path>`, the escaped forms and the BSD form
    // `SHA256 (path) = <hex>`; nullopt for anything else. `line` has no newline.
    static std::optional<Line> parseLine(QByteArray line);
};

} // namespace Conduit
