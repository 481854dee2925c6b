// SPDX-License-Identifier: MIT
#pragma once

#include "PoolTask.h"

#include <QCryptographicHash>

namespace Conduit {

// hash {root, algorithm = "sha256", manifest = <root>/<ALGO>SUMS}
//   → {files, bytes, manifest, skipped: [{path, reason, message?, escaped?}]}
// Hashes every regular file under root (walked by raw bytes, sorted by bytes as `LC_ALL=C
// sort`; FileTree has the policy for links, special files and the manifest itself) on the
// pool, several files at once, and writes the manifest byte for byte as coreutils would,
// through QSaveFile: a stopped or failed hash leaves none. A file that cannot be read is
// skipped (reason unreadable), never dropped silently. Paths in the result are
// ChecksumManifest::displayName. Progress: bytes, total = the sum of the sizes after the scan.
class HashTask final : public PoolTask
{
    Q_OBJECT

public:
    static const TaskKind &declaration();
    // params: checked against declaration().params
    explicit HashTask(const QJsonObject &params, QObject *parent = nullptr);

protected:
    void begin() override;

private:
    struct State;

    QString m_root;
    QString m_manifest;
    QCryptographicHash::Algorithm m_algorithm = QCryptographicHash::Sha256;
    std::shared_ptr<State> m_state;
};

} // namespace Conduit
