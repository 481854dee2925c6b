#include "DownloadTask.h"

#include "TaskParams.h"

#include <QDir>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTemporaryFile>
#include <QTimer>

#include <cstdio>

namespace Conduit {

namespace {
constexpr qint64 kReadBufferSize = 256 * 1024;

bool isHttp(const QUrl &url)
{
    return url.scheme() == QLatin1String("http") || url.scheme() == QLatin1String("https");
}

TaskError networkError(const QString &message, const QUrl &url)
{
    return TaskError(QStringLiteral("network_error"), message,
                     QJsonObject{{QStringLiteral("url"), url.toString()}});
}

QString seconds(int ms)
{
    return ms % 1000 == 0 ? QString::number(ms / 1000) : QString::number(ms / 1000.0, 'f', 1);
}
} // namespace

DownloadTask::DownloadTask(const QJsonObject &params, QObject *parent)
    : Task(QStringLiteral("download"), QStringLiteral("bytes"), parent)
{
    const TaskParams reader(params, {QStringLiteral("url"), QStringLiteral("dest"),
                                     QStringLiteral("sha256"), QStringLiteral("connectTimeoutMs"),
                                     QStringLiteral("stallTimeoutMs")});
    const QString url = reader.requiredString(QStringLiteral("url"));
    m_url = QUrl(url, QUrl::StrictMode);
    if (!m_url.isValid() || !isHttp(m_url) || m_url.host().isEmpty())
        throw TaskError::invalidArgument(QStringLiteral("url"),
                                         QStringLiteral("url must be an http or https URL"));
    m_dest = reader.path(QStringLiteral("dest"), TaskParams::Check::ParentFolder);
    const QString sha256 = reader.string(QStringLiteral("sha256"), {});
    if (!sha256.isEmpty()) {
        m_expectedSha256 = sha256.toLatin1().toLower();
        if (m_expectedSha256.size() != 64
            || QByteArray::fromHex(m_expectedSha256).toHex() != m_expectedSha256)
            throw TaskError::invalidArgument(QStringLiteral("sha256"),
                                             QStringLiteral("sha256 must be 64 hex digits"));
    }
    m_connectTimeoutMs = int(reader.integer(QStringLiteral("connectTimeoutMs"), 15000, 1, 600'000));
    m_stallTimeoutMs = int(reader.integer(QStringLiteral("stallTimeoutMs"), 30000, 1, 3'600'000));
}

DownloadTask::~DownloadTask()
{
    discard();
}

void DownloadTask::start(const TaskServices &services)
{
    m_part = std::make_unique<QTemporaryFile>(m_dest + QStringLiteral(".part-XXXXXX"));
    if (!m_part->open()) {
        const QString message = QStringLiteral("cannot create a file beside %1: %2")
                                    .arg(m_dest, m_part->errorString());
        m_part.reset();
        fail(TaskError(QStringLiteral("io_error"), message));
        return;
    }

    QNetworkRequest request(m_url);
    // Bytes as served, so Content-Length is the progress total and the checksum's input.
    request.setRawHeader("Accept-Encoding", "identity");
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::UserVerifiedRedirectPolicy);
    request.setMaximumRedirectsAllowed(10);
    m_reply = services.network->get(request);
    m_reply->setParent(this);
    // A bounded buffer: when paused we stop reading and the socket stops with it.
    m_reply->setReadBufferSize(kReadBufferSize);

    connect(m_reply, &QNetworkReply::redirected, this, [this](const QUrl &target) {
        const bool downgrade = m_reply->url().scheme() == QLatin1String("https")
                               && target.scheme() == QLatin1String("http");
        if (!isHttp(target) || downgrade) {
            abortWith(networkError(QStringLiteral("refused redirect to %1").arg(target.toString()),
                                   m_url));
            return;
        }
        Q_EMIT m_reply->redirectAllowed();
    });
    connect(m_reply, &QNetworkReply::metaDataChanged, this, &DownloadTask::onMetaDataChanged);
    connect(m_reply, &QNetworkReply::readyRead, this, &DownloadTask::onReadyRead);
    connect(m_reply, &QNetworkReply::finished, this, &DownloadTask::onFinished);

    m_connectTimer = new QTimer(this);
    m_connectTimer->setSingleShot(true);
    connect(m_connectTimer, &QTimer::timeout, this,
            [this] { abortWith(networkError(QStringLiteral("connection timed out"), m_url)); });
    m_connectTimer->start(m_connectTimeoutMs);

    m_stallTimer = new QTimer(this);
    m_stallTimer->setSingleShot(true);
    connect(m_stallTimer, &QTimer::timeout, this, [this] {
        abortWith(
            networkError(QStringLiteral("no data for %1 s").arg(seconds(m_stallTimeoutMs)), m_url));
    });
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
    const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status >= 300 && status < 400)
        return; // a redirect: the next response counts
    m_connectTimer->stop();
    m_headersReceived = true;
    if (status >= 400) {
        // Not from inside the reply's own signal: aborting there upsets QNetworkReply.
        QMetaObject::invokeMethod(
            this, [this, error = replyError()] { abortWith(error); }, Qt::QueuedConnection);
        return;
    }
    const QVariant length = m_reply->header(QNetworkRequest::ContentLengthHeader);
    progress()->setTotal(length.isValid() ? length.toLongLong() : -1);
    if (!m_paused)
        m_stallTimer->start(m_stallTimeoutMs);
}

void DownloadTask::onReadyRead()
{
    if (m_paused || !m_reply || outcome() != Outcome::Pending)
        return;
    if (!m_replyFinished && m_headersReceived)
        m_stallTimer->start(m_stallTimeoutMs);
    char buffer[64 * 1024];
    for (;;) {
        const qint64 n = m_reply->read(buffer, sizeof buffer);
        if (n <= 0)
            break;
        if (m_part->write(buffer, n) != n) {
            abortWith(TaskError(QStringLiteral("io_error"),
                                QStringLiteral("cannot write %1: %2")
                                    .arg(m_part->fileName(), m_part->errorString())));
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
    if (m_reply->error() != QNetworkReply::NoError) {
        abortWith(replyError());
        return;
    }
    const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status >= 400) {
        abortWith(replyError());
        return;
    }
    onReadyRead();
    const qint64 total = progress()->total();
    if (total >= 0 && m_bytes != total) {
        abortWith(networkError(
            QStringLiteral("connection reset by peer after %1 of %2 bytes").arg(m_bytes).arg(total),
            m_url));
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
    // Rename over dest: atomic on one file system, and replaces an older file.
    const QString partName = m_part->fileName();
    if (!m_part->flush()) {
        abortWith(
            TaskError(QStringLiteral("io_error"),
                      QStringLiteral("cannot write %1: %2").arg(partName, m_part->errorString())));
        return;
    }
    m_part->setAutoRemove(false);
    m_part->close();
    if (std::rename(QFile::encodeName(partName).constData(), QFile::encodeName(m_dest).constData())
        != 0) {
        QFile::remove(partName);
        m_part.reset();
        abortWith(TaskError(QStringLiteral("io_error"),
                            QStringLiteral("cannot rename %1 to %2").arg(partName, m_dest)));
        return;
    }
    m_part.reset();
    m_reply->deleteLater();
    m_reply = nullptr;
    complete(QJsonObject{{QStringLiteral("bytes"), double(m_bytes)},
                         {QStringLiteral("path"), m_dest},
                         {QStringLiteral("sha256"), QString::fromLatin1(sha256)}});
}

void DownloadTask::abortWith(const TaskError &error)
{
    if (outcome() != Outcome::Pending)
        return;
    discard();
    fail(error);
}

void DownloadTask::discard()
{
    if (m_connectTimer)
        m_connectTimer->stop();
    if (m_stallTimer)
        m_stallTimer->stop();
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
        m_reply = nullptr;
    }
    m_part.reset(); // QTemporaryFile removes the .part file
}

TaskError DownloadTask::replyError() const
{
    const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status >= 400) {
        const QString reason
            = m_reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
        auto error
            = networkError(QStringLiteral("HTTP %1 %2").arg(status).arg(reason).trimmed(), m_url);
        return TaskError(error.code(), error.message(),
                         QJsonObject{{QStringLiteral("url"), m_url.toString()},
                                     {QStringLiteral("status"), status}});
    }
    switch (m_reply->error()) {
    case QNetworkReply::ConnectionRefusedError:
        return networkError(QStringLiteral("connection refused"), m_url);
    case QNetworkReply::RemoteHostClosedError:
        return networkError(QStringLiteral("connection reset by peer"), m_url);
    case QNetworkReply::HostNotFoundError:
        return networkError(QStringLiteral("host not found: %1").arg(m_url.host()), m_url);
    case QNetworkReply::ProtocolUnknownError: // only a redirect can lead there
        return networkError(QStringLiteral("refused redirect to %1")
                                .arg(m_reply->attribute(QNetworkRequest::RedirectionTargetAttribute)
                                         .toUrl()
                                         .toString()),
                            m_url);
    case QNetworkReply::TimeoutError:
        return networkError(QStringLiteral("connection timed out"), m_url);
    default:
        return networkError(m_reply->errorString(), m_url);
    }
}

} // namespace Conduit
