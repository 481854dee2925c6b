// SPDX-License-Identifier: MIT
#include "AppSettings.h"

#include "AppViews.h"

#include <QWidget>

namespace Conduit {

namespace {
const QString kGeometry = QStringLiteral("window/geometry");
const QString kView = QStringLiteral("window/view");
const QString kTaskLimit = QStringLiteral("tasks/limit");
const QString kTray = QStringLiteral("tray/keepRunning");
} // namespace

AppSettings::AppSettings(const QString &path)
    : m_settings(path.isEmpty() ? std::make_unique<QSettings>()
                                : std::make_unique<QSettings>(path, QSettings::IniFormat))
{}

bool AppSettings::isRememberedView(const QString &view)
{
    return AppViews::all.contains(view);
}

bool AppSettings::restoreWindow(QWidget *window) const
{
    const QByteArray geometry = m_settings->value(kGeometry).toByteArray();
    return !geometry.isEmpty() && window->restoreGeometry(geometry);
}

void AppSettings::saveWindow(const QWidget *window, const QString &view)
{
    m_settings->setValue(kGeometry, window->saveGeometry());
    if (isRememberedView(view))
        m_settings->setValue(kView, view);
    m_settings->sync();
}

QString AppSettings::view() const
{
    const QString view = m_settings->value(kView).toString();
    return isRememberedView(view) ? view : QString();
}

std::optional<int> AppSettings::taskLimit() const
{
    bool ok = false;
    const int limit = m_settings->value(kTaskLimit).toInt(&ok);
    return ok ? std::optional(limit) : std::nullopt;
}

void AppSettings::setTaskLimit(int limit)
{
    m_settings->setValue(kTaskLimit, limit);
    m_settings->sync();
}

bool AppSettings::keepsRunningInTray() const
{
    return m_settings->value(kTray, false).toBool();
}

void AppSettings::setKeepsRunningInTray(bool keep)
{
    m_settings->setValue(kTray, keep);
    m_settings->sync();
}

} // namespace Conduit
