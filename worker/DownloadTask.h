#pragma once

#include "Task.h"

#include <QCryptographicHash>
#include <QPointer>
#include <QUrl>

#include <memory>

class QNetworkReply;
class QTemporaryFile;
class QTimer;

namespace Conduit {

// download {url, dest, sha256?, connectTimeoutMs = 15000, stallTimeoutMs = 30000}
//   → {bytes, path, sha256}
// HTTP(S) GET on the manager's thread, streamed into `<dest>.part-XXXXXX` beside dest and
// renamed over dest on success; a failed or cancelled download removes it. (On Linux Qt
// opens it with O_TMPFILE, so it has no name at all until the rename: not even a crash
// leaves a stray .part file.) Pausing stops
// reading (the reply's bounded read buffer then stops the socket). Redirects are followed to
// http(s) only, never from https down to http. Progress: bytes, total from Content-Length.
class DownloadTask final : public Task
{
    Q_OBJECT

public:
    explicit DownloadTask(const QJsonObject &params, QObject *parent = nullptr);
    ~DownloadTask() override;

    void start(const TaskServices &services) override;
    void pause() override;
    void resume() override;
    void cancel() override;

private:
    void onMetaDataChanged();
    void onReadyRead();
    void onFinished();
    void abortWith(const TaskError &error);
    void discard();
    TaskError replyError() const;

    QUrl m_url;
    QString m_dest;
    QByteArray m_expectedSha256;
    int m_connectTimeoutMs = 15000;
    int m_stallTimeoutMs = 30000;

    QPointer<QNetworkReply> m_reply;
    std::unique_ptr<QTemporaryFile> m_part;
    QCryptographicHash m_sha256{QCryptographicHash::Sha256};
    QTimer *m_connectTimer = nullptr;
    QTimer *m_stallTimer = nullptr;
    qint64 m_bytes = 0;
    bool m_headersReceived = false;
    bool m_paused = false;
    bool m_replyFinished = false;
};

} // namespace Conduit
