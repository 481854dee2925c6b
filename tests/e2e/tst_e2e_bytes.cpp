// SPDX-License-Identifier: MIT
// Bytes both ways, end to end. Native→page: a bytes command in the real page, read whole and as
// a stream, byte-exact against the native side's SHA-256; a token read once, by this page load
// only, never by a navigation; the limit refused with too_large; file.preview of an image, a
// text, a binary. Page→native: Schema::bytes() arguments uploaded from a Uint8Array, an
// ArrayBuffer or a Blob, byte-exact; over the limit, cancelled midway, or forged past the client.
#include "E2eMain.h"
#include "PageHarness.h"
#include <app/AppPage.h>
#include <bridge/ByteTokens.h>
#include <bridge/CommandCall.h>

#include <QCryptographicHash>
#include <QFile>
#include <QImage>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Conduit;
using namespace std::chrono_literals;

class tst_E2eBytes : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void readWhole_data();
    void readWhole();
    void streamedInChunks();
    void readOnce();
    void tokenIsSpentByTheFirstRead();
    void reloadRevokesTokens();
    void navigationCannotUseAToken();
    void thePageCannotOpenItsBytesAsADocument_data();
    void thePageCannotOpenItsBytesAsADocument();
    void overTheLimitIsTooLarge();
    void previewShowsAnImage();
    void previewOfTextIsItsFirstMiB();
    void previewRefusesOtherFiles();
    void previewOfSvgIsItsSource();
    void uploadArrivesWhole_data();
    void uploadArrivesWhole();
    void uploadOverTheLimitIsTooLarge();
    void uploadCancelledMidway();
    void forgedPutFailsTheCall();

private:
    QString writeFile(const QString &name, const QByteArray &data);
    QJsonObject await(const QString &body) { return m_harness->await(body, 30s); }

    std::unique_ptr<PageHarness> m_harness;
    QTemporaryDir m_dir;
};

namespace {

QByteArray randomBytes(qsizetype size, quint32 seed)
{
    QByteArray data(size, Qt::Uninitialized);
    QRandomGenerator generator(seed);
    generator.fillRange(reinterpret_cast<quint32 *>(data.data()), size / 4);
    for (qsizetype i = size / 4 * 4; i < size; ++i)
        data[i] = char(generator.generate());
    return data;
}

QString sha256(const QByteArray &data)
{
    return QString::fromLatin1(QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex());
}

// The page's side: SHA-256 of what it read, computed in the page.
constexpr char kDigest[] = R"js(
    const hex = async (buffer) => Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', buffer)),
                                             (b) => b.toString(16).padStart(2, '0')).join('');
)js";

} // namespace

void tst_E2eBytes::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_harness = std::make_unique<PageHarness>(1h);
    CommandRegistry &commands = m_harness->bridge().commands();
    commands.addBytes(QStringLiteral("test.bytes"),
                      Schema::object()
                          .required(QStringLiteral("size"), Schema::integer().range(0, 1 << 30))
                          .required(QStringLiteral("seed"), Schema::integer()),
                      [](const CommandCall &call) {
                          return QtFuture::makeReadyFuture(Bytes::fromData(
                              randomBytes(call.args.value(QStringLiteral("size")).toInt(),
                                          quint32(call.args.value(QStringLiteral("seed")).toInt())),
                              "application/x-test"));
                      });
    commands.addBytes(
        QStringLiteral("test.file"),
        Schema::object().required(QStringLiteral("path"), Schema::path(Schema::PathCheck::File)),
        [](const CommandCall &call) {
            return QtFuture::makeReadyFuture(
                Bytes::fromFile(call.args.value(QStringLiteral("path")).toString()));
        });
    commands
        .addBytes(QStringLiteral("test.tooLarge"), Schema::object(),
                  [](const CommandCall &) {
                      return QtFuture::makeReadyFuture(Bytes::fromData(QByteArray(11, 'x')));
                  })
        .limitBytes(10);
    const auto digest = [](const CommandCall &call) -> QJsonValue {
        const QByteArray data = call.bytes.value(QStringLiteral("data"));
        return QJsonObject{{QStringLiteral("size"), double(data.size())},
                           {QStringLiteral("sha256"), sha256(data)},
                           {QStringLiteral("label"), call.args.value(QStringLiteral("label"))}};
    };
    const Schema digestArgs = Schema::object()
                                  .required(QStringLiteral("data"), Schema::bytes())
                                  .optional(QStringLiteral("label"), Schema::string());
    commands.addSync(QStringLiteral("test.digest"), digestArgs, digest);
    commands.addSync(QStringLiteral("test.digestSmall"), digestArgs, digest).limitBytes(1000);
    commands.add(QStringLiteral("test.never"),
                 Schema::object().required(QStringLiteral("data"), Schema::bytes()),
                 [](const CommandCall &) { return QPromise<QJsonValue>().future(); });
    QVERIFY(m_harness->load());
}

