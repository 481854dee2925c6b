// SPDX-License-Identifier: MIT
#include "TaskKinds.h"

#include <algorithm>

namespace Conduit {

TaskKinds &TaskKinds::add(const TaskKind &kind)
{
    const auto at = std::lower_bound(
        m_kinds.begin(), m_kinds.end(), kind.name,
        [](const TaskKind &existing, const QString &name) { return existing.name < name; });
    if (at != m_kinds.end() && at->name == kind.name)
        *at = kind;
    else
        m_kinds.insert(at, kind);
    return *this;
}

const TaskKind *TaskKinds::find(const QString &name) const
{
    for (const TaskKind &kind : m_kinds) {
        if (kind.name == name)
            return &kind;
    }
    return nullptr;
}

QStringList TaskKinds::names() const
{
    QStringList names;
    for (const TaskKind &kind : m_kinds)
        names.append(kind.name);
    return names;
}

} // namespace Conduit
