// SPDX-License-Identifier: MIT
// Channel<T>: the page end of a per-call stream (like Tauri's ipc::Channel). Items arrive in
// `chunk` envelopes numbered by `seq` (0, 1, 2 … per chunk); the page grants credit in items,
// a window of the host's streamWindow at a time.

import { ConduitError } from './errors'

/** What a Channel needs from the client it is attached to. */
export interface ChannelHost {
  /** Items of credit a stream is granted at a time (the welcome's `limits.streamWindow`). */
  readonly streamWindow: number
  grantCredit(stream: number, n: number): void
  closeStream(stream: number): void
  releaseStream(stream: number): void
}

let lastStreamId = 0

/**
 * How the library's own modules (the client, tasks.ts) feed a Channel. Not part of the package's
 * API: index.ts does not export it, and a page's code has no use for it.
 */
export interface ChannelDriver {
  attach(channel: Channel<any>, host: ChannelHost): boolean
  chunk(channel: Channel<any>, seq: number, items: unknown[]): void
  end(channel: Channel<any>, error?: ConduitError): void
}

// Set by Channel's static block, which alone can reach its private members.
let driveChannel: ChannelDriver

/** The ChannelDriver, for client.ts and tasks.ts only. */
export function channelDriver(): ChannelDriver {
  return driveChannel
}

export class Channel<T = unknown> {
  /** The page's own stream id, from a counter separate from invoke ids. */
  readonly id: number = ++lastStreamId
  onmessage: ((item: T) => void) | null = null
  /** Called once when the stream ends: without an argument when it finished, else with why. */
  onend: ((error?: ConduitError) => void) | null = null

  #host: ChannelHost | null = null
  #window: number | undefined
  #nextSeq = 0
  #pending = new Map<number, unknown[]>()
  #deliveredSinceGrant = 0
  #finished = false

  /**
   * `window`: the items of credit granted at a time; the welcome's `limits.streamWindow` unless
   * given. A larger one lets a bulk producer run ahead of the page (more in flight, fewer
   * grants); the native side still holds at most its own cap of unsent items per stream.
   */
  constructor(options: { window?: number } = {}) {
    const { window } = options
    if (window !== undefined && !(Number.isSafeInteger(window) && window > 0))
      throw new RangeError(`A Channel's window is a positive integer, not ${window}`)
    this.#window = window
  }

  /** The items of credit this channel grants at a time, once attached. */
  get window(): number {
    return this.#window ?? this.#host?.streamWindow ?? 0
  }

  /** True once the stream ended or was closed: nothing more will be delivered. */
  get closed(): boolean {
    return this.#finished
  }

  /** Stops the stream: tells the native side to stop producing and drops anything still due. */
  close(): void {
    if (this.#finished) return
    this.#finished = true
    this.#pending.clear()
    const host = this.#host
    this.#host = null
    if (host) {
      host.closeStream(this.id)
      host.releaseStream(this.id)
    }
  }

  static {
    driveChannel = {
      attach: (channel, host) => channel.#attach(host),
      chunk: (channel, seq, items) => channel.#chunk(seq, items),
      end: (channel, error) => channel.#end(error),
    }
  }

  /** The client passed the channel to invoke(). */
  #attach(host: ChannelHost): boolean {
    if (this.#finished) return false
    if (this.#host === host) return true
    if (this.#host) throw new Error(`Channel ${this.id} is already attached to another client`)
    this.#host = host
    host.grantCredit(this.id, this.window)
    return true
  }

  /** A `chunk` envelope for this stream. */
  #chunk(seq: number, items: unknown[]): void {
    if (this.#finished || !Number.isInteger(seq) || seq < this.#nextSeq || this.#pending.has(seq)) return
    this.#pending.set(seq, items)
    this.#drain()
  }

  /** An `end` envelope for this stream, or the call behind it failed. */
  #end(error?: ConduitError): void {
    if (this.#finished) return
    // Whatever is still buffered behind a gap is delivered in order before the end.
    for (const seq of [...this.#pending.keys()].sort((a, b) => a - b)) {
      this.#nextSeq = seq
      this.#drain()
    }
    this.#finished = true
    this.#pending.clear()
    const host = this.#host
    this.#host = null
    host?.releaseStream(this.id)
    this.#call(() => this.onend?.(error))
  }

  #drain(): void {
    let items = this.#pending.get(this.#nextSeq)
    while (items && !this.#finished) {
      this.#pending.delete(this.#nextSeq)
      this.#nextSeq++
      for (const item of items) {
        if (this.#finished) break
        this.#call(() => this.onmessage?.(item as T))
        this.#deliveredSinceGrant++
      }
      items = this.#pending.get(this.#nextSeq)
    }
    // Refill the window once half of it has been delivered.
    if (this.#host && !this.#finished && this.#deliveredSinceGrant >= this.window / 2) {
      this.#host.grantCredit(this.id, this.#deliveredSinceGrant)
      this.#deliveredSinceGrant = 0
    }
  }

  #call(fn: () => void): void {
    try {
      fn()
    } catch (error) {
      console.error(`conduit: channel ${this.id} callback failed`, error)
    }
  }
}
