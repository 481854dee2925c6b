// SPDX-License-Identifier: MIT
// The task dashboard's state: every task the native side knows, with a label, progress, a
// smoothed rate and time left, results and errors; the concurrency limit; and the lines of `tail`
// tasks. Tasks this page starts (or finds again after a reload) are followed through their
// TaskHandle; tasks someone else started (devtools, automation) through the task.* events.

import { markRaw, reactive, ref, toRaw, type Raw, type Ref } from 'vue'
import type { AppClient } from '../appClient'
import type {
  CommandArgs,
  TaskKind,
  TaskParams,
  TaskProgress,
  TaskProgressEvent,
  TaskSnapshot,
  TaskState,
  Welcome,
} from '../conduit/api'
import { Channel } from '../conduit/channel'
import { ConduitError, type ErrorPayload } from '../conduit/errors'
import { taskLimit } from '../conduit/generated/api'
import { isFinalTaskState, type TaskHandle } from '../conduit/tasks'
import { TailBuffer } from './tailBuffer'

/** The concurrency limit's range, as native states it (TaskManager::kMinLimit/kMaxLimit). */
export const MIN_LIMIT = taskLimit.min
export const MAX_LIMIT = taskLimit.max
/** Rate and time left are measured over this much recent progress. */
export const RATE_WINDOW_MS = 2000
/** Lines of a tail task kept in sessionStorage for a reload. */
export const PERSISTED_TAIL_LINES = 500
const STORAGE_PREFIX = 'conduit.page.'
const NOTICE_MS = 10_000

export interface TaskItem {
  id: number
  kind: string
  /** What the task works on (folder, manifest, URL, file), or '' when unknown. */
  label: string
  state: TaskState
  progress: TaskProgress
  createdAt: string
  startedAt: string | null
  finishedAt: string | null
  result?: unknown
  error?: ErrorPayload
  /** progress units per second, smoothed; null while unknown */
  rate: number | null
  /** ms until done at the current rate; null while unknown */
  etaMs: number | null
  /** The last pause/resume/cancel/reveal failure, shown in the row. */
  actionError: string | null
  tail: Raw<TailBuffer> | null
}

interface Tracker {
  handle: TaskHandle<any, any> | null
  channel: Channel<string> | null
  samples: { t: number; done: number }[]
  cleanups: (() => void)[]
}

export const isFinal = (state: TaskState): boolean => isFinalTaskState(state)

function rank(state: TaskState): number {
  return state === 'queued' ? 0 : isFinal(state) ? 2 : 1
}

export function clampLimit(value: number): number {
  if (!Number.isFinite(value)) return MIN_LIMIT
  return Math.min(MAX_LIMIT, Math.max(MIN_LIMIT, Math.round(value)))
}

// ---- sessionStorage (labels and tail lines survive a reload of the page) -----------------------

function storage(): Storage | null {
  try {
    return globalThis.sessionStorage ?? null
  } catch {
    return null
  }
}

function load<T>(key: string): T | null {
  try {
    const text = storage()?.getItem(STORAGE_PREFIX + key)
    return text ? (JSON.parse(text) as T) : null
  } catch {
    return null
  }
}

function save(key: string, value: unknown): void {
  try {
    if (value === null) storage()?.removeItem(STORAGE_PREFIX + key)
    else storage()?.setItem(STORAGE_PREFIX + key, JSON.stringify(value))
  } catch {
    // quota or no storage: the page simply forgets on reload
  }
}

/** The label a task's params give it. */
export function labelOf(kind: string, params: unknown): string {
  const p = (params ?? {}) as Record<string, unknown>
  const value = kind === 'hash' ? p.root : kind === 'verify' ? p.manifest : kind === 'download' ? p.url : p.path
  return typeof value === 'string' ? value : ''
}

/** A label from what a finished task reports, for tasks whose params the page never saw. */
function labelFromResult(kind: string, result: unknown): string {
  const r = (result ?? {}) as Record<string, unknown>
  const value = kind === 'hash' ? r.manifest : kind === 'download' ? r.path : undefined
  return typeof value === 'string' ? value : ''
}

