// SPDX-License-Identifier: MIT
// The task dashboard's state: every task the native side knows, with a label, progress, a
// smoothed rate and time left, results and errors; the concurrency limit; and the output of
// kinds that show it (kinds/<kind>/, `output`). Every live task is followed through a
// TaskHandle of conduit.tasks: the page's own from start() and retry(), the ones found after a
// reload from watch() (or attach(), for output the page showed before), and tasks someone else
// started from onForeign(). Which snapshot wins, and which events belong to a start still in flight, is
// conduit.tasks' business; this file only shows what the handles say.

import { computed, markRaw, reactive, ref, shallowRef, triggerRef, type ComputedRef, type Raw, type Ref } from 'vue'
import type { AppClient } from '../appClient'
import type {
  CommandArgs,
  TaskHistoryNotice,
  TaskKind,
  TaskParams,
  TaskProgress,
  TaskSnapshot,
  TaskState,
  Welcome,
} from '../conduit/api'
import { Channel } from '../conduit/channel'
import { ConduitError, type ErrorPayload } from '../conduit/errors'
import { taskLimit } from '../conduit/generated/api'
import { isFinalTaskState, type TaskHandle } from '../conduit/tasks'
import { labelFromParams, labelFromResult, outputOf } from '../kinds'
import type { OutputBuffer } from '../kinds/KindDescriptor'

/** The concurrency limit's range, as native states it (TaskManager::kMinLimit/kMaxLimit). */
export const MIN_LIMIT = taskLimit.min
export const MAX_LIMIT = taskLimit.max
/** Rate and time left are measured over this much recent progress. */
export const RATE_WINDOW_MS = 2000
const NOTICE_MS = 10_000
/** What the board remembers with a task (conduit.tasks.remember) for a reload. */
const LABEL = 'label'
const OUTPUT = 'output'

/** One row of the dashboard. */
export interface TaskItem {
  id: number
  kind: string
  /** What the task works on (folder, manifest, URL, file), or '' when unknown. */
  label: string
  /** As it was started: a retry's output view is made from them before native answers. */
  params: object
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
  /** The last pause/resume/cancel/retry/reveal failure, shown in the row. */
  actionError: string | null
  /** The task's output as its kind keeps it, for tasks whose output the page follows. */
  output: Raw<OutputBuffer<unknown>> | null
}

interface Tracker {
  handle: TaskHandle<any, any> | null
  channel: Channel<unknown> | null
  samples: { t: number; done: number }[]
  cleanups: (() => void)[]
  persistTimer: ReturnType<typeof setTimeout> | null
}

/** The view of a window of its own on task `id`: the page's location hash, without its '#'. */
export function taskView(id: number): string {
  return `task/${id}`
}

/** The task a view names (`taskView`), or undefined for any other view. */
export function taskOfView(view: string): number | undefined {
  const match = /^task\/([1-9][0-9]{0,15})$/.exec(view)
  return match ? Number(match[1]) : undefined
}

/** `value` rounded into the limit's range (MIN_LIMIT for anything that is not a number). */
export function clampLimit(value: number): number {
  if (!Number.isFinite(value)) return MIN_LIMIT
  return Math.min(MAX_LIMIT, Math.max(MIN_LIMIT, Math.round(value)))
}

/** The dashboard's state and actions (useTasks). */
export interface TaskBoard {
  /**
   * Newest first. Recomputed (once, when read) only after tasks were added or removed, never per
   * row change: each item is reactive on its own, and a row follows only its item.
   */
  items: ComputedRef<readonly TaskItem[]>
  /** How many tasks have ended (any final state), kept as states change. */
  finishedCount: Readonly<Ref<number>>
  loading: Ref<boolean>
  loadError: Ref<string | null>
  limit: Ref<number>
  limitError: Ref<string | null>
  clearError: Ref<string | null>
  /** Tasks restored from a previous page, for the "Reconnected" notice; null when none to tell. */
  restored: Ref<number | null>
  /** The task history was set aside, or is off in this run; null when all is well or dismissed. */
  historyNotice: Ref<TaskHistoryNotice | null>
  start<K extends TaskKind>(kind: K, params: TaskParams<K>): Promise<TaskItem>
  /** Starts a finished task again as a new row (native tasks.retry); a refusal shows in its row. */
  retry(item: TaskItem): Promise<void>
  pause(item: TaskItem): Promise<void>
  resume(item: TaskItem): Promise<void>
  cancel(item: TaskItem): Promise<void>
  setLimit(value: number): Promise<void>
  clearFinished(): Promise<void>
  reveal(item: TaskItem, path: string): Promise<void>
  /** Opens a window of its own on the task (its output or result), following it. */
  detach(item: TaskItem): Promise<void>
  dismissNotice(): void
  dismissHistoryNotice(): void
  dispose(): void
}

