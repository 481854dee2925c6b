// SPDX-License-Identifier: MIT
// ConduitClient: commands, events, native requests and streams over any Transport
// (docs/DESIGN.md §3–4).

import type {
  CommandArgs,
  CommandName,
  CommandResult,
  EventName,
  EventPayload,
  RequestArgs,
  RequestName,
  RequestResult,
  UnknownName,
  Commands,
  Events,
  Requests,
  BridgeLimits,
  Welcome,
} from './api'
import { ConduitBytes, isBytesOffer } from './bytes'
import { Channel, channelDriver, type ChannelHost } from './channel'
import { ConduitError } from './errors'
import { bridgeLimits, idRange, uploadReader } from './generated/api'
import { Tasks } from './tasks'
import type { Transport } from './transport'
import { STAGE_BYTES, Upload, defineUploadReader, isBytesInput, type UploadHost } from './upload'

export type ConnectionState = 'connecting' | 'connected' | 'unavailable'

export interface InvokeOptions {
  /** Aborting rejects with `cancelled` and asks the native side to cancel the work. */
  signal?: AbortSignal
  /** Rejects with `timeout` after this many ms; also sent as the call's `deadline`. */
  timeoutMs?: number
  /** Streams the command's output into this channel. */
  channel?: Channel<any>
}

export interface ClientOptions {
  /** After this long without a transport the state becomes `unavailable` (it may still connect). */
  unavailableAfterMs?: number
}

export type Unlisten = () => void
type Listener = (payload: any) => void
type RequestHandler = (args: any) => unknown

interface PendingCall {
  resolve: (value: unknown) => void
  reject: (error: ConduitError) => void
  cleanup: () => void
  channel?: Channel<any>
}

type Envelope = Record<string, unknown> & { t: string }

export class ConduitClient implements ChannelHost {
  /** `new conduit.Channel<T>()` works as well as the exported class. */
  readonly Channel = Channel

  /** Long-running native tasks: start/run/list/attach/setLimit/forget (docs/DESIGN.md §4–5). */
  readonly tasks: Tasks

  #transport: Transport | null = null
  #outbox: string[] = []
  #flushScheduled = false
  /** The native side's limits: its defaults until the welcome says what they are. */
  #limits: BridgeLimits = { ...bridgeLimits }

