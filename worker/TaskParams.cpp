// SPDX-License-Identifier: MIT
#include "TaskParams.h"

#include <QDir>
#include <QFileInfo>

#include <cmath>

namespace Conduit {

TaskParams::TaskParams(const QJsonObject &params, const QStringList &allowedKeys)
    : m_params(params)
{
    for (auto it = params.begin(); it != params.end(); ++it) {
        if (!allowedKeys.contains(it.key()))
            throw TaskError::invalidArgument(
                it.key(), QStringLiteral("unknown parameter '%1'").arg(it.key()));
    }
}

bool TaskParams::has(const QString &key) const
{
    return m_params.contains(key) && !m_params.value(key).isNull();
}

QString TaskParams::requiredString(const QString &key) const
{
    if (!has(key))
        throw TaskError::invalidArgument(key, QStringLiteral("'%1' is required").arg(key));
    const QString value = string(key, {});
    if (value.isEmpty())
        throw TaskError::invalidArgument(key, QStringLiteral("'%1' must not be empty").arg(key));
    return value;
}

QString TaskParams::string(const QString &key, const QString &fallback) const
{
    if (!has(key))
        return fallback;
    const QJsonValue value = m_params.value(key);
    if (!value.isString())
        throw TaskError::invalidArgument(key, QStringLiteral("'%1' must be a string").arg(key));
    return value.toString();
}

qint64 TaskParams::integer(const QString &key, qint64 fallback, qint64 min, qint64 max) const
{
    if (!has(key))
        return fallback;
    const QJsonValue value = m_params.value(key);
    const double number = value.toDouble(std::nan(""));
    if (!value.isDouble() || std::isnan(number) || std::trunc(number) != number)
        throw TaskError::invalidArgument(key, QStringLiteral("'%1' must be an integer").arg(key));
    if (number < double(min) || number > double(max))
        throw TaskError::invalidArgument(
            key, QStringLiteral("'%1' must be between %2 and %3").arg(key).arg(min).arg(max));
    return qint64(number);
}

bool TaskParams::boolean(const QString &key, bool fallback) const
{
    if (!has(key))
        return fallback;
    const QJsonValue value = m_params.value(key);
    if (!value.isBool())
        throw TaskError::invalidArgument(key, QStringLiteral("'%1' must be a boolean").arg(key));
    return value.toBool();
}

QString TaskParams::path(const QString &key, Check check, const QString &fallback) const
{
    const QString value = fallback.isEmpty() || has(key) ? requiredString(key) : fallback;
    // Starts with '/': QDir also takes ":x" (a Qt resource) for absolute, and cleaning ":x/../y"
    // leaves the relative "y".
    if (!value.startsWith(QLatin1Char('/')))
        throw TaskError::invalidArgument(key,
                                         QStringLiteral("'%1' must be an absolute path").arg(key));
    const QString path = QDir::cleanPath(value);
    const QFileInfo info(path);
    switch (check) {
    case Check::None:
        break;
    case Check::Folder:
        if (!info.isDir())
            throw TaskError::invalidArgument(key, QStringLiteral("no such folder: %1").arg(path));
        break;
    case Check::File:
        if (!info.isFile())
            throw TaskError::invalidArgument(key, QStringLiteral("no such file: %1").arg(path));
        break;
    case Check::ParentFolder:
        if (!QFileInfo(info.absolutePath()).isDir())
            throw TaskError::invalidArgument(
                key, QStringLiteral("no such folder: %1").arg(info.absolutePath()));
        if (info.isDir())
            throw TaskError::invalidArgument(key, QStringLiteral("is a folder: %1").arg(path));
        break;
    }
    return path;
}

} // namespace Conduit
