// SPDX-License-Identifier: MIT
#include "DownloadTask.h"

#include "BackgroundPriority.h"
#include "TaskKind.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QJsonDocument>
#include <QLocale>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPromise>
#include <QRegularExpression>
#include <QSaveFile>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#include <mutex>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace Conduit {

namespace {
constexpr qint64 kReadBufferSize = 256 * 1024;
constexpr qint64 kMaxSidecarBytes = 64 * 1024;
constexpr int kSidecarVersion = 1;

bool isHttp(const QUrl &url)
{
    return url.scheme() == QLatin1String("http") || url.scheme() == QLatin1String("https");
}

bool isRedirect(int status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

QString seconds(int ms)
{
    return ms % 1000 == 0 ? QString::number(ms / 1000) : QString::number(ms / 1000.0, 'f', 1);
}

// An IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), the form servers send; invalid otherwise.
QDateTime httpDate(const QByteArray &text)
{
    const QDateTime parsed = QLocale::c().toDateTime(
        QString::fromLatin1(text.trimmed()), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"));
    return parsed.isValid() ? QDateTime(parsed.date(), parsed.time(), Qt::UTC) : QDateTime();
}

QString systemError()
{
    return QString::fromLocal8Bit(::strerror(errno));
}
} // namespace

// The prefix of a resumed partial, hashed on the pool; handed over under a lock the sanitizers
// see.
struct DownloadTask::PrefixHash
{
    std::mutex mutex;
    std::unique_ptr<QCryptographicHash> hash; // null unless every byte was read
};

const TaskKind &DownloadTask::declaration()
{
    static const TaskKind kind = TaskKind::of<DownloadTask>(
        QStringLiteral("download"),
        QStringLiteral("Downloads an http(s) URL into a file, replaced only on success."),
        QStringLiteral("bytes"),
        Schema::object()
            .required(QStringLiteral("url"), Schema::string().nonEmpty().maxLength(8192))
            .required(QStringLiteral("dest"), Schema::path(Schema::PathCheck::ParentFolder))
            .optional(QStringLiteral("sha256"),
                      Schema::string().describe(
                          QStringLiteral("the expected SHA-256, 64 hex digits: a download that "
                                         "does not match fails")))
            .optional(QStringLiteral("connectTimeoutMs"), Schema::integer().range(1, 600'000),
                      15000)
            .optional(QStringLiteral("stallTimeoutMs"), Schema::integer().range(1, 3'600'000),
                      30000),
        Schema::object()
            .required(QStringLiteral("bytes"), Schema::integer())
            .required(QStringLiteral("path"), Schema::string())
            .required(QStringLiteral("sha256"), Schema::string())
            .required(QStringLiteral("url"), Schema::string().describe(QStringLiteral(
                                                 "the final URL, after `redirects` redirects")))
            .required(QStringLiteral("redirects"), Schema::integer())
            .required(QStringLiteral("resumedFrom"),
                      Schema::integer().describe(QStringLiteral(
                          "bytes an earlier, interrupted download had left, continued from")))
            .required(QStringLiteral("retries"),
                      Schema::integer().describe(QStringLiteral(
                          "requests that continued the download after an interruption"))));
    return kind;
}

DownloadTask::DownloadTask(const QJsonObject &params, QObject *parent)
    : Task(declaration(), parent)
    , m_dest(params.value(QStringLiteral("dest")).toString())
    , m_connectTimeoutMs(params.value(QStringLiteral("connectTimeoutMs")).toInt())
    , m_stallTimeoutMs(params.value(QStringLiteral("stallTimeoutMs")).toInt())
{
    m_url = QUrl(params.value(QStringLiteral("url")).toString(), QUrl::StrictMode);
    if (!m_url.isValid() || !isHttp(m_url) || m_url.host().isEmpty())
        throw TaskError::invalidArgument(QStringLiteral("url"),
                                         QStringLiteral("url must be an http or https URL"));
    const QString sha256 = params.value(QStringLiteral("sha256")).toString();
    if (!sha256.isEmpty()) {
        m_expectedSha256 = sha256.toLatin1().toLower();
        if (m_expectedSha256.size() != 64
            || QByteArray::fromHex(m_expectedSha256).toHex() != m_expectedSha256)
            throw TaskError::invalidArgument(QStringLiteral("sha256"),
                                             QStringLiteral("sha256 must be 64 hex digits"));
    }
}

DownloadTask::~DownloadTask()
{
    stopWork();
    // Only without a stop (the manager always stops its tasks): as at a shutdown.
    closePartial(outcome() == Outcome::Pending && resumable() && m_bytes > 0);
}

void DownloadTask::start(const TaskServices &services)
{
    if (const QString problem = openPartial(); !problem.isEmpty()) {
        fail(ioError(problem));
        return;
    }
    m_pool = services.pool;
    m_network = services.network();
    m_hosts = DownloadHostQueue::of(m_network);
    m_sha256 = std::make_unique<QCryptographicHash>(QCryptographicHash::Sha256);

    m_connectTimer = new QTimer(this);
    m_connectTimer->setSingleShot(true);
    connect(m_connectTimer, &QTimer::timeout, this, [this] {
        interrupted(networkError(
            QStringLiteral("no response within %1 s").arg(seconds(m_connectTimeoutMs))));
    });
    m_stallTimer = new QTimer(this);
    m_stallTimer->setSingleShot(true);
    connect(m_stallTimer, &QTimer::timeout, this, [this] {
        interrupted(
            networkError(QStringLiteral("no data for %1 s").arg(seconds(m_stallTimeoutMs))));
    });
    m_retryTimer = new QTimer(this);
    m_retryTimer->setSingleShot(true);
    connect(m_retryTimer, &QTimer::timeout, this, &DownloadTask::attemptWhenRunning);

    qint64 size = m_partial->size();
    m_validator = size > 0 ? readSidecar() : Validator();
    if (m_validator.isValid() && m_validator.length > 0 && size >= m_validator.length)
        size = m_validator.length - 1; // the last byte asks the server whether it is the same file
    if (!m_validator.isValid() || size <= 0) {
        QString problem;
        if (!startOver(&problem)) {
            abortWith(ioError(problem));
            return;
        }
        attempt();
        return;
    }
    if (!m_partial->resize(size)) {
        abortWith(ioError(
            QStringLiteral("cannot write %1: %2").arg(m_partialPath, m_partial->errorString())));
        return;
    }
    hashPrefix(size);
}

QString DownloadTask::openPartial()
{
    // As QSaveFile did: a folder is refused, a file must be writable, and symlinks are followed
    // so that the rename replaces what they point to.
    QFileInfo info(m_dest);
    if (info.isDir())
        return QStringLiteral("cannot create a file beside %1: it is a folder").arg(m_dest);
    if (info.exists() && !info.isWritable())
        return QStringLiteral("cannot create a file beside %1: it is not writable").arg(m_dest);
    m_target = m_dest;
    for (int depth = 0; depth < 128 && info.isSymLink(); ++depth) {
        info.setFile(info.symLinkTarget());
        m_target = info.filePath();
    }
    m_partialPath = m_target + QLatin1String(kPartialSuffix);
    m_sidecarPath = m_target + QLatin1String(kSidecarSuffix);

    const QByteArray path = QFile::encodeName(m_partialPath);
    struct stat existing = {};
    const bool replacing = ::stat(QFile::encodeName(m_target).constData(), &existing) == 0;
    // A file that replaces another is no more readable than that one, even while it downloads.
    // Never through a symlink someone put there, and never anything but a plain file.
    const int fd = ::open(path.constData(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK,
                          replacing ? 0600 : 0666);
    if (fd < 0)
        return QStringLiteral("cannot create %1: %2").arg(m_partialPath, systemError());
    struct stat opened = {};
    if (::fstat(fd, &opened) != 0 || !S_ISREG(opened.st_mode)) {
        ::close(fd);
        return QStringLiteral("cannot create %1: it is not a file").arg(m_partialPath);
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const bool busy = errno == EWOULDBLOCK;
        const QString message
            = busy ? QStringLiteral("%1 is being downloaded by another task").arg(m_dest)
                   : QStringLiteral("cannot lock %1: %2").arg(m_partialPath, systemError());
        ::close(fd);
        return message;
    }
    if (replacing)
        (void)::fchmod(fd, existing.st_mode & 07777);
    m_partial = std::make_unique<QFile>();
    if (!m_partial->open(fd, QIODevice::ReadWrite | QIODevice::Unbuffered,
                         QFileDevice::AutoCloseHandle)) {
        ::close(fd);
        m_partial.reset();
        return QStringLiteral("cannot open %1").arg(m_partialPath);
    }
    return QString();
}

DownloadTask::Validator DownloadTask::readSidecar() const
{
    QFile file(m_sidecarPath);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QJsonObject o = QJsonDocument::fromJson(file.read(kMaxSidecarBytes)).object();
    if (o.value(QStringLiteral("version")).toInt() != kSidecarVersion
        || QUrl(o.value(QStringLiteral("url")).toString(), QUrl::StrictMode) != m_url
        || !o.value(QStringLiteral("length")).isDouble())
        return {};
    Validator validator;
    validator.etag = o.value(QStringLiteral("etag")).toString().toLatin1();
    validator.lastModified = o.value(QStringLiteral("lastModified")).toString().toLatin1();
    validator.length = qint64(o.value(QStringLiteral("length")).toDouble());
    if (validator.length < -1)
        return {};
    return validator;
}

bool DownloadTask::writeSidecar(const Validator &validator)
{
    QJsonObject o{{QStringLiteral("version"), kSidecarVersion},
                  {QStringLiteral("url"), m_url.toString(QUrl::FullyEncoded)},
                  {QStringLiteral("length"), double(validator.length)}};
    if (!validator.etag.isEmpty())
        o.insert(QStringLiteral("etag"), QString::fromLatin1(validator.etag));
    if (!validator.lastModified.isEmpty())
        o.insert(QStringLiteral("lastModified"), QString::fromLatin1(validator.lastModified));
    // Owner-only: the URL may carry a token. commit() syncs it before the rename.
    QSaveFile file(m_sidecarPath);
    return file.open(QIODevice::WriteOnly)
           && file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)
           && file.write(QJsonDocument(o).toJson(QJsonDocument::Compact)) >= 0 && file.commit();
}

DownloadTask::Validator DownloadTask::validatorOf(const QNetworkReply &reply, qint64 length) const
{
    Validator validator;
    validator.length = length;
    const QByteArray etag = reply.rawHeader("ETag").trimmed();
    // If-Range takes only strong validators: an ETag not marked weak, or else a date at least
    // a second before the answer's own (RFC 9110 8.8.2.2, 13.1.5).
    if (etag.startsWith('"') && etag.endsWith('"') && etag.size() >= 2) {
        validator.etag = etag;
        return validator;
    }
    const QByteArray modified = reply.rawHeader("Last-Modified").trimmed();
    const QDateTime when = httpDate(modified);
    const QDateTime now = httpDate(reply.rawHeader("Date"));
    if (when.isValid() && now.isValid() && when.secsTo(now) >= 1)
        validator.lastModified = modified;
    return validator;
}

void DownloadTask::hashPrefix(qint64 size)
{
    m_bytes = size;
    m_resumedFrom = size;
    m_highWater = size;
    progress()->setTotal(m_validator.length);
    progress()->setDone(size);
    m_prefix = std::make_shared<PrefixHash>();
    m_prefixWatcher = new QFutureWatcher<void>(this);
    connect(m_prefixWatcher, &QFutureWatcher<void>::finished, this, &DownloadTask::onPrefixHashed);
    m_prefixJob = QtConcurrent::run(
        m_pool, [prefix = m_prefix, path = m_partialPath, size](QPromise<void> &promise) {
            BackgroundPriority::applyToCurrentThread();
            QFile file(path);
            if (!file.open(QIODevice::ReadOnly))
                return;
            auto hash = std::make_unique<QCryptographicHash>(QCryptographicHash::Sha256);
            QByteArray buffer(1024 * 1024, Qt::Uninitialized);
            for (qint64 left = size; left > 0;) {
                if (promise.isCanceled())
                    return;
                const qint64 n = file.read(buffer.data(), qMin<qint64>(left, buffer.size()));
                if (n <= 0)
                    return;
                hash->addData(QByteArrayView(buffer.constData(), n));
                left -= n;
            }
            const std::lock_guard lock(prefix->mutex);
            prefix->hash = std::move(hash);
        });
    m_prefixWatcher->setFuture(m_prefixJob);
}

void DownloadTask::onPrefixHashed()
{
    if (outcome() != Outcome::Pending)
        return;
    std::unique_ptr<QCryptographicHash> hash;
    {
        const std::lock_guard lock(m_prefix->mutex);
        hash = std::move(m_prefix->hash);
    }
    if (hash) {
        m_sha256 = std::move(hash);
    } else if (QString problem; !startOver(&problem)) { // the partial shrank under us
        abortWith(ioError(problem));
        return;
    }
    attemptWhenRunning();
}

bool DownloadTask::isStopped() const
{
    return Task::isStopped() && m_prefixJob.isFinished();
}

bool DownloadTask::startOver(QString *error)
{
    m_sha256->reset();
    m_bytes = 0;
    m_resumedFrom = 0;
    progress()->setDone(0);
    // Emptied (and that synced) before a sidecar may name other bytes.
    if (!m_partial->resize(0) || !m_partial->seek(0) || ::fdatasync(m_partial->handle()) != 0) {
        *error = QStringLiteral("cannot write %1: %2").arg(m_partialPath, m_partial->errorString());
        return false;
    }
    return true;
}

void DownloadTask::attemptWhenRunning()
{
    if (m_paused) {
        m_attemptDue = true;
        return;
    }
    attempt();
}

void DownloadTask::attempt()
{
    m_attemptDue = false;
    m_redirects = 0;
    m_rangeFrom = resumable() && m_bytes > 0 ? m_bytes : -1;
    if (!m_partial->seek(m_bytes)) {
        abortWith(ioError(
            QStringLiteral("cannot write %1: %2").arg(m_partialPath, m_partial->errorString())));
        return;
    }
    request(m_url);
}

void DownloadTask::request(const QUrl &url)
{
    m_current = url;
    m_ticket = m_hosts->acquire(url, [this] { send(); });
}

void DownloadTask::send()
{
    QNetworkRequest request(m_current);
    // Bytes as served, so Content-Length is the progress total and the checksum's input.
    request.setRawHeader("Accept-Encoding", "identity");
    // On every hop: a redirect ignores it, and the file's own server answers it.
    if (m_rangeFrom >= 0) {
        request.setRawHeader("Range", "bytes=" + QByteArray::number(m_rangeFrom) + '-');
        request.setRawHeader("If-Range", m_validator.etag.isEmpty() ? m_validator.lastModified
                                                                    : m_validator.etag);
    }
    // One reply per hop, each checked here: Qt's own following (even user-verified) has
    // delivered finished() in the middle of a chain and then kept emitting for the next hop.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    m_headersReceived = false;
    m_replyFinished = false;
    m_reply = m_network->get(request);
    m_reply->setParent(this);
    // A bounded buffer: when paused we stop reading and the socket stops with it.
    m_reply->setReadBufferSize(kReadBufferSize);
    connect(m_reply, &QNetworkReply::metaDataChanged, this, &DownloadTask::onMetaDataChanged);
    connect(m_reply, &QNetworkReply::readyRead, this, &DownloadTask::onReadyRead);
    connect(m_reply, &QNetworkReply::finished, this, &DownloadTask::onFinished);
    m_connectTimer->start(m_connectTimeoutMs);
}

void DownloadTask::pause()
{
    m_paused = true;
    if (m_stallTimer)
        m_stallTimer->stop();
    if (m_retryTimer && m_retryTimer->isActive()) {
        m_retryTimer->stop();
        m_attemptDue = true;
    }
}

void DownloadTask::resume()
{
    m_paused = false;
    if (m_attemptDue) {
        attempt();
        return;
    }
    if (!m_reply)
        return;
    if (m_headersReceived && !m_replyFinished)
        m_stallTimer->start(m_stallTimeoutMs);
    // Take what arrived meanwhile, then finish if the reply already has.
    QMetaObject::invokeMethod(
        this,
        [this] {
            onReadyRead();
            if (m_replyFinished && m_reply)
                onFinished();
        },
        Qt::QueuedConnection);
}

void DownloadTask::cancel()
{
    if (outcome() != Outcome::Pending)
        return;
    stopWork();
    closePartial(stopReason() != StopReason::Cancelled && resumable() && m_bytes > 0);
    finishCancelled();
}

void DownloadTask::onMetaDataChanged()
{
    if (m_headersReceived)
        return;
    m_headersReceived = true;
    m_connectTimer->stop();
    const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    QUrl target;
    TaskError error{QString(), QString()};
    bool follow = false;
    bool startAgain = false;
    if (status >= 200 && status < 300) {
        if (take(status, &startAgain, &error))
            return;
    } else if (status == 416 && m_rangeFrom >= 0) {
        startAgain = true; // the partial is not a prefix of what the server has
    } else {
        follow = redirectTarget(status, &target, &error);
    }
    // This answer ends the hop. Nothing more of this reply may reach us (its finished() may
    // be queued already), and it is aborted outside its own signal, which upsets it.
    m_reply->disconnect(this);
    QMetaObject::invokeMethod(
        this,
        [this, follow, startAgain, target, error] {
            if (outcome() != Outcome::Pending)
                return;
            if (startAgain) {
                // A server that answers ranges wrongly is asked for the whole file, once more
                // and never again for a range: nothing of this partial can be trusted.
                dropReply();
                m_rangesTrusted = false;
                QFile::remove(m_sidecarPath);
                QString problem;
                if (!startOver(&problem)) {
                    abortWith(ioError(problem));
                    return;
                }
                attempt();
                return;
            }
            if (!follow) {
                abortWith(error);
                return;
            }
            dropReply();
            ++m_redirects;
            request(target);
        },
        Qt::QueuedConnection);
}

bool DownloadTask::take(int status, bool *startAgain, TaskError *error)
{
    if (status == 206) {
        if (m_rangeFrom < 0) {
            *error = networkError(
                QStringLiteral("HTTP 206 Partial Content to a request for the whole file"),
                {{QStringLiteral("status"), status}});
            return false;
        }
        QString problem;
        if (!takeRange(&problem)) {
            *startAgain = true;
            return false;
        }
    } else {
        // Parsed here: Qt reads a length beyond 64 bits as none and takes whatever comes.
        const QByteArray declared = m_reply->rawHeader("Content-Length").trimmed();
        bool valid = true;
        const qint64 length = declared.isEmpty() ? -1 : declared.toLongLong(&valid);
        if (!valid || length < -1) {
            *error = networkError(QStringLiteral("invalid Content-Length: %1")
                                      .arg(QString::fromLatin1(declared.left(40))));
            return false;
        }
        // The whole file: the server ignored the range, or the file changed since.
        QString problem;
        if (m_bytes > 0 && !startOver(&problem)) {
            *error = ioError(problem);
            return false;
        }
        m_answerEnd = length;
        m_total = length;
        m_validator = m_rangesTrusted ? validatorOf(*m_reply, length) : Validator();
        // Written before any byte it speaks for; without it nothing is resumed.
        if (!m_validator.isValid() || !writeSidecar(m_validator)) {
            m_validator = {};
            QFile::remove(m_sidecarPath);
        }
    }
    m_taken = true;
    progress()->setTotal(m_total);
    if (!m_paused)
        m_stallTimer->start(m_stallTimeoutMs);
    return true;
}

bool DownloadTask::takeRange(QString *problem)
{
    static const QRegularExpression pattern(QStringLiteral("^bytes (\\d+)-(\\d+)/(\\d+|\\*)$"));
    const QByteArray header = m_reply->rawHeader("Content-Range").trimmed();
    const auto match = pattern.match(QString::fromLatin1(header));
    bool ok = match.hasMatch();
    const qint64 first = ok ? match.captured(1).toLongLong(&ok) : -1;
    bool lastOk = false;
    const qint64 last = ok ? match.captured(2).toLongLong(&lastOk) : -1;
    const bool known = ok && match.captured(3) != QLatin1String("*");
    bool totalOk = !known;
    const qint64 total = known ? match.captured(3).toLongLong(&totalOk) : -1;
    if (!ok || !lastOk || !totalOk || first != m_rangeFrom || last < first
        || (known && last >= total) || (m_validator.length >= 0 && total != m_validator.length)) {
        *problem = QStringLiteral("Content-Range %1 for bytes %2-").arg(header).arg(m_rangeFrom);
        return false;
    }
    const QByteArray declared = m_reply->rawHeader("Content-Length").trimmed();
    if (!declared.isEmpty() && declared.toLongLong() != last - first + 1) {
        *problem = QStringLiteral("Content-Length %1 for Content-Range %2").arg(declared, header);
        return false;
    }
    // A server that ignores If-Range sends a range of whatever it has now.
    const bool same
        = m_validator.etag.isEmpty()
              ? m_reply->rawHeader("Last-Modified").trimmed() == m_validator.lastModified
              : m_reply->rawHeader("ETag").trimmed() == m_validator.etag;
    if (!same) {
        *problem = QStringLiteral("a range of another version of the file");
        return false;
    }
    m_answerEnd = last + 1;
    m_total = total;
    return true;
}

bool DownloadTask::redirectTarget(int status, QUrl *target, TaskError *error) const
{
    const QString reason
        = m_reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
    const QString statusLine = QStringLiteral("HTTP %1 %2").arg(status).arg(reason).trimmed();
    const QByteArray location = m_reply->rawHeader("Location").trimmed();
    if (!isRedirect(status) || location.isEmpty()) {
        *error = networkError(isRedirect(status)
                                  ? statusLine + QLatin1String(" without a Location header")
                                  : statusLine,
                              {{QStringLiteral("status"), status}});
        return false;
    }
    if (m_redirects >= DownloadTask::kMaxRedirects) {
        *error = networkError(
            QStringLiteral("too many redirects (limit %1)").arg(DownloadTask::kMaxRedirects),
            {{QStringLiteral("redirects"), m_redirects}});
        return false;
    }
    const QString raw = QString::fromUtf8(location);
    const QJsonObject details{{QStringLiteral("redirects"), m_redirects},
                              {QStringLiteral("location"), raw}};
    const QUrl relative = QUrl::fromEncoded(location);
    *target = m_current.resolved(relative);
    if (!relative.isValid() || !target->isValid()) {
        *error = networkError(
            QStringLiteral("refused redirect to an invalid Location: %1").arg(raw), details);
        return false;
    }
    if (!isHttp(*target) || target->host().isEmpty()) {
        *error = networkError(
            QStringLiteral("refused redirect to %1 (only http and https)").arg(target->toString()),
            details);
        return false;
    }
    if (m_current.scheme() == QLatin1String("https") && target->scheme() == QLatin1String("http")) {
        *error = networkError(
            QStringLiteral("refused redirect from https down to http: %1").arg(target->toString()),
            details);
        return false;
    }
    return true;
}

void DownloadTask::onReadyRead()
{
    if (m_paused || !m_reply || !m_headersReceived || outcome() != Outcome::Pending)
        return;
    if (!m_replyFinished)
        m_stallTimer->start(m_stallTimeoutMs);
    char buffer[64 * 1024];
    for (;;) {
        const qint64 n = m_reply->read(buffer, sizeof buffer);
        if (n <= 0)
            break;
        if (m_partial->write(buffer, n) != n) {
            abortWith(ioError(QStringLiteral("cannot write %1: %2")
                                  .arg(m_partialPath, m_partial->errorString())));
            return;
        }
        m_sha256->addData(QByteArrayView(buffer, n));
        m_bytes += n;
        progress()->setDone(m_bytes);
    }
}

void DownloadTask::onFinished()
{
    m_replyFinished = true;
    m_connectTimer->stop();
    m_stallTimer->stop();
    if (m_paused || outcome() != Outcome::Pending)
        return;
    if (m_reply->error() != QNetworkReply::NoError) {
        // A close in the middle of a body with a known length says how much was missing.
        if (m_reply->error() == QNetworkReply::RemoteHostClosedError && m_headersReceived
            && m_answerEnd >= 0) {
            onReadyRead();
            if (outcome() == Outcome::Pending)
                interrupted(closedEarly());
            return;
        }
        interrupted(replyError());
        return;
    }
    const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (!m_headersReceived || status < 200 || status >= 300) {
        abortWith(networkError(QStringLiteral("no valid HTTP answer (status %1)").arg(status)));
        return;
    }
    onReadyRead();
    if (outcome() != Outcome::Pending)
        return;
    if (m_answerEnd >= 0 && m_bytes != m_answerEnd) {
        interrupted(closedEarly());
        return;
    }
    if (m_total >= 0 && m_bytes < m_total) {
        // A 206 may end before the file does: ask for the rest.
        dropReply();
        attempt();
        return;
    }
    commit();
}

void DownloadTask::interrupted(TaskError error)
{
    if (outcome() != Outcome::Pending)
        return;
    if (!m_taken || !resumable()) {
        abortWith(error);
        return;
    }
    if (m_bytes > m_highWater) {
        m_highWater = m_bytes;
        m_fruitlessRetries = 0;
    }
    if (m_fruitlessRetries == kMaxRetries) {
        QJsonObject details = error.details();
        details.insert(QStringLiteral("retries"), m_retries);
        abortWith(TaskError(error.code(), error.message(), details));
        return;
    }
    ++m_retries;
    ++m_fruitlessRetries;
    dropReply();
    m_connectTimer->stop();
    m_stallTimer->stop();
    m_retryTimer->start(kRetryDelayMs << (m_fruitlessRetries - 1));
}

void DownloadTask::commit()
{
    const QByteArray sha256 = m_sha256->result().toHex();
    if (!m_expectedSha256.isEmpty() && sha256 != m_expectedSha256) {
        abortWith(TaskError(
            QStringLiteral("checksum_mismatch"),
            QStringLiteral("sha256 of the download is %1, expected %2")
                .arg(QString::fromLatin1(sha256), QString::fromLatin1(m_expectedSha256)),
            QJsonObject{{QStringLiteral("expected"), QString::fromLatin1(m_expectedSha256)},
                        {QStringLiteral("actual"), QString::fromLatin1(sha256)}}));
        return;
    }
    // The mode of the file it replaces, as it is now; synced before the rename, so that dest
    // is the old file or the whole new one whatever happens to the machine.
    const QByteArray target = QFile::encodeName(m_target);
    struct stat existing = {};
    if (::stat(target.constData(), &existing) == 0)
        (void)::fchmod(m_partial->handle(), existing.st_mode & 07777);
    if (::fsync(m_partial->handle()) != 0
        || ::rename(QFile::encodeName(m_partialPath).constData(), target.constData()) != 0) {
        abortWith(ioError(QStringLiteral("cannot write %1: %2").arg(m_dest, systemError())));
        return;
    }
    QFile::remove(m_sidecarPath);
    m_partial.reset();
    stopWork();
    complete(QJsonObject{{QStringLiteral("bytes"), double(m_bytes)},
                         {QStringLiteral("path"), m_dest},
                         {QStringLiteral("sha256"), QString::fromLatin1(sha256)},
                         {QStringLiteral("url"), m_current.toString()},
                         {QStringLiteral("redirects"), m_redirects},
                         {QStringLiteral("resumedFrom"), double(m_resumedFrom)},
                         {QStringLiteral("retries"), m_retries}});
}

void DownloadTask::abortWith(TaskError error)
{
    if (outcome() != Outcome::Pending)
        return;
    stopWork();
    const bool keep
        = resumable() && m_bytes > 0 && error.code() != QLatin1String("checksum_mismatch");
    if (keep) {
        QJsonObject details = error.details();
        details.insert(QStringLiteral("partial"), m_partialPath);
        details.insert(QStringLiteral("partialBytes"), double(m_bytes));
        error = TaskError(error.code(), error.message(), details);
    }
    closePartial(keep);
    fail(error);
}

void DownloadTask::dropReply()
{
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
        m_reply = nullptr;
    }
    // After the abort, so the connection is free before the next waiting request is sent.
    if (m_hosts)
        m_hosts->release(std::exchange(m_ticket, 0));
}

void DownloadTask::stopWork()
{
    if (m_connectTimer)
        m_connectTimer->stop();
    if (m_stallTimer)
        m_stallTimer->stop();
    if (m_retryTimer)
        m_retryTimer->stop();
    m_prefixJob.cancel();
    dropReply();
}

void DownloadTask::closePartial(bool keep)
{
    if (!m_partial)
        return;
    // Removed while still locked, so no other task can have taken it meanwhile.
    if (!keep) {
        QFile::remove(m_partialPath);
        QFile::remove(m_sidecarPath);
    }
    m_partial.reset();
}

TaskError DownloadTask::closedEarly() const
{
    return networkError(QStringLiteral("connection closed after %1 of %2 bytes")
                            .arg(m_bytes)
                            .arg(m_total >= 0 ? m_total : m_answerEnd));
}

TaskError DownloadTask::networkError(const QString &message, QJsonObject details) const
{
    details.insert(QStringLiteral("url"), m_url.toString());
    if (m_redirects > 0 && !details.contains(QStringLiteral("redirects")))
        details.insert(QStringLiteral("redirects"), m_redirects);
    return TaskError(QStringLiteral("network_error"), message, details);
}

TaskError DownloadTask::replyError() const
{
    switch (m_reply->error()) {
    case QNetworkReply::ConnectionRefusedError:
        return networkError(QStringLiteral("connection refused"));
    case QNetworkReply::RemoteHostClosedError:
        return networkError(QStringLiteral("connection closed by the server"));
    case QNetworkReply::HostNotFoundError:
        return networkError(QStringLiteral("host not found: %1").arg(m_current.host()));
    case QNetworkReply::TimeoutError:
        return networkError(QStringLiteral("connection timed out"));
    case QNetworkReply::ProtocolFailure:
        return networkError(QStringLiteral("invalid HTTP response"));
    default:
        return networkError(m_reply->errorString());
    }
}

TaskError DownloadTask::ioError(const QString &message) const
{
    return TaskError(QStringLiteral("io_error"), message);
}

} // namespace Conduit
