// SPDX-License-Identifier: MIT
#include "LogFiles.h"

#include <QJsonArray>
#include <QThreadPool>
#include <QTimer>

namespace Conduit {

namespace {
const QString kId = QStringLiteral("id");
const QString kLines = QStringLiteral("lines");
const QString kSize = QStringLiteral("size");
const QString kFrom = QStringLiteral("from");

QJsonObject windowJson(const LogIndex::Window &window)
{
    QJsonArray cut;
    for (const LogIndex::Cut &line : window.cut)
        cut.append(QJsonObject{{QStringLiteral("index"), double(line.index)},
                               {QStringLiteral("bytes"), double(line.bytes)}});
    return {{kFrom, double(window.from)},
            {kLines, QJsonArray::fromStringList(window.lines)},
            {QStringLiteral("cut"), cut}};
}
} // namespace

LogFiles::LogFiles(Output output, QObject *parent)
    : QObject(parent)
    , m_output(std::move(output))
    , m_pool(new QThreadPool)
    , m_poll(new QTimer(this))
{
    m_home->owner = this;
    m_pool->setObjectName(QStringLiteral("LogFiles"));
    m_pool->setMaxThreadCount(2);
    m_poll->setInterval(kPollInterval);
    connect(m_poll, &QTimer::timeout, this, &LogFiles::poll);
}

LogFiles::~LogFiles()
{
    if (m_pool && !shutdown(std::chrono::seconds(1)))
        qWarning("a log file job is still running; leaving its pool behind");
}

bool LogFiles::handles(const QString &command)
{
    return command.startsWith(QLatin1String("log."));
}

void LogFiles::run(const ProcessMessage &command)
{
    const QJsonObject args = command.body.toObject();
    if (!m_pool)
        fail(command.id, QStringLiteral("shutting_down"), QStringLiteral("the logs are closed"));
    else if (command.name == QLatin1String("log.open"))
        open(command.id, args);
    else if (command.name == QLatin1String("log.lines"))
        lines(command.id, args);
    else if (command.name == QLatin1String("log.close"))
        close(command.id, args);
    else
        fail(command.id, QStringLiteral("unknown_command"),
             QStringLiteral("the process has no command '%1'").arg(command.name));
}

bool LogFiles::shutdown(std::chrono::milliseconds deadline)
{
    m_home->stop = true;
    m_logs.clear();
    m_poll->stop();
    if (!m_pool)
        return true;
    const bool done = m_pool->waitForDone(int(deadline.count()));
    {
        const QMutexLocker lock(&m_home->lock);
        m_home->owner = nullptr;
    }
    if (done)
        delete m_pool; // else left behind: ~QThreadPool would wait for the job without a bound
    m_pool = nullptr;
    return done;
}

template<typename Job, typename Done> void LogFiles::onPool(Job job, Done done)
{
    m_pool->start([home = m_home, job = std::move(job), done = std::move(done)] {
        auto result = job(home->stop);
        const QMutexLocker lock(&home->lock);
        if (home->owner)
            QMetaObject::invokeMethod(
                home->owner, [done, result = std::move(result)] { done(result); },
                Qt::QueuedConnection);
    });
}

void LogFiles::fail(quint64 call, const QString &code, const QString &message)
{
    m_output(ProcessMessage::failure(call, code, message));
}

void LogFiles::open(quint64 call, const QJsonObject &args)
{
    const QString path = args.value(QStringLiteral("path")).toString();
    if (!path.startsWith(QLatin1Char('/')))
        return fail(call, QStringLiteral("invalid_args"), QStringLiteral("path must be absolute"));
    if (m_logs.size() >= std::size_t(kMaxOpen))
        return fail(call, QStringLiteral("busy"),
                    QStringLiteral("%1 logs are open already").arg(kMaxOpen));
    const quint64 id = m_nextId++;
    Log &log = m_logs[id];
    log.path = path;
    log.openCall = call;
    startScan(id);
}

void LogFiles::lines(quint64 call, const QJsonObject &args)
{
    const quint64 id = quint64(args.value(kId).toDouble());
    const auto it = m_logs.find(id);
    if (it == m_logs.end() || it->second.openCall)
        return fail(call, QStringLiteral("not_found"), QStringLiteral("no log %1").arg(id));
    const LogIndex::ReadPlan plan
        = it->second.index.plan(qint64(args.value(kFrom).toDouble()),
                                qint64(args.value(QStringLiteral("count")).toDouble()));
    if (plan.count == 0) {
        LogIndex::Window none;
        none.from = plan.from;
        m_output(ProcessMessage::result(call, windowJson(none)));
        return;
    }
    onPool([path = it->second.path,
            plan](const std::atomic<bool> &stop) { return LogIndex::read(path, plan, stop); },
           [this, call, id](const LogIndex::Window &window) {
               if (!m_logs.count(id))
                   return fail(call, QStringLiteral("not_found"),
                               QStringLiteral("log %1 was closed").arg(id));
               switch (window.outcome) {
               case LogIndex::Outcome::Ok:
                   break;
               case LogIndex::Outcome::Changed:
               case LogIndex::Outcome::Missing: {
                   // The file went or another took its path: none of these lines now; the next
                   // log.changed tells what there is.
                   LogIndex::Window none;
                   none.from = window.from;
                   m_output(ProcessMessage::result(call, windowJson(none)));
                   return;
               }
               case LogIndex::Outcome::Failed:
                   return fail(call, QStringLiteral("io_error"), window.error);
               }
               m_output(ProcessMessage::result(call, windowJson(window)));
           });
}

void LogFiles::close(quint64 call, const QJsonObject &args)
{
    const quint64 id = quint64(args.value(kId).toDouble());
    if (!m_logs.erase(id))
        return fail(call, QStringLiteral("not_found"), QStringLiteral("no log %1").arg(id));
    if (m_logs.empty())
        m_poll->stop();
    m_output(ProcessMessage::result(call, QJsonObject{}));
}

void LogFiles::poll()
{
    for (auto &[id, log] : m_logs) {
        if (log.scanning)
            continue;
        announce(id, log);
        const auto stat = LogIndex::statOf(log.path);
        if (stat && (stat->identity != log.index.identity() || stat->size != log.index.size()))
            startScan(id);
    }
}

void LogFiles::startScan(quint64 id)
{
    Log &log = m_logs.at(id);
    log.scanning = true;
    onPool([path = log.path, position = log.index.position()](
               const std::atomic<bool> &stop) { return LogIndex::scan(path, position, stop); },
           [this, id](const LogIndex::Scan &scan) { scanned(id, scan); });
}

void LogFiles::scanned(quint64 id, const LogIndex::Scan &scan)
{
    const auto it = m_logs.find(id);
    if (it == m_logs.end())
        return; // closed meanwhile
    Log &log = it->second;
    log.scanning = false;
    if (const quint64 call = std::exchange(log.openCall, 0)) {
        if (scan.outcome != LogIndex::Outcome::Ok) {
            m_logs.erase(it);
            return fail(call,
                        scan.outcome == LogIndex::Outcome::Missing ? QStringLiteral("not_found")
                                                                   : QStringLiteral("io_error"),
                        scan.error);
        }
        log.index.apply(scan);
        m_output(ProcessMessage::result(call, QJsonObject{{kId, double(id)},
                                                          {kLines, double(log.index.lineCount())},
                                                          {kSize, double(log.index.size())}}));
        if (!m_poll->isActive())
            m_poll->start();
        return;
    }
    // A failed scan (the file is gone for now, mid-rotation) is tried again at the next poll.
    if (log.index.apply(scan)) {
        log.changed = true;
        log.reset = log.reset || scan.reset;
        announce(id, log);
    }
}

void LogFiles::announce(quint64 id, Log &log)
{
    if (!log.changed || (log.lastEvent.isValid() && log.lastEvent.elapsed() < kMinEventGap.count()))
        return; // nothing new, or too soon: the next poll announces it
    m_output(ProcessMessage::event(QStringLiteral("log.changed"),
                                   QJsonObject{{kId, double(id)},
                                               {kLines, double(log.index.lineCount())},
                                               {kSize, double(log.index.size())},
                                               {QStringLiteral("reset"), log.reset}}));
    log.changed = false;
    log.reset = false;
    log.lastEvent.start();
}

} // namespace Conduit
