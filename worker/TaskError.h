// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <exception>

namespace Conduit {

// A refusal of a TaskManager call, or the reason a task failed, with a wire code.
// Refusals (thrown by TaskManager):
//   invalid_args   bad params (details.argument names the parameter; details.kind for an
//                  unknown kind) or an operation the task's state does not allow
//   not_found      no task with that id
//   shutting_down  the manager is shutting down or has shut down
//   busy           reserved for a full manager
//   internal       a bug: an unexpected exception inside a task
// The error of a stopped task (TaskSnapshot::error):
//   cancelled          cancelled by cancel() or shutdown()
//   timeout            its TaskOptions::timeout ran out (state timed_out)
//   interrupted        the application stopped before it finished (state interrupted, when
//                      the task history brings it back)
// Task failures (TaskSnapshot::error of a failed task):
//   io_error           a file could not be read, written or renamed; a manifest too large
//   network_error      connection refused / timed out / closed, a stall, a final HTTP status
//                      other than 2xx (details.status), a refused redirect (DownloadTask.h)
//   checksum_mismatch  a download's sha256 differs from the expected one
class TaskError : public std::exception
{
public:
    TaskError(QString code, QString message, QJsonObject details = {});

    QString code() const { return m_code; }
    QString message() const { return m_message; }
    QJsonObject details() const { return m_details; }
    // {code, message, details?}
    QJsonObject toJson() const;
    const char *what() const noexcept override { return m_what.constData(); }

    static TaskError invalidArgument(const QString &argument, const QString &message);
    static TaskError interrupted();
    // The codes above that are not the bridge's (io_error, network_error, checksum_mismatch,
    // interrupted): the ones tasks add to it.
    static QStringList failureCodes();

private:
    QString m_code;
    QString m_message;
    QJsonObject m_details;
    QByteArray m_what;
};

} // namespace Conduit
