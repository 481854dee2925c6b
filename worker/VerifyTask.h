#pragma once

#include "PoolTask.h"

namespace Conduit {

// verify {manifest} → {ok, checked, mismatched: [path], missing: [path]}
// Checks a coreutils manifest (md5/sha1/sha256/sha512, from the file name or the digest's
// length); paths are relative to the manifest's folder. A malformed line fails the task with
// io_error. Progress: bytes of the files that exist.
class VerifyTask final : public PoolTask
{
    Q_OBJECT

public:
    explicit VerifyTask(const QJsonObject &params, QObject *parent = nullptr);

protected:
    void begin() override;

private:
    struct State;

    QString m_manifest;
    std::shared_ptr<State> m_state;
};

} // namespace Conduit
