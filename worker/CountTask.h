// SPDX-License-Identifier: MIT
#pragma once

#include "PoolTask.h"

namespace Conduit {

// count {to, stepMs = 10} → {count}: counts 1..to, one step per stepMs (0: as fast as it
// can), on the pool. Deterministic, for tests and benchmarks. Progress: items i/to.
class CountTask final : public PoolTask
{
    Q_OBJECT

public:
    static const TaskKind &declaration();
    // params: checked against declaration().params
    explicit CountTask(const QJsonObject &params, QObject *parent = nullptr);

protected:
    void begin() override;

private:
    qint64 m_to = 0;
    qint64 m_stepMs = 10;
};

} // namespace Conduit
