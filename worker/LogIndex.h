// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QString>
#include <QStringList>

#include <atomic>
#include <optional>
#include <vector>

namespace Conduit {

// A line index of one file, so that a view can show any line of a file of any size without
// holding the file: where its lines start, as checkpoints {line, offset}. Not every line start
// is kept: a checkpoint at the first line start at least kStride bytes past the previous one
// (and at line 0), so the index costs 16 bytes per 16 KiB of file (≈ 0.5 MiB for 500 MiB,
// whatever the lines' lengths), and reading line n scans at most kStride bytes plus one line
// from the checkpoint before it. A line longer than kStride always has a checkpoint right after
// it, so reading skips long lines without scanning them.
//
// Lines end with '\n'; a "\r\n" ending goes whole; a last line without a newline is a line too
// (it may still grow). The index grows by scan(), which reads only what the file gained since
// and runs anywhere (a pool thread): it works on a Position, a small copy of the index's state,
// and apply() merges its result in the index's own thread. scan() starts over (Scan::reset) when
// the path names another file (rotation: device or inode changed), when the file got shorter
// (truncation), or when the byte before the indexed end is no longer a newline (rewritten).
//
// read() gives lines for display: decoded as UTF-8 (an invalid byte becomes U+FFFD), a control
// character other than tab shown as its Unicode control picture (NUL → U+2400, ESC → U+241B,
// DEL → U+2421), and a line longer than kMaxDisplayBytes cut there on a character boundary and
// reported in Window::cut with its full length.
class LogIndex
{
public:
    static constexpr qint64 kStride = 16 * 1024;
    static constexpr qsizetype kMaxDisplayBytes = 4096;
    // A read stops once its lines hold this many characters (at least one line is read).
    static constexpr qsizetype kMaxReadChars = 256 * 1024;
    static constexpr qint64 kMaxReadLines = 1000;

    struct Identity
    {
        quint64 device = 0;
        quint64 inode = 0;
        bool operator==(const Identity &other) const
        {
            return device == other.device && inode == other.inode;
        }
        bool operator!=(const Identity &other) const { return !(*this == other); }
    };
    struct FileStat
    {
        Identity identity;
        qint64 size = 0;
    };
    struct Checkpoint
    {
        qint64 line = 0;   // 0-based line number
        qint64 offset = 0; // where that line starts
    };
    // What scan() needs of an index.
    struct Position
    {
        std::optional<Identity> identity; // none: nothing indexed yet
        qint64 size = 0;                  // bytes indexed
        qint64 end = 0;                   // after the last '\n' indexed
        qint64 lines = 0;                 // complete lines before `end`
        qint64 lastCheckpoint = 0;        // offset of the last checkpoint
    };
    enum class Outcome {
        Ok,
        Changed, // read(): the path names another file now; ask again after the next scan
        Missing, // no such file
        Failed,  // not a regular file, unreadable, or stopped
    };
    // What one scan found past a Position (or in the whole file, if `reset`).
    struct Scan
    {
        Outcome outcome = Outcome::Ok;
        QString error;
        bool reset = false; // the index starts over with what this scan found
        Identity identity;
        qint64 size = 0; // bytes indexed after this scan
        qint64 end = 0;
        qint64 lines = 0;
        std::vector<Checkpoint> checkpoints; // the new ones, in order
    };
    // What read() needs of an index: the checkpoints from the one at or before `from` to the
    // first one past the window.
    struct ReadPlan
    {
        Identity identity;
        qint64 from = 0;
        qint64 count = 0; // lines that exist from `from` (already capped to the line count)
        qint64 size = 0;  // bytes indexed: nothing past it is read
        std::vector<Checkpoint> checkpoints;
    };
    struct Cut
    {
        qint64 index = 0; // in Window::lines
        qint64 bytes = 0; // the whole line's length, without its ending
    };
    struct Window
    {
        Outcome outcome = Outcome::Ok;
        QString error;
        qint64 from = 0;
        QStringList lines;
        QList<Cut> cut;
    };

    LogIndex();

    // Lines, counting a last line without a newline.
    qint64 lineCount() const { return m_lines + (m_size > m_end ? 1 : 0); }
    qint64 size() const { return m_size; }
    std::optional<Identity> identity() const { return m_identity; }
    qsizetype checkpointCount() const { return qsizetype(m_checkpoints.size()); }
    Position position() const;
    // Merges a scan made from position(); true if the lines, the size or the file changed.
    bool apply(const Scan &scan);
    // Lines [from, from + count) as far as they exist (count is capped to kMaxReadLines).
    ReadPlan plan(qint64 from, qint64 count) const;

    // Reads what `path` has past `from`. `stop` ends it early (Outcome::Failed).
    static Scan scan(const QString &path, const Position &from, const std::atomic<bool> &stop);
    static Window read(const QString &path, const ReadPlan &plan, const std::atomic<bool> &stop);
    static std::optional<FileStat> statOf(const QString &path);
    // A line's bytes as read() shows them (cut at kMaxDisplayBytes, see above).
    static QString display(const char *data, qsizetype size);

private:
    std::optional<Identity> m_identity;
    qint64 m_size = 0;
    qint64 m_end = 0;
    qint64 m_lines = 0;
    std::vector<Checkpoint> m_checkpoints; // by line and offset, first {0, 0}
};

} // namespace Conduit
