#pragma once

#include "PoolTask.h"

#include <QCryptographicHash>

namespace Conduit {

// hash {root, algorithm = "sha256", manifest = <root>/<ALGO>SUMS} → {files, bytes, manifest}
// Hashes every regular file under root (sorted by path, the manifest itself left out,
// symlinks followed only to files inside root) on the pool, several files at once, and
// writes a coreutils manifest through QSaveFile: a stopped or failed hash leaves none.
// Progress: bytes, total = the sum of the sizes, known after the scan.
class HashTask final : public PoolTask
{
    Q_OBJECT

public:
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
