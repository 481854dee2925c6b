// The checksum manifest parser (worker/ChecksumManifest) fed a whole manifest file, split into
// lines the way VerifyTask reads it. Besides the sanitizers, every line it accepts must hold a
// lower-case hex digest and survive formatLine → parseLine unchanged, because HashTask writes
// manifests with formatLine that VerifyTask (and `sha256sum -c`) must read back.
#include "ChecksumManifest.h"

#include "FuzzApplication.h"

#include <QByteArray>

#include <cstddef>
#include <cstdint>

using Conduit::ChecksumManifest;

namespace {

bool isLowerHex(const QByteArray &text)
{
    for (char c : text) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    }
    return !text.isEmpty();
}

void checkLine(const QByteArray &line)
{
    const auto parsed = ChecksumManifest::parseLine(line);
    if (!parsed)
        return;
    CONDUIT_FUZZ_CHECK(isLowerHex(parsed->hex));
    const auto byLength = ChecksumManifest::algorithmFromHexLength(parsed->hex.size());
    if (!parsed->algorithm)
        CONDUIT_FUZZ_CHECK(byLength && !parsed->path.isEmpty()); // the GNU form checks both
    if (!byLength || parsed->path.isEmpty())
        return; // a BSD line HashTask would never write: VerifyTask reports it as mismatched

    QByteArray written = ChecksumManifest::formatLine(parsed->hex, parsed->path);
    CONDUIT_FUZZ_CHECK(written.endsWith('\n') && written.count('\n') == 1);
    written.chop(1);
    const auto reread = ChecksumManifest::parseLine(written);
    CONDUIT_FUZZ_CHECK(reread);
    CONDUIT_FUZZ_CHECK(reread->hex == parsed->hex);
    CONDUIT_FUZZ_CHECK(reread->path == parsed->path);
    CONDUIT_FUZZ_CHECK(!reread->algorithm);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray content
        = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    for (const QByteArray &line : content.split('\n')) {
        if (!line.trimmed().isEmpty())
            checkLine(line);
    }
    return 0;
}
