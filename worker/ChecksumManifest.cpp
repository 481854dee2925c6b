// SPDX-License-Identifier: MIT
#include "ChecksumManifest.h"

#include <QFileInfo>

namespace Conduit {

namespace {
bool isWhite(char c)
{
    return c == ' ' || c == '\t';
}

bool isHexDigits(const QByteArray &text, qsizetype length)
{
    if (text.size() != length)
        return false;
    for (char c : text) {
        if (!std::isxdigit(static_cast<unsigned char>(c)))
            return false;
    }
    return true;
}

// coreutils' filename_unescape: only `\\`, `\n` and `\r`; a trailing lone `\` is invalid.
std::optional<QByteArray> unescape(const QByteArray &name)
{
    QByteArray out;
    out.reserve(name.size());
    for (qsizetype i = 0; i < name.size(); ++i) {
        if (name.at(i) != '\\') {
            out.append(name.at(i));
            continue;
        }
        if (++i == name.size())
            return std::nullopt;
        switch (name.at(i)) {
        case '\\':
            out.append('\\');
            break;
        case 'n':
            out.append('\n');
            break;
        case 'r':
            out.append('\r');
            break;
        default:
            return std::nullopt;
        }
    }
    return out;
}

// The length of the well-formed UTF-8 sequence at text[i] (RFC 3629), 0 if there is none.
qsizetype utf8SequenceLength(const QByteArray &text, qsizetype i)
{
    const auto byte = [&](qsizetype k) {
        return k < text.size() ? uchar(text.at(k)) : 0;
    };
    const uchar c = byte(i);
    const auto continuation = [&](qsizetype k) {
        return (byte(k) & 0xC0) == 0x80;
    };
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        return continuation(i + 1) ? 2 : 0;
    uchar low = 0x80;
    uchar high = 0xBF;
    if (c == 0xE0)
        low = 0xA0;
    else if (c == 0xED)
        high = 0x9F;
    else if (c == 0xF0)
        low = 0x90;
    else if (c == 0xF4)
        high = 0x8F;
    if (c >= 0xE0 && c <= 0xEF) {
        const uchar b = byte(i + 1);
        return b >= low && b <= high && continuation(i + 2) ? 3 : 0;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        const uchar b = byte(i + 1);
        return b >= low && b <= high && continuation(i + 2) && continuation(i + 3) ? 4 : 0;
    }
    return 0;
}

constexpr QCryptographicHash::Algorithm kAlgorithms[]
    = {QCryptographicHash::Md5, QCryptographicHash::Sha1, QCryptographicHash::Sha256,
       QCryptographicHash::Sha512};
} // namespace

ChecksumManifest::ChecksumManifest(QCryptographicHash::Algorithm algorithm)
    : m_algorithm(algorithm)
    , m_hexLength(QCryptographicHash::hashLength(algorithm) * 2)
    , m_tag(algorithmName(algorithm).toUpper().toLatin1())
{}

ChecksumManifest::Kind ChecksumManifest::read(QByteArray line, Line *out)
{
    if (line.startsWith('#'))
        return Kind::Blank;
    if (line.endsWith('\r'))
        line.chop(1);
    if (line.isEmpty())
        return Kind::Blank;
    // coreutils would cut the name at a NUL; no file name holds one, so the line is refused.
    if (line.contains('\0'))
        return Kind::Malformed;
    return split(line, out) ? Kind::Checksum : Kind::Malformed;
}

// coreutils 9.1 split_3 and bsd_split_3, step by step.
bool ChecksumManifest::split(QByteArray s, Line *out)
{
    const auto at = [&s](qsizetype i) {
        return i < s.size() ? s.at(i) : '\0';
    };
    qsizetype i = 0;
    while (isWhite(at(i)))
        ++i;
    bool escaped = false;
    if (at(i) == '\\') {
        ++i;
        escaped = true;
    }

    QByteArray name;
    QByteArray hex;
    if (QByteArrayView(s).sliced(i).startsWith(m_tag)) {
        // Tagged: TAG[ ](name) = hex, the name ending at the last ')'.
        i += m_tag.size();
        if (at(i) == ' ')
            ++i;
        if (at(i) != '(')
            return false;
        const QByteArray rest = s.mid(i + 1);
        if (rest.isEmpty())
            return false;
        qsizetype k = rest.size() - 1;
        while (k && rest.at(k) != ')')
            --k;
        if (rest.at(k) != ')')
            return false;
        name = rest.left(k);
        ++k;
        while (k < rest.size() && isWhite(rest.at(k)))
            ++k;
        if (k == rest.size() || rest.at(k) != '=')
            return false;
        ++k;
        while (k < rest.size() && isWhite(rest.at(k)))
            ++k;
        hex = rest.mid(k);
        if (!isHexDigits(hex, m_hexLength))
            return false;
    } else {
        if (s.size() - i < m_hexLength + 2 + (at(i) == '\\' ? 1 : 0))
            return false;
        hex = s.mid(i, m_hexLength);
        i += m_hexLength;
        if (!isWhite(at(i)))
            return false;
        ++i;
        if (!isHexDigits(hex, m_hexLength))
            return false;
        if (s.size() - i == 1 || (at(i) != ' ' && at(i) != '*')) {
            // `<hex> <name>`: allowed only if the first untagged line was so too.
            if (m_reversed == 0)
                return false;
            m_reversed = 1;
        } else if (m_reversed != 1) {
            m_reversed = 0;
            ++i;
        }
        name = s.mid(i);
    }
    if (escaped) {
        const auto unescaped = unescape(name);
        if (!unescaped)
            return false;
        name = *unescaped;
    }
    if (out)
        *out = Line{hex.toLower(), name};
    return true;
}

QStringList ChecksumManifest::algorithmNames()
{
    return {QStringLiteral("md5"), QStringLiteral("sha1"), QStringLiteral("sha256"),
            QStringLiteral("sha512")};
}

std::optional<QCryptographicHash::Algorithm>
ChecksumManifest::algorithmFromName(const QString &name)
{
    const QString lower = name.toLower();
    if (lower == QLatin1String("md5"))
        return QCryptographicHash::Md5;
    if (lower == QLatin1String("sha1"))
        return QCryptographicHash::Sha1;
    if (lower == QLatin1String("sha256"))
        return QCryptographicHash::Sha256;
    if (lower == QLatin1String("sha512"))
        return QCryptographicHash::Sha512;
    return std::nullopt;
}

QString ChecksumManifest::algorithmName(QCryptographicHash::Algorithm algorithm)
{
    switch (algorithm) {
    case QCryptographicHash::Md5:
        return QStringLiteral("md5");
    case QCryptographicHash::Sha1:
        return QStringLiteral("sha1");
    case QCryptographicHash::Sha512:
        return QStringLiteral("sha512");
    default:
        return QStringLiteral("sha256");
    }
}

QString ChecksumManifest::defaultFileName(QCryptographicHash::Algorithm algorithm)
{
    return algorithmName(algorithm).toUpper() + QStringLiteral("SUMS");
}

std::optional<QCryptographicHash::Algorithm>
ChecksumManifest::algorithmFromFileName(const QString &name)
{
    const QString upper = QFileInfo(name).fileName().toUpper();
    // Longest names first: "SHA1" is a prefix of neither, but "SHA512" contains no "SHA256".
    for (const char *candidate : {"SHA512", "SHA256", "SHA1", "MD5"}) {
        if (upper.contains(QLatin1String(candidate)))
            return algorithmFromName(QLatin1String(candidate));
    }
    return std::nullopt;
}

std::optional<QCryptographicHash::Algorithm>
ChecksumManifest::algorithmFromContent(const QByteArray &text)
{
    for (const QByteArray &line : text.split('\n')) {
        for (const auto algorithm : kAlgorithms) {
            if (ChecksumManifest(algorithm).read(line, nullptr) == Kind::Checksum)
                return algorithm;
        }
    }
    return std::nullopt;
}

QByteArray ChecksumManifest::formatLine(const QByteArray &hex, const QByteArray &name)
{
    const bool escape = name.contains('\\') || name.contains('\n') || name.contains('\r');
    QByteArray line;
    line.reserve(hex.size() + name.size() + 4);
    if (escape)
        line.append('\\');
    line.append(hex).append("  ");
    if (escape) {
        for (char c : name) {
            if (c == '\\')
                line.append("\\\\");
            else if (c == '\n')
                line.append("\\n");
            else if (c == '\r')
                line.append("\\r");
            else
                line.append(c);
        }
    } else {
        line.append(name);
    }
    return line.append('\n');
}

QString ChecksumManifest::displayName(const QByteArray &name, bool *escaped)
{
    bool valid = true;
    for (qsizetype i = 0; valid && i < name.size();) {
        const qsizetype n = utf8SequenceLength(name, i);
        valid = n > 0;
        i += n;
    }
    if (escaped)
        *escaped = !valid;
    if (valid)
        return QString::fromUtf8(name);
    QByteArray out;
    for (qsizetype i = 0; i < name.size();) {
        const qsizetype n = utf8SequenceLength(name, i);
        if (n == 0) {
            out.append("\\x").append(
                QByteArray::number(uchar(name.at(i)), 16).rightJustified(2, '0'));
            ++i;
        } else if (name.at(i) == '\\') {
            out.append("\\\\");
            ++i;
        } else {
            out.append(name.mid(i, n));
            i += n;
        }
    }
    return QString::fromUtf8(out);
}

} // namespace Conduit
