// SPDX-License-Identifier: MIT
#pragma once

#include "DownloadHostQueue.h"
#include "Task.h"

#include <QCryptographicHash>
#include <QFuture>
#include <QJsonObject>
#include <QPointer>
#include <QUrl>

#include <memory>

class QFile;
class QNetworkAccessManager;
class QNetworkReply;
class QThreadPool;
class QTimer;
template<typename T> class QFutureWatcher;

namespace Conduit {

// download {url, dest, sha256?, connectTimeoutMs = 15000, stallTimeoutMs = 30000}
//   → {bytes, path, sha256, url, redirects, resumedFrom, retries}
// HTTP(S) GET on the manager's thread, streamed into the partial file, dest + kPartialSuffix
// (beside the file a symlink at dest names), and renamed over dest only on success, so an
// existing dest stays byte-identical until then. A new file gets 0666 & ~umask; a replaced one
// keeps its mode. Two tasks never write one partial: the second fails with io_error (a lock that
// dies with its process).
// - Success is a final 2xx answer whose body matches its Content-Length (when given) and the
//   sha256 (when given; it covers the whole file, the bytes resumed from too). Anything else
//   fails with network_error: "HTTP 404 Not Found" {status}, a connection closed, reset or
//   refused, a timeout.
// - Redirects (301, 302, 303, 307, 308) are followed by the task itself, one request each,
//   up to kMaxRedirects, to http(s) only and never from https down to http. The result's
//   `url` is the final one and `redirects` the number followed; a failed redirect reports
//   {redirects, location}. A 3xx without a Location fails like any final non-2xx answer.
// - connectTimeoutMs runs from sending a request to its answer's headers, stallTimeoutMs
//   between body reads. Before sending, a download waits untimed in DownloadHostQueue for a
//   connection to its host, so many downloads from one host queue instead of timing out.
// - Pausing stops reading (the reply's bounded read buffer then stops the socket).
// Resuming. An answer with a strong validator (an ETag not marked weak, or else a Last-Modified
// at least a second older than its Date) makes the partial resumable: before any byte of it,
// the sidecar dest + kSidecarSuffix (owner-only, written whole and synced) says
// {version: 1, url, etag?, lastModified?, length} (url as requested; length -1 if unknown). The
// partial's size is where it resumes, so however the process ends (kill -9 too) every byte in
// the partial is good. Without a validator there is no sidecar and nothing is ever resumed.
// - A task whose url and dest find a resumable partial reads it into its sha256 (on the pool,
//   `resumedFrom` bytes; a partial as long as its length keeps all but its last byte) and asks
//   with Range: bytes=<size>- and If-Range: <the validator>. A 206 whose Content-Range starts
//   there, with the length on record and the validator that was sent, is appended. A 200 (ranges
//   ignored, or the file changed) empties the partial and is taken whole. A 416 or any other 206
//   empties it and asks again without a range, and the task resumes nothing more.
// - Within a task, once a 2xx answer was taken: an interruption (the connection closed or reset
//   in the body, also while paused, a body short of its length, a stall, or on a later request
//   no answer or a refused connection) is continued with a range request while the download is
//   resumable, kRetryDelayMs after it, doubling with each interruption that brought no new byte;
//   after kMaxRetries of those in a row it fails (details.retries). Not resumable, or before the
//   first 2xx answer, it fails at once. A non-2xx answer fails at once.
// - Cancel removes the partial and its sidecar: the user does not want the file. A failure, a
//   timeout or a shutdown (quitting) keeps a resumable partial that has bytes, for a later task
//   to resume (a failure names it: details.partial, details.partialBytes); a sha256 mismatch
//   and anything not resumable remove it. The partial never has dest's name.
// Progress: bytes in the file (resumed ones included), total from Content-Length or
// Content-Range (-1 without one).
class DownloadTask final : public Task
{
    Q_OBJECT

public:
    static constexpr int kMaxRedirects = 10;
    static constexpr char kPartialSuffix[] = ".part";
    static constexpr char kSidecarSuffix[] = ".part.json";
    static constexpr int kMaxRetries = 3;
    static constexpr int kRetryDelayMs = 500;

