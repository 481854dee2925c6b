// SPDX-License-Identifier: MIT
// Stands in for the conduit client in component tests. `tasks` is the real conduit.tasks (its
// start, retry, list, attach, setLimit and forget wrapped in spies), over a client whose native side is
// played by `native`: it answers the tasks.* commands and drives each task it made (FakeTask)
// through task.* events and output chunks, as TaskGateway would; `native.logs` answers log.*
// (FakeLogs). Every other invoke is recorded for the test to answer.

import { vi, type Mock } from 'vitest'
import type { AppClient } from '../appClient'
import { channelDriver, type Channel } from '../conduit/channel'
import type { ConduitClient, ConnectionState } from '../conduit/client'
import type { TaskOutputItem, TaskSnapshot, TaskState, Welcome } from '../conduit/api'
import { ConduitError } from '../conduit/errors'
import { finalTaskStates } from '../conduit/generated/api'
import { Tasks } from '../conduit/tasks'
import { FakeLogs } from './fakeLogs'

export interface Invocation {
  cmd: string
  args: any
  options: any
  resolve: (value: unknown) => void
  reject: (error: unknown) => void
}

export function snapshot(id: number, kind: string, state: TaskState, extra: Partial<TaskSnapshot> = {}): TaskSnapshot {
  const unit = kind === 'tail' ? 'lines' : kind === 'count' ? 'steps' : 'bytes'
  return {
    id,
    kind,
    state,
    progress: { done: 0, total: kind === 'tail' ? -1 : 0, unit },
    priority: 0,
    params: {},
    createdAt: '2025-05-01T10:00:00.000Z',
    startedAt: state === 'queued' ? null : '2025-05-01T10:00:01.000Z',
    finishedAt: null,
    outputSeq: 0,
    ...extra,
  }
}

const FINAL: readonly TaskState[] = finalTaskStates

/** One task as the native side has it: the test moves it with progress()/setState()/line(). */
export class FakeTask {
  readonly id: number
  readonly kind: string
  snap: TaskSnapshot
  /** The stream of the call that started or attached it ({seq, value} items), if any. */
  stream: Channel<TaskOutputItem<unknown>> | null
  #client: FakeClient
  #chunk = 0

  /** tasks.pause/resume/cancel for this task land here (a test may make them reject). */
  pause = vi.fn(async () => this.setState('paused'))
  resume = vi.fn(async () => this.setState('running'))
  cancel = vi.fn(async () =>
    this.setState('cancelled', { error: { code: 'cancelled', message: 'Cancelled by the page' } }),
  )

  constructor(client: FakeClient, snap: TaskSnapshot, stream: Channel<TaskOutputItem<unknown>> | null) {
    this.#client = client
    this.id = snap.id
    this.kind = snap.kind
    this.snap = snap
    this.stream = stream
  }

  get snapshot(): TaskSnapshot {
    return { ...this.snap, progress: { ...this.snap.progress } }
  }

  /** A task.progress event. */
  progress(done: number, total = this.snap.progress.total): void {
    this.snap = { ...this.snap, progress: { ...this.snap.progress, done, total } }
    this.#client.fire('task.progress', { id: this.id, ...this.snap.progress })
  }

  /** A task.state event; a final state also ends the output stream, as TaskGateway does. */
  setState(state: TaskState, extra: Partial<TaskSnapshot> = {}): TaskSnapshot {
    this.snap = { ...this.snap, ...extra, state }
    if (FINAL.includes(state)) this.snap.finishedAt = '2025-05-01T10:02:06.000Z'
    const snap = this.snapshot
    this.#client.fire('task.state', snap)
    if (FINAL.includes(state) && this.stream) {
      const error = snap.error && state !== 'completed' ? ConduitError.fromPayload(snap.error) : undefined
      channelDriver().end(this.stream, error)
    }
    return snap
  }

  /** Output items, in one chunk each. */
  line(...values: unknown[]): void {
    if (!this.stream) return
    for (const value of values) {
      this.snap.outputSeq++
      channelDriver().chunk(this.stream, this.#chunk++, [{ seq: this.snap.outputSeq, value }])
    }
  }
}

/** The native side of the fake: its tasks, and its answers to the tasks.* commands. */
export class FakeNative {
  nextId = 1
  tasks = new Map<number, FakeTask>()
  /** What tasks.list answers, and what tasks.attach finds. */
  listed: TaskSnapshot[] = []
  /** tasks.start rejects with this while it is set. */
  startError: ConduitError | null = null
  /** tasks.retry rejects with this while it is set. */
  retryError: ConduitError | null = null
  /** Called with a new task before tasks.start answers: events sent here overtake the result. */
  beforeStartAnswer: ((task: FakeTask) => void) | null = null
  /** The log files behind log.* (the tail view's). */
  readonly logs: FakeLogs
  #client: FakeClient

  constructor(client: FakeClient) {
    this.#client = client
    this.logs = new FakeLogs((event, payload) => client.fire(event, payload))
  }

  task(id: number): FakeTask {
    const task = this.tasks.get(id)
    if (!task) throw new Error(`no task ${id}`)
    return task
  }