export interface TaskBoard {
  items: TaskItem[]
  loading: Ref<boolean>
  loadError: Ref<string | null>
  limit: Ref<number>
  limitError: Ref<string | null>
  clearError: Ref<string | null>
  /** Tasks restored from a previous page, for the "Reconnected" notice; null when none to tell. */
  restored: Ref<number | null>
  start<K extends TaskKind>(kind: K, params: TaskParams<K>): Promise<TaskItem>
  pause(item: TaskItem): Promise<void>
  resume(item: TaskItem): Promise<void>
  cancel(item: TaskItem): Promise<void>
  setLimit(value: number): Promise<void>
  clearFinished(): Promise<void>
  reveal(item: TaskItem, path: string): Promise<void>
  dismissNotice(): void
  dispose(): void
}

export interface TaskBoardOptions {
  now?: () => number
}

export function useTasks(client: AppClient, options: TaskBoardOptions = {}): TaskBoard {
  const now = options.now ?? (() => performance.now())
  const items = reactive<TaskItem[]>([])
  const trackers = new Map<number, Tracker>()
  const forgotten = new Set<number>()
  const loading = ref(true)
  const loadError = ref<string | null>(null)
  const limit = ref(clampLimit(load<number>('limit') ?? globalThis.navigator?.hardwareConcurrency ?? 4))
  const limitError = ref<string | null>(null)
  const clearError = ref<string | null>(null)
  const restored = ref<number | null>(null)
  let session = ''
  let disposed = false
  let ticker: ReturnType<typeof setInterval> | null = null
  let noticeTimer: ReturnType<typeof setTimeout> | null = null

  // Events for ids the page does not know yet wait here while a start/restore is in flight: the
  // task may be the one that call is creating.
  let inFlight = 0
  const stash = new Map<number, { snapshot?: TaskSnapshot; progress?: TaskProgressEvent }>()

  // The reactive item of each id: events and calls find theirs without walking the list.
  const byId = new Map<number, TaskItem>()
  const find = (id: number): TaskItem | undefined => byId.get(id)
  /** Where `id` belongs in the newest-first list: the first item with a smaller id. */
  function indexFor(id: number): number {
    const raw = toRaw(items)
    let low = 0
    let high = raw.length
    while (low < high) {
      const middle = (low + high) >>> 1
      if (raw[middle]!.id > id) low = middle + 1
      else high = middle
    }
    return low
  }

  // ---- items -------------------------------------------------------------------------------

  function add(snapshot: TaskSnapshot, label: string): TaskItem {
    const item: TaskItem = {
      id: snapshot.id,
      kind: snapshot.kind,
      label: label || labelFromResult(snapshot.kind, snapshot.result),
      state: snapshot.state,
      progress: { ...snapshot.progress },
      createdAt: snapshot.createdAt,
      startedAt: snapshot.startedAt ?? null,
      finishedAt: snapshot.finishedAt ?? null,
      rate: null,
      etaMs: null,
      actionError: null,
      tail: null,
    }
    if (snapshot.result !== undefined) item.result = snapshot.result
    if (snapshot.error) item.error = snapshot.error
    // Newest first.
    const index = indexFor(item.id)
    if (index === items.length) items.push(item)
    else items.splice(index, 0, item)
    trackers.set(item.id, { handle: null, channel: null, samples: [], cleanups: [] })
    const proxy = items[index]!
    byId.set(item.id, proxy)
    return proxy
  }

  function applySnapshot(item: TaskItem, snapshot: TaskSnapshot): void {
    if (isFinal(item.state) || rank(snapshot.state) < rank(item.state)) return
    const wasRunning = item.state === 'running'
    if (snapshot.progress) applyProgress(item, snapshot.progress)
    item.state = snapshot.state
    item.startedAt = snapshot.startedAt ?? item.startedAt
    item.finishedAt = snapshot.finishedAt ?? item.finishedAt
    if (snapshot.result !== undefined) item.result = snapshot.result
    if (snapshot.error) item.error = snapshot.error
    if (!item.label) item.label = labelFromResult(item.kind, snapshot.result)
    const tracker = trackers.get(item.id)
    if (item.state !== 'running' && tracker) {
      // Paused, queued or finished: no rate; it starts afresh on resume.
      tracker.samples = []
      item.rate = null
      item.etaMs = null
    } else if (!wasRunning && tracker) {
      tracker.samples = []
    }
    if (isFinal(item.state)) finish(item)
    updateTicker()
  }

  function applyProgress(item: TaskItem, progress: Partial<TaskProgress>): void {
    if (isFinal(item.state)) return
    const done = typeof progress.done === 'number' ? progress.done : item.progress.done
    const total = typeof progress.total === 'number' ? progress.total : item.progress.total
    const unit = typeof progress.unit === 'string' ? progress.unit : item.progress.unit
    if (done < item.progress.done) return
    item.progress = { done, total, unit }
    const tracker = trackers.get(item.id)
    if (tracker && item.state === 'running') {
      tracker.samples.push({ t: now(), done })
      measure(item, tracker)
    }
  }

  /** Rate over the last RATE_WINDOW_MS of progress; 0 once progress stalled that long. */
  function measure(item: TaskItem, tracker: Tracker): void {
    const t = now()
    const samples = tracker.samples
    // Keep one sample older than the window as its start.
    while (samples.length > 2 && samples[1]!.t <= t - RATE_WINDOW_MS) samples.shift()
    const first = samples[0]
    const last = samples[samples.length - 1]
    if (!first || !last || last === first) return
    const end = t - last.t > RATE_WINDOW_MS / 2 ? t : last.t
    const span = end - first.t
    if (span < 200) return
    const rate = Math.max(0, ((last.done - first.done) * 1000) / span)
    item.rate = rate
    const { total, done } = item.progress
    item.etaMs = total > 0 && rate > 0 ? ((total - done) / rate) * 1000 : null
  }

  function updateTicker(): void {
    const running = toRaw(items).some((item) => item.state === 'running')
    if (running && !ticker && !disposed) {
      ticker = setInterval(() => {
        for (const item of items) {
          const tracker = trackers.get(item.id)
          if (tracker && item.state === 'running') measure(item, tracker)
        }
      }, 1000)
    } else if (!running && ticker) {
      clearInterval(ticker)
      ticker = null
    }
  }

  function finish(item: TaskItem): void {
    const tracker = trackers.get(item.id)
    if (!tracker) return
    for (const cleanup of tracker.cleanups) cleanup()
    tracker.cleanups = []
    tracker.handle = null
    if (item.kind === 'tail') persistTail(item)
  }

  // ---- following: handles for the page's own tasks, events for the others -------------------

  function follow(item: TaskItem, handle: TaskHandle<any, any>): void {
    const tracker = trackers.get(item.id)!
    tracker.handle = handle
    applySnapshot(item, handle.snapshot)
    if (handle.finished) return
    tracker.cleanups.push(
      handle.onProgress((progress) => applyProgress(item, progress)),
      handle.onState((snapshot) => applySnapshot(item, snapshot)),
    )
  }

  function tailFor(id: () => number, restoredLines: string[]): { buffer: TailBuffer; channel: Channel<string> } {
    let persistTimer: ReturnType<typeof setTimeout> | null = null
    // markRaw: the buffer holds its own refs, and a proxy cannot reach its private fields.
    const buffer = markRaw(
      new TailBuffer(restoredLines, () => {
        if (persistTimer || !session || disposed) return
        persistTimer = setTimeout(() => {
          persistTimer = null
          const item = find(id())
          if (item && !disposed) persistTail(item)
        }, 1000)
      }),
    )
    const channel = new Channel<string>()
    channel.onmessage = (line) => buffer.push(typeof line === 'string' ? line : String(line))
    channel.onend = () => {
      buffer.flush()
      buffer.ended.value = true
    }
    return { buffer, channel }
  }

  function persistTail(item: TaskItem): void {
    if (session && item.tail) save(`tail.${session}.${item.id}`, item.tail.tailText(PERSISTED_TAIL_LINES))
  }

  function onStateEvent(snapshot: TaskSnapshot): void {
    if (!snapshot || typeof snapshot.id !== 'number' || forgotten.has(snapshot.id)) return
    const item = find(snapshot.id)
    if (item) {
      if (!trackers.get(item.id)?.handle) applySnapshot(item, snapshot)
      return
    }
    if (inFlight > 0) {
      const early = stash.get(snapshot.id) ?? {}
      if (!early.snapshot || rank(snapshot.state) >= rank(early.snapshot.state)) early.snapshot = snapshot
      stash.set(snapshot.id, early)
      return
    }
    adopt(snapshot)
  }

  function onProgressEvent(event: TaskProgressEvent): void {
    if (!event || typeof event.id !== 'number') return
    const item = find(event.id)
    if (item) {
      if (!trackers.get(item.id)?.handle) applyProgress(item, event)
      return
    }
    if (inFlight > 0) {
      const early = stash.get(event.id) ?? {}
      early.progress = event
      stash.set(event.id, early)
    }
  }

  /** A task someone else started: shown, followed by events, its output left to its reader. */
  function adopt(snapshot: TaskSnapshot): void {
    const stored = session ? load<{ label?: string }>(`task.${session}.${snapshot.id}`) : null
    add(snapshot, stored?.label ?? labelOf(snapshot.kind, (snapshot as { params?: unknown }).params))
  }

  async function inFlightCall<T>(fn: () => Promise<T>): Promise<T> {
    inFlight++
    try {
      return await fn()
    } finally {
      // The caller registers its task in the continuation of this call (microtasks); what is
      // still unknown after that belongs to someone else.
      if (--inFlight === 0) setTimeout(adoptStashed, 0)
    }
  }

  function adoptStashed(): void {
    if (inFlight > 0 || disposed) return
    const early = [...stash.entries()]
    stash.clear()
    for (const [id, { snapshot, progress }] of early) {
      if (find(id) || forgotten.has(id) || !snapshot) continue
      adopt(snapshot)
      const item = find(id)!
      if (progress) applyProgress(item, progress)
    }
  }

  // ---- commands ----------------------------------------------------------------------------

  async function start<K extends TaskKind>(kind: K, params: TaskParams<K>): Promise<TaskItem> {
    const label = labelOf(kind, params)
    // Lines may arrive with the start's result: the pane and its channel exist before the call.
    let id = 0
    const tail = kind === 'tail' ? tailFor(() => id, []) : null
    const handle = await inFlightCall(() =>
      client.tasks.start(kind, params, tail ? { output: tail.channel as Channel<any> } : {}),
    )
    id = handle.id
    if (session) save(`task.${session}.${handle.id}`, { label })
    const item = find(handle.id) ?? add(handle.snapshot, label)
    if (!item.label) item.label = label
    if (tail) {
      item.tail = tail.buffer
      trackers.get(item.id)!.channel = tail.channel
    }
    follow(item, handle)
    return item
  }

  async function command(item: TaskItem, what: 'pause' | 'resume' | 'cancel'): Promise<void> {
    item.actionError = null
    try {
      const handle = trackers.get(item.id)?.handle
      if (handle) await handle[what]()
      else applySnapshot(item, await client.invoke(`tasks.${what}`, { id: item.id }))
    } catch (caught) {
      item.actionError = ConduitError.from(caught).message
    }
  }

  async function setLimit(value: number): Promise<void> {
    const wanted = clampLimit(value)
    const before = limit.value
    limit.value = wanted
    limitError.value = null
    try {
      const answer = await client.tasks.setLimit(wanted)
      limit.value = clampLimit(answer?.limit ?? wanted)
      save('limit', limit.value)
    } catch (caught) {
      limit.value = before
      limitError.value = ConduitError.from(caught).message
    }
  }

  function drop(item: TaskItem): void {
    forgotten.add(item.id)
    const tracker = trackers.get(item.id)
    if (tracker) {
      for (const cleanup of tracker.cleanups) cleanup()
      tracker.channel?.close()
    }
    trackers.delete(item.id)
    if (session) {
      save(`task.${session}.${item.id}`, null)
      save(`tail.${session}.${item.id}`, null)
    }
    byId.delete(item.id)
    const index = indexFor(item.id)
    if (items[index]?.id === item.id) items.splice(index, 1)
  }

  async function clearFinished(): Promise<void> {
    clearError.value = null
    const finished = items.filter((item) => isFinal(item.state))
    const outcomes = await Promise.allSettled(finished.map((item) => client.tasks.forget(item.id)))
    outcomes.forEach((outcome, i) => {
      const item = finished[i]!
      if (outcome.status === 'fulfilled') return drop(item)
      const error = ConduitError.from(outcome.reason)
      if (error.code === 'not_found') drop(item)
      else clearError.value = error.message
    })
  }

  async function reveal(item: TaskItem, path: string): Promise<void> {
    item.actionError = null
    try {
      await client.invoke('app.revealPath', { path } satisfies CommandArgs<'app.revealPath'>)
    } catch (caught) {
      item.actionError = ConduitError.from(caught).message
    }
  }

  // ---- load and reload ---------------------------------------------------------------------

  async function restore(welcome: Welcome): Promise<void> {
    session = welcome.session
    const snapshot = (welcome.snapshot ?? {}) as { tasks?: unknown; limit?: unknown }
    const generation = Number((welcome as { generation?: unknown }).generation ?? 0)
    // The first page of a native session has nothing to reconnect to, even when tasks already
    // run (started from the command line before it loaded).
    const fromPrevious = generation > 1
    if (typeof snapshot.limit === 'number') limit.value = clampLimit(snapshot.limit)
    try {
      // The welcome carries every task as the native side knows it: no second trip for them.
      const list = Array.isArray(snapshot.tasks)
        ? (snapshot.tasks as TaskSnapshot[])
        : await inFlightCall(() => client.tasks.list())
      if (disposed) return
      const attaching: Promise<void>[] = []
      for (const task of [...list].sort((a, b) => b.id - a.id)) {
        if (forgotten.has(task.id)) continue
        const known = find(task.id)
        if (known) {
          if (!trackers.get(known.id)?.handle) applySnapshot(known, task)
          continue
        }
        const stored = load<{ label?: string }>(`task.${session}.${task.id}`)
        const item = add(task, stored?.label ?? labelOf(task.kind, (task as { params?: unknown }).params))
        // Follow the lines only of tails this page followed before the reload: another reader
        // (automation, devtools) keeps its own place in the stream.
        const cachedLines = load<string[]>(`tail.${session}.${item.id}`)
        if (item.kind === 'tail' && cachedLines) {
          const tail = tailFor(() => item.id, cachedLines)
          item.tail = tail.buffer
          if (isFinal(item.state)) tail.buffer.ended.value = true
          else trackers.get(item.id)!.channel = tail.channel
          if (!isFinal(item.state)) attaching.push(attach(item, tail.channel))
        }
        // Every other live task is followed by its task.state and task.progress events, like
        // the tasks other pages start: a thousand of them cost no call each.
      }
      await Promise.all(attaching)
      if (fromPrevious && !disposed) {
        restored.value = list.length
        if (noticeTimer) clearTimeout(noticeTimer)
        noticeTimer = setTimeout(() => (restored.value = null), NOTICE_MS)
      }
    } catch (caught) {
      loadError.value = ConduitError.from(caught).message
    } finally {
      loading.value = false
    }
  }

  async function attach(item: TaskItem, channel: Channel<string> | null): Promise<void> {
    try {
      const handle = await inFlightCall(() =>
        client.tasks.attach<unknown, string>(item.id, channel ? { output: channel } : {}),
      )
      if (disposed || !find(item.id)) return
      follow(item, handle)
    } catch (caught) {
      // Gone meanwhile (forgotten elsewhere): the events still tell its end if there is one.
      item.actionError = ConduitError.from(caught).message
    }
  }

  const cleanups: (() => void)[] = [
    client.listen('task.state', onStateEvent),
    client.listen('task.progress', onProgressEvent),
  ]
  void client.ready().then((welcome) => {
    if (!disposed) return restore(welcome)
  })

  return {
    items,
    loading,
    loadError,
    limit,
    limitError,
    clearError,
    restored,
    start,
    pause: (item) => command(item, 'pause'),
    resume: (item) => command(item, 'resume'),
    cancel: (item) => command(item, 'cancel'),
    setLimit,
    clearFinished,
    reveal,
    dismissNotice: () => (restored.value = null),
    dispose() {
      disposed = true
      for (const cleanup of cleanups) cleanup()
      for (const item of items) if (item.kind === 'tail') persistTail(item)
      for (const tracker of trackers.values()) {
        for (const cleanup of tracker.cleanups) cleanup()
        tracker.channel?.close()
      }
      if (ticker) clearInterval(ticker)
      if (noticeTimer) clearTimeout(noticeTimer)
    },
  }
}
