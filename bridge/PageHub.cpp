// SPDX-License-Identifier: MIT
#include "PageHub.h"

#include <QJsonArray>

namespace Conduit {

namespace {
const QString kLabel = QStringLiteral("label");
const QString kWindowsChanged = QStringLiteral("windows.changed");

Schema labelSchema()
{
    return Schema::string().maxLength(64).describe(QStringLiteral("a window's label"));
}
} // namespace

PageHub::PageHub(const BridgeLimits &limits, QObject *parent)
    : QObject(parent)
    , m_common(std::make_shared<BridgeCommon>(limits))
{
    registerCommands();
}

PageHub::~PageHub()
{
    const QList<Bridge *> pages = m_pages;
    m_pages.clear();
    qDeleteAll(pages);
}

Bridge &PageHub::open(const QString &label)
{
    QString name = label;
    if (name.isEmpty() || page(name)) {
        name = m_pages.isEmpty() ? QLatin1String(Bridge::kMainLabel) : QString();
        while (name.isEmpty() || page(name))
            name = QStringLiteral("window-%1").arg(++m_lastNumber);
    }
    auto *bridge = new Bridge(m_common, name, this);
    m_pages.append(bridge);
    m_activations.prepend(name); // active only once activated, or when nothing else is
    connect(bridge, &Bridge::pageAttached, this,
            [this, name](quint64 generation) { Q_EMIT pageAttached(name, generation); });
    connect(bridge, &Bridge::pageEvent, this,
            [this, name](const QString &event, const QJsonValue &payload) {
                Q_EMIT pageEvent(name, event, payload);
            });
    connect(bridge, &Bridge::pageBatchHandled, this, &PageHub::pageBatchHandled);
    if (m_shuttingDown)
        bridge->shutdown();
    Q_EMIT pageOpened(name);
    announceWindows();
    return *bridge;
}

void PageHub::close(const QString &label)
{
    Bridge *bridge = page(label);
    if (!bridge)
        return;
    m_pages.removeOne(bridge);
    m_activations.removeAll(label);
    bridge->detachPage();
    bridge->abandonRequests();
    bridge->deleteLater(); // it may be the one dispatching now (a page that closes itself)
    Q_EMIT pageClosed(label);
    announceWindows();
}

Bridge *PageHub::page(const QString &label) const
{
    for (Bridge *bridge : m_pages) {
        if (bridge->label() == label)
            return bridge;
    }
    return nullptr;
}

QList<Bridge *> PageHub::pages() const
{
    return m_pages;
}

QStringList PageHub::labels() const
{
    QStringList labels;
    for (const Bridge *bridge : m_pages)
        labels.append(bridge->label());
    return labels;
}

void PageHub::setActive(const QString &label)
{
    if (!page(label))
        return;
    m_activations.removeAll(label);
    m_activations.append(label);
}

QString PageHub::active() const
{
    return m_activations.isEmpty() ? QString() : m_activations.last();
}

void PageHub::emitEvent(const QString &event, const QJsonValue &payload)
{
    for (Bridge *bridge : std::as_const(m_pages))
        bridge->emitEvent(event, payload);
}

void PageHub::emitToConnected(const QString &event, const QJsonValue &payload)
{
    for (Bridge *bridge : std::as_const(m_pages)) {
        if (bridge->isPageAttached())
            bridge->emitEvent(event, payload);
    }
}

bool PageHub::emitTo(const QString &label, const QString &event, const QJsonValue &payload)
{
    Bridge *bridge = page(label);
    if (bridge)
        bridge->emitEvent(event, payload);
    return bridge;
}

QFuture<QJsonValue> PageHub::request(const QString &command, const QJsonObject &args,
                                     const QString &label)
{
    const QString target = label.isEmpty() ? active() : label;
    if (Bridge *bridge = page(target))
        return bridge->request(command, args);
    return QtFuture::makeExceptionalFuture<QJsonValue>(CommandError(
        ErrorCode::NotFound,
        target.isEmpty() ? QStringLiteral("no window is open to answer '%1'").arg(command)
                         : QStringLiteral("no window '%1'").arg(target),
        {{kLabel, target}}));
}

bool PageHub::isDispatching() const
{
    return std::any_of(m_pages.cbegin(), m_pages.cend(),
                       [](const Bridge *bridge) { return bridge->isDispatching(); });
}

void PageHub::shutdown()
{
    m_shuttingDown = true;
    for (Bridge *bridge : std::as_const(m_pages))
        bridge->shutdown();
}

void PageHub::abandonRequests()
{
    for (Bridge *bridge : std::as_const(m_pages))
        bridge->abandonRequests();
}

void PageHub::announceWindows()
{
    emitEvent(kWindowsChanged,
              QJsonObject{{QStringLiteral("labels"), QJsonArray::fromStringList(labels())}});
}

void PageHub::registerCommands()
{
    const Schema windows = Schema::named(
        QStringLiteral("Windows"),
        Schema::object()
            .required(QStringLiteral("labels"),
                      Schema::arrayOf(labelSchema())
                          .describe(QStringLiteral(
                              "every open window's label, in the order they opened")))
            .required(QStringLiteral("active"),
                      Schema::string().describe(QStringLiteral(
                          "the window native questions go to: the last one activated"))));
    commands()
        .addSync(QStringLiteral("windows.list"), Schema::object(),
                 [this](const CommandCall &) -> QJsonValue {
                     return QJsonObject{
                         {QStringLiteral("labels"), QJsonArray::fromStringList(labels())},
                         {QStringLiteral("active"), active()}};
                 })
        .returns(windows);
    commands()
        .addSync(
            QStringLiteral("windows.emitTo"),
            Schema::object()
                .required(kLabel, labelSchema())
                .required(QStringLiteral("event"), Schema::string().maxLength(128))
                .optional(QStringLiteral("payload"), Schema::any(), QJsonValue()),
            [this](const CommandCall &call) -> QJsonValue {
                const QString label = call.args.value(kLabel).toString();
                const QString event = call.args.value(QStringLiteral("event")).toString();
                if (event.isEmpty())
                    throw CommandError(ErrorCode::InvalidArgs,
                                       QStringLiteral("an event needs a name"),
                                       {{QStringLiteral("argument"), QStringLiteral("event")}});
                // A page must not pass for native (a forged task.state would stick).
                if (api().isNativeEvent(event))
                    throw CommandError(
                        ErrorCode::InvalidArgs,
                        QStringLiteral("'%1' is native's event; a page may not send it").arg(event),
                        {{QStringLiteral("argument"), QStringLiteral("event")}});
                Bridge *target = page(label);
                if (!target)
                    throw CommandError(ErrorCode::NotFound,
                                       QStringLiteral("no window '%1'").arg(label),
                                       {{kLabel, label}});
                // Nothing waits for a page that is not there (loading, or gone for good):
                // a page could otherwise fill another's outbox.
                if (!target->isPageAttached())
                    throw CommandError(ErrorCode::Busy,
                                       QStringLiteral("window '%1' is not connected").arg(label),
                                       {{kLabel, label}});
                target->emitEvent(event, call.args.value(QStringLiteral("payload")));
                return QJsonObject{};
            })
        .returns(Schema::object());
    commands()
        .addSync(
            QStringLiteral("windows.open"),
            Schema::object().optional(QStringLiteral("view"),
                                      Schema::string().maxLength(128).describe(QStringLiteral(
                                          "what the new window shows, e.g. 'task/12'; the page's "
                                          "start if empty")),
                                      QString()),
            [this](const CommandCall &call) -> QJsonValue {
                if (!m_opener)
                    throw CommandError(ErrorCode::Busy,
                                       QStringLiteral("this application opens no windows"));
                return QJsonObject{
                    {kLabel, m_opener(call.args.value(QStringLiteral("view")).toString())}};
            })
        .returns(Schema::object().required(kLabel, labelSchema()));
    api().declareEvent(kWindowsChanged,
                       Schema::named(QStringLiteral("WindowsChanged"),
                                     Schema::object().required(QStringLiteral("labels"),
                                                               Schema::arrayOf(labelSchema()))));
}

} // namespace Conduit
