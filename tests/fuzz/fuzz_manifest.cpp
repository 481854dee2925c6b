// SPDX-License-Identifier: MIT
// The checksum manifest reader (worker/ChecksumManifest) fed a whole manifest file, line by
// line as VerifyTask reads it, once per algorithm. Besides the sanitizers, every line it takes
// as a checksum line must hold a lower-case digest of the algorithm's length and survive
// formatLine → read unchanged, because HashTask writes manifests with formatLine that
// VerifyTask (and `sha256sum -c`) must read back; and displayName must be valid, lossless text.
#include <worker/ChecksumManifest.h>

#include "FuzzApplication.h"

#include <QByteArray>

#include <cstddef>
#include <cstdint>

using Conduit::ChecksumManifest;

namespace {

constexpr QCryptographicHash::Algorithm kAlgorithms[]
    = {QCryptographicHash::Md5, QCryptographicHash::Sha1, QCryptographicHash::Sha256,
       QCryptographicHash::Sha512};

bool isLowerHex(const QByteArray &text)
{
    for (char c : text) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    }
    return !text.isEmpty();
}

void checkLine(ChecksumManifest &reader, QCryptographicHash::Algorithm algorithm,
               const QByteArray &line)
{
    ChecksumManifest::Line parsed;
    if (reader.read(line, &parsed) != ChecksumManifest::Kind::Checksum)
        return;
    CONDUIT_FUZZ_CHECK(isLowerHex(parsed.hex));
    CONDUIT_FUZZ_CHECK(parsed.hex.size() == 2 * QCryptographicHash::hashLength(algorithm));
    bool escaped = false;
    const QString shown = ChecksumManifest::displayName(parsed.name, &escaped);
    CONDUIT_FUZZ_CHECK(escaped || shown.toUtf8() == parsed.name);

    // `SHA256 () = …` names no file; coreutils takes it too (and fails to open ''), but no
    // file HashTask writes has an empty name, so there is nothing to round-trip.
    if (parsed.name.isEmpty())
        return;
    QByteArray written = ChecksumManifest::formatLine(parsed.hex, parsed.name);
    CONDUIT_FUZZ_CHECK(written.endsWith('\n') && written.count('\n') == 1);
    written.chop(1);
    ChecksumManifest fresh(algorithm); // what a manifest HashTask wrote starts with
    ChecksumManifest::Line reread;
    CONDUIT_FUZZ_CHECK(fresh.read(written, &reread) == ChecksumManifest::Kind::Checksum);
    CONDUIT_FUZZ_CHECK(reread.hex == parsed.hex);
    CONDUIT_FUZZ_CHECK(reread.name == parsed.name);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray content
        = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    const QList<QByteArray> lines = content.split('\n');
    for (const QCryptographicHash::Algorithm algorithm : kAlgorithms) {
        ChecksumManifest reader(algorithm);
        for (const QByteArray &line : lines)
            checkLine(reader, algorithm, line);
    }
    (void)ChecksumManifest::algorithmFromContent(content);
    return 0;
}
