// SPDX-License-Identifier: MIT
#include "DownloadTask.h"

#include "TaskKind.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSaveFile>
#include <QTimer>

namespace Conduit {

namespace {
constexpr qint64 kReadBufferSize = 256 * 1024;

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
} // namespace

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
            .required(QStringLiteral("redirects"), Schema::integer()));
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
    discard();
}

void DownloadTask::start(const TaskServices &services)
{
    m_file = std::make_unique<QSaveFile>(m_dest);
    if (!m_file->open(QIODevice::WriteOnly)) {
        const QString message = QStringLiteral("cannot create a file beside %1: %2")
                                    .arg(m_dest, m_file->errorString());
        m_file.reset();
        fail(TaskError(QStringLiteral("io_error"), message));
        return;
    }
    m_network = services.network();
    m_hosts = DownloadHostQueue::of(m_network);

    m_connectTimer = new QTimer(this);
    m_connectTimer->setSingleShot(true);
    connect(m_connectTimer, &QTimer::timeout, this, [this] {
        abortWith(networkError(
            QStringLiteral("no response within %1 s").arg(seconds(m_connectTimeoutMs))));
    });
    m_stallTimer = new QTimer(this);
    m_stallTimer->setSingleShot(true);
    connect(m_stallTimer, &QTimer::timeout, this, [this] {
        abortWith(networkError(QStringLiteral("no data for %1 s").arg(seconds(m_stallTimeoutMs))));
    });

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
}

void DownloadTask::resume()
{
    m_paused = false;
    if (!m_reply)
        return;
    if (m_headersReceived && !m_replyFinished)
        m_stallTimer->start(m_stallTimeoutMs);
    // Take what arrived meanwhile, then finish if the reply already has.
    QMetaObject::invokeMethod(
        this,
        [this] {
            onReadyRead();
            if (m_replyFinished)
                onFinished();
        },
        Qt::QueuedConnection);
}

void DownloadTask::cancel()
{
    if (outcome() != Outcome::Pending)
        return;
    discard();
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
    if (status >= 200 && status < 300) {
        // Parsed here: Qt reads a length beyond 64 bits as none and takes whatever comes.
        const QByteArray declared = m_reply->rawHeader("Content-Length").trimmed();
        bool valid = true;
        const qint64 length = declared.isEmpty() ? -1 : declared.toLongLong(&valid);
        if (valid && length >= -1) {
            progress()->setTotal(length);
            if (!m_paused)
                m_stallTimer->start(m_stallTimeoutMs);
            return;
        }
        error = networkError(QStringLiteral("invalid Content-Length: %1")
                                 .arg(QString::fromLatin1(declared.left(40))));
    } else {
        follow = redirectTarget(status, &target, &error);
    }
    // This answer ends the hop. Nothing more of this reply may reach us (its finished() may
    // be queued already), and it is aborted outside its own signal, which upsets it.
    m_reply->disconnect(this);
    QMetaObject::invokeMethod(
        this,
        [this, follow, target, error] {
            if (outcome() != Outcome::Pending)
                return;
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
        if (m_file->write(buffer, n) != n) {
            abortWith(TaskError(
                QStringLiteral("io_error"),
                QStringLiteral("cannot write %1: %2").arg(m_dest, m_file->errorString())));
            return;
        }
        m_sha256.addData(QByteArrayView(buffer, n));
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
    const qint64 total = progress()->total();
    if (m_reply->error() != QNetworkReply::NoError) {
        // A close in the middle of a body with a known length says how much was missing.
        if (m_reply->error() == QNetworkReply::RemoteHostClosedError && m_headersReceived
            && total >= 0) {
            onReadyRead();
            abortWith(networkError(
                QStringLiteral("connection closed after %1 of %2 bytes").arg(m_bytes).arg(total)));
            return;
        }
        abortWith(replyError());
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
    if (total >= 0 && m_bytes != total) {
        abortWith(networkError(
            QStringLiteral("connection closed after %1 of %2 bytes").arg(m_bytes).arg(total)));
        return;
    }
    const QByteArray sha256 = m_sha256.result().toHex();
    if (!m_expectedSha256.isEmpty() && sha256 != m_expectedSha256) {
        abortWith(TaskError(
            QStringLiteral("checksum_mismatch"),
            QStringLiteral("sha256 of the download is %1, expected %2")
                .arg(QString::fromLatin1(sha256), QString::fromLatin1(m_expectedSha256)),
            QJsonObject{{QStringLiteral("expected"), QString::fromLatin1(m_expectedSha256)},
                        {QStringLiteral("actual"), QString::fromLatin1(sha256)}}));
        return;
    }
    // The rename over dest: atomic on one file system, and the old file stays until then.
    if (!m_file->commit()) {
        const QString message
            = QStringLiteral("cannot write %1: %2").arg(m_dest, m_file->errorString());
        m_file.reset();
        abortWith(TaskError(QStringLiteral("io_error"), message));
        return;
    }
    m_file.reset();
    dropReply();
    complete(QJsonObject{{QStringLiteral("bytes"), double(m_bytes)},
                         {QStringLiteral("path"), m_dest},
                         {QStringLiteral("sha256"), QString::fromLatin1(sha256)},
                         {QStringLiteral("url"), m_current.toString()},
                         {QStringLiteral("redirects"), m_redirects}});
}

void DownloadTask::abortWith(const TaskError &error)
{
    if (outcome() != Outcome::Pending)
        return;
    discard();
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

void DownloadTask::discard()
{
    if (m_connectTimer)
        m_connectTimer->stop();
    if (m_stallTimer)
        m_stallTimer->stop();
    dropReply();
    m_file.reset(); // without commit() QSaveFile removes its temporary file
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

} // namespace Conduit
