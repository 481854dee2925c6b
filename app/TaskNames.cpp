// SPDX-License-Identifier: MIT
#include "TaskNames.h"

namespace Conduit {

QString TaskNames::kind(const QString &kind)
{
    if (kind == QLatin1String("hash"))
        return tr("Hash", "task kind");
    if (kind == QLatin1String("verify"))
        return tr("Verify", "task kind");
    if (kind == QLatin1String("download"))
        return tr("Download", "task kind");
    if (kind == QLatin1String("tail"))
        return tr("Follow", "task kind");
    if (kind == QLatin1String("duplicates"))
        return tr("Duplicates", "task kind");
    return kind;
}

} // namespace Conduit
