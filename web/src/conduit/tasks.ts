// SPDX-License-Identifier: MIT
// conduit.tasks: long-running native work the page starts, watches, pauses, resumes, cancels and
// finds again after a reload (docs/DESIGN.md §4–5), built on invoke(), listen() and Channel.

import type {
  FinalTaskState,
  TaskKind,
  CommandArgs,
  TaskKinds,
  TaskOutput,
  TaskOutputItem,
  TaskParams,
  TaskProgress,
  TaskProgressEvent,
  TaskResult,
  TaskSnapshot,
  TaskState,
  UnknownName,
} from './api'
import { Channel, channelDriver, type ChannelHost } from './channel'
import { bridgeLimits, finalTaskStates } from './generated/api'
import type { ConduitClient, InvokeOptions, Unlisten } from './client'
import { ConduitError } from './errors'

/** What to follow of a task: for start(), run(), attach() (and watch(), without output). */
export interface TaskWatchOptions<O = unknown> {
  /** Every progress change (the final value included). */
  onProgress?: (progress: TaskProgress) => void
  /** Every state change. */
  onState?: (snapshot: TaskSnapshot) => void
  /** Receives the values of the task's output items, each once, in order. */
  output?: Channel<O>
}

/** start(): what to follow, and how the task is queued and bounded. */
export interface TaskStartOptions<O = unknown> extends TaskWatchOptions<O> {
  /** Higher runs first when tasks queue for a slot. */
  priority?: number
  /** The task ends as `timed_out` (done rejects with `timeout`) after this long. */
  timeoutMs?: number
}

/** run(): start()'s options and a signal that cancels the task. */
export interface TaskRunOptions<O = unknown> extends TaskStartOptions<O> {
  /** Aborting cancels the native task and rejects with `cancelled`. */
  signal?: AbortSignal
}

/** attach(): what to follow of a task that exists already. */
export type TaskAttachOptions<O = unknown> = TaskWatchOptions<O>

/** Whether a task in `state` has ended for good (the generated `finalTaskStates`). */
export function isFinalTaskState(state: TaskState): state is FinalTaskState {
  return (finalTaskStates as readonly TaskState[]).includes(state)
}

/** queued → running ⇄ paused → final: a state never moves to a lower rank. */
function rank(state: TaskState): number {
  if (isFinalTaskState(state)) return 2
  return state === 'queued' ? 0 : 1
}

/** Whether `next` may replace `current`: never out of a final state, never back down a rank. */
function advances(current: TaskState, next: TaskState): boolean {
  return !isFinalTaskState(current) && rank(next) >= rank(current)
}

/** Whether `next` is news: more done, or the same done with another total or unit. */
function progressAdvances(current: TaskProgress, next: TaskProgress): boolean {
  if (next.done !== current.done) return next.done > current.done
  return next.total !== current.total || next.unit !== current.unit
}

/** The ConduitError a finished task's `done` rejects with, or null for `completed`. */
export function taskError(snapshot: TaskSnapshot): ConduitError | null {
  const error = snapshot.error
  const details = error?.details ?? { id: snapshot.id, kind: snapshot.kind }
  switch (snapshot.state) {
    case 'completed':
      return null
    case 'cancelled':
      return new ConduitError('cancelled', error?.message ?? `Task ${snapshot.id} was cancelled`, details)
    case 'timed_out':
      return new ConduitError('timeout', error?.message ?? `Task ${snapshot.id} timed out`, details)
    case 'interrupted':
      return new ConduitError('interrupted', error?.message ?? `Task ${snapshot.id} was interrupted`, details)
    default: {
      if (!error) return new ConduitError('internal', `Task ${snapshot.id} failed`, details)
      const mapped = ConduitError.fromPayload(error)
      return mapped.details === undefined ? new ConduitError(mapped.code, mapped.message, details) : mapped
    }
  }
}

function cancelledBy(signal: AbortSignal): ConduitError {
  const reason: unknown = signal.reason
  return new ConduitError(
    'cancelled',
    'Aborted',
    reason === undefined ? undefined : { reason: reason instanceof Error ? reason.message : String(reason) },
  )
}