  #nextId = 0
  #calls = new Map<number, PendingCall>()
  #listeners = new Map<string, Set<Listener>>()
  #handlers = new Map<string, RequestHandler>()
  #streams = new Map<number, Channel<any>>()
  #uploads = new Map<number, Upload>()
  #nextUploadId = 0
  readonly #uploadHost: UploadHost = {
    send: (envelope) => this.#enqueue(envelope),
    window: () => this.#limits.uploadWindow,
    stageBytes: () => STAGE_BYTES,
  }

  #documentId = newDocumentId()
  #state: ConnectionState = 'connecting'
  #stateListeners = new Set<(state: ConnectionState) => void>()
  #welcome: Welcome | null = null
  #ready: Promise<Welcome>
  #resolveReady!: (welcome: Welcome) => void
  #helloHolds: Promise<unknown>[] = []
  #helloSent: Promise<void>
  #resolveHelloSent!: () => void

  constructor(transport: Transport | Promise<Transport>, options: ClientOptions = {}) {
    this.#ready = new Promise<Welcome>((resolve) => (this.#resolveReady = resolve))
    this.#helloSent = new Promise<void>((resolve) => (this.#resolveHelloSent = resolve))
    const unavailableAfterMs = options.unavailableAfterMs ?? 1500
    const timer = setTimeout(() => {
      if (!this.#transport) this.#setState('unavailable')
    }, unavailableAfterMs)
    void Promise.resolve(transport).then((t) => {
      clearTimeout(timer)
      if (this.#helloHolds.length === 0) this.#attach(t)
      else void Promise.all(this.#helloHolds).then(() => this.#attach(t))
    })
    this.tasks = new Tasks(this)
    defineUploadReader(uploadReader, (upload) => this.#uploads.get(upload))
  }

  // ---- connection ---------------------------------------------------------------------------

  get state(): ConnectionState {
    return this.#state
  }

  /**
   * A random token for this document, sent with `hello`: the native side tells a document that
   * stayed through a refused navigation from a new one by it.
   */
  get documentId(): string {
    return this.#documentId
  }

  /** The last `welcome`, or null before the handshake. */
  get welcome(): Welcome | null {
    return this.#welcome
  }

  onStateChange(cb: (state: ConnectionState) => void): Unlisten {
    this.#stateListeners.add(cb)
    return () => this.#stateListeners.delete(cb)
  }

  /**
   * Holds `hello` until `until` has settled (call it before the transport is up, e.g. right after
   * constructing), and resolves right after `hello` has gone out, in the same task. Native answers
   * in a later task, so what the caller does then (render, register listeners and handlers) is in
   * place for the welcome and whatever comes with it, and the handshake waits for none of it.
   */
  holdHello(until: Promise<unknown>): Promise<void> {
    this.#helloHolds.push(until.catch(() => undefined))
    return this.#helloSent
  }

  /** Resolves with the native `welcome` once the handshake (`hello`) is done. */
  ready(): Promise<Welcome> {
    return this.#ready
  }

  // ---- commands -----------------------------------------------------------------------------

  invoke<K extends CommandName>(cmd: K, args: CommandArgs<K>, options?: InvokeOptions): Promise<CommandResult<K>>
  invoke<R = unknown, N extends string = string>(
    cmd: UnknownName<N, Commands>,
    args?: unknown,
    options?: InvokeOptions,
  ): Promise<R>
  invoke(cmd: string, args?: unknown, options: InvokeOptions = {}): Promise<unknown> {
    const { signal, timeoutMs, channel } = options
    if (signal?.aborted) {
      const error = new ConduitError('cancelled', 'Aborted before it was sent', abortDetails(signal))
      if (channel) channelDriver().end(channel, error)
      return Promise.reject(error)
    }
    const id = this.#newId()
    const uploads: Upload[] = []
    let wireArgs: unknown = args ?? {}
    if (args && typeof args === 'object' && !Array.isArray(args)) {
      // A Schema::bytes() argument travels beside the invoke; the invoke carries its reference.
      for (const [name, value] of Object.entries(args as Record<string, unknown>)) {
        if (!isBytesInput(value)) continue
        // An upload that cannot go on fails the call, and native must hear it: it would keep the
        // call and its upload waiting for the rest.
        const upload = new Upload(this.#newUploadId(), value, this.#uploadHost, (error) => this.#cancel(id, 'aborted', error))
        uploads.push(upload)
        wireArgs = { ...(wireArgs as Record<string, unknown>), [name]: upload.reference }
      }
    }
    return new Promise<unknown>((resolve, reject) => {
      // One stream per call: a second call on a channel still in use would share its items.
      if (channel && this.#streams.get(channel.id) === channel) {
        reject(new ConduitError('invalid_args', `Channel ${channel.id} is already in use by a call`, { stream: channel.id }))
        return
      }
      let timer: ReturnType<typeof setTimeout> | undefined
      const onAbort = (): void => {
        this.#cancel(id, 'aborted', new ConduitError('cancelled', 'Aborted', abortDetails(signal)))
      }
      const call: PendingCall = {
        resolve,
        reject,
        cleanup: () => {
          if (timer !== undefined) clearTimeout(timer)
          signal?.removeEventListener('abort', onAbort)
          for (const upload of uploads) {
            upload.stop()
            this.#uploads.delete(upload.id)
          }
        },
      }
      if (channel) {
        call.channel = channel
      }
      this.#calls.set(id, call)

      const envelope: Envelope = { t: 'invoke', id, cmd, args: wireArgs }
      if (channel) {
        // Registered before the invoke goes out; the initial credit follows it in the same batch.
        envelope.stream = channel.id
        this.#streams.set(channel.id, channel)
      }
      if (timeoutMs !== undefined && timeoutMs > 0) envelope.deadline = timeoutMs
      const refused = this.#enqueue(envelope)
      if (refused) {
        this.#streams.delete(channel?.id ?? 0)
        this.#settle(id, undefined, refused)
        return
      }
      if (channel && !channelDriver().attach(channel, this)) this.#streams.delete(channel.id)
      for (const upload of uploads) {
        this.#uploads.set(upload.id, upload)
        upload.start()
      }

      if (timeoutMs !== undefined && timeoutMs > 0) {
        timer = setTimeout(() => {
          this.#cancel(id, 'timeout', new ConduitError('timeout', `No result within ${timeoutMs} ms`, { timeoutMs }))
        }, timeoutMs)
      }
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  }

  // ---- events -------------------------------------------------------------------------------

  listen<K extends EventName>(event: K, cb: (payload: EventPayload<K>) => void): Unlisten
  listen<P = unknown, N extends string = string>(event: UnknownName<N, Events>, cb: (payload: P) => void): Unlisten
  listen(event: string, cb: Listener): Unlisten {
    return this.#addListener(event, cb)
  }

  once<K extends EventName>(event: K, cb: (payload: EventPayload<K>) => void): Unlisten
  once<P = unknown, N extends string = string>(event: UnknownName<N, Events>, cb: (payload: P) => void): Unlisten
  once(event: string, cb: Listener): Unlisten {
    const unlisten = this.#addListener(event, (payload) => {
      unlisten()
      cb(payload)
    })
    return unlisten
  }

  emit<K extends EventName>(event: K, payload: EventPayload<K>): void
  emit<N extends string = string>(event: UnknownName<N, Events>, payload?: unknown): void
  emit(event: string, payload?: unknown): void {
    const refused = this.#enqueue({ t: 'emit', event, payload: payload ?? null })
    if (refused) throw refused
  }

  /** This page's window label (`'main'`, `'window-2'`, …), from the welcome; `''` before it. */
  get window(): string {
    return this.#welcome?.window ?? ''
  }

  /**
   * Emits `event` to the page of the window labelled `label`, whose `listen` hears it (Tauri's
   * `emitTo`). The labels are in `windows.list` and the `windows.changed` event. Rejects with
   * `not_found` when no window has that label.
   */
  emitTo<K extends EventName>(label: string, event: K, payload: EventPayload<K>): Promise<void>
  emitTo<N extends string = string>(label: string, event: UnknownName<N, Events>, payload?: unknown): Promise<void>
  async emitTo(label: string, event: string, payload?: unknown): Promise<void> {
    await this.invoke('windows.emitTo', { label, event, payload: (payload ?? null) as CommandArgs<'windows.emitTo'>['payload'] })
  }

  // ---- native requests ----------------------------------------------------------------------

  /** Answers the native side's `request`s for `cmd`; one handler per name, the latest wins. */
  handle<K extends RequestName>(
    cmd: K,
    fn: (args: RequestArgs<K>) => RequestResult<K> | Promise<RequestResult<K>>,
  ): Unlisten
  handle<N extends string = string>(cmd: UnknownName<N, Requests>, fn: (args: any) => unknown): Unlisten
  handle(cmd: string, fn: RequestHandler): Unlisten {
    this.#handlers.set(cmd, fn)
    return () => {
      if (this.#handlers.get(cmd) === fn) this.#handlers.delete(cmd)
    }
  }

  // ---- ChannelHost --------------------------------------------------------------------------

  /** @internal */
  get streamWindow(): number {
    return this.#limits.streamWindow
  }

  /** @internal */
  grantCredit(stream: number, n: number): void {
    this.#enqueue({ t: 'credit', stream, n })
  }

  /** @internal */
  closeStream(stream: number): void {
    this.#enqueue({ t: 'close', stream })
  }

  /** @internal */
  releaseStream(stream: number): void {
    this.#streams.delete(stream)
  }

  #addListener(event: string, cb: Listener): Unlisten {
    let set = this.#listeners.get(event)
    if (!set) this.#listeners.set(event, (set = new Set()))
    // Wrapped so the same callback may be registered twice and removed one at a time.
    const entry: Listener = (payload) => cb(payload)
    set.add(entry)
    return () => {
      const current = this.#listeners.get(event)
      if (!current) return
      current.delete(entry)
      if (current.size === 0) this.#listeners.delete(event)
    }
  }

  // ---- outgoing -----------------------------------------------------------------------------

  /** Queues an envelope, or returns the `too_large` error it would get from the native side. */
  #enqueue(envelope: Envelope): ConduitError | null {
    const text = JSON.stringify(envelope)
    // Measured as native measures it: UTF-16 code units of the JSON text.
    if (text.length > this.#limits.maxEnvelopeChars) {
      return new ConduitError(
        'too_large',
        `The ${envelope.t} is ${text.length} characters of JSON; the limit is ${this.#limits.maxEnvelopeChars}`,
        { limit: this.#limits.maxEnvelopeChars },
      )
    }
    this.#outbox.push(text)
    this.#scheduleFlush()
    return null
  }

  #newUploadId(): number {
    this.#nextUploadId = this.#nextUploadId >= idRange.max ? idRange.min : this.#nextUploadId + 1
    return this.#nextUploadId
  }

  #newId(): number {
    // 2^53 calls would take centuries; wrapping keeps ids in the range native accepts anyway.
    this.#nextId = this.#nextId >= idRange.max ? idRange.min : this.#nextId + 1
    return this.#nextId
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled || !this.#transport) return
    this.#flushScheduled = true
    queueMicrotask(() => this.#flush())
  }

  #flush(): void {
    this.#flushScheduled = false
    const transport = this.#transport
    if (!transport || this.#outbox.length === 0) return
    const all = this.#outbox
    this.#outbox = []
    const perSend = this.#limits.maxEnvelopesPerBatch
    for (let i = 0; i < all.length; i += perSend) {
      try {
        transport.send(all.slice(i, i + perSend))
      } catch (error) {
        console.error('conduit: send failed', error)
      }
    }
  }

  #cancel(id: number, reason: 'timeout' | 'aborted', error: ConduitError): void {
    if (!this.#settle(id, undefined, error)) return
    this.#enqueue({ t: 'cancel', id, reason })
  }

  /** Settles a call once; false when it was already settled (a late result is ignored). */
  #settle(id: number, value: unknown, error?: ConduitError): boolean {
    const call = this.#calls.get(id)
    if (!call) return false
    this.#calls.delete(id)
    call.cleanup()
    if (error) {
      if (call.channel) channelDriver().end(call.channel, error)
      call.reject(error)
    } else {
      call.resolve(value)
    }
    return true
  }

  // ---- incoming -----------------------------------------------------------------------------

  #attach(transport: Transport): void {
    this.#transport = transport
    transport.onReceive((batch) => this.#receive(batch))
    // hello goes first, ahead of anything queued while the transport was coming up, and at once.
    this.#outbox.unshift(JSON.stringify({ t: 'hello', doc: this.#documentId }))
    this.#setState('connecting')
    this.#flush()
    this.#resolveHelloSent()
  }

  #receive(batch: unknown): void {
    if (!Array.isArray(batch)) {
      console.warn('conduit: dropped a batch that is not an array of envelopes')
      return
    }
    for (const envelope of batch) {
      if (!envelope || typeof envelope !== 'object' || typeof envelope.t !== 'string') {
        console.warn('conduit: dropped a malformed envelope', envelope)
        continue
      }
      try {
        this.#dispatch(envelope as Envelope)
      } catch (error) {
        console.error(`conduit: handling "${envelope.t}" failed`, error)
      }
    }
  }

  #dispatch(env: Envelope): void {
    switch (env.t) {
      case 'welcome':
        return this.#onWelcome(env)
      case 'result':
        if (typeof env.id !== 'number') return
        if (env.ok !== true) this.#settle(env.id, undefined, ConduitError.fromPayload(env.error))
        else if (env.bytes === undefined) this.#settle(env.id, env.value)
        else if (isBytesOffer(env.bytes)) this.#settle(env.id, new ConduitBytes(env.bytes))
        else this.#settle(env.id, undefined, new ConduitError('internal', 'Malformed bytes in a result'))
        return
      case 'event':
        return this.#onEvent(String(env.event), env.payload)
      case 'request':
        return this.#onRequest(env)
      case 'grant':
        this.#uploads.get(Number(env.upload))?.granted(Number(env.bytes))
        return
      case 'chunk':
      case 'end': {
        const channel = this.#streams.get(Number(env.stream))
        if (!channel) return
        if (env.t === 'chunk') channelDriver().chunk(channel, Number(env.seq), Array.isArray(env.items) ? env.items : [])
        else channelDriver().end(channel, env.error === undefined || env.error === null ? undefined : ConduitError.fromPayload(env.error))
        return
      }
      default:
        console.warn(`conduit: dropped an envelope of unknown type "${env.t}"`)
    }
  }

  #onWelcome(env: Envelope): void {
    const welcome: Welcome = {
      session: String(env.session ?? ''),
      locale: typeof env.locale === 'string' ? env.locale : '',
      version: typeof env.version === 'string' ? env.version : '',
      generation: typeof env.generation === 'number' ? env.generation : 0,
      window: typeof env.window === 'string' ? env.window : '',
      limits: readLimits(env.limits),
      // Checked by its readers (useTasks): a page must survive a native side it does not expect.
      snapshot: (env.snapshot ?? {}) as Welcome['snapshot'],
    }
    this.#limits = welcome.limits
    // A second welcome means the native side started serving this page afresh: nothing sent
    // before it will be answered, so nothing may stay pending.
    if (this.#welcome) this.#resetPending(new ConduitError('cancelled', 'The connection was reset'))
    this.#welcome = welcome
    this.#setState('connected')
    this.#resolveReady(welcome)
  }

  #resetPending(error: ConduitError): void {
    for (const id of [...this.#calls.keys()]) this.#settle(id, undefined, error)
    for (const channel of [...this.#streams.values()]) channelDriver().end(channel, error)
    this.#streams.clear()
  }

  #onEvent(event: string, payload: unknown): void {
    const set = this.#listeners.get(event)
    if (!set) return
    for (const listener of [...set]) {
      try {
        listener(payload)
      } catch (error) {
        console.error(`conduit: listener for "${event}" failed`, error)
      }
    }
  }

  #onRequest(env: Envelope): void {
    const id = env.id
    const cmd = String(env.cmd)
    const handler = this.#handlers.get(cmd)
    if (!handler) {
      this.#enqueue({
        t: 'reply',
        id,
        ok: false,
        error: { code: 'unknown_command', message: `The page has no handler for "${cmd}"` },
      })
      return
    }
    const fail = (error: unknown): void => {
      this.#enqueue({ t: 'reply', id, ok: false, error: ConduitError.from(error).toPayload() })
    }
    new Promise<unknown>((resolve) => resolve(handler(env.args ?? {}))).then((value) => {
      // An answer too large to send still answers: native hears why.
      const refused = this.#enqueue({ t: 'reply', id, ok: true, value: value === undefined ? null : value })
      if (refused) fail(refused)
    }, fail)
  }

  #setState(state: ConnectionState): void {
    if (state === this.#state) return
    this.#state = state
    for (const cb of [...this.#stateListeners]) cb(state)
  }
}

/** The welcome's limits; a field that is missing or not a positive integer keeps its default. */
function readLimits(value: unknown): BridgeLimits {
  const given = (value ?? {}) as Record<string, unknown>
  const limits: BridgeLimits = { ...bridgeLimits }
  for (const key of Object.keys(limits) as (keyof BridgeLimits)[]) {
    const n = given[key]
    if (typeof n === 'number' && Number.isSafeInteger(n) && n > 0) limits[key] = n
  }
  return limits
}

function newDocumentId(): string {
  const bytes = new Uint8Array(16)
  crypto.getRandomValues(bytes)
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

function abortDetails(signal: AbortSignal | undefined): unknown {
  const reason: unknown = signal?.reason
  if (reason === undefined) return undefined
  return { reason: reason instanceof Error ? reason.message : String(reason) }
}
