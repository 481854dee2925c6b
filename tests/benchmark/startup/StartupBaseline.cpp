// SPDX-License-Identifier: MIT
// The hand-written page a Qt developer would start from, for conduit_bench --startup: a window
// with a QWebEngineView whose page connects a QWebChannel to one native object. With
// --exit-after-load it quits once the page's channel is connected, as conduit does.
#include <QApplication>
#include <QFile>
#include <QTimer>
#include <QWebChannel>
#include <QWebEnginePage>
#include <QWebEngineView>

#include <cstdio>

namespace {

// The native side of the page: the page says it is connected.
class Native final : public QObject
{
    Q_OBJECT

public:
    Q_INVOKABLE void connected() { Q_EMIT pageConnected(); }

Q_SIGNALS:
    void pageConnected();
};

const char kPage[] = R"html(<!doctype html>
<html><head><meta charset="utf-8"><title>baseline</title>
<script src="qrc:///qtwebchannel/qwebchannel.js"></script></head>
<body><h1>Tasks</h1><p id="state">connecting…</p>
<script>
new QWebChannel(qt.webChannelTransport, (channel) => {
  document.getElementById('state').textContent = 'connected';
  channel.objects.native.connected();
});
</script></body></html>)html";

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication::setAttribute(Qt::AA_ShareOpenGLContexts);
    QApplication app(argc, argv);
    const bool exitAfterLoad = app.arguments().contains(QStringLiteral("--exit-after-load"));
    Native native;
    QWebChannel channel;
    channel.registerObject(QStringLiteral("native"), &native);
    QWebEngineView view;
    view.page()->setWebChannel(&channel);
    view.resize(1100, 760);
    view.show();
    view.setHtml(QString::fromUtf8(kPage), QUrl(QStringLiteral("qrc:///baseline/")));
    if (exitAfterLoad) {
        QObject::connect(&native, &Native::pageConnected, &app,
                         [] { QTimer::singleShot(0, qApp, &QCoreApplication::quit); });
        QTimer::singleShot(60 * 1000, &app, [] {
            std::fprintf(stderr, "the page did not connect within 60 s\n");
            QCoreApplication::exit(1);
        });
    }
    return QApplication::exec();
}

#include "StartupBaseline.moc"
