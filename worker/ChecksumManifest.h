// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QCryptographicHash>
#include <QString>
#include <QStringList>

#include <optional>

namespace Conduit {

// The coreutils checksum file format (md5sum, sha1sum, sha256sum, sha512sum), byte for byte as
// coreutils 9.1 writes and reads it. Names are raw bytes (file names need not be UTF-8).
// Writing: `<hex>  <name>\n`; a name holding `\`, a newline or a carriage return is written
// escaped (`\\`, `\n`, `\r`) with a `\` in front of the line.
// Reading (one reader per manifest: like `sha256sum -c` it remembers whether the first
// untagged line used the one-space "BSD reversed" form): leading blanks, `<hex>  <name>`,
// `<hex> *<name>`, `<hex> <name>` (only if the first untagged line was so), the escaped forms
// and the tagged form `SHA256 (name) = <hex>` (`SHA256(name)=<hex>` too); the digest must
// have the algorithm's length. Lines starting with `#` and empty lines are no checksum lines.
class ChecksumManifest
{
public:
    struct Line
    {
        QByteArray hex; // lower case
        QByteArray name;
    };
    enum class Kind { Blank, Checksum, Malformed };

    explicit ChecksumManifest(QCryptographicHash::Algorithm algorithm);

    // Classifies one line (without its '\n'; a trailing '\r' is dropped, as coreutils does).
    Kind read(QByteArray line, Line *out);
    QCryptographicHash::Algorithm algorithm() const { return m_algorithm; }

    // "md5", "sha1", "sha256", "sha512" (any case) → the algorithm.
    static QStringList algorithmNames(); // "md5", "sha1", "sha256", "sha512"
    static std::optional<QCryptographicHash::Algorithm> algorithmFromName(const QString &name);
    static QString algorithmName(QCryptographicHash::Algorithm algorithm); // "sha256"
    // MD5SUMS, SHA1SUMS, SHA256SUMS, SHA512SUMS
    static QString defaultFileName(QCryptographicHash::Algorithm algorithm);
    // From a manifest's file name (SHA256SUMS, x.sha256, …), if it tells.
    static std::optional<QCryptographicHash::Algorithm> algorithmFromFileName(const QString &name);
    // The algorithm of the first line any of the four reads as a checksum line, if any.
    static std::optional<QCryptographicHash::Algorithm>
    algorithmFromContent(const QByteArray &text);

    static QByteArray formatLine(const QByteArray &hex, const QByteArray &name);

    // A file name for JSON and the page, without loss: valid UTF-8 as it is (escaped = false);
    // otherwise every `\` as `\\` and every byte that is not part of valid UTF-8 as `\xHH`
    // (escaped = true).
    static QString displayName(const QByteArray &name, bool *escaped = nullptr);

private:
    bool split(QByteArray line, Line *out);

    QCryptographicHash::Algorithm m_algorithm;
    qsizetype m_hexLength;
    QByteArray m_tag;    // "SHA256"
    int m_reversed = -1; // coreutils' bsd_reversed: -1 undecided, 0 standard, 1 reversed
};

} // namespace Conduit
