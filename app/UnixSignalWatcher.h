// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QObject>

class QSocketNotifier;

namespace Conduit {

// Turns SIGTERM, SIGINT and SIGHUP (logout, Ctrl+C in a terminal, a closed terminal) into a Qt
// signal in the GUI thread, so the application shuts down as when its window is closed. The
// handler only writes the signal's number to a socket pair (the one thing that is safe there);
// a second signal while the first is being handled ends the process at once.
class UnixSignalWatcher final : public QObject
{
    Q_OBJECT

public:
    explicit UnixSignalWatcher(QObject *parent = nullptr);
    ~UnixSignalWatcher() override; // restores the default handlers

Q_SIGNALS:
    void received(int signal);

private:
    void readSignal();

    QSocketNotifier *m_notifier = nullptr;
};

} // namespace Conduit