function call(what: string, fn: () => void): void {
  try {
    fn()
  } catch (error) {
    console.error(`conduit: ${what} failed`, error)
  }
}

// ---- what the page keeps per native session and task: output seqs, the page's own memos ----

const KEY_PREFIX = 'conduit.task.'

/**
 * sessionStorage when the page may use it, memory otherwise (and always as a mirror). Every key
 * starts with `conduit.task.<session>.<id>.`, so one native session's entries, or one task's, go
 * together.
 */
class TaskStore {
  #memory = new Map<string, string>()
  #storage: Storage | null

  constructor() {
    this.#storage = null
    try {
      const storage = globalThis.sessionStorage
      const probe = `${KEY_PREFIX}probe`
      storage.setItem(probe, '1')
      storage.removeItem(probe)
      this.#storage = storage
    } catch {
      // no sessionStorage (opaque origin, disabled storage, not a browser): memory only
    }
  }

  /** Where a task's entries start. */
  static taskPrefix(session: string, id: number): string {
    return `${KEY_PREFIX}${encodeURIComponent(session)}.${id}.`
  }

  static seqKey(session: string, id: number): string {
    return `${TaskStore.taskPrefix(session, id)}lastSeq`
  }

  static memoKey(session: string, id: number, name: string): string {
    return `${TaskStore.taskPrefix(session, id)}memo.${encodeURIComponent(name)}`
  }

  /** The last delivered seq under `key`, 0 if none. */
  seq(key: string): number {
    const n = Number(this.#get(key) ?? 0)
    return Number.isSafeInteger(n) && n >= 0 ? n : 0
  }

  setSeq(key: string, seq: number): void {
    this.#set(key, String(seq))
  }

  /** The JSON value under `key`, undefined if none (or not JSON). */
  value(key: string): unknown {
    const text = this.#get(key)
    if (text === null) return undefined
    try {
      return JSON.parse(text) as unknown
    } catch {
      return undefined
    }
  }

  /** Keeps `value` as JSON; undefined removes the entry. */
  setValue(key: string, value: unknown): void {
    if (value === undefined) return this.#removeWhere((k) => k === key)
    let text: string
    try {
      text = JSON.stringify(value)
    } catch {
      return // not JSON (a cycle, a BigInt): nothing is kept
    }
    this.#set(key, text)
  }

  /** Drops every entry under `prefix` (one task's). */
  removePrefix(prefix: string): void {
    this.#removeWhere((key) => key.startsWith(prefix))
  }

  /** Drops entries of other native sessions: their task ids mean other tasks now. */
  prune(session: string): void {
    const keep = `${KEY_PREFIX}${encodeURIComponent(session)}.`
    this.#removeWhere((key) => key.startsWith(KEY_PREFIX) && !key.startsWith(keep))
  }

  #get(key: string): string | null {
    try {
      const stored = this.#storage?.getItem(key)
      if (stored != null) return stored
    } catch {
      // fall through to memory
    }
    return this.#memory.get(key) ?? null
  }

  #set(key: string, text: string): void {
    this.#memory.set(key, text)
    try {
      this.#storage?.setItem(key, text)
    } catch {
      // quota or revoked access: memory keeps it for this page's life
    }
  }

  #removeWhere(matches: (key: string) => boolean): void {
    for (const key of [...this.#memory.keys()]) if (matches(key)) this.#memory.delete(key)
    const storage = this.#storage
    if (!storage) return
    try {
      const stale: string[] = []
      for (let i = 0; i < storage.length; i++) {
        const key = storage.key(i)
        if (key !== null && matches(key)) stale.push(key)
      }
      for (const key of stale) storage.removeItem(key)
    } catch {
      // nothing to do
    }
  }
}

// ---- output: the task's stream of {seq, value} → the page's Channel of values ---------------

/**
 * Owns the call's stream (a Channel of `{seq, value}` items), drops every item at or below the
 * last delivered seq, hands the values to the page's channel, and remembers the last seq (in one
 * write per turn) once the task id is known.
 */