    static const TaskKind &declaration();
    // params: checked against declaration().params
    explicit DownloadTask(const QJsonObject &params, QObject *parent = nullptr);
    ~DownloadTask() override;

    void start(const TaskServices &services) override;
    void pause() override;
    void resume() override;
    void cancel() override;
    bool isStopped() const override;

private:
    // What identifies the bytes in the partial: the sidecar's contents.
    struct Validator
    {
        QByteArray etag;
        QByteArray lastModified;
        qint64 length = -1;
        bool isValid() const { return !etag.isEmpty() || !lastModified.isEmpty(); }
    };

    QString openPartial();
    Validator readSidecar() const;
    bool writeSidecar(const Validator &validator);
    Validator validatorOf(const QNetworkReply &reply, qint64 length) const;
    bool resumable() const { return m_validator.isValid() && m_rangesTrusted; }
    void hashPrefix(qint64 size);
    void onPrefixHashed();
    bool startOver(QString *error);
    void attempt();
    void attemptWhenRunning();
    void request(const QUrl &url);
    void send();
    void onMetaDataChanged();
    // A 2xx answer: taken (returns true), or a reason to start over or fail.
    bool take(int status, bool *startAgain, TaskError *error);
    // A 206's Content-Range and validator against what was asked: taken, or a problem.
    bool takeRange(QString *problem);
    void onReadyRead();
    void onFinished();
    // What a non-2xx answer means: a redirect to follow (returns true) or a failure (error).
    bool redirectTarget(int status, QUrl *target, TaskError *error) const;
    void interrupted(TaskError error);
    void commit();
    void abortWith(TaskError error);
    void dropReply();
    void stopWork();
    void closePartial(bool keep);
    TaskError closedEarly() const;
    TaskError networkError(const QString &message, QJsonObject details = {}) const;
    TaskError replyError() const;
    TaskError ioError(const QString &message) const;

    QUrl m_url;
    QString m_dest;
    QByteArray m_expectedSha256;
    int m_connectTimeoutMs = 15000;
    int m_stallTimeoutMs = 30000;

    QString m_target; // dest, its symlinks followed: what the download replaces
    QString m_partialPath;
    QString m_sidecarPath;
    std::unique_ptr<QFile> m_partial; // open and locked while the task owns it
    Validator m_validator;            // of the partial's bytes; invalid: not resumable
    bool m_rangesTrusted = true;      // false once the server answered a range wrongly

    QThreadPool *m_pool = nullptr;
    QFuture<void> m_prefixJob;
    QFutureWatcher<void> *m_prefixWatcher = nullptr;
    struct PrefixHash;
    std::shared_ptr<PrefixHash> m_prefix;

    QPointer<QNetworkAccessManager> m_network;
    QPointer<DownloadHostQueue> m_hosts;
    DownloadHostQueue::Ticket m_ticket = 0;
    QUrl m_current; // the URL of the current request, after m_redirects redirects
    int m_redirects = 0;
    QPointer<QNetworkReply> m_reply;
    std::unique_ptr<QCryptographicHash> m_sha256;
    QTimer *m_connectTimer = nullptr;
    QTimer *m_stallTimer = nullptr;
    QTimer *m_retryTimer = nullptr;
    qint64 m_bytes = 0;         // in the partial, all of them hashed
    qint64 m_rangeFrom = -1;    // the current request's Range start; -1: the whole file
    qint64 m_answerEnd = -1;    // where the current answer's body ends; -1: at its close
    qint64 m_total = -1;        // the whole file's length; -1: unknown
    qint64 m_resumedFrom = 0;   // bytes of an earlier task's partial that stayed
    qint64 m_highWater = 0;     // the most bytes the partial has had in this task
    int m_retries = 0;          // requests that continued after an interruption
    int m_fruitlessRetries = 0; // of those, in a row since the partial last grew
    bool m_taken = false;       // a 2xx answer was taken in this task
    bool m_attemptDue = false;  // a request waits for resume()
    bool m_headersReceived = false;
    bool m_paused = false;
    bool m_replyFinished = false;
};

} // namespace Conduit