  /** The answer to a command, or null when the test answers it (see FakeClient.invocations). */
  answer(cmd: string, args: any, options: any): Promise<unknown> | null {
    const stream = (options?.channel ?? null) as Channel<TaskOutputItem<unknown>> | null
    switch (cmd) {
      case 'tasks.start': {
        if (this.startError) return Promise.reject(this.startError)
        const task = new FakeTask(this.#client, snapshot(this.nextId++, args.kind, 'queued', { params: args.params ?? {} }), stream)
        this.tasks.set(task.id, task)
        this.beforeStartAnswer?.(task)
        return Promise.resolve(task.snapshot)
      }
      case 'tasks.retry': {
        if (this.retryError) return Promise.reject(this.retryError)
        const found = this.tasks.get(args.id)?.snapshot ?? this.listed.find((s) => s.id === args.id)
        if (!found) return Promise.reject(new ConduitError('not_found', `no task ${args.id}`))
        if (!FINAL.includes(found.state))
          return Promise.reject(new ConduitError('invalid_args', `cannot retry a ${found.state} task`))
        const again = snapshot(this.nextId++, found.kind, 'queued', { params: found.params, priority: found.priority })
        const task = new FakeTask(this.#client, again, stream)
        this.tasks.set(task.id, task)
        return Promise.resolve(task.snapshot)
      }
      case 'tasks.attach': {
        const found = this.listed.find((s) => s.id === args.id)
        if (!found) return Promise.reject(new ConduitError('not_found', `no task ${args.id}`))
        const task = new FakeTask(this.#client, { ...found, progress: { ...found.progress } }, stream)
        this.tasks.set(task.id, task)
        return Promise.resolve(task.snapshot)
      }
      case 'tasks.list':
        return Promise.resolve(this.listed.map((s) => ({ ...s })))
      case 'tasks.setLimit':
        return Promise.resolve({ limit: args.limit })
      case 'tasks.forget':
        return Promise.resolve({})
      case 'tasks.pause':
      case 'tasks.resume':
      case 'tasks.cancel': {
        const task = this.tasks.get(args.id)
        if (!task) return null // someone else's: the test answers
        return task[cmd.slice('tasks.'.length) as 'pause' | 'resume' | 'cancel']()
      }
      default:
        return this.logs.answer(cmd, args)
    }
  }
}

type Spy = Mock<(...args: any[]) => any>

/** conduit.tasks with spies on the calls the tests count. */
export type FakeTasks = Tasks & { start: Spy; retry: Spy; list: Spy; attach: Spy; setLimit: Spy; forget: Spy }

function spied(tasks: Tasks): FakeTasks {
  const target = tasks as unknown as Record<string, unknown>
  for (const name of ['start', 'retry', 'list', 'attach', 'setLimit', 'forget']) {
    const original = (target[name] as (...args: unknown[]) => unknown).bind(tasks)
    target[name] = vi.fn((...args: unknown[]) => original(...args))
  }
  return tasks as FakeTasks
}

export class FakeClient {
  state: ConnectionState = 'connecting'
  welcome: Welcome | null = null
  /** Invocations the fake native side does not answer, for the test to answer. */
  invocations: Invocation[] = []
  emitted: [string, unknown][] = []
  readonly native: FakeNative = new FakeNative(this)
  #listeners = new Map<string, Set<(payload: any) => void>>()
  #handlers = new Map<string, (args: any) => unknown>()
  #stateListeners = new Set<(state: ConnectionState) => void>()
  #resolveReady!: (welcome: Welcome) => void
  #ready = new Promise<Welcome>((resolve) => (this.#resolveReady = resolve))
  readonly tasks: FakeTasks = spied(new Tasks(this as unknown as ConduitClient))

  ready(): Promise<Welcome> {
    return this.#ready
  }
  invoke(cmd: string, args: unknown, options?: unknown): Promise<unknown> {
    const answered = this.native.answer(cmd, args, options)
    if (answered) return answered
    return new Promise((resolve, reject) => this.invocations.push({ cmd, args, options, resolve, reject }))
  }
  listen(event: string, cb: (payload: any) => void): () => void {
    if (!this.#listeners.has(event)) this.#listeners.set(event, new Set())
    this.#listeners.get(event)!.add(cb)
    return () => this.#listeners.get(event)?.delete(cb)
  }
  emit(event: string, payload: unknown): void {
    this.emitted.push([event, payload])
  }
  handle(cmd: string, fn: (args: any) => unknown): () => void {
    this.#handlers.set(cmd, fn)
    return () => this.#handlers.delete(cmd)
  }
  onStateChange(cb: (state: ConnectionState) => void): () => void {
    this.#stateListeners.add(cb)
    return () => this.#stateListeners.delete(cb)
  }

  // ---- the native side ----
  connect(
    locale = 'en_US',
    extra: Omit<Partial<Welcome>, 'snapshot'> & { snapshot?: Partial<Welcome['snapshot']> | null } & Record<string, unknown> = {},
  ): void {
    this.setState('connected')
    this.welcome = { session: 's', locale, version: '1.0.0', generation: 1, snapshot: null, ...extra } as Welcome
    this.#resolveReady(this.welcome)
  }
  setState(state: ConnectionState): void {
    this.state = state
    for (const cb of this.#stateListeners) cb(state)
  }
  fire(event: string, payload: unknown): void {
    for (const cb of [...(this.#listeners.get(event) ?? [])]) cb(payload)
  }
  request(cmd: string, args: unknown): Promise<unknown> {
    const handler = this.#handlers.get(cmd)
    if (!handler) return Promise.reject(new Error(`no handler for ${cmd}`))
    return Promise.resolve(handler(args))
  }
  listenerCount(event: string): number {
    return this.#listeners.get(event)?.size ?? 0
  }
  /** The last invocation of `cmd` (throws if none). */
  last(cmd: string): Invocation {
    const found = this.invocations.filter((i) => i.cmd === cmd).at(-1)
    if (!found) throw new Error(`no invocation of ${cmd}`)
    return found
  }
  asClient(): AppClient {
    return this as unknown as AppClient
  }
}
