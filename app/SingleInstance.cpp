// SPDX-License-Identifier: MIT
#include "SingleInstance.h"

#include <schema/Schema.h>
#include <schema/SchemaError.h>

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocalServer>
#include <QLocalSocket>
#include <QLoggingCategory>
#include <QScopeGuard>
#include <QThread>
#include <QTimer>
#include <QtEndian>

#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

namespace Conduit {

namespace {

Q_LOGGING_CATEGORY(lcInstance, "conduit.instance")

constexpr char kSocketName[] = "/conduit-instance";
constexpr char kLockName[] = "/conduit-instance.lock";
constexpr qint64 kLengthBytes = 4;

QByteArray frame(const QByteArray &json)
{
    QByteArray bytes(kLengthBytes, '\0');
    qToBigEndian<quint32>(quint32(json.size()), bytes.data());
    return bytes + json;
}

// The length a frame announces, once its first bytes have arrived.
std::optional<quint32> announcedLength(QLocalSocket &socket)
{
    if (socket.bytesAvailable() < kLengthBytes)
        return std::nullopt;
    return qFromBigEndian<quint32>(socket.peek(kLengthBytes).constData());
}

int remainingMs(const QDeadlineTimer &deadline)
{
    return int(std::max<qint64>(0, deadline.remainingTime()));
}

QString seconds(std::chrono::milliseconds duration)
{
    return QString::number(duration.count() / 1000.0);
}

std::optional<uid_t> peerUid(qintptr descriptor)
{
    ucred credentials{};
    socklen_t length = sizeof credentials;
    if (::getsockopt(int(descriptor), SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0
        || length != sizeof credentials)
        return std::nullopt;
    return credentials.uid;
}

const Schema &messageSchema()
{
    static const Schema schema
        = Schema::object()
              .required(QStringLiteral("arguments"), Schema::arrayOf(Schema::string()))
              .required(QStringLiteral("workingDirectory"), Schema::path())
              .optional(QStringLiteral("activationToken"), Schema::string().maxLength(4096))
              .required(QStringLiteral("expires"), Schema::integer());
    return schema;
}

} // namespace

SingleInstance::SingleInstance(QString directory, QObject *parent)
    : QObject(parent)
    , m_directory(std::move(directory))
{}

SingleInstance::~SingleInstance() = default; // the server, if any, removes its socket

QString SingleInstance::defaultDirectory()
{
    const QString runtime = qEnvironmentVariable("XDG_RUNTIME_DIR");
    if (QDir::isAbsolutePath(runtime) && !whyNotPrivate(runtime))
        return runtime;
    const QString fallback = QDir::tempPath() + QStringLiteral("/conduit-%1").arg(::geteuid());
    // Fails harmlessly when it exists; start() checks whose it is.
    ::mkdir(QFile::encodeName(fallback).constData(), 0700);
    return fallback;
}

SingleInstance::Message SingleInstance::ownMessage()
{
    return {QCoreApplication::arguments(), QDir::currentPath(),
            qEnvironmentVariable("XDG_ACTIVATION_TOKEN")};
}

std::optional<QString> SingleInstance::whyNotPrivate(const QString &directory)
{
    // O_NOFOLLOW: a link there could point anywhere, another user's folder among them.
    const int fd = ::open(QFile::encodeName(directory).constData(),
                          O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return tr("%1 is not a folder of its own: %2").arg(directory, qt_error_string(errno));
    struct stat status = {};
    const int error = ::fstat(fd, &status) == 0 ? 0 : errno;
    ::close(fd);
    if (error != 0)
        return tr("cannot read %1: %2").arg(directory, qt_error_string(error));
    if (status.st_uid != ::geteuid())
        return tr("%1 belongs to another user").arg(directory);
    if ((status.st_mode & 0777) != 0700)
        return tr("%1 has mode %2, not 0700")
            .arg(directory)
            .arg(status.st_mode & 0777, 4, 8, QLatin1Char('0'));
    return std::nullopt;
}

QString SingleInstance::socketPath() const
{
    return m_directory + QLatin1String(kSocketName);
}

SingleInstance::Role SingleInstance::start(const Message &message)
{
    const QDeadlineTimer deadline(kHandOffTimeout);
    if (m_directory.isEmpty())
        m_directory = defaultDirectory();
    if (const std::optional<QString> why = whyNotPrivate(m_directory))
        return standalone(*why);

    const QString lockPath = m_directory + QLatin1String(kLockName);
    const int lock = ::open(QFile::encodeName(lockPath).constData(),
                            O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (lock < 0)
        return standalone(tr("cannot open %1: %2").arg(lockPath, qt_error_string(errno)));
    auto unlock = qScopeGuard([lock] { ::close(lock); });
    while (::flock(lock, LOCK_EX | LOCK_NB) != 0) {
        if (errno != EWOULDBLOCK && errno != EINTR)
            return standalone(tr("cannot lock %1: %2").arg(lockPath, qt_error_string(errno)));
        if (deadline.hasExpired())
            return standalone(tr("another Conduit was starting and did not finish within %1 s")
                                  .arg(seconds(kHandOffTimeout)));
        QThread::msleep(10);
    }

    QLocalSocket socket;
    socket.connectToServer(socketPath());
    if (socket.waitForConnected(remainingMs(deadline))) {
        unlock.dismiss();
        ::close(lock); // the one listening is known: others need not wait for this hand-off
        return handOff(socket, message, deadline);
    }
    if (socket.error() != QLocalSocket::ServerNotFoundError
        && socket.error() != QLocalSocket::ConnectionRefusedError)
        return standalone(tr("cannot reach the running Conduit: %1").arg(socket.errorString()));
    // Nobody listens: no socket yet, or one a Conduit that crashed left behind.
    QLocalServer::removeServer(socketPath());
    m_server = new QLocalServer(this);
    m_server->setSocketOptions(QLocalServer::UserAccessOption);
    if (!m_server->listen(socketPath())) {
        const QString why = m_server->errorString();
        delete m_server;
        m_server = nullptr;
        return standalone(tr("cannot listen on %1: %2").arg(socketPath(), why));
    }
    connect(m_server, &QLocalServer::newConnection, this, &SingleInstance::acceptClients);
    return Role::Primary;
}

SingleInstance::Role SingleInstance::handOff(QLocalSocket &socket, const Message &message,
                                             const QDeadlineTimer &deadline)
{
    QJsonObject json{
        {QStringLiteral("arguments"), QJsonArray::fromStringList(message.arguments)},
        {QStringLiteral("workingDirectory"), message.workingDirectory},
        {QStringLiteral("expires"), double(deadline.deadline() - kAnswerMargin.count())}};
    if (!message.activationToken.isEmpty())
        json.insert(QStringLiteral("activationToken"), message.activationToken);
    const QByteArray body = QJsonDocument(json).toJson(QJsonDocument::Compact);
    if (body.size() > kMaxMessageBytes)
        return standalone(tr("the command line is too long to hand over (%1 bytes, at most %2)")
                              .arg(body.size())
                              .arg(kMaxMessageBytes));
    const auto noAnswer = [&] {
        return standalone(
            deadline.hasExpired()
                ? tr("the running Conduit did not answer within %1 s").arg(seconds(kHandOffTimeout))
                : tr("the running Conduit closed the connection: %1").arg(socket.errorString()));
    };
    socket.write(frame(body));
    while (socket.bytesToWrite() > 0) {
        if (!socket.waitForBytesWritten(remainingMs(deadline)))
            return noAnswer();
    }
    std::optional<quint32> length;
    while (!(length = announcedLength(socket))
           || socket.bytesAvailable() < kLengthBytes + qint64(*length)) {
        if (length && *length > kMaxMessageBytes)
            return standalone(tr("the running Conduit answered with %1 bytes").arg(*length));
        if (!socket.waitForReadyRead(remainingMs(deadline)))
            return noAnswer();
    }
    socket.read(kLengthBytes);
    const QJsonObject answer = QJsonDocument::fromJson(socket.read(*length)).object();
    if (answer.value(QStringLiteral("ok")).toBool())
        return Role::HandedOff;
    return standalone(tr("the running Conduit refused the command line: %1")
                          .arg(answer.value(QStringLiteral("error")).toString()));
}

SingleInstance::Role SingleInstance::standalone(const QString &why)
{
    m_problem = why;
    std::fprintf(stderr, "%s\n", qPrintable(tr("Conduit starts on its own: %1").arg(why)));
    return Role::Standalone;
}

void SingleInstance::acceptClients()
{
    while (QLocalSocket *client = m_server->nextPendingConnection()) {
        // The folder keeps others out; this holds even if its mode or the socket's changes.
        const std::optional<uid_t> uid = peerUid(client->socketDescriptor());
        if (uid != ::geteuid() || m_clients >= kMaxClients) {
            qCWarning(lcInstance).noquote()
                << "refused a connection:"
                << (!uid                  ? QStringLiteral("its peer is unknown")
                    : *uid != ::geteuid() ? QStringLiteral("from uid %1").arg(*uid)
                                          : QStringLiteral("too many at once"));
            client->abort();
            client->deleteLater();
            continue;
        }
        ++m_clients;
        connect(client, &QObject::destroyed, this, [this] { --m_clients; });
        connect(client, &QLocalSocket::disconnected, client, &QObject::deleteLater);
        client->setReadBufferSize(kLengthBytes + kMaxMessageBytes);
        // A client that does not finish in time gives its place up.
        QTimer::singleShot(kHandOffTimeout, client, [client] {
            client->abort();
            client->deleteLater();
        });
        connect(client, &QLocalSocket::readyRead, this, [this, client] { readFrom(client); });
        readFrom(client);
    }
}

void SingleInstance::readFrom(QLocalSocket *client)
{
    const std::optional<quint32> length = announcedLength(*client);
    if (!length)
        return;
    if (*length > kMaxMessageBytes)
        return refuse(client, tr("a message of %1 bytes is too large (at most %2)")
                                  .arg(*length)
                                  .arg(kMaxMessageBytes));
    if (client->bytesAvailable() < kLengthBytes + qint64(*length))
        return;
    client->read(kLengthBytes);
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(client->read(*length), &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return refuse(client,
                      tr("a malformed message: %1")
                          .arg(error.error != QJsonParseError::NoError ? error.errorString()
                                                                       : tr("not a JSON object")));
    QJsonObject fields;
    try {
        fields = messageSchema().validateObject(document.object());
    } catch (const SchemaError &schemaError) {
        return refuse(client, tr("a malformed message: %1").arg(schemaError.message()));
    }
    // Its sender gave up waiting (this process was busy): it runs the command line itself.
    if (QDeadlineTimer::current().deadline()
        >= qint64(fields.value(QStringLiteral("expires")).toDouble()))
        return refuse(client, tr("the command line came too late; its Conduit started on its own"));
    const Message message{fields.value(QStringLiteral("arguments")).toVariant().toStringList(),
                          fields.value(QStringLiteral("workingDirectory")).toString(),
                          fields.value(QStringLiteral("activationToken")).toString()};
    answer(client,
           QJsonDocument(QJsonObject{{QStringLiteral("ok"), true}}).toJson(QJsonDocument::Compact));
    Q_EMIT received(message);
}

void SingleInstance::stopListening()
{
    if (!m_server)
        return;
    m_server->close();
    delete m_server;
    m_server = nullptr;
}

void SingleInstance::refuse(QLocalSocket *client, const QString &why)
{
    qCWarning(lcInstance, "refused a command line handed over: %s", qPrintable(why));
    answer(client,
           QJsonDocument(QJsonObject{{QStringLiteral("ok"), false}, {QStringLiteral("error"), why}})
               .toJson(QJsonDocument::Compact));
}

void SingleInstance::answer(QLocalSocket *client, const QByteArray &json)
{
    // One message per connection: whatever follows is not read.
    disconnect(client, &QLocalSocket::readyRead, this, nullptr);
    client->write(frame(json));
    client->flush();
    client->disconnectFromServer(); // after what was written has left
}

} // namespace Conduit
