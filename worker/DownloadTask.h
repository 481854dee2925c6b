// SPDX-License-Identifier: MIT
#pragma once

#include "DownloadHostQueue.h"
#include "Task.h"

#include <QCryptographicHash>
#include <QJsonObject>
#include <QPointer>
#include <QUrl>

#include <memory>

class QNetworkAccessManager;
class QNetworkReply;
class QSaveFile;
class QTimer;

namespace Conduit {

// download {url, dest, sha256?, connectTimeoutMs = 15000, stallTimeoutMs = 30000}
//   → {bytes, path, sha256, url, redirects}
// HTTP(S) GET on the manager's thread, streamed into a QSaveFile beside dest and renamed over
// it only on success, so a failure or cancel leaves an existing dest byte-identical and no
// temporary file (on Linux it is an O_TMPFILE without a name until the rename). A new file
// gets 0666 & ~umask; a replaced one keeps its mode.
// - Success is a final 2xx answer whose body matches its Content-Length (when given) and the
//   sha256 (when given). Anything else fails with network_error: "HTTP 404 Not Found"
//   {status}, a connection closed, reset or refused, a timeout.
// - Redirects (301, 302, 303, 307, 308) are followed by the task itself, one request each,
//   up to kMaxRedirects, to http(s) only and never from https down to http. The result's
//   `url` is the final one and `redirects` the number followed; a failed redirect reports
//   {redirects, location}. A 3xx without a Location fails like any final non-2xx answer.
// - connectTimeoutMs runs from sending a request to its answer's headers, stallTimeoutMs
//   between body reads. Before sending, a download waits untimed in DownloadHostQueue for a
//   connection to its host, so many downloads from one host queue instead of timing out.
// - Pausing stops reading (the reply's bounded read buffer then stops the socket).
// Progress: bytes, total from Content-Length (-1 without one).
class DownloadTask final : public Task
{
    Q_OBJECT

public:
    static constexpr int kMaxRedirects = 10;

    static const TaskKind &declaration();
    // params: checked against declaration().params
    explicit DownloadTask(const QJsonObject &params, QObject *parent = nullptr);
    ~DownloadTask() override;

    void start(const TaskServices &services) override;
    void pause() override;
    void resume() override;
    void cancel() override;

private:
    void request(const QUrl &url);
    void send();
    void onMetaDataChanged();
    void onReadyRead();
    void onFinished();
    // What a non-2xx answer means: a redirect to follow (returns true) or a failure (error).
    bool redirectTarget(int status, QUrl *target, TaskError *error) const;
    void abortWith(const TaskError &error);
    void dropReply();
    void discard();
    TaskError networkError(const QString &message, QJsonObject details = {}) const;
    TaskError replyError() const;

    QUrl m_url;
    QString m_dest;
    QByteArray m_expectedSha256;
    int m_connectTimeoutMs = 15000;
    int m_stallTimeoutMs = 30000;

    QPointer<QNetworkAccessManager> m_network;
    QPointer<DownloadHostQueue> m_hosts;
    DownloadHostQueue::Ticket m_ticket = 0;
    QUrl m_current; // the URL of the current request, after m_redirects redirects
    int m_redirects = 0;
    QPointer<QNetworkReply> m_reply;
    std::unique_ptr<QSaveFile> m_file;
    QCryptographicHash m_sha256{QCryptographicHash::Sha256};
    QTimer *m_connectTimer = nullptr;
    QTimer *m_stallTimer = nullptr;
    qint64 m_bytes = 0;
    bool m_headersReceived = false;
    bool m_paused = false;
    bool m_replyFinished = false;
};

} // namespace Conduit
