// SPDX-License-Identifier: MIT
#pragma once

#include <QCoreApplication>
#include <QString>

namespace Conduit {

// What the native side calls a task kind where a person reads it (the tray menu, a desktop
// notification): the words the page's rows use (web/src/locales, task.kind), in the user's
// language. The wire names ("tail") are not for people.
class TaskNames
{
    Q_DECLARE_TR_FUNCTIONS(Conduit::TaskNames)

public:
    // A kind without a name here (the tests' "count") is shown as it is named.
    static QString kind(const QString &kind);
};

} // namespace Conduit
