// SPDX-License-Identifier: MIT
#pragma once

#include <QSettings>
#include <QString>

#include <memory>
#include <optional>

class QWidget;

namespace Conduit {

// What comes back at the next start (QSettings, the user's configuration): the last window's
// geometry and maximised state, the view its page showed, and the concurrency limit.
class AppSettings final
{
public:
    // The user's settings, or (for tests) those in the file at `path`.
    explicit AppSettings(const QString &path = {});

    // Restores the geometry and maximised state the last window had; false if none is saved.
    bool restoreWindow(QWidget *window) const;
    // `view`: the page's view when it closed ("tasks", "console"); others are not remembered.
    void saveWindow(const QWidget *window, const QString &view);
    QString view() const;
    std::optional<int> taskLimit() const;
    void setTaskLimit(int limit);
    // Keep running in the system tray when the last window closes while tasks run.
    bool keepsRunningInTray() const;
    void setKeepsRunningInTray(bool keep);

    static bool isRememberedView(const QString &view);

private:
    std::unique_ptr<QSettings> m_settings;
};

} // namespace Conduit
