// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>
#include <sys/types.h>
#include <vector>

namespace Conduit {

// Lists a folder tree by raw bytes (opendir/readdir/lstat), so names that are not UTF-8 are
// found and can be reopened. The one policy for what is not a plain regular file:
//   regular file                       listed
//   folder                             walked into (never through a symlink)
//   symlink to a regular file in root  listed under the link's name
//   symlink elsewhere                  skipped: link_outside_root, broken_link, link_to_folder
//   FIFO, socket, device               skipped: special (never opened, so never blocks)
//   folder that cannot be read         skipped: unreadable
//   the excluded file (the manifest)   skipped: manifest
// Every skipped entry is reported; nothing is left out silently.
class FileTree
{
public:
    struct File
    {
        QByteArray path; // relative to root, '/'-separated
        qint64 size = 0;
    };
    struct Skipped
    {
        QByteArray path; // relative to root
        QString reason;  // one of the reasons above (also: unreadable for a file hashing failed on)
        QString message; // what it is, or strerror
    };

    // `exclude`: an absolute path whose file (same device and inode) is skipped as "manifest".
    // `checkpoint` returning false stops the walk (cancel); walk() then returns false. A root
    // that cannot be listed throws TaskError io_error.
    static bool walk(const QByteArray &root, const QByteArray &exclude,
                     const std::function<bool()> &checkpoint, std::vector<File> *files,
                     std::vector<Skipped> *skipped);

    // Every Skipped::reason (the policy above): the values of a hash result's `reason`.
    static QStringList skipReasons();

    // The canonical form of an existing path (realpath), nullopt if it cannot be resolved.
    static std::optional<QByteArray> canonical(const QByteArray &path);
    // Whether `canonicalPath` lies strictly inside `canonicalRoot`.
    static bool isInside(const QByteArray &canonicalPath, const QByteArray &canonicalRoot);
    // "FIFO", "socket", "character device", "block device", "folder", …
    static QString describeType(mode_t mode);
};

} // namespace Conduit
