// SPDX-License-Identifier: MIT
#pragma once

#include <functional>

class QNetworkAccessManager;
class QThreadPool;

namespace Conduit {

// What the manager lends a task when it starts it: its pool for blocking work and its
// network access for I/O on the manager's own thread (made on first use, so a manager whose
// tasks never touch the network never has one).
struct TaskServices
{
    QThreadPool *pool = nullptr;
    std::function<QNetworkAccessManager *()> network;
};

} // namespace Conduit