QString tst_E2eBytes::writeFile(const QString &name, const QByteArray &data)
{
    QFile file(m_dir.filePath(name));
    if (!file.open(QIODevice::WriteOnly) || file.write(data) != data.size())
        return {};
    return file.fileName();
}

void tst_E2eBytes::readWhole_data()
{
    QTest::addColumn<int>("size");
    QTest::addColumn<QString>("how");
    QTest::newRow("empty") << 0 << "arrayBuffer";
    QTest::newRow("one byte") << 1 << "arrayBuffer";
    QTest::newRow("1 MiB + 3") << (1 << 20) + 3 << "arrayBuffer";
    QTest::newRow("16 MiB") << (16 << 20) << "arrayBuffer";
    QTest::newRow("blob") << 100000 << "blob";
    QTest::newRow("stream") << 100000 << "stream";
}

void tst_E2eBytes::readWhole()
{
    QFETCH(int, size);
    QFETCH(QString, how);
    const int seed = size + 7;
    const QJsonObject r = await(QString::fromLatin1(kDigest)
                                + QStringLiteral(R"js(
        const bytes = await conduit.invoke('test.bytes', {size: %1, seed: %2});
        let buffer;
        if ('%3' === 'arrayBuffer') buffer = await bytes.arrayBuffer();
        else if ('%3' === 'blob') buffer = await (await bytes.blob()).arrayBuffer();
        else buffer = await new Response(bytes.stream(65536)).arrayBuffer();
        return {size: bytes.size, type: bytes.type, length: buffer.byteLength, sha256: await hex(buffer)};
    )js")
                                      .arg(size)
                                      .arg(seed)
                                      .arg(how));
    QVERIFY2(r.value("ok").toBool(), qPrintable(QJsonDocument(r).toJson()));
    const QJsonObject v = r.value("value").toObject();
    QCOMPARE(v.value("size").toInt(), size);
    QCOMPARE(v.value("length").toInt(), size);
    QCOMPARE(v.value("type").toString(), QStringLiteral("application/x-test"));
    QCOMPARE(v.value("sha256").toString(), sha256(randomBytes(size, quint32(seed))));
}

void tst_E2eBytes::streamedInChunks()
{
    const QByteArray data = randomBytes((40 << 20) + 5, 99);
    const QString path = writeFile(QStringLiteral("stream.bin"), data);
    QVERIFY(!path.isEmpty());
    const QJsonObject r = await(QString::fromLatin1(kDigest)
                                + QStringLiteral(R"js(
        const bytes = await conduit.invoke('test.file', {path: '%1'});
        const reader = bytes.stream(4 << 20).getReader();
        const parts = [];
        let largest = 0;
        for (;;) {
            const {done, value} = await reader.read();
            if (done) break;
            largest = Math.max(largest, value.byteLength);
            parts.push(value);
        }
        const whole = await new Blob(parts).arrayBuffer();
        return {chunks: parts.length, largest, length: whole.byteLength, sha256: await hex(whole)};
    )js")
                                      .arg(path));
    QVERIFY2(r.value("ok").toBool(), qPrintable(QJsonDocument(r).toJson()));
    const QJsonObject v = r.value("value").toObject();
    QCOMPARE(v.value("chunks").toInt(), 11); // 10 × 4 MiB and 5 bytes
    QCOMPARE(v.value("largest").toInt(), 4 << 20);
    QCOMPARE(v.value("length").toInt(), data.size());
    QCOMPARE(v.value("sha256").toString(), sha256(data));
    QCOMPARE(m_harness->bridge().byteTokens()->outstanding(), 0);
}

