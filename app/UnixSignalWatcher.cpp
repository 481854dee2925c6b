// SPDX-License-Identifier: MIT
#include "UnixSignalWatcher.h"

#include <QSocketNotifier>

#include <atomic>
#include <csignal>
#include <sys/socket.h>
#include <unistd.h>

namespace Conduit {

namespace {

constexpr int kWatched[] = {SIGTERM, SIGINT, SIGHUP};

int g_sockets[2] = {-1, -1};
std::atomic<int> g_received{0};

void onSignal(int signal)
{
    // A second signal: the user does not want to wait for the graceful shutdown.
    if (g_received.fetch_add(1) > 0)
        ::_exit(128 + signal);
    const char number = char(signal);
    [[maybe_unused]] const ssize_t written = ::write(g_sockets[0], &number, 1);
}

} // namespace

UnixSignalWatcher::UnixSignalWatcher(QObject *parent)
    : QObject(parent)
{
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, g_sockets) != 0) {
        qWarning("cannot watch for termination signals: socketpair failed");
        return;
    }
    m_notifier = new QSocketNotifier(g_sockets[1], QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &UnixSignalWatcher::readSignal);

    struct sigaction action = {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    for (const int signal : kWatched)
        ::sigaction(signal, &action, nullptr);
}

UnixSignalWatcher::~UnixSignalWatcher()
{
    if (!m_notifier)
        return;
    // From here on a signal ends the process as it would without the watcher.
    for (const int signal : kWatched)
        ::signal(signal, SIG_DFL);
    delete m_notifier;
    ::close(g_sockets[0]);
    ::close(g_sockets[1]);
    g_sockets[0] = g_sockets[1] = -1;
}

void UnixSignalWatcher::readSignal()
{
    char number = 0;
    if (::read(g_sockets[1], &number, 1) == 1)
        Q_EMIT received(int(number));
}

} // namespace Conduit
