// SPDX-License-Identifier: MIT
#pragma once

#include "LogIndex.h"
#include "ProcessMessage.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QMutex>
#include <QObject>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <unordered_map>

class QThreadPool;
class QTimer;

namespace Conduit {

// The async process's log files: each open log is a LogIndex over one path, built and read on a
// pool of its own, so the process's thread only merges results (never reads a file). Lives in
// the process's thread.
//   log.open {path}               → {id, lines, size}, once the file is indexed
//   log.lines {id, from, count}   → {from, lines: string[], cut: [{index, bytes}]}
//                                   (count ≤ LogIndex::kMaxReadLines, fewer past the end or
//                                   past LogIndex::kMaxReadChars)
//   log.close {id}                → {}
//   Event log.changed {id, lines, size, reset}: the file grew, or was truncated, rotated or
//   rewritten (reset: the lines are another file's now); at most one per kMinEventGap per log.
// Each open log is looked at every kPollInterval (a stat() in this thread); a change is scanned
// on the pool. At most kMaxOpen logs are open (busy); the page's gateway keeps each page to
// fewer and closes a page's logs when it goes.
class LogFiles final : public QObject
{
    Q_OBJECT

public:
    using Output = std::function<void(const ProcessMessage &)>;
    static constexpr int kMaxOpen = 64;
    static constexpr std::chrono::milliseconds kPollInterval{100};
    static constexpr std::chrono::milliseconds kMinEventGap{100};

    explicit LogFiles(Output output, QObject *parent = nullptr);
    ~LogFiles() override;

    static bool handles(const QString &command);
    // Answers `command` through the output, now or once the pool has done its part.
    void run(const ProcessMessage &command);
    // Closes every log and waits for the pool up to `deadline`; false if a job still runs.
    bool shutdown(std::chrono::milliseconds deadline);
    int openCount() const { return int(m_logs.size()); }

private:
    struct Log
    {
        QString path;
        LogIndex index;
        bool scanning = false;
        quint64 openCall = 0; // the log.open still waiting for the first scan, or 0
        bool changed = false; // a change not yet announced
        bool reset = false;   // ... and it was a reset
        QElapsedTimer lastEvent;
    };
    // What the pool's jobs post their results to; outlives this object while jobs run.
    struct Home
    {
        QMutex lock;
        LogFiles *owner = nullptr;
        std::atomic<bool> stop = false;
    };

    void open(quint64 call, const QJsonObject &args);
    void lines(quint64 call, const QJsonObject &args);
    void close(quint64 call, const QJsonObject &args);
    void poll();
    void startScan(quint64 id);
    void scanned(quint64 id, const LogIndex::Scan &scan);
    void announce(quint64 id, Log &log);
    // Runs `job` on the pool, then `done` with its result in this object's thread.
    template<typename Job, typename Done> void onPool(Job job, Done done);
    void fail(quint64 call, const QString &code, const QString &message);

    Output m_output;
    std::shared_ptr<Home> m_home = std::make_shared<Home>();
    QThreadPool *m_pool = nullptr; // left behind if a job outlives shutdown()
    QTimer *m_poll = nullptr;
    std::unordered_map<quint64, Log> m_logs;
    quint64 m_nextId = 1;
};

} // namespace Conduit
