// SPDX-License-Identifier: MIT
#pragma once

#include "TaskError.h"

#include <QJsonObject>
#include <QStringList>

namespace Conduit {

// Reads a task's params and refuses anything off: unknown keys, wrong types, out-of-range
// numbers and missing required values throw TaskError invalid_args with details.argument.
class TaskParams
{
public:
    TaskParams(const QJsonObject &params, const QStringList &allowedKeys);

    bool has(const QString &key) const;
    QString requiredString(const QString &key) const;
    QString string(const QString &key, const QString &fallback) const;
    qint64 integer(const QString &key, qint64 fallback, qint64 min, qint64 max) const;
    bool boolean(const QString &key, bool fallback) const;

    // An absolute, cleaned path; `check` demands an existing folder or file, or an existing
    // parent folder (ParentFolder, for a file still to be written). `fallback` if absent.
    enum class Check { None, Folder, File, ParentFolder };
    QString path(const QString &key, Check check, const QString &fallback = {}) const;

private:
    QJsonObject m_params;
};

} // namespace Conduit
