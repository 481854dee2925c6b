#include "ChecksumManifest.h"

#include <QFileInfo>
#include <QRegularExpression>

namespace Conduit {

namespace {
bool isHex(const QByteArray &text)
{
    if (text.isEmpty())
        return false;
    for (char c : text) {
        if (!std::isxdigit(static_cast<unsigned char>(c)))
            return false;
    }
    return true;
}

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
} // namespace

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
ChecksumManifest::algorithmFromHexLength(qsizetype length)
{
    switch (length) {
    case 32:
        return QCryptographicHash::Md5;
    case 40:
        return QCryptographicHash::Sha1;
    case 64:
        return QCryptographicHash::Sha256;
    case 128:
        return QCryptographicHash::Sha512;
    default:
        return std::nullopt;
    }
}

QByteArray ChecksumManifest::formatLine(const QByteArray &hex, const QString &path)
{
    QByteArray name = path.toUtf8();
    // A trailing \r would be read back as a CRLF line ending: escape it as coreutils does.
    const bool escape = name.contains('\\') || name.contains('\n') || name.contains('\r');
    if (escape)
        name.replace('\\', "\\\\").replace('\n', "\\n").replace('\r', "\\r");
    QByteArray line;
    line.reserve(hex.size() + name.size() + 4);
    if (escape)
        line.append('\\');
    line.append(hex).append("  ").append(name).append('\n');
    return line;
}

std::optional<ChecksumManifest::Line> ChecksumManifest::parseLine(QByteArray line)
{
    if (line.endsWith('\r'))
        line.chop(1);
    const bool escaped = line.startsWith('\\');
    if (escaped)
        line.remove(0, 1);

    // BSD form: SHA256 (path) = hex
    static const QRegularExpression bsd(
        QStringLiteral("^(MD5|SHA1|SHA256|SHA512) \\((.*)\\) = ([0-9A-Fa-f]+)$"),
        QRegularExpression::DotMatchesEverythingOption);
    if (const auto match = bsd.match(QString::fromUtf8(line)); match.hasMatch()) {
        const QByteArray name = match.captured(2).toUtf8();
        const auto path = escaped ? unescape(name) : std::optional<QByteArray>(name);
        if (!path)
            return std::nullopt;
        return Line{match.captured(3).toLatin1().toLower(), QString::fromUtf8(*path),
                    algorithmFromName(match.captured(1))};
    }

    const qsizetype space = line.indexOf(' ');
    if (space <= 0 || space + 2 > line.size())
        return std::nullopt;
    const QByteArray hex = line.left(space);
    const char mode = line.at(space + 1);
    if (!isHex(hex) || (mode != ' ' && mode != '*') || !algorithmFromHexLength(hex.size()))
        return std::nullopt;
    const QByteArray name = line.mid(space + 2);
    const auto path = escaped ? unescape(name) : std::optional<QByteArray>(name);
    if (!path || path->isEmpty())
        return std::nullopt;
    return Line{hex.toLower(), QString::fromUtf8(*path), std::nullopt};
}

} // namespace Conduit
