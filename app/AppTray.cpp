// SPDX-License-Identifier: MIT
#include "AppTray.h"

#include "ConduitRuntime.h"
#include "TaskNames.h"

#include <QIcon>
#include <QJsonArray>
#include <QJsonObject>
#include <QLocale>

namespace Conduit {

namespace {
constexpr int kToolTipMs = 1000;

// What a task works on, as its row on the page names it first: its folder, manifest, URL or file.
QString subjectOf(const QJsonObject &task)
{
    const QJsonObject params = task.value(QStringLiteral("params")).toObject();
    for (const char *key : {"root", "manifest", "url", "path"}) {
        const QString value = params.value(QLatin1String(key)).toString();
        if (!value.isEmpty())
            return value;
    }
    return {};
}
} // namespace

AppTray::AppTray(ConduitRuntime &runtime, QObject *parent)
    : QObject(parent)
    , m_runtime(runtime)
{
    m_icon.setIcon(QIcon(QStringLiteral(":/icons/hicolor/64x64/apps/conduit.png")));
    m_icon.setContextMenu(&m_menu);
    connect(&m_icon, &QSystemTrayIcon::activated, this,
            [this](QSystemTrayIcon::ActivationReason reason) {
                if (reason == QSystemTrayIcon::Trigger || reason == QSystemTrayIcon::DoubleClick)
                    Q_EMIT openWindowRequested();
            });
    m_toolTipTimer.setInterval(kToolTipMs);
    connect(&m_toolTipTimer, &QTimer::timeout, this, &AppTray::updateToolTip);
    connect(&m_menu, &QMenu::aboutToShow, this, &AppTray::rebuildMenu);
    rebuildMenu();
}

void AppTray::show()
{
    rebuildMenu();
    updateToolTip();
    m_icon.show();
    m_toolTipTimer.start();
}

void AppTray::hide()
{
    m_toolTipTimer.stop();
    m_icon.hide();
}

QString AppTray::stateName(TaskState state)
{
    switch (state) {
    case TaskState::Queued:
        return tr("queued");
    case TaskState::Paused:
        return tr("paused");
    default:
        return tr("running");
    }
}

QString AppTray::summary() const
{
    const int active = m_runtime.taskGateway().activeCount();
    return active > 0 ? tr("%n task(s) running", "", active) : tr("No tasks running");
}

void AppTray::updateToolTip()
{
    m_icon.setToolTip(tr("Conduit — %1").arg(summary()));
}

void AppTray::rebuildMenu()
{
    const int active = m_runtime.taskGateway().activeCount();
    m_menu.clear();
    m_menu.addAction(summary())->setEnabled(false);
    const QLocale locale;
    for (const QJsonValue &value : m_runtime.taskGateway().tasks()) {
        const QJsonObject task = value.toObject();
        const QString state = task.value(QStringLiteral("state")).toString();
        const std::optional<TaskState> known = taskStateFromName(state);
        if (!known || isFinalState(*known))
            continue;
        const QJsonObject progress = task.value(QStringLiteral("progress")).toObject();
        const double done = progress.value(QStringLiteral("done")).toDouble();
        const double total = progress.value(QStringLiteral("total")).toDouble();
        const QString amount = total > 0
                                   ? tr("%1%").arg(locale.toString(100.0 * done / total, 'f', 0))
                                   : tr("%1 done").arg(locale.toString(done, 'f', 0));
        // '&' in a URL or a path is text, not the mnemonic of the letter after it.
        const QString text
            = tr("%1 %2 — %3")
                  .arg(TaskNames::kind(task.value(QStringLiteral("kind")).toString()),
                       subjectOf(task),
                       state == QLatin1String("running") ? amount : stateName(*known));
        QAction *item = m_menu.addAction(QString(text).replace(u'&', QStringLiteral("&&")));
        item->setEnabled(false);
        item->setObjectName(
            QStringLiteral("task-%1").arg(task.value(QStringLiteral("id")).toInt()));
    }
    m_menu.addSeparator();
    m_menu.addAction(tr("&Open Window"), this, &AppTray::openWindowRequested)
        ->setObjectName(QStringLiteral("open"));
    m_menu
        .addAction(active > 0 ? tr("Cancel Tasks and &Quit") : tr("&Quit"), this,
                   &AppTray::quitRequested)
        ->setObjectName(QStringLiteral("quit"));
}

} // namespace Conduit
