// SPDX-License-Identifier: MIT
#pragma once

#include "PoolTask.h"

namespace Conduit {

// verify {manifest, root = the manifest's folder}
//   → {ok, checked, passed, mismatched: [path], missing: [path],
//      problems: [{line, verdict, path?, escaped?, message?}]}
// Checks a coreutils manifest line by line as `sha256sum -c` (coreutils 9.1) does; the
// algorithm comes from the file name, else from the first checksum line. Paths are relative
// to root. Per line (problems lists every line that is not OK, in order):
//   ok / failed (digest differs) / missing, unreadable (coreutils: FAILED open or read) /
//   malformed (coreutils: improperly formatted) / special (a FIFO, socket or device: never
//   opened, where coreutils would block or read a device) / outside_root (an absolute path, a
//   `..` component or a symlink leading out of root: refused, where coreutils would read it).
// ok: no problem but malformed lines, and at least one checksum line unless the manifest has
// none at all (an empty manifest, as hash writes for an empty folder, verifies; coreutils
// says "no properly formatted checksum lines found"). Paths are ChecksumManifest::displayName.
// Progress: bytes of the files that exist.
class VerifyTask final : public PoolTask
{
    Q_OBJECT

public:
    static const TaskKind &declaration();
    // params: checked against declaration().params
    explicit VerifyTask(const QJsonObject &params, QObject *parent = nullptr);

protected:
    void begin() override;

private:
    struct State;

    QString m_manifest;
    QString m_root;
    std::shared_ptr<State> m_state;
};

} // namespace Conduit
