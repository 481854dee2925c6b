// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <QString>
#include <QStringList>

#include <chrono>
#include <optional>

class QDeadlineTimer;
class QLocalServer;
class QLocalSocket;

namespace Conduit {

// One Conduit per user. The first process listens on a local socket in a folder only its user
// can enter; a later one hands it its command line and working directory, and exits once they
// were acknowledged.
//
// - The folder: $XDG_RUNTIME_DIR if it is this user's and 0700, else <temp>/conduit-<uid>,
//   created 0700. A folder that is a link, another user's, or open to others is not used.
// - Who listens is decided under an flock on a file beside the socket, so two Conduits starting
//   at once cannot both listen (QLocalServer's access options bind elsewhere and rename over
//   the name, which would take the socket from one that runs). Under the lock: connect; if
//   nobody answers (no socket, or one a crashed Conduit left behind), remove it and listen.
// - The server (UserAccessOption) also checks each connection's peer (SO_PEERCRED) and closes
//   one from another uid before reading it. It never blocks: messages are read as they arrive,
//   at most kMaxClients at a time, each dropped if not complete within kHandOffTimeout.
// - The wire, each way one message: a 4-byte big-endian length, then that many bytes of JSON.
//   → {"arguments": [program, …], "workingDirectory": "/…", "activationToken": "…",
//      "expires": ms on the system-wide monotonic clock}
//   A message read at or after `expires` is refused, not acted on: its sender has given up and
//   starts on its own, and the command line must run once. The sender's deadline is
//   kHandOffTimeout; it asks to be answered kAnswerMargin before it, for the answer's way back.
//   ← {"ok": true}, or {"ok": false, "error": "…"} for a message too large or malformed.
// - A hand-off that fails (no answer within kHandOffTimeout, a refusal, a folder not private)
//   leaves this process to start on its own, and it says why on stderr.
class SingleInstance : public QObject
{
    Q_OBJECT

public:
    // Everything a starting Conduit waits for: the lock, connecting, the acknowledgement.
    static constexpr std::chrono::milliseconds kHandOffTimeout{5000};
    static constexpr qint64 kMaxMessageBytes = 1 << 20; // JSON bytes, either way
    static constexpr int kMaxClients = 8;
    static constexpr std::chrono::milliseconds kAnswerMargin{1000};

    struct Message
    {
        QStringList arguments; // the program first, as QCoreApplication::arguments()
        QString workingDirectory;
        QString activationToken; // XDG_ACTIVATION_TOKEN: Wayland lets it raise a window
    };
    enum class Role {
        Primary,    // listening: later Conduits hand their command lines to this one
        HandedOff,  // a running Conduit took the command line: this process should exit 0
        Standalone, // neither: start on its own (problem() says why)
    };

    // directory: where the socket lives; empty for defaultDirectory().
    explicit SingleInstance(QString directory = QString(), QObject *parent = nullptr);
    ~SingleInstance() override;

    // $XDG_RUNTIME_DIR if private, else <temp>/conduit-<uid>, which it creates (0700).
    static QString defaultDirectory();
    // This process's arguments, working directory and activation token.
    static Message ownMessage();
    // A directory this user owns, mode 0700, not a symbolic link; else why not.
    static std::optional<QString> whyNotPrivate(const QString &directory);

    // Hands message to the Conduit listening, or becomes the one listening. Blocks for at most
    // kHandOffTimeout, before any window exists.
    Role start(const Message &message);
    // The application is quitting: later Conduits no longer hand over to this one (they would be
    // acknowledged by a process whose runtime has stopped); they start on their own.
    void stopListening();
    QString socketPath() const;
    QString problem() const { return m_problem; }

Q_SIGNALS:
    // A later Conduit's command line (already acknowledged).
    void received(const Conduit::SingleInstance::Message &message);

private:
    Role standalone(const QString &why);
    Role handOff(QLocalSocket &socket, const Message &message, const QDeadlineTimer &deadline);
    void acceptClients();
    void readFrom(QLocalSocket *client);
    void answer(QLocalSocket *client, const QByteArray &json);
    void refuse(QLocalSocket *client, const QString &why);

    QString m_directory;
    QString m_problem;
    QLocalServer *m_server = nullptr;
    int m_clients = 0;
};

} // namespace Conduit
