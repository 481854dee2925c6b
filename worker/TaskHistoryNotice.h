// SPDX-License-Identifier: MIT
#pragma once

#include <schema/Schema.h>

#include <QJsonObject>
#include <QString>

namespace Conduit {

// Why the task history is not the file it was, or is off this time: what the application tells
// the user (the worker has no words of its own; the page phrases it by `reason`).
struct TaskHistoryNotice
{
    enum class Reason {
        Corrupt,     // not a database, or it failed SQLite's check: set aside, a new one begun
        Newer,       // written by a newer build (its schema version): set aside, a new one begun
        InUse,       // another process holds it: this one runs without a history
        Unavailable, // cannot be opened or made (no driver, no room, no rights): none this time
    };

    Reason reason = Reason::Unavailable;
    QString path;   // Corrupt, Newer: where the old file is now; otherwise the history's own
    QString detail; // SQLite's or the file system's words, for a developer

    // {reason: "corrupt" | "newer" | "in_use" | "unavailable", path, detail}
    QJsonObject toJson() const;
    // What toJson() writes, named TaskHistoryNotice for the page.
    static Schema schema();
};

} // namespace Conduit