void tst_E2eBytes::readOnce()
{
    const QJsonObject r = await(QStringLiteral(R"js(
        const bytes = await conduit.invoke('test.bytes', {size: 10, seed: 1});
        await bytes.arrayBuffer();
        try { await bytes.text(); return 'read twice'; } catch (e) { return e.code; }
    )js"));
    QCOMPARE(r.value("value").toString(), QStringLiteral("invalid_args"));
}

void tst_E2eBytes::tokenIsSpentByTheFirstRead()
{
    // Past the client: the same URL requested twice by the page itself.
    const QJsonObject r = await(QStringLiteral(R"js(
        const bytes = await conduit.invoke('test.bytes', {size: 10, seed: 2});
        const url = bytes.takeUrl();
        const get = () => new Promise((resolve) => {
            const xhr = new XMLHttpRequest();
            xhr.open('GET', url);
            xhr.responseType = 'arraybuffer';
            xhr.onload = () => resolve(xhr.response.byteLength);
            xhr.onerror = () => resolve('refused');
            xhr.send();
        });
        return [await get(), await get()];
    )js"));
    QCOMPARE(r.value("value").toArray(), (QJsonArray{10, QStringLiteral("refused")}));
}

void tst_E2eBytes::reloadRevokesTokens()
{
    const QJsonObject before = await(QStringLiteral(R"js(
        const bytes = await conduit.invoke('test.bytes', {size: 10, seed: 3});
        sessionStorage.setItem('test.bytes.url', bytes.takeUrl());
        return true;
    )js"));
    QVERIFY(before.value("ok").toBool());
    QCOMPARE(m_harness->bridge().byteTokens()->outstanding(), 1);
    QSignalSpy attached(&m_harness->bridge(), &Bridge::pageAttached);
    m_harness->page().triggerAction(QWebEnginePage::Reload);
    QTRY_VERIFY_WITH_TIMEOUT(attached.count() >= 1, 15000);
    QTRY_VERIFY_WITH_TIMEOUT(m_harness->run(QStringLiteral("conduit.state")).toString()
                                 == QLatin1String("connected"),
                             15000);
    const QJsonObject after = await(QStringLiteral(R"js(
        const url = sessionStorage.getItem('test.bytes.url');
        return await new Promise((resolve) => {
            const xhr = new XMLHttpRequest();
            xhr.open('GET', url);
            xhr.onload = () => resolve('served ' + xhr.status);
            xhr.onerror = () => resolve('refused');
            xhr.send();
        });
    )js"));
    QCOMPARE(after.value("value").toString(), QStringLiteral("refused"));
    QCOMPARE(m_harness->bridge().byteTokens()->outstanding(), 0);
}

void tst_E2eBytes::navigationCannotUseAToken()
{
    const QJsonObject offered = await(QStringLiteral(R"js(
        window.__bytes = await conduit.invoke('test.bytes', {size: 10, seed: 4});
        return window.__bytes.takeUrl();
    )js"));
    const QString path = offered.value("value").toString();
    QVERIFY(path.startsWith(QLatin1String(ByteTokens::kPath)));
    // Loaded as a document, as a typed or linked URL would be: no initiator, refused, and the
    // token is not spent by it.
    QWebEnginePage probe(m_harness->page().profile());
    QSignalSpy loaded(&probe, &QWebEnginePage::loadFinished);
    probe.load(QUrl(QStringLiteral("app://conduit") + path));
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 10000);
    QCOMPARE(loaded.at(0).at(0).toBool(), false);
    QCOMPARE(m_harness->bridge().byteTokens()->outstanding(), 1);
    const QJsonObject r = await(QStringLiteral(R"js(
        return await new Promise((resolve) => {
            const xhr = new XMLHttpRequest();
            xhr.open('GET', '%1');
            xhr.responseType = 'arraybuffer';
            xhr.onload = () => resolve(xhr.response.byteLength);
            xhr.onerror = () => resolve('refused');
            xhr.send();
        });
    )js")
                                    .arg(path));
    QCOMPARE(r.value("value").toInt(), 10);
}

void tst_E2eBytes::thePageCannotOpenItsBytesAsADocument_data()
{
    QTest::addColumn<QString>("open");
    QTest::newRow("as the page") << QStringLiteral("location.href = url;");
    QTest::newRow("in a frame") << QStringLiteral(
        "const f = document.createElement('iframe'); f.src = url; document.body.appendChild(f);");
}

// Bytes are for the page's own requests (XMLHttpRequest, <img>): as a document they would
// replace the application, or run with its origin. The page's own navigation to them is
// refused, and the token is not spent by it.
void tst_E2eBytes::thePageCannotOpenItsBytesAsADocument()
{
    QFETCH(QString, open);
    const QUrl home = m_harness->page().url();
    const int outstanding = m_harness->bridge().byteTokens()->outstanding();
    QSignalSpy refused(&m_harness->page(), &AppPage::navigationRefused);
    const QJsonObject offered = await(QStringLiteral(R"js(
        const url = window.__opened = (await conduit.invoke('test.bytes', {size: 10, seed: 5})).takeUrl();
        setTimeout(() => { %1 }, 0);
        return url;
    )js")
                                          .arg(open));
    const QString path = offered.value("value").toString();
    QVERIFY(path.startsWith(QLatin1String(ByteTokens::kPath)));
    QTRY_COMPARE_WITH_TIMEOUT(refused.count(), 1, 5000);
    QCOMPARE(refused.at(0).at(0).toUrl().path(), path);
    QTest::qWait(200);
    QCOMPARE(m_harness->page().url(), home);
    QCOMPARE(m_harness->bridge().byteTokens()->outstanding(), outstanding + 1);
    // The same document still talks, and the bytes are still its to read.
    const QJsonObject r = await(QStringLiteral(R"js(
        document.querySelectorAll('iframe').forEach((f) => f.remove());
        const echoed = (await conduit.invoke('echo', {text: 'still'})).text;
        const length = await new Promise((resolve) => {
            const xhr = new XMLHttpRequest();
            xhr.open('GET', window.__opened);
            xhr.responseType = 'arraybuffer';
            xhr.onload = () => resolve(xhr.response.byteLength);
            xhr.onerror = () => resolve('refused');
            xhr.send();
        });
        return {echoed, length};
    )js"));
    QCOMPARE(r.value("value")["echoed"].toString(), QStringLiteral("still"));
    QCOMPARE(r.value("value")["length"].toInt(), 10);
}

void tst_E2eBytes::overTheLimitIsTooLarge()
{
    const QJsonObject r = await(QStringLiteral(R"js(
        try { await conduit.invoke('test.tooLarge', {}); return 'answered'; }
        catch (e) { return {code: e.code, details: e.details}; }
    )js"));
    const QJsonObject v = r.value("value").toObject();
    QCOMPARE(v.value("code").toString(), QStringLiteral("too_large"));
    QCOMPARE(v.value("details").toObject().value("limit").toInt(), 10);
    QCOMPARE(v.value("details").toObject().value("size").toInt(), 11);
    QCOMPARE(m_harness->bridge().byteTokens()->outstanding(), 0);
}

void tst_E2eBytes::previewShowsAnImage()
{
    QImage image(37, 21, QImage::Format_RGB32);
    image.fill(Qt::darkCyan);
    const QString path = m_dir.filePath(QStringLiteral("picture.png"));
    QVERIFY(image.save(path));
    const QJsonObject r = await(QStringLiteral(R"js(
        const bytes = await conduit.invoke('file.preview', {path: '%1'});
        const img = document.createElement('img');
        const loaded = new Promise((resolve, reject) => { img.onload = resolve; img.onerror = reject; });
        img.src = bytes.takeUrl();
        document.body.appendChild(img);
        await loaded;
        img.remove();
        return {type: bytes.type, width: img.naturalWidth, height: img.naturalHeight};
    )js")
                                    .arg(path));
    QVERIFY2(r.value("ok").toBool(), qPrintable(QJsonDocument(r).toJson()));
    const QJsonObject v = r.value("value").toObject();
    QCOMPARE(v.value("type").toString(), QStringLiteral("image/png"));
    QCOMPARE(v.value("width").toInt(), 37);
    QCOMPARE(v.value("height").toInt(), 21);
}

void tst_E2eBytes::previewOfTextIsItsFirstMiB()
{
    QByteArray text;
    for (int line = 0; text.size() < (3 << 20); ++line)
        text += "line " + QByteArray::number(line) + " — grüße\n";
    const QString path = writeFile(QStringLiteral("log.txt"), text);
    const QJsonObject r = await(QStringLiteral(R"js(
        const bytes = await conduit.invoke('file.preview', {path: '%1'});
        const buffer = await bytes.arrayBuffer();
        return {type: bytes.type, size: bytes.size, length: buffer.byteLength,
                start: new TextDecoder().decode(buffer.slice(0, 30))};
    )js")
                                    .arg(path));
    QVERIFY2(r.value("ok").toBool(), qPrintable(QJsonDocument(r).toJson()));
    const QJsonObject v = r.value("value").toObject();
    QVERIFY(v.value("type").toString().startsWith(QLatin1String("text/plain")));
    QCOMPARE(v.value("size").toInt(), 1 << 20);
    QCOMPARE(v.value("length").toInt(), 1 << 20);
    QCOMPARE(v.value("start").toString(), QString::fromUtf8(text.left(30)));
}

void tst_E2eBytes::previewRefusesOtherFiles()
{
    const QString binary = writeFile(QStringLiteral("blob.bin"), randomBytes(4096, 5));
    const QJsonObject r = await(QStringLiteral(R"js(
        const codes = [];
        for (const path of ['%1', '%2', 'relative/path'])
            try { await conduit.invoke('file.preview', {path}); codes.push('answered'); }
            catch (e) { codes.push(e.code); }
        return codes;
    )js")
                                    .arg(binary, m_dir.filePath(QStringLiteral("absent.png"))));
    QCOMPARE(r.value("value").toArray(),
             (QJsonArray{QStringLiteral("invalid_args"), QStringLiteral("invalid_args"),
                         QStringLiteral("invalid_args")}));
    QCOMPARE(m_harness->bridge().byteTokens()->outstanding(), 0);
}

void tst_E2eBytes::previewOfSvgIsItsSource()
{
    // SVG can carry script: it is previewed as text, never served as an image document.
    const QByteArray svg
        = R"(<svg xmlns="http://www.w3.org/2000/svg"><script>parent.x=1</script></svg>)";
    const QString path = writeFile(QStringLiteral("drawing.svg"), svg);
    const QJsonObject r = await(QStringLiteral(R"js(
        const bytes = await conduit.invoke('file.preview', {path: '%1'});
        return {type: bytes.type, text: await bytes.text()};
    )js")
                                    .arg(path));
    QVERIFY2(r.value("ok").toBool(), qPrintable(QJsonDocument(r).toJson()));
    QVERIFY(r.value("value").toObject().value("type").toString().startsWith(
        QLatin1String("text/plain")));
    QCOMPARE(r.value("value").toObject().value("text").toString(), QString::fromUtf8(svg));
}

void tst_E2eBytes::uploadArrivesWhole_data()
{
    QTest::addColumn<int>("size");
    QTest::addColumn<QString>("as");
    QTest::newRow("empty") << 0 << "Uint8Array";
    QTest::newRow("one byte") << 1 << "Uint8Array";
    QTest::newRow("a native read and one") << (2 << 20) + 1 << "Uint8Array";
    QTest::newRow("a view into a larger buffer") << (3 << 20) + 5 << "View";
    QTest::newRow("3 MiB ArrayBuffer") << (3 << 20) << "ArrayBuffer";
    QTest::newRow("5 MiB Blob") << (5 << 20) + 17 << "Blob";
    QTest::newRow("Blob past the staging window") << (12 << 20) + 5 << "Blob";
    QTest::newRow("16 MiB") << (16 << 20) << "Uint8Array";
}

void tst_E2eBytes::uploadArrivesWhole()
{
    QFETCH(int, size);
    QFETCH(QString, as);
    const int seed = size + 11;
    const QByteArray data = randomBytes(size, quint32(seed));
    // The page makes the same bytes: it gets them natively first, then sends them back.
    const QJsonObject r = await(QStringLiteral(R"js(
        const made = await (await conduit.invoke('test.bytes', {size: %1, seed: %2})).bytes();
        const view = () => { const padded = new Uint8Array(made.length + 8); padded.set(made, 3); return padded.subarray(3, 3 + made.length); };
        const data = '%3' === 'Blob' ? new Blob([made]) : '%3' === 'ArrayBuffer' ? made.buffer : '%3' === 'View' ? view() : made;
        return await conduit.invoke('test.digest', {data, label: 'after'});
    )js")
                                    .arg(size)
                                    .arg(seed)
                                    .arg(as));
    QVERIFY2(r.value("ok").toBool(), qPrintable(QJsonDocument(r).toJson()));
    const QJsonObject v = r.value("value").toObject();
    QCOMPARE(v.value("size").toInt(), size);
    QCOMPARE(v.value("sha256").toString(), sha256(data));
    QCOMPARE(v.value("label").toString(), QStringLiteral("after"));
    QCOMPARE(m_harness->bridge().pendingUploadCount(), 0);
}

void tst_E2eBytes::uploadOverTheLimitIsTooLarge()
{
    const QJsonObject r = await(QStringLiteral(R"js(
        const codes = [];
        for (const size of [1000, 1001, 5000000])
            try { codes.push((await conduit.invoke('test.digestSmall', {data: new Uint8Array(size)})).size); }
            catch (e) { codes.push(e.code); }
        return codes;
    )js"));
    QCOMPARE(r.value("value").toArray(),
             (QJsonArray{1000, QStringLiteral("too_large"), QStringLiteral("too_large")}));
    QCOMPARE(m_harness->bridge().pendingUploadCount(), 0);
    QVERIFY(
        m_harness->await(QStringLiteral("return (await conduit.invoke('echo', {text: 'x'})).text"))
            .value("value")
            .toString()
        == QLatin1String("x"));
}

void tst_E2eBytes::uploadCancelledMidway()
{
    // A call whose handler would never answer, cancelled while its 64 MiB are on their way: it
    // rejects at once, the page stops sending, and native keeps nothing of it.
    const QJsonObject r = await(QStringLiteral(R"js(
        const controller = new AbortController();
        const call = conduit.invoke('test.never', {data: new Uint8Array(64 << 20)}, {signal: controller.signal});
        setTimeout(() => controller.abort(), 30);
        try { await call; return 'answered'; } catch (e) { return e.code; }
    )js"));
    QCOMPARE(r.value("value").toString(), QStringLiteral("cancelled"));
    QTRY_COMPARE_WITH_TIMEOUT(m_harness->bridge().pendingUploadCount(), 0, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(m_harness->bridge().pendingCallCount(), 0, 10000);
}

void tst_E2eBytes::forgedPutFailsTheCall()
{
    // Past the client: an invoke announcing 8 bytes, then a put at the wrong offset, then one of
    // bytes the page never staged (its read answers null), then too many bytes; each call fails
    // with invalid_args, and nothing stays.
    const QJsonObject r = await(QStringLiteral(R"js(
        const inbox = (envelopes) => { window.__conduitChannel.objects.conduit.inbox = envelopes.map((e) => JSON.stringify(e)); };
        const answers = new Map();
        const got = new Promise((resolve) => {
            window.__conduitChannel.objects.conduit.receive.connect((batch) => {
                for (const e of batch) if (e.t === 'result' && e.id >= 990001) answers.set(e.id, e);
                if (answers.size === 3) resolve();
            });
        });
        const invoke = (id, upload) => ({t: 'invoke', id, cmd: 'test.digest', args: {data: {upload, size: 8}}});
        inbox([invoke(990001, 900001), {t: 'put', upload: 900001, at: 4, n: 4}]);
        inbox([invoke(990002, 900002), {t: 'put', upload: 900002, at: 0, n: 8}]);
        inbox([invoke(990003, 900003), {t: 'put', upload: 900003, at: 0, n: 9}]);
        await got;
        return [990001, 990002, 990003].map((id) => answers.get(id).error.code);
    )js"));
    QVERIFY2(r.value("ok").toBool(), qPrintable(QJsonDocument(r).toJson()));
    QCOMPARE(r.value("value").toArray(),
             (QJsonArray{QStringLiteral("invalid_args"), QStringLiteral("invalid_args"),
                         QStringLiteral("invalid_args")}));
    QCOMPARE(m_harness->bridge().pendingUploadCount(), 0);
    QCOMPARE(m_harness->bridge().pendingCallCount(), 0);
}

CONDUIT_E2E_MAIN(tst_E2eBytes)
#include "tst_e2e_bytes.moc"
