// SPDX-License-Identifier: MIT
#include "DesktopIntegration.h"

#include "AppViews.h"
#include "TaskNames.h"
#include <bridge/PageHub.h>

#include <QDBusConnection>
#include <QDBusInterface>
#include <QDateTime>
#include <QDesktopServices>
#include <QFileDialog>
#include <QFileInfo>
#include <QJsonArray>
#include <QPromise>
#include <QUrl>

namespace Conduit {

namespace {
// Tasks shorter than this finish while the user is still looking; no need to notify.
constexpr qint64 kNotifyAfterMs = 5000;
const Schema kPathResult
    = Schema::object().required(QStringLiteral("path"), Schema::path().orNull());

const QString kShowView = QStringLiteral("app.showView");

QJsonObject pathResult(const QString &path)
{
    return {
        {QStringLiteral("path"), path.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(path)}};
}
} // namespace

DesktopIntegration::DesktopIntegration(PageHub &pages, QObject *parent)
    : QObject(parent)
    , m_pages(pages)
{
    connect(&m_pages, &PageHub::pageClosed, this,
            [this](const QString &label) { m_dialogParents.remove(label); });
}

void DesktopIntegration::registerCommands()
{
    CommandRegistry &commands = m_pages.commands();
    const auto title = [] {
        return Schema::object().optional(QStringLiteral("title"), Schema::string().maxLength(200));
    };
    commands
        .add(QStringLiteral("dialog.pickFolder"), title(),
             [this](const CommandCall &call) { return ask(DialogKind::PickFolder, call); })
        .returns(kPathResult);
    commands
        .add(QStringLiteral("dialog.openFile"),
             title().optional(QStringLiteral("filters"), Schema::arrayOf(Schema::any())),
             [this](const CommandCall &call) { return ask(DialogKind::OpenFile, call); })
        .returns(kPathResult);
    commands
        .add(QStringLiteral("dialog.saveFile"),
             title().optional(QStringLiteral("suggestedName"), Schema::string().maxLength(255)),
             [this](const CommandCall &call) { return ask(DialogKind::SaveFile, call); })
        .returns(kPathResult);
    commands
        .addSync(QStringLiteral("app.revealPath"),
                 Schema::object().required(QStringLiteral("path"), Schema::path().maxLength(4096)),
                 [this](const CommandCall &call) -> QJsonValue {
                     const QFileInfo info(call.args.value(QStringLiteral("path")).toString());
                     if (!info.isAbsolute() || !info.exists())
                         throw CommandError(
                             ErrorCode::NotFound,
                             tr("There is no file or folder at %1.").arg(info.filePath()));
                     Q_EMIT revealRequested(info.absoluteFilePath());
                     // File managers cannot all select a file; opening its folder works everywhere.
                     QDesktopServices::openUrl(QUrl::fromLocalFile(
                         info.isDir() ? info.absoluteFilePath() : info.absolutePath()));
                     return QJsonObject{};
                 })
        .returns(Schema::object());
    m_pages.api().declareEvent(
        kShowView, Schema::object().required(
                       QStringLiteral("view"),
                       Schema::named(QStringLiteral("AppView"), Schema::oneOf(AppViews::all))));
}

bool DesktopIntegration::showView(const QString &label, const QString &view)
{
    Q_ASSERT(AppViews::all.contains(view));
    return m_pages.emitTo(label, kShowView, QJsonObject{{QStringLiteral("view"), view}});
}

QFuture<QJsonValue> DesktopIntegration::ask(DialogKind kind, const CommandCall &call)
{
    const QJsonObject &args = call.args;
    if (const auto preset = m_presets.constFind(int(kind)); preset != m_presets.cend()) {
        const QString path = *preset;
        m_presets.erase(preset);
        return QtFuture::makeReadyFuture(QJsonValue(pathResult(path)));
    }

    auto *dialog = new QFileDialog(call.page ? m_dialogParents.value(call.page->label()) : nullptr,
                                   args.value(QStringLiteral("title")).toString());
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowModality(Qt::WindowModal);
    switch (kind) {
    case DialogKind::PickFolder:
        dialog->setFileMode(QFileDialog::Directory);
        dialog->setOption(QFileDialog::ShowDirsOnly);
        break;
    case DialogKind::OpenFile: {
        dialog->setFileMode(QFileDialog::ExistingFile);
        QStringList filters;
        for (const QJsonValue &filter : args.value(QStringLiteral("filters")).toArray())
            filters.append(filter.toString());
        if (!filters.isEmpty())
            dialog->setNameFilters(filters);
        break;
    }
    case DialogKind::SaveFile:
        dialog->setAcceptMode(QFileDialog::AcceptSave);
        dialog->setFileMode(QFileDialog::AnyFile);
        dialog->selectFile(args.value(QStringLiteral("suggestedName")).toString());
        break;
    }

    auto promise = std::make_shared<QPromise<QJsonValue>>();
    promise->start();
    connect(dialog, &QFileDialog::finished, this, [dialog, promise](int result) {
        const QStringList chosen = dialog->selectedFiles();
        promise->addResult(pathResult(
            result == QDialog::Accepted && !chosen.isEmpty() ? chosen.first() : QString()));
        promise->finish();
    });
    dialog->open();
    return promise->future();
}

void DesktopIntegration::announceFinished(const QJsonObject &snapshot, bool windowActive)
{
    const QDateTime started = QDateTime::fromString(
        snapshot.value(QStringLiteral("startedAt")).toString(), Qt::ISODateWithMs);
    const QDateTime finished = QDateTime::fromString(
        snapshot.value(QStringLiteral("finishedAt")).toString(), Qt::ISODateWithMs);
    if (windowActive || !started.isValid() || !finished.isValid()
        || started.msecsTo(finished) < kNotifyAfterMs)
        return;
    const QString state = snapshot.value(QStringLiteral("state")).toString();
    if (state != QLatin1String("completed") && state != QLatin1String("failed"))
        return; // the user cancelled it, or gave it a deadline: nothing to announce
    const QString kind = TaskNames::kind(snapshot.value(QStringLiteral("kind")).toString());
    if (state == QLatin1String("completed"))
        notify(tr("Task finished"), tr("The %1 task completed.").arg(kind));
    else
        notify(tr("Task failed"), tr("The %1 task failed: %2")
                                      .arg(kind, snapshot.value(QStringLiteral("error"))
                                                     .toObject()
                                                     .value(QStringLiteral("message"))
                                                     .toString()));
}

void DesktopIntegration::notify(const QString &title, const QString &body)
{
    Q_EMIT notified(title, body);
    // The freedesktop notification service, where there is one (every Linux desktop).
    QDBusInterface notifications(QStringLiteral("org.freedesktop.Notifications"),
                                 QStringLiteral("/org/freedesktop/Notifications"),
                                 QStringLiteral("org.freedesktop.Notifications"),
                                 QDBusConnection::sessionBus());
    if (!notifications.isValid())
        return;
    notifications.asyncCall(
        QStringLiteral("Notify"), QStringLiteral("Conduit"), 0u, QStringLiteral("conduit"), title,
        body, QStringList(),
        QVariantMap{{QStringLiteral("desktop-entry"), QStringLiteral("io.github.conduit.Conduit")}},
        -1);
}

} // namespace Conduit
