// The page side of conduit_bench, installed after the page is ready. Answers `true` when both
// window.conduit and the raw object are reachable.
(() => {
  const channel = window.__conduitChannel
  const raw = channel && channel.objects && channel.objects.raw
  if (!raw || typeof raw.echo !== 'function' || !window.conduit) return false
  const conduit = window.conduit

  const median = (values) => {
    const sorted = [...values].sort((a, b) => a - b)
    const mid = sorted.length >> 1
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
  }
  const calls = {
    bridge: () => conduit.invoke('echo', { text: 'x' }).then((value) => value && value.text),
    raw: () => raw.echo('x'),
  }
  const events = { mode: '', target: 0, count: 0, outOfOrder: 0 }
  const arrive = (mode, i) => {
    if (events.mode !== mode) return
    if (i !== events.count) events.outOfOrder++
    if (++events.count === events.target) raw.done(events.count)
  }

  window.__bench = {
    // Runs an async measurement and hands its outcome to raw.report(); answers at once, so the
    // native side waits in its own event loop rather than polling the page.
    start(body) {
      body().then(
        (value) => raw.report(JSON.stringify({ ok: true, value })),
        (error) => raw.report(JSON.stringify({ ok: false, error: String((error && error.message) || error) })),
      )
      return true
    },
    // n sequential calls, each timed with performance.now().
    async serial(kind, n) {
      const call = calls[kind]
      const samples = new Array(n)
      const start = performance.now()
      for (let i = 0; i < n; ++i) {
        const t = performance.now()
        const value = await call()
        samples[i] = performance.now() - t
        if (value !== 'x') throw new Error(`${kind} echo answered ${JSON.stringify(value)}`)
      }
      const totalMs = performance.now() - start
      return { medianMs: median(samples), meanMs: totalMs / n, totalMs }
    },
    // Both listeners stay connected; arm() says which path is being counted.
    async connectEvents() {
      conduit.listen('bench.event', (payload) => arrive('bridge', payload && payload.i))
      raw.rawEvent.connect((i) => arrive('raw', i))
      await raw.echo('sync') // the connectToSignal message has been handled natively
      return true
    },
    arm(mode, target) {
      Object.assign(events, { mode, target, count: 0, outOfOrder: 0 })
      return true
    },
    events,
    // The smallest step performance.now() takes here (browsers coarsen it).
    timerStepMs() {
      let smallest = Infinity
      for (let i = 0; i < 50; ++i) {
        const a = performance.now()
        let b = a
        while (b === a) b = performance.now()
        smallest = Math.min(smallest, b - a)
      }
      return smallest
    },
  }
  return true
})()
