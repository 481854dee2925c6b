// Injected before the page's scripts: keeps the page's QWebChannel instance reachable as
// window.__conduitChannel, so the benchmark's page side can use the `raw` object beside
// `conduit` without a second QWebChannel (which would take over qt.webChannelTransport and cut
// the client off). Does nothing when the client already publishes the channel itself.
(() => {
  const wrap = (Ctor) => {
    if (typeof Ctor !== 'function' || Ctor.__conduitBenchCapture) return Ctor
    const Capturing = function (transport, initCallback, ...rest) {
      return new Ctor(
        transport,
        (channel) => {
          if (!window.__conduitChannel) window.__conduitChannel = channel
          if (initCallback) initCallback(channel)
        },
        ...rest,
      )
    }
    Capturing.prototype = Ctor.prototype
    Capturing.__conduitBenchCapture = true
    return Capturing
  }
  if (typeof window.QWebChannel === 'function') {
    window.QWebChannel = wrap(window.QWebChannel)
    return
  }
  // qwebchannel.js not there yet: catch its `var QWebChannel = …` as it runs.
  let current
  Object.defineProperty(window, 'QWebChannel', {
    configurable: true,
    enumerable: true,
    get: () => current,
    set: (value) => {
      current = wrap(value)
    },
  })
})()