export interface TaskBoardOptions {
  /** For tests: the clock rates are measured by. */
  now?: () => number
  /**
   * Follow this task only (a window of its own): no other task is shown, and its output is
   * read from the first item the native side still keeps, whether it runs or has ended.
   */
  only?: number
}

/** The dashboard's state over `client`; call dispose() when the view goes. */
export function useTasks(client: AppClient, options: TaskBoardOptions = {}): TaskBoard {
  const now = options.now ?? (() => performance.now())
  const tasks = client.tasks
  // Every task cost O(1) per event however many there are: the items in order of arrival in a
  // plain array (appended to, never spliced per item), found by id in a Map, with the count of
  // finished ones and the set of running ones kept as states change instead of scanned for.
  /** Oldest first once `unsorted` is false; a reactive item each. */
  let list: TaskItem[] = []
  /** An item was appended out of id order (a reload adds newest first): sort before showing. */
  let unsorted = false
  /** Triggered when items are added or removed: `items` is recomputed then, and only then. */
  const structure = shallowRef(0)
  const items = computed<readonly TaskItem[]>(() => {
    void structure.value
    if (unsorted) {
      list.sort((a, b) => a.id - b.id)
      unsorted = false
    }
    return list.slice().reverse()
  })
  const finishedCount = ref(0)
  /** Running items, for the ticker that measures their rates. */
  const running = new Set<TaskItem>()
  const trackers = new Map<number, Tracker>()
  const forgotten = new Set<number>()
  const loading = ref(true)
  const loadError = ref<string | null>(null)
  const limit = ref(clampLimit(globalThis.navigator?.hardwareConcurrency ?? 4))
  const limitError = ref<string | null>(null)
  const clearError = ref<string | null>(null)
  const restored = ref<number | null>(null)
  const historyNotice = ref<TaskHistoryNotice | null>(null)
  let disposed = false
  let ticker: ReturnType<typeof setInterval> | null = null
  let noticeTimer: ReturnType<typeof setTimeout> | null = null

  // The reactive item of each id: handles and calls find theirs without walking the list.
  const byId = new Map<number, TaskItem>()
  const find = (id: number): TaskItem | undefined => byId.get(id)

  /** The label kept with a task for a reload, else what its params say. */
  function labelFor(snapshot: TaskSnapshot): string {
    const kept = tasks.recall(snapshot.id, LABEL)
    return typeof kept === 'string' && kept ? kept : labelFromParams(snapshot.kind, snapshot.params)
  }

  // ---- items -------------------------------------------------------------------------------

  function add(snapshot: TaskSnapshot, label: string): TaskItem {
    const item: TaskItem = {
      id: snapshot.id,
      kind: snapshot.kind,
      label: label || labelFromResult(snapshot.kind, snapshot.result),
      params: snapshot.params,
      state: snapshot.state,
      progress: { ...snapshot.progress },
      createdAt: snapshot.createdAt,
      startedAt: snapshot.startedAt ?? null,
      finishedAt: snapshot.finishedAt ?? null,
      rate: null,
      etaMs: null,
      actionError: null,
      output: null,
    }
    if (snapshot.result !== undefined) item.result = snapshot.result
    if (snapshot.error) item.error = snapshot.error
    const proxy = reactive(item) as TaskItem
    const last = list[list.length - 1]
    if (last && last.id > proxy.id) unsorted = true
    list.push(proxy)
    triggerRef(structure)
    trackers.set(item.id, { handle: null, channel: null, samples: [], cleanups: [], persistTimer: null })
    byId.set(item.id, proxy)
    if (isFinalTaskState(proxy.state)) finishedCount.value++
    else if (proxy.state === 'running') running.add(proxy)
    return proxy
  }

  /** What the handle says now; it never goes backwards, so it is taken as it is. */
  function show(item: TaskItem, snapshot: TaskSnapshot): void {
    const wasRunning = item.state === 'running'
    const wasFinal = isFinalTaskState(item.state)
    if (snapshot.progress) showProgress(item, snapshot.progress)
    item.state = snapshot.state
    if (!wasFinal && isFinalTaskState(item.state) && byId.get(item.id) === item) finishedCount.value++
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
    if (isFinalTaskState(item.state)) finish(item)
    updateTicker(item)
  }

  function showProgress(item: TaskItem, progress: TaskProgress): void {
    item.progress = { ...progress }
    const tracker = trackers.get(item.id)
    if (tracker && item.state === 'running') {
      tracker.samples.push({ t: now(), done: progress.done })
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

  function updateTicker(item?: TaskItem): void {
    if (item) {
      if (item.state === 'running' && byId.get(item.id) === item) running.add(item)
      else running.delete(item)
    }
    const any = running.size > 0
    if (any && !ticker && !disposed) {
      ticker = setInterval(() => {
        for (const item of running) {
          const tracker = trackers.get(item.id)
          if (tracker && item.state === 'running') measure(item, tracker)
        }
      }, 1000)
    } else if (!any && ticker) {
      clearInterval(ticker)
      ticker = null
    }
  }

  function finish(item: TaskItem): void {
    const tracker = trackers.get(item.id)
    if (!tracker) return
    release(tracker)
    tracker.handle = null
    persistOutput(item)
  }

  function release(tracker: Tracker): void {
    for (const cleanup of tracker.cleanups) cleanup()
    tracker.cleanups = []
    if (tracker.persistTimer) clearTimeout(tracker.persistTimer)
    tracker.persistTimer = null
  }

  /** Shows what `handle` says of `item`, now and on every change, until the task ends. */
  function follow(item: TaskItem, handle: TaskHandle<any, any>): void {
    const tracker = trackers.get(item.id)!
    for (const cleanup of tracker.cleanups) cleanup()
    tracker.cleanups = []
    tracker.handle = handle
    show(item, handle.snapshot)
    if (handle.finished) return
    tracker.cleanups.push(
      handle.onProgress((progress) => {
        if (!isFinalTaskState(item.state)) showProgress(item, progress)
      }),
      handle.onState((snapshot) => show(item, snapshot)),
    )
  }

  // ---- output: kinds that show it get a buffer and a channel, and keep it for a reload --------

  /**
   * The buffer and channel for `kind`'s output, or null when the page does not read it. `saved`
   * is what the buffer kept before a reload; `item` finds the row once the id is known.
   */
  function outputFor(kind: string, item: () => TaskItem | undefined, saved: unknown, params: unknown) {
    const part = outputOf(kind)
    if (!part) return null
    // markRaw: a buffer holds its own refs, and a proxy cannot reach its private fields.
    const buffer = markRaw(
      part.create(
        saved,
        () => {
          const target = item()
          const tracker = target && trackers.get(target.id)
          if (!target || !tracker || tracker.persistTimer || disposed) return
          tracker.persistTimer = setTimeout(() => {
            tracker.persistTimer = null
            if (!disposed) persistOutput(target)
          }, 1000)
        },
        params,
      ),
    )
    const channel = new Channel<unknown>()
    channel.onmessage = (value) => buffer.push(value)
    channel.onend = () => buffer.end()
    return { buffer, channel }
  }

  function persistOutput(item: TaskItem): void {
    if (item.output) tasks.remember(item.id, OUTPUT, item.output.save())
  }

  /** Whether this board shows the task: every one, or the one it follows only. */
  function shows(id: number): boolean {
    return options.only === undefined || options.only === id
  }

  /** A task someone else started: shown, and followed by the task.* events. */
  function onForeign(snapshot: TaskSnapshot): void {
    if (disposed || forgotten.has(snapshot.id) || find(snapshot.id) || !shows(snapshot.id)) return
    const item = add(snapshot, labelFor(snapshot))
    if (!isFinalTaskState(item.state)) follow(item, tasks.watch(snapshot))
  }

  // ---- commands ----------------------------------------------------------------------------

  async function start<K extends TaskKind>(kind: K, params: TaskParams<K>): Promise<TaskItem> {
    return open(kind, params, labelFromParams(kind, params), (output) =>
      tasks.start(kind, params, output ? { output } : {}),
    )
  }

  async function retry(item: TaskItem): Promise<void> {
    item.actionError = null
    try {
      await open(item.kind, item.params, labelFromParams(item.kind, item.params) || item.label, (output) =>
        tasks.retry(item.id, output ? { output } : {}),
      )
    } catch (caught) {
      item.actionError = ConduitError.from(caught).message
    }
  }

  /** A new task's row, from `send` (a start or a retry) given its output channel if it has one. */
  async function open(
    kind: string,
    params: object,
    label: string,
    send: (output: Channel<unknown> | null) => Promise<TaskHandle<any, any>>,
  ): Promise<TaskItem> {
    // Output may arrive with the start's result: the buffer and its channel exist before the call.
    let id = 0
    const output = outputFor(kind, () => find(id), undefined, params)
    const handle = await send(output?.channel ?? null)
    id = handle.id
    tasks.remember(id, LABEL, label)
    const item = find(id) ?? add(handle.snapshot, label)
    if (!item.label) item.label = label
    if (output) {
      item.output = output.buffer
      trackers.get(id)!.channel = output.channel
    }
    follow(item, handle)
    return item
  }

  async function command(item: TaskItem, what: 'pause' | 'resume' | 'cancel'): Promise<void> {
    item.actionError = null
    try {
      // Only a live task has a handle, and only a live task offers these.
      await trackers.get(item.id)?.handle?.[what]()
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
      const answer = await tasks.setLimit(wanted)
      limit.value = clampLimit(answer?.limit ?? wanted)
    } catch (caught) {
      limit.value = before
      limitError.value = ConduitError.from(caught).message
    }
  }

  /** Forgets `item`; the list itself is compacted once by removeDropped(), not per item. */
  function drop(item: TaskItem): void {
    if (byId.get(item.id) !== item) return
    forgotten.add(item.id)
    const tracker = trackers.get(item.id)
    if (tracker) {
      release(tracker)
      tracker.channel?.close()
    }
    trackers.delete(item.id)
    byId.delete(item.id)
    running.delete(item)
    if (isFinalTaskState(item.state)) finishedCount.value--
  }

  /** Takes the dropped items out of the list: one pass for any number of them. */
  function removeDropped(): void {
    const kept = list.filter((item) => byId.get(item.id) === item)
    if (kept.length === list.length) return
    list = kept
    triggerRef(structure)
    updateTicker()
  }

  async function clearFinished(): Promise<void> {
    clearError.value = null
    const finished = list.filter((item) => isFinalTaskState(item.state))
    // forget() also drops what the board remembered with each task.
    const outcomes = await Promise.allSettled(finished.map((item) => tasks.forget(item.id)))
    outcomes.forEach((outcome, i) => {
      const item = finished[i]!
      if (outcome.status === 'fulfilled') return drop(item)
      const error = ConduitError.from(outcome.reason)
      if (error.code === 'not_found') drop(item)
      else clearError.value = error.message
    })
    removeDropped()
  }

  async function reveal(item: TaskItem, path: string): Promise<void> {
    item.actionError = null
    try {
      await client.invoke('app.revealPath', { path } satisfies CommandArgs<'app.revealPath'>)
    } catch (caught) {
      item.actionError = ConduitError.from(caught).message
    }
  }

  async function detach(item: TaskItem): Promise<void> {
    item.actionError = null
    try {
      await client.invoke('windows.open', { view: taskView(item.id) })
    } catch (caught) {
      item.actionError = ConduitError.from(caught).message
    }
  }

  // ---- load and reload ---------------------------------------------------------------------

  async function restore(welcome: Welcome): Promise<void> {
    const snapshot = (welcome.snapshot ?? {}) as { tasks?: unknown; limit?: unknown; historyNotice?: unknown }
    const generation = Number((welcome as { generation?: unknown }).generation ?? 0)
    // The first page of a native session has nothing to reconnect to, even when tasks already
    // run (started from the command line before it loaded).
    const fromPrevious = generation > 1
    if (typeof snapshot.limit === 'number') limit.value = clampLimit(snapshot.limit)
    if (snapshot.historyNotice) historyNotice.value = snapshot.historyNotice as TaskHistoryNotice
    try {
      // The welcome carries every task as the native side knows it: no second trip for them.
      const list = Array.isArray(snapshot.tasks) ? (snapshot.tasks as TaskSnapshot[]) : await tasks.list()
      if (disposed) return
      const attaching: Promise<void>[] = []
      for (const task of [...list].sort((a, b) => b.id - a.id)) {
        // Known already: the page's own, or announced by an event before this ran.
        if (forgotten.has(task.id) || find(task.id) || !shows(task.id)) continue
        const item = add(task, labelFor(task))
        const final = isFinalTaskState(item.state)
        // Follow the output only of tasks whose output this page showed before the reload:
        // another reader (automation, devtools) keeps its own place in the stream.
        const saved = tasks.recall(task.id, OUTPUT)
        // A task's own window reads its output from the start, ended or not (the native side
        // keeps its recent history, and ends the stream once it has sent all of it).
        const whole = options.only === task.id && saved === undefined
        const output = saved === undefined && !whole ? null : outputFor(item.kind, () => find(task.id), saved, task.params)
        if (output) {
          item.output = output.buffer
          if (final && !whole) output.buffer.end()
        }
        if (final && !whole) continue
        if (output) {
          trackers.get(item.id)!.channel = output.channel
          attaching.push(attach(item, task, output.channel))
        } else {
          // Followed by its task.* events: a thousand restored tasks cost no call each.
          follow(item, tasks.watch(task))
        }
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

  async function attach(item: TaskItem, snapshot: TaskSnapshot, channel: Channel<unknown>): Promise<void> {
    try {
      const handle = await tasks.attach<unknown, unknown>(item.id, { output: channel })
      if (!disposed && find(item.id)) follow(item, handle)
    } catch (caught) {
      // Gone meanwhile (forgotten elsewhere)? Its events still tell its end if there is one.
      item.actionError = ConduitError.from(caught).message
      if (!disposed && find(item.id) && !isFinalTaskState(item.state)) follow(item, tasks.watch(snapshot))
    }
  }

  const stopForeign = tasks.onForeign(onForeign)
  // The page was here before the history was read (else its welcome carried the notice).
  const stopHistoryNotice = client.listen('task.historyNotice', (notice) => {
    if (!disposed) historyNotice.value = notice
  })
  void client.ready().then((welcome) => {
    if (!disposed) return restore(welcome)
  })

  return {
    items,
    finishedCount,
    loading,
    loadError,
    limit,
    limitError,
    clearError,
    restored,
    historyNotice,
    start,
    retry,
    pause: (item) => command(item, 'pause'),
    resume: (item) => command(item, 'resume'),
    cancel: (item) => command(item, 'cancel'),
    setLimit,
    clearFinished,
    reveal,
    detach,
    dismissNotice: () => (restored.value = null),
    dismissHistoryNotice: () => (historyNotice.value = null),
    dispose() {
      disposed = true
      stopForeign()
      stopHistoryNotice()
      for (const item of list) persistOutput(item)
      for (const tracker of trackers.values()) {
        release(tracker)
        tracker.channel?.close()
      }
      if (ticker) clearInterval(ticker)
      if (noticeTimer) clearTimeout(noticeTimer)
    },
  }
}
