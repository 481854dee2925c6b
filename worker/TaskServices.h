// SPDX-License-Identifier: MIT
#pragma once

class QNetworkAccessManager;
class QThreadPool;

namespace Conduit {

// What the manager lends a task when it starts it: its pool for blocking work and its
// network access for I/O on the manager's own thread.
struct TaskServices
{
    QThreadPool *pool = nullptr;
    QNetworkAccessManager *network = nullptr;
};

} // namespace Conduit
