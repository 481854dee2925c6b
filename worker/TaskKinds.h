// SPDX-License-Identifier: MIT
#pragma once

#include "TaskKind.h"

#include <QList>
#include <QStringList>

namespace Conduit {

// The kinds a TaskManager can start, by name. A value: the runtime hands the same list to the
// manager (in the async process's thread) and to the page's type generator.
class TaskKinds
{
public:
    // What the application ships: CONDUIT_TASK_KINDS in worker/CMakeLists.txt, one name per
    // kind, generates it.
    static TaskKinds builtIn();

    TaskKinds &add(const TaskKind &kind); // a name already present is replaced
    const TaskKind *find(const QString &name) const;
    QStringList names() const;
    const QList<TaskKind> &all() const { return m_kinds; }

private:
    QList<TaskKind> m_kinds; // by name
};

} // namespace Conduit
