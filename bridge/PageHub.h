// SPDX-License-Identifier: MIT
#pragma once

#include "Bridge.h"
#include "BridgeCommon.h"

#include <QFuture>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QStringList>

#include <memory>

namespace Conduit {

// Every page of the application on one runtime: each window's page is its own Bridge (its own
// calls, streams, reloads and crashes), and all of them share the commands, the page API and
// the session (BridgeCommon). Pages are named by labels, as Tauri's windows are: native code
// emits to all pages or to one and asks one a question (the active one unless told); a page
// learns its own label from its welcome and the others' from `windows.list` and the
// `windows.changed` event, and emits to one with `windows.emitTo`.
class PageHub final : public QObject
{
    Q_OBJECT

public:
    explicit PageHub(const BridgeLimits &limits = {}, QObject *parent = nullptr);
    ~PageHub() override;

    CommandRegistry &commands() { return m_common->commands(); }
    ApiCatalogue &api() { return m_common->api(); }
    const BridgeLimits &limits() const { return m_common->limits(); }
    QString session() const { return m_common->session(); }
    void addWelcomeField(const QString &name, const Schema &shape, const QJsonValue &value)
    {
        m_common->addWelcomeField(name, shape, value);
    }
    void setSnapshotProvider(std::function<QJsonObject()> provider, const Schema &shape)
    {
        m_common->setSnapshotProvider(std::move(provider), shape);
    }

    // A new page's bridge, labelled `label` if given and free, else a fresh label ("main" for
    // the first, then "window-2", "window-3", …). The hub owns it until close().
    Bridge &open(const QString &label = {});
    // The page is gone (its window closed): its calls end unheard, questions to it fail with
    // `cancelled`, and its bridge is deleted once control returns to the event loop.
    void close(const QString &label);
    Bridge *page(const QString &label) const;
    QList<Bridge *> pages() const;
    QStringList labels() const;
    // The page questions go to when none is named: the last one activated that is still open.
    void setActive(const QString &label);
    QString active() const;

    // To every page.
    void emitEvent(const QString &event, const QJsonValue &payload = {});
    // To the pages connected now; the others are not held anything (they catch up otherwise,
    // e.g. from their welcome's snapshot).
    void emitToConnected(const QString &event, const QJsonValue &payload = {});
    // To one page; false if there is no such page.
    bool emitTo(const QString &label, const QString &event, const QJsonValue &payload = {});
    // Asks one page (the active one if `label` is empty). Fails with `not_found` when there is no
    // such page, otherwise as Bridge::request, and with `cancelled` if the page closes first.
    QFuture<QJsonValue> request(const QString &command, const QJsonObject &args = {},
                                const QString &label = {});
    // What opens a window on a view of the page for `windows.open` (the application's window
    // set): answers the new page's label, or throws CommandError. None: windows.open is busy.
    using Opener = std::function<QString(const QString &view)>;
    void setOpener(Opener opener) { m_opener = std::move(opener); }
    // True while any page's batch is being handled.
    bool isDispatching() const;
    // Every page is told the application is quitting, and every page opened later.
    void shutdown();
    void abandonRequests();

Q_SIGNALS:
    void pageOpened(const QString &label);
    void pageClosed(const QString &label);
    void pageAttached(const QString &label, quint64 generation);
    void pageEvent(const QString &label, const QString &event, const QJsonValue &payload);
    // A page batch has been dispatched (Bridge::pageBatchHandled, from any page).
    void pageBatchHandled();

private:
    void registerCommands();
    void announceWindows();

    std::shared_ptr<BridgeCommon> m_common;
    QList<Bridge *> m_pages;   // in the order they opened
    QStringList m_activations; // labels, the most recently activated last
    int m_lastNumber = 1;
    bool m_shuttingDown = false;
    Opener m_opener;
};

} // namespace Conduit
