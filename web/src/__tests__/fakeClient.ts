// SPDX-License-Identifier: MIT
// Stands in for the conduit client in component tests: records invoke calls (the test answers
// them, playing the native side), and fakes conduit.tasks with handles the test drives.

import { vi } from 'vitest'
import type { AppClient } from '../appClient'
import type { Channel } from '../conduit/channel'
import type { ConnectionState } from '../conduit/client'
import type { TaskProgress, TaskSnapshot, TaskState, Welcome } from '../conduit/api'
import { ConduitError } from '../conduit/errors'
import { finalTaskStates } from '../conduit/generated/api'

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

/** A TaskHandle look-alike: the test moves it with progress()/setState()/line(). */
export class FakeHandle {
  readonly id: number
  readonly kind: string
  snap: TaskSnapshot
  output: Channel<string> | null
  #progress = new Set<(p: TaskProgress) => void>()
  #state = new Set<(s: TaskSnapshot) => void>()

  pause = vi.fn(async () => this.setState('paused'))
  resume = vi.fn(async () => this.setState('running'))
  cancel = vi.fn(async () =>
    this.setState('cancelled', { error: { code: 'cancelled', message: 'Cancelled by the page' } }),
  )
  done = new Promise<unknown>(() => {})

  constructor(snap: TaskSnapshot, output: Channel<string> | null) {
    this.id = snap.id
    this.kind = snap.kind
    this.snap = snap
    this.output = output
  }

  get snapshot(): TaskSnapshot {
    return { ...this.snap, progress: { ...this.snap.progress } }
  }
  get state(): TaskState {
    return this.snap.state
  }
  get finished(): boolean {
    return FINAL.includes(this.snap.state)
  }
  onProgress(cb: (p: TaskProgress) => void): () => void {
    this.#progress.add(cb)
    return () => this.#progress.delete(cb)
  }
  onState(cb: (s: TaskSnapshot) => void): () => void {
    this.#state.add(cb)
    return () => this.#state.delete(cb)
  }
  listenerCount(): number {
    return this.#progress.size + this.#state.size
  }

  // ---- the native side ----
  progress(done: number, total = this.snap.progress.total): void {
    this.snap = { ...this.snap, progress: { ...this.snap.progress, done, total } }
    for (const cb of [...this.#progress]) cb({ ...this.snap.progress })
  }
  setState(state: TaskState, extra: Partial<TaskSnapshot> = {}): TaskSnapshot {
    this.snap = { ...this.snap, ...extra, state }
    if (FINAL.includes(state)) this.snap.finishedAt = '2025-05-01T10:02:06.000Z'
    for (const cb of [...this.#state]) cb(this.snapshot)
    return this.snapshot
  }
  line(...texts: string[]): void {
    for (const text of texts) this.output?.onmessage?.(text)
  }
}

export class FakeTasks {
  nextId = 1
  handles = new Map<number, FakeHandle>()
  listResult: TaskSnapshot[] = []
  startError: ConduitError | null = null

  start = vi.fn(async (kind: string, params: object, options: { output?: Channel<string> } = {}) => {
    void params
    if (this.startError) throw this.startError
    return this.make(kind, options.output ?? null) as any
  })
  list = vi.fn(async () => this.listResult.map((s) => ({ ...s })))
  attach = vi.fn(async (id: number, options: { output?: Channel<string> } = {}) => {
    const snap = this.listResult.find((s) => s.id === id)
    if (!snap) throw new ConduitError('not_found', `no task ${id}`)
    const handle = new FakeHandle({ ...snap }, options.output ?? null)
    this.handles.set(id, handle)
    return handle as any
  })
  setLimit = vi.fn(async (limit: number) => ({ limit }))
  forget = vi.fn(async (id: number) => {
    void id
  })

  make(kind: string, output: Channel<string> | null = null): FakeHandle {
    const handle = new FakeHandle(snapshot(this.nextId++, kind, 'queued'), output)
    this.handles.set(handle.id, handle)
    return handle
  }

  handle(id: number): FakeHandle {
    const handle = this.handles.get(id)
    if (!handle) throw new Error(`no handle ${id}`)
    return handle
  }
}

export class FakeClient {
  state: ConnectionState = 'connecting'
  invocations: Invocation[] = []
  emitted: [string, unknown][] = []
  tasks = new FakeTasks()
  #listeners = new Map<string, Set<(payload: any) => void>>()
  #handlers = new Map<string, (args: any) => unknown>()
  #stateListeners = new Set<(state: ConnectionState) => void>()
  #resolveReady!: (welcome: Welcome) => void
  #ready = new Promise<Welcome>((resolve) => (this.#resolveReady = resolve))

  ready(): Promise<Welcome> {
    return this.#ready
  }
  invoke(cmd: string, args: unknown, options?: unknown): Promise<unknown> {
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
    this.#resolveReady({ session: 's', locale, version: '1.0.0', generation: 1, snapshot: null, ...extra } as Welcome)
  }
  setState(state: ConnectionState): void {
    this.state = state
    for (const cb of this.#stateListeners) cb(state)
  }
  fire(event: string, payload: unknown): void {
    for (const cb of this.#listeners.get(event) ?? []) cb(payload)
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
