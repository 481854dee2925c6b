// SPDX-License-Identifier: MIT
#pragma once

#include "PoolTask.h"

namespace Conduit {

// duplicates {root, minSize = 0}
//   → {groups: [{size, sha256, paths}], files, duplicates, reclaimableBytes, skipped}
//   output: each group, as it is found
// Finds identical files under root, as `fdupes -r` does: files of equal size are hashed
// (SHA-256, on the pool), and files with equal digests form a group. It reads, never writes or
// deletes. FileTree's policy decides what is walked; beyond it, a symbolic link is no copy
// (skipped: symlink) and a second name of the same inode is the same file (skipped: hard_link),
// as fdupes treats them without -s and -H. Groups go largest files first; paths in a group are
// sorted by their bytes and shown as ChecksumManifest::displayName. Progress: bytes hashed,
// total = the bytes of every file that shares its size with another.
// Groups stream as output while the consumer's credit allows; the rest wait and are appended
// as credit returns or when the task completes, so the stream carries every group once and
// the search never stalls on a page that does not read it. The result holds every group too.
class DuplicatesTask final : public PoolTask
{
    Q_OBJECT

public:
    static const TaskKind &declaration();
    // params: checked against declaration().params
    explicit DuplicatesTask(const QJsonObject &params, QObject *parent = nullptr);

    void outputRoomAvailable() override;

protected:
    void begin() override;

private:
    struct State;

    void hashNextBatch();
    void collectGroups(size_t first, size_t last);
    void appendOutput();
    void finishSearch();

    QString m_root;
    qint64 m_minSize = 0;
    std::shared_ptr<State> m_state;
};

} // namespace Conduit