class OutputSink<O> {
  readonly stream = new Channel<TaskOutputItem<O>>()
  #output: Channel<O>
  #store: TaskStore
  #key: string | null = null
  #lastSeq: number
  #nextLocalSeq = 0
  #persistScheduled = false

  constructor(output: Channel<O>, store: TaskStore, lastSeq: number, key: string | null) {
    this.#output = output
    this.#store = store
    this.#lastSeq = lastSeq
    this.#key = key
    // The page's channel is fed locally; closing it closes the native stream (the task goes on).
    const host: ChannelHost = {
      streamWindow: bridgeLimits.streamWindow,
      grantCredit: () => {},
      closeStream: () => this.stream.close(),
      releaseStream: () => {},
    }
    channelDriver().attach(output, host)
    this.stream.onmessage = (item) => this.#deliver(item)
    this.stream.onend = (error) => channelDriver().end(output, error)
  }

  get lastSeq(): number {
    return this.#lastSeq
  }

  /** Known once tasks.start returned; items delivered before that are remembered now. */
  setKey(key: string): void {
    this.#key = key
    if (this.#lastSeq > 0) this.#schedulePersist()
  }

  #deliver(item: TaskOutputItem<O>): void {
    const seq = item && typeof item === 'object' ? item.seq : undefined
    if (typeof seq !== 'number' || !Number.isSafeInteger(seq)) {
      console.warn('conduit: dropped a task output item without a seq', item)
      return
    }
    if (seq <= this.#lastSeq) return // replay overlap: already delivered
    this.#lastSeq = seq
    channelDriver().chunk(this.#output, this.#nextLocalSeq++, [item.value])
    this.#schedulePersist()
  }

  #schedulePersist(): void {
    if (this.#persistScheduled || this.#key === null) return
    this.#persistScheduled = true
    queueMicrotask(() => {
      this.#persistScheduled = false
      if (this.#key !== null) this.#store.setSeq(this.#key, this.#lastSeq)
    })
  }
}

// ---- the handle ------------------------------------------------------------------------------

/** What a TaskHandle needs from `conduit.tasks`. */
interface TaskHost {
  command(cmd: 'tasks.pause' | 'tasks.resume' | 'tasks.cancel', id: number): Promise<TaskSnapshot>
  release(handle: TaskHandle<any, any>): void
}

/**
 * How `conduit.tasks` feeds a handle the task.* events. Module-internal: set by TaskHandle's
 * static block, which alone can reach its private members.
 */
interface HandleDriver {
  /** A snapshot from an event or a command result; ignored if it would go backwards. */
  snapshot(handle: TaskHandle<any, any>, next: TaskSnapshot): void
  /** A `task.progress` event. */
  progress(handle: TaskHandle<any, any>, event: Partial<TaskProgress>): void
  /** Settles `done` once the snapshot is final (also for a task that ended earlier). */
  settle(handle: TaskHandle<any, any>): void
}

let driveHandle: HandleDriver

/** One native task as the page sees it; state and progress follow the `task.*` events. */
export class TaskHandle<R = unknown, O = unknown> {
  /** The native task id. */
  readonly id: number
  /** The task's kind, as it was started. */
  readonly kind: string
  /** Resolves with the result on `completed`; rejects with `cancelled`, `timeout` or the failure's code. */
  readonly done: Promise<R>
  /** The page's output channel, if one was given. */
  readonly output: Channel<O> | null

  #host: TaskHost
  #snapshot: TaskSnapshot
  #stateListeners = new Set<(snapshot: TaskSnapshot) => void>()
  #progressListeners = new Set<(progress: TaskProgress) => void>()
  #resolve!: (value: R) => void
  #reject!: (error: ConduitError) => void

  static {
    driveHandle = {
      snapshot: (handle, next) => handle.#applySnapshot(next),
      progress: (handle, event) => handle.#applyProgress(event),
      settle: (handle) => handle.#settleIfFinal(),
    }
  }

  /** Made by conduit.tasks (start, attach, run, watch); a page has no use for it. */
  constructor(host: TaskHost, snapshot: TaskSnapshot, options: TaskWatchOptions<O>) {
    this.#host = host
    this.id = snapshot.id
    this.kind = snapshot.kind
    this.output = options.output ?? null
    this.#snapshot = { ...snapshot, progress: { ...snapshot.progress } }
    this.done = new Promise<R>((resolve, reject) => {
      this.#resolve = resolve
      this.#reject = reject
    })
    // Nobody has to await `done`: a cancelled task is not an unhandled rejection.
    this.done.catch(() => {})
    if (options.onProgress) this.onProgress(options.onProgress)
    if (options.onState) this.onState(options.onState)
  }

  /** The task's state now. */
  get state(): TaskState {
    return this.#snapshot.state
  }

  /** The task's progress now (a copy). */
  get progress(): TaskProgress {
    return { ...this.#snapshot.progress }
  }

  /** The latest snapshot (state and progress kept current). */
  get snapshot(): TaskSnapshot {
    return { ...this.#snapshot, progress: { ...this.#snapshot.progress } }
  }

  /** True once the task reached a final state (completed, failed, cancelled, timed_out, interrupted). */
  get finished(): boolean {
    return isFinalTaskState(this.#snapshot.state)
  }

  /** Asks the native side to pause the work (`invalid_args` unless running). */
  pause(): Promise<TaskSnapshot> {
    return this.#command('tasks.pause')
  }

  /** Asks the native side to go on with paused work. */
  resume(): Promise<TaskSnapshot> {
    return this.#command('tasks.resume')
  }

  /** Asks the native side to stop the work; `done` then rejects with `cancelled`. */
  cancel(): Promise<TaskSnapshot> {
    return this.#command('tasks.cancel')
  }

  /** Calls `cb` on every progress change; returns what stops it. */
  onProgress(cb: (progress: TaskProgress) => void): Unlisten {
    const entry = (progress: TaskProgress): void => cb(progress)
    this.#progressListeners.add(entry)
    return () => this.#progressListeners.delete(entry)
  }

  /** Calls `cb` on every state change; returns what stops it. */
  onState(cb: (snapshot: TaskSnapshot) => void): Unlisten {
    const entry = (snapshot: TaskSnapshot): void => cb(snapshot)
    this.#stateListeners.add(entry)
    return () => this.#stateListeners.delete(entry)
  }

  #applySnapshot(next: TaskSnapshot): void {
    const current = this.#snapshot
    if (!advances(current.state, next.state)) return
    const progress =
      next.progress && progressAdvances(current.progress, next.progress) ? { ...next.progress } : current.progress
    const progressChanged = progress !== current.progress
    const stateChanged = next.state !== current.state
    this.#snapshot = { ...next, progress }
    if (progressChanged) this.#emitProgress()
    if (stateChanged) {
      const snapshot = this.snapshot
      for (const cb of [...this.#stateListeners]) call(`task ${this.id} onState`, () => cb(snapshot))
    }
    this.#settleIfFinal()
  }

  #applyProgress(event: Partial<TaskProgress>): void {
    const current = this.#snapshot
    if (isFinalTaskState(current.state)) return
    const next: TaskProgress = {
      done: typeof event.done === 'number' ? event.done : current.progress.done,
      total: typeof event.total === 'number' ? event.total : current.progress.total,
      unit: typeof event.unit === 'string' ? event.unit : current.progress.unit,
    }
    if (!progressAdvances(current.progress, next)) return
    this.#snapshot = { ...current, progress: next }
    this.#emitProgress()
  }

  #settleIfFinal(): void {
    const snapshot = this.#snapshot
    if (!isFinalTaskState(snapshot.state)) return
    this.#host.release(this)
    const error = taskError(snapshot)
    if (error) this.#reject(error)
    else this.#resolve(snapshot.result as R)
  }

  #emitProgress(): void {
    const progress = this.progress
    for (const cb of [...this.#progressListeners]) call(`task ${this.id} onProgress`, () => cb({ ...progress }))
  }

  async #command(cmd: 'tasks.pause' | 'tasks.resume' | 'tasks.cancel'): Promise<TaskSnapshot> {
    const snapshot = await this.#host.command(cmd, this.id)
    this.#applySnapshot(snapshot)
    return snapshot
  }
}

// ---- conduit.tasks ---------------------------------------------------------------------------

/** Events for a task id without a handle, held while a start/attach is in flight. */
interface EarlyEvents {
  snapshot?: TaskSnapshot
  progress?: TaskProgress
}

/** `snapshot` with `progress` if that is newer: what a task looked like last. */
function withProgress(snapshot: TaskSnapshot, progress: TaskProgress | undefined): TaskSnapshot {
  return progress && !isFinalTaskState(snapshot.state) && progressAdvances(snapshot.progress, progress)
    ? { ...snapshot, progress: { ...progress } }
    : snapshot
}

/** `conduit.tasks`: starts, finds and follows native tasks (docs/API.md §1.7). */
export class Tasks {
  #client: ConduitClient
  #store = new TaskStore()
  /** Live handles by task id (a page may hold several for one task). */
  #handles = new Map<number, Set<TaskHandle<any, any>>>()
  /** While a start/attach is in flight, events for ids without a handle wait here. */
  #inFlight = 0
  #early = new Map<number, EarlyEvents>()
  #foreignListeners = new Set<(snapshot: TaskSnapshot) => void>()
  #host: TaskHost

  /** Made by the client (`conduit.tasks`); follows its task.* events from the start. */
  constructor(client: ConduitClient) {
    this.#client = client
    this.#host = {
      command: (cmd, id) => this.#client.invoke(cmd, { id }),
      release: (handle) => {
        const set = this.#handles.get(handle.id)
        if (!set) return
        set.delete(handle)
        if (set.size === 0) this.#handles.delete(handle.id)
      },
    }
    client.listen('task.state', (snapshot) => this.#onState(snapshot))
    client.listen('task.progress', (event) => this.#onProgress(event))
    void client.ready().then((welcome) => this.#store.prune(welcome.session))
  }

  /** Starts a task; the handle follows it. Output items reach `options.output` as values. */
  start<K extends TaskKind>(
    kind: K,
    params: TaskParams<K>,
    options?: TaskStartOptions<TaskOutput<K>>,
  ): Promise<TaskHandle<TaskResult<K>, TaskOutput<K>>>
  start<R = unknown, O = unknown, N extends string = string>(
    kind: UnknownName<N, TaskKinds>,
    params?: object,
    options?: TaskStartOptions<O>,
  ): Promise<TaskHandle<R, O>>
  async start(kind: string, params: object = {}, options: TaskStartOptions<any> = {}): Promise<TaskHandle<any, any>> {
    // A kind the page's types do not name (a test's) goes as it is: native refuses what it lacks.
    const args = { kind, params } as CommandArgs<'tasks.start'>
    if (options.priority !== undefined) args.priority = options.priority
    if (options.timeoutMs !== undefined) args.timeoutMs = options.timeoutMs
    const sink = options.output && !options.output.closed ? new OutputSink(options.output, this.#store, 0, null) : null
    return this.#open(
      (invokeOptions) => this.#client.invoke('tasks.start', args, invokeOptions),
      sink,
      options,
      (id) => sink?.setKey(this.#seqKey(id)),
    )
  }

  /** start() and `done` in one: resolves with the result. Aborting `signal` cancels the task. */
  run<K extends TaskKind>(kind: K, params: TaskParams<K>, options?: TaskRunOptions<TaskOutput<K>>): Promise<TaskResult<K>>
  run<R = unknown, O = unknown, N extends string = string>(
    kind: UnknownName<N, TaskKinds>,
    params?: object,
    options?: TaskRunOptions<O>,
  ): Promise<R>
  run(kind: string, params: object = {}, options: TaskRunOptions<any> = {}): Promise<unknown> {
    const { signal, ...startOptions } = options
    if (signal?.aborted) return Promise.reject(cancelledBy(signal))
    return new Promise<unknown>((resolve, reject) => {
      let handle: TaskHandle<unknown> | null = null
      let settled = false
      const finish = (error: ConduitError | null, value?: unknown): void => {
        if (settled) return
        settled = true
        signal?.removeEventListener('abort', onAbort)
        if (error) reject(error)
        else resolve(value)
      }
      const cancelTask = (task: TaskHandle<unknown>): void => {
        if (!task.finished) task.cancel().catch(() => {}) // it may have finished meanwhile
      }
      const onAbort = (): void => {
        finish(cancelledBy(signal!))
        if (handle) cancelTask(handle) // else: cancelled as soon as start() returns its id
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.start<unknown, unknown, string>(kind, params, startOptions).then(
        (task) => {
          handle = task
          if (signal?.aborted) {
            finish(cancelledBy(signal))
            cancelTask(task)
            return
          }
          task.done.then(
            (value) => finish(null, value),
            (error: unknown) => finish(ConduitError.from(error)),
          )
        },
        (error: unknown) => finish(ConduitError.from(error)),
      )
    })
  }

  /**
   * Starts a finished task's kind, params and priority again, as a new task (e.g. one
   * `interrupted` by a quit or a crash); the handle follows the new one. `invalid_args` while
   * the task has not finished, `not_found` for one that is gone.
   */
  retry<R = unknown, O = unknown>(id: number, options: TaskWatchOptions<O> = {}): Promise<TaskHandle<R, O>> {
    const sink = options.output && !options.output.closed ? new OutputSink(options.output, this.#store, 0, null) : null
    return this.#open(
      (invokeOptions) => this.#client.invoke('tasks.retry', { id }, invokeOptions),
      sink,
      options,
      (newId) => sink?.setKey(this.#seqKey(newId)),
    )
  }

  /** Every task the native side knows, finished ones included until forgotten. */
  list(): Promise<TaskSnapshot[]> {
    return this.#client.invoke('tasks.list', {})
  }

  /**
   * A handle for a task that already exists, e.g. after a reload. Output resumes after the last
   * item this page session delivered (remembered in sessionStorage): nothing lost, nothing twice.
   */
  async attach<R = unknown, O = unknown>(id: number, options: TaskAttachOptions<O> = {}): Promise<TaskHandle<R, O>> {
    // The remembered seq is per native session, which the welcome names.
    await this.#client.ready()
    const key = this.#seqKey(id)
    const lastSeq = this.#store.seq(key)
    const sink = options.output && !options.output.closed ? new OutputSink(options.output, this.#store, lastSeq, key) : null
    return this.#open(
      (invokeOptions) => this.#client.invoke('tasks.attach', { id, after: lastSeq }, invokeOptions),
      sink,
      options,
      () => {},
    )
  }

  /**
   * A handle for a task the page has a snapshot of (from the welcome, list() or onForeign),
   * followed by the task.* events alone: no call, no output (attach() for that). A thousand
   * tasks restored after a reload cost nothing on the wire this way.
   */
  watch<R = unknown>(snapshot: TaskSnapshot, options: Omit<TaskWatchOptions, 'output'> = {}): TaskHandle<R> {
    const handle = new TaskHandle<R>(this.#host, snapshot, options)
    if (!handle.finished) this.#register(handle)
    const early = this.#early.get(snapshot.id)
    if (early?.progress) driveHandle.progress(handle, early.progress)
    if (early?.snapshot) driveHandle.snapshot(handle, early.snapshot)
    driveHandle.settle(handle)
    return handle
  }

  /**
   * Calls `cb` with the snapshot of each task.state event for a task the page holds no handle
   * for: one started elsewhere (devtools, automation), or one it has not followed yet (watch()
   * follows it). While a start() or attach() is in flight such events wait until it returns, so
   * the task that call creates or finds never shows up here; what is left then is given once per
   * task, its newest snapshot with the newest progress that came meanwhile.
   */
  onForeign(cb: (snapshot: TaskSnapshot) => void): Unlisten {
    const entry = (snapshot: TaskSnapshot): void => cb(snapshot)
    this.#foreignListeners.add(entry)
    return () => this.#foreignListeners.delete(entry)
  }

  /**
   * Keeps a JSON value with task `id` for this page session (sessionStorage, per native
   * session, like the output seq): what the page wants back after a reload, such as a label or
   * the lines it showed. `undefined` removes it; forget() removes them all.
   */
  remember(id: number, name: string, value: unknown): void {
    this.#store.setValue(TaskStore.memoKey(this.#session(), id, name), value)
  }

  /** What remember() kept for task `id` under `name` in this native session, or undefined. */
  recall(id: number, name: string): unknown {
    return this.#store.value(TaskStore.memoKey(this.#session(), id, name))
  }

  /** At most `limit` tasks run at once; the rest queue by priority. */
  setLimit(limit: number): Promise<{ limit: number }> {
    return this.#client.invoke('tasks.setLimit', { limit })
  }

  /**
   * Drops a finished task from the native list, and the page's memory of it (its output seq and
   * what remember() kept), also when the native side no longer knows it (`not_found`).
   */
  async forget(id: number): Promise<void> {
    const prefix = TaskStore.taskPrefix(this.#session(), id)
    try {
      await this.#client.invoke('tasks.forget', { id })
    } catch (error) {
      if (error instanceof ConduitError && error.code === 'not_found') this.#store.removePrefix(prefix)
      throw error
    }
    this.#store.removePrefix(prefix)
  }

  #session(): string {
    return this.#client.welcome?.session ?? ''
  }

  #seqKey(id: number): string {
    return TaskStore.seqKey(this.#session(), id)
  }

  #register(handle: TaskHandle<any, any>): void {
    let set = this.#handles.get(handle.id)
    if (!set) this.#handles.set(handle.id, (set = new Set()))
    set.add(handle)
  }

  /** Sends tasks.start/retry/attach and builds the handle, with the events that overtook the result. */
  async #open<O>(
    send: (options: InvokeOptions) => Promise<TaskSnapshot>,
    sink: OutputSink<O> | null,
    options: TaskWatchOptions<O>,
    onId: (id: number) => void,
  ): Promise<TaskHandle<any, O>> {
    this.#inFlight++
    try {
      const snapshot = await send(sink ? { channel: sink.stream } : {})
      onId(snapshot.id)
      const handle = new TaskHandle<any, O>(this.#host, snapshot, options)
      const early = this.#early.get(snapshot.id)
      this.#early.delete(snapshot.id)
      if (!handle.finished) this.#register(handle)
      // Events that overtook the result: applied in order, never moving the task backwards.
      if (early?.progress) driveHandle.progress(handle, early.progress)
      if (early?.snapshot) driveHandle.snapshot(handle, early.snapshot)
      driveHandle.settle(handle)
      return handle
    } finally {
      if (--this.#inFlight === 0) this.#releaseEarly()
    }
  }

  /** Nothing in flight any more: what waited for a task without a handle is someone else's. */
  #releaseEarly(): void {
    const early = [...this.#early]
    this.#early.clear()
    for (const [id, { snapshot, progress }] of early) {
      if (snapshot && !this.#handles.has(id)) this.#announce(withProgress(snapshot, progress))
    }
  }

  #announce(snapshot: TaskSnapshot): void {
    for (const cb of [...this.#foreignListeners]) call(`task ${snapshot.id} onForeign`, () => cb(snapshot))
  }

  #onState(snapshot: TaskSnapshot): void {
    if (!snapshot || typeof snapshot.id !== 'number' || typeof snapshot.state !== 'string') return
    const handles = this.#handles.get(snapshot.id)
    if (handles) for (const handle of [...handles]) driveHandle.snapshot(handle, snapshot)
    if (this.#inFlight > 0) {
      const early = this.#early.get(snapshot.id) ?? {}
      if (!early.snapshot || advances(early.snapshot.state, snapshot.state)) early.snapshot = snapshot
      this.#early.set(snapshot.id, early)
    } else if (!handles) {
      this.#announce(snapshot)
    }
  }

  #onProgress(event: TaskProgressEvent): void {
    if (!event || typeof event.id !== 'number') return
    const handles = this.#handles.get(event.id)
    if (handles) for (const handle of [...handles]) driveHandle.progress(handle, event)
    if (this.#inFlight > 0) {
      const early = this.#early.get(event.id) ?? {}
      const progress = { done: event.done, total: event.total, unit: event.unit }
      if (!early.progress || progressAdvances(early.progress, progress)) early.progress = progress
      this.#early.set(event.id, early)
    }
  }
}
