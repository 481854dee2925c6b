// SPDX-License-Identifier: MIT
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
    // The hand-written async baseline: a QFuture answered by a worker QThread (RawThreadEcho).
    'raw-thread': () => raw.echoThread('x'),
    // Diagnostic: a bridge command answered in the GUI thread (registered by the benchmark).
    'bridge-gui': () => conduit.invoke('bench.echo', { text: 'x' }).then((value) => value && value.text),
  }
  const events = { mode: '', target: 0, count: 0, outOfOrder: 0 }
  const arrive = (mode, i) => {
    if (events.mode !== mode) return
    if (i !== events.count) events.outOfOrder++
    if (++events.count === events.target) raw.done(events.count)
  }

  // ---- tasks: every task.state the page sees, with the page's time of the first final one ----
  const FINAL = ['completed', 'failed', 'cancelled', 'timed_out']
  const taskStates = new Map() // id → {kind, state, finalAt}
  const stateWaiters = new Set()
  conduit.listen('task.state', (snapshot) => {
    if (!snapshot || typeof snapshot.id !== 'number') return
    const now = performance.now()
    let record = taskStates.get(snapshot.id)
    if (!record) taskStates.set(snapshot.id, (record = { kind: snapshot.kind, state: snapshot.state, finalAt: null }))
    if (record.finalAt === null) record.state = snapshot.state
    if (record.finalAt === null && FINAL.includes(snapshot.state)) record.finalAt = now
    for (const waiter of [...stateWaiters]) waiter()
  })
  // Resolves with the first truthy value of probe(), re-checked on every task.state.
  const stateWhere = (probe, timeoutMs, what) =>
    new Promise((resolve, reject) => {
      const check = () => {
        const value = probe()
        if (!value) return false
        stateWaiters.delete(check)
        clearTimeout(timer)
        resolve(value)
        return true
      }
      const timer = setTimeout(() => {
        stateWaiters.delete(check)
        reject(new Error(`no task.state for ${what} within ${timeoutMs} ms`))
      }, timeoutMs)
      stateWaiters.add(check)
      check()
    })
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
  // Nearest rank, as the native report computes it.
  const percentile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]
  const gapStats = (gaps) => {
    const sorted = [...gaps].sort((a, b) => a - b)
    const total = gaps.reduce((a, b) => a + b, 0)
    return {
      frames: gaps.length,
      p50: percentile(sorted, 0.5),
      p99: percentile(sorted, 0.99),
      max: sorted[sorted.length - 1],
      mean: total / gaps.length,
      over25: gaps.filter((gap) => gap > 25).length,
    }
  }
  // Main-thread frame gaps: performance.now() at the start of each requestAnimationFrame
  // callback (the callback's own timestamp is the frame's begin time, which hides late frames).
  const frameGaps = (durationMs) =>
    new Promise((resolve, reject) => {
      const gaps = []
      let last = null
      const end = performance.now() + durationMs
      const guard = setTimeout(() => reject(new Error(
        `requestAnimationFrame ticked ${gaps.length} times in ${durationMs} ms (visibility ${document.visibilityState})`)),
        durationMs + 5000)
      const tick = () => {
        const now = performance.now()
        if (last !== null) gaps.push(now - last)
        last = now
        if (now < end) {
          requestAnimationFrame(tick)
          return
        }
        clearTimeout(guard)
        if (gaps.length < 10) reject(new Error(`only ${gaps.length} frames in ${durationMs} ms`))
        else resolve(gaps)
      }
      requestAnimationFrame(tick)
    })
  // One row per task: a bar whose width and a text that every onProgress updates.
  const progressPanel = (rows) => {
    const panel = document.createElement('div')
    panel.id = 'bench-progress'
    panel.style.cssText =
      'position:fixed;left:12px;top:12px;width:420px;z-index:2147483647;background:#fff;color:#111;' +
      'border:1px solid #888;padding:6px;font:12px/1.4 monospace'
    const bars = []
    const texts = []
    for (let i = 0; i < rows; ++i) {
      const row = document.createElement('div')
      const track = document.createElement('div')
      track.style.cssText = 'height:6px;background:#ddd;margin-top:4px'
      const bar = document.createElement('div')
      bar.style.cssText = 'height:100%;width:0;background:#2a7'
      const text = document.createElement('span')
      text.textContent = `task ${i}: waiting`
      track.appendChild(bar)
      row.append(text, track)
      panel.appendChild(row)
      bars.push(bar)
      texts.push(text)
    }
    document.body.appendChild(panel)
    const counts = new Array(rows).fill(0)
    return {
      counts,
      update(i, progress) {
        counts[i]++
        const fraction = progress.total > 0 ? progress.done / progress.total : 0
        bars[i].style.width = `${(fraction * 100).toFixed(4)}%`
        texts[i].textContent = `task ${i}: ${progress.done} / ${progress.total} ${progress.unit || ''}`
      },
      reset() {
        counts.fill(0)
      },
      remove() {
        panel.remove()
      },
    }
  }
  // Resolves with performance.now() at the first animation frame where probe() holds: what the
  // page shows, not only what it has been told.
  const frameWhere = (probe) =>
    new Promise((resolve) => {
      const tick = () => (probe() ? resolve(performance.now()) : requestAnimationFrame(tick))
      requestAnimationFrame(tick)
    })
  // How far manyTasks() or clearTasks() has got, for a native side whose budget ran out.
  const taskRun = { start: 0, answered: 0, finished: 0, startedMs: null }
  const taskList = () => {
    const list = document.querySelector('[data-testid=task-list]')
    if (!list) throw new Error('the page shows no task list')
    return list
  }
  // page clock + offset = native clock (both CLOCK_MONOTONIC, so the offset does not drift)
  const clock = { offsetMs: 0 }

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
    // n calls started at once on one path, all awaited: calls per second with n in flight.
    async inFlight(kind, n) {
      const call = calls[kind]
      if (!call) throw new Error(`no such path: ${kind}`)
      const start = performance.now()
      const pending = new Array(n)
      for (let i = 0; i < n; ++i) pending[i] = call()
      const values = await Promise.all(pending)
      const ms = performance.now() - start
      const wrong = values.findIndex((value) => value !== 'x')
      if (wrong >= 0) throw new Error(`${kind} call ${wrong} answered ${JSON.stringify(values[wrong])}`)
      return { ms, perSecond: n / (ms / 1000) }
    },
    // n page→native items, then one call that is answered after all of them were handled: the
    // bridge's emits (batched) against one raw invokable call per item.
    async emits(kind, n) {
      const start = performance.now()
      if (kind === 'bridge') {
        for (let i = 0; i < n; ++i) conduit.emit('bench.item', { i })
        await conduit.invoke('bench.echo', { text: 'x' })
      } else {
        for (let i = 0; i < n; ++i) raw.item(i)
        await raw.echo('x')
      }
      const ms = performance.now() - start
      return { ms, perSecond: n / (ms / 1000) }
    },
    // n small items native→page through a Channel with this window, as fast as credit allows.
    async items(n, window) {
      const channel = new conduit.Channel({ window })
      let count = 0
      let outOfOrder = 0
      channel.onmessage = (item) => {
        if (item.i !== count) outOfOrder++
        count++
      }
      const ended = new Promise((resolve, reject) => {
        channel.onend = (error) => (error ? reject(error) : resolve())
      })
      const start = performance.now()
      await conduit.invoke('bench.items', { count: n }, { channel })
      await ended
      const ms = performance.now() - start
      if (count !== n || outOfOrder) throw new Error(`${count} of ${n} items, ${outOfOrder} out of order`)
      return { ms, perSecond: n / (ms / 1000) }
    },
    // size bytes native→page: the bridge's bytes (fetched from app://) against one string.
    async bytesDown(kind, size) {
      const start = performance.now()
      let got
      if (kind === 'bridge') {
        const bytes = await conduit.invoke('bench.bytes', { size })
        got = (await bytes.arrayBuffer()).byteLength
      } else {
        got = (await raw.bigString(size)).length
      }
      const ms = performance.now() - start
      if (got !== size) throw new Error(`${kind} delivered ${got} of ${size} bytes`)
      return { ms, perSecond: size / (ms / 1000) }
    },
    // size bytes page→native: a Schema::bytes() argument (staged, read out of the page) against one
    // string argument of as many characters.
    async bytesUp(kind, size) {
      const data = new Uint8Array(size)
      for (let i = 0; i < size; i += 4096) data[i] = i & 0xff
      const text = kind === 'raw' ? 'x'.repeat(size) : null
      const start = performance.now()
      const got = kind === 'bridge' ? (await conduit.invoke('bench.upload', { data })).size : await raw.takeString(text)
      const ms = performance.now() - start
      if (got !== size) throw new Error(`${kind} took ${got} of ${size} bytes`)
      return { ms, perSecond: size / (ms / 1000) }
    },
    // A file native→page through the bridge's bytes, read as a stream and dropped chunk by chunk
    // (the page never holds it whole), or whole when `whole`.
    async fileDown(path, whole) {
      const start = performance.now()
      const bytes = await conduit.invoke('bench.file', { path })
      let got = 0
      if (whole) {
        got = (await bytes.arrayBuffer()).byteLength
      } else {
        const reader = bytes.stream().getReader()
        for (;;) {
          const { done, value } = await reader.read()
          if (done) break
          got += value.byteLength
        }
      }
      const ms = performance.now() - start
      if (got !== bytes.size) throw new Error(`delivered ${got} of ${bytes.size} bytes`)
      return { ms, bytes: got }
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
    // The page clock against the native one (RawChannelObject::clock) from the call with the
    // shortest round trip: native = page + offsetMs, within ±rttMs/2 plus one timer step.
    // epochSkewMs: how far performance.timeOrigin + performance.now() is from the native wall
    // clock at the same instant (what an epoch-based comparison would get wrong).
    async syncClock(samples) {
      let best = null
      for (let i = 0; i < samples; ++i) {
        const t0 = performance.now()
        const native = await raw.clock()
        const t1 = performance.now()
        const mid = (t0 + t1) / 2
        if (!best || t1 - t0 < best.rttMs)
          best = { rttMs: t1 - t0, offsetMs: native.mono - mid, epochSkewMs: native.epoch - (performance.timeOrigin + mid) }
      }
      clock.offsetMs = best.offsetMs
      return best
    },
    // Starts a count task with tasks.run(…, {signal}), waits until it runs and has published
    // progress, waits delayMs more, aborts the controller and waits for the page to see the
    // final task.state. Times in the native clock.
    async cancelOnce(delayMs) {
      const before = Math.max(0, ...taskStates.keys())
      const controller = new AbortController()
      let progressed
      const firstProgress = new Promise((resolve) => (progressed = resolve))
      const run = conduit.tasks.run('count', { to: 1e9, stepMs: 1 }, { signal: controller.signal, onProgress: () => progressed() })
      const outcome = run.then(() => 'completed', (error) => (error && error.code) || String(error))
      const id = await stateWhere(() => {
        for (const [id, record] of taskStates)
          if (id > before && record.kind === 'count' && record.state === 'running') return id
        return 0
      }, 10000, 'a running count task')
      await firstProgress
      await sleep(delayMs)
      const abortAt = performance.now()
      controller.abort()
      const rejectedWith = await outcome
      const record = await stateWhere(() => {
        const record = taskStates.get(id)
        return record && record.finalAt !== null && record
      }, 10000, `task ${id} ending`)
      await conduit.tasks.forget(id)
      taskStates.delete(id)
      return {
        id,
        abortAt: abortAt + clock.offsetMs,
        pageFinalAt: record.finalAt + clock.offsetMs,
        state: record.state,
        rejectedWith,
      }
    },
    // Frame gaps while `tasks` count tasks (stepMs) each update their row of a progress panel on
    // every onProgress; tasks = 0 is the baseline (the same panel, nothing running). The task
    // limit is raised to `tasks` so all of them run, and set to restoreLimit afterwards.
    async flood(tasks, rows, durationMs, stepMs, restoreLimit) {
      const panel = progressPanel(rows)
      const handles = []
      try {
        if (tasks > 0) {
          await conduit.tasks.setLimit(Math.max(tasks, restoreLimit))
          for (let i = 0; i < tasks; ++i)
            handles.push(conduit.tasks.start('count', { to: 1e9, stepMs }, { onProgress: (p) => panel.update(i, p) }))
          await Promise.all(handles)
          for (let i = 0; i < tasks; ++i) handles[i] = await handles[i]
          await sleep(300) // every task running and publishing
        } else {
          await sleep(100)
        }
        panel.reset()
        const t0 = performance.now()
        const gaps = await frameGaps(durationMs)
        const seconds = (performance.now() - t0) / 1000
        const updates = panel.counts.slice()
        const states = handles.map((handle) => handle.state)
        return {
          visibility: document.visibilityState,
          stats: gapStats(gaps),
          seconds,
          updatesPerSecond: updates.map((n) => n / seconds),
          states,
        }
      } finally {
        const settled = await Promise.allSettled(handles)
        const started = settled.filter((s) => s.status === 'fulfilled' && s.value && s.value.cancel).map((s) => s.value)
        await Promise.all(started.map((handle) => handle.cancel().catch(() => {})))
        await Promise.all(started.map((handle) => handle.done.catch(() => {})))
        for (const handle of started) await conduit.tasks.forget(handle.id).catch(() => {})
        if (tasks > 0) await conduit.tasks.setLimit(restoreLimit)
        panel.remove()
      }
    },
    // n hash tasks started at once with tasks.start as any other client would (invokes, not
    // conduit.tasks, so the dashboard lists them as it lists every task it did not start), each
    // hashing the same tiny folder into a manifest of its own. In ms from the first start: every
    // start answered, every final task.state seen, the dashboard's list showing all n rows
    // completed; then one tasks.list with the n tasks held (the median of 3).
    async manyTasks(root, manifests, n) {
      const list = taskList()
      if (list.childElementCount) throw new Error(`the task list shows ${list.childElementCount} rows before starting`)
      const finals = new Map() // id → final state
      let allFinal
      const finished = new Promise((resolve) => (allFinal = resolve))
      const unlisten = conduit.listen('task.state', (snapshot) => {
        if (!snapshot || snapshot.kind !== 'hash' || !FINAL.includes(snapshot.state) || finals.has(snapshot.id)) return
        finals.set(snapshot.id, snapshot.state)
        taskRun.finished = finals.size
        if (finals.size === n) allFinal(performance.now())
      })
      try {
        const start = performance.now()
        Object.assign(taskRun, { start, answered: 0, finished: 0, startedMs: null })
        const answered = (snapshot) => (++taskRun.answered, snapshot)
        const pending = new Array(n)
        for (let i = 0; i < n; ++i)
          pending[i] = conduit
            .invoke('tasks.start', { kind: 'hash', params: { root, manifest: `${manifests}/${i}.sha256` } })
            .then(answered)
        const snapshots = await Promise.all(pending)
        const startedAt = performance.now()
        taskRun.startedMs = startedAt - start
        const finishedAt = await finished
        const wrong = snapshots.find((snapshot) => finals.get(snapshot.id) !== 'completed')
        if (wrong) throw new Error(`hash task ${wrong.id} ended ${finals.get(wrong.id)}`)
        const shownAt = await frameWhere(
          () => list.childElementCount === n && list.querySelectorAll('[data-state=completed]').length === n)
        const listMs = []
        let listed = 0
        for (let i = 0; i < 3; ++i) {
          const t0 = performance.now()
          listed = (await conduit.tasks.list()).length
          listMs.push(performance.now() - t0)
        }
        if (listed < n) throw new Error(`tasks.list held ${listed} of ${n} tasks`)
        for (const snapshot of snapshots) taskStates.delete(snapshot.id)
        return {
          startedMs: startedAt - start,
          finishedMs: finishedAt - start,
          shownMs: shownAt - start,
          listMs: median(listMs),
          listed,
        }
      } finally {
        unlisten()
      }
    },
    // The dashboard's "Clear finished" for the n tasks manyTasks() left: ms from the click to an
    // empty list, each of them forgotten natively.
    async clearTasks(n) {
      const list = taskList()
      const button = document.querySelector('[data-testid=clear-finished]')
      if (!button || button.disabled) throw new Error('"Clear finished" is missing or disabled')
      const before = (await conduit.tasks.list()).length
      const start = performance.now()
      Object.assign(taskRun, { start, answered: 0, finished: 0, startedMs: null })
      button.click()
      const clearedAt = await frameWhere(() => list.childElementCount === 0)
      const after = (await conduit.tasks.list()).length
      if (before - after !== n) throw new Error(`clearing forgot ${before - after} of ${n} tasks`)
      return { ms: clearedAt - start }
    },
    tasksProgress() {
      const list = document.querySelector('[data-testid=task-list]')
      return { ...taskRun, ms: performance.now() - taskRun.start, rows: list ? list.childElementCount : -1 }
    },
    // The real path: tasks.run('hash') from the page, timed in the page.
    async hash(root) {
      const t0 = performance.now()
      const result = await conduit.tasks.run('hash', { root })
      return { ms: performance.now() - t0, result }
    },
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
