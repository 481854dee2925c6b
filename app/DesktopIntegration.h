// SPDX-License-Identifier: MIT
#pragma once

#include <QFuture>
#include <QHash>
#include <QJsonObject>
#include <QJsonValue>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QWidget>

namespace Conduit {

class PageHub;
struct CommandCall;

// What the page cannot do itself: choose files and folders (QFileDialog, window-modal and
// asynchronous, never a nested event loop), show a file in the file manager, and tell the user
// through a desktop notification that a long task finished while the window was in the
// background. Tests preset a dialog's answer so no window pops up.
//   dialog.pickFolder {title?}                 → {path | null}
//   dialog.openFile   {title?, filters?}       → {path | null}
//   dialog.saveFile   {title?, suggestedName?} → {path | null}
//   app.revealPath    {path}                   → {}
class DesktopIntegration final : public QObject
{
    Q_OBJECT

public:
    enum class DialogKind { PickFolder, OpenFile, SaveFile };

    explicit DesktopIntegration(PageHub &pages, QObject *parent = nullptr);

    void registerCommands();
    // The window of the page labelled `label`: its dialogs are modal to it.
    void setDialogParent(const QString &label, QWidget *parent) { m_dialogParents[label] = parent; }
    // The next dialog of this kind answers `path` at once (an empty path: the user cancelled).
    void presetAnswer(DialogKind kind, const QString &path) { m_presets.insert(int(kind), path); }

    // Asks the page labelled `label` to show one of AppViews::all (`app.showView`); false if
    // there is no such page.
    bool showView(const QString &label, const QString &view);

    // Announces a finished task if it ran long enough and the window is not in front.
    void announceFinished(const QJsonObject &snapshot, bool windowActive);

Q_SIGNALS:
    void revealRequested(const QString &path);
    void notified(const QString &title, const QString &body);

private:
    QFuture<QJsonValue> ask(DialogKind kind, const CommandCall &call);
    void notify(const QString &title, const QString &body);

    PageHub &m_pages;
    QHash<QString, QPointer<QWidget>> m_dialogParents; // by page label
    QHash<int, QString> m_presets;
};

} // namespace Conduit
