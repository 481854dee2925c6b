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
    // Diagnostic: a bridge command answered in the GUI thread (registered by the benchmark).
    'bridge-gui': () => conduit.invoke('bench.echo', { text: 'x' }).then((value) => value && value.text),
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
    // n sequential calls per path. performance.now() is coarsened here (0.1 ms steps), so calls
    // are timed in blocks of `block`, one per-call figure per block; the paths take turns block
    // by block, so a change in machine load falls on all of them alike.
    async serial(kinds, n, block) {
      const perCall = {}
      const totalMs = {}
      for (const kind of kinds) {
        if (!calls[kind]) throw new Error(`no such path: ${kind}`)
        perCall[kind] = []
        totalMs[kind] = 0
      }
      for (let b = 0; b * block < n; ++b) {
        const size = Math.min(block, n - b * block)
        for (let j = 0; j < kinds.length; ++j) {
          const kind = kinds[(b + j) % kinds.length]
          const call = calls[kind]
          const start = performance.now()
          for (let i = 0; i < size; ++i) {
            const value = await call()
            if (value !== 'x') throw new Error(`${kind} echo answered ${JSON.stringify(value)}`)
          }
          const ms = performance.now() - start
          perCall[kind].push(ms / size)
          totalMs[kind] += ms
        }
      }
      const result = {}
      for (const kind of kinds) result[kind] = { medianMs: median(perCall[kind]), meanMs: totalMs[kind] / n }
      return result
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
