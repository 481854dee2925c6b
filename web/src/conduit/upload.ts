// SPDX-License-Identifier: MIT
// Uploads: the bytes of a Schema::bytes() argument on their way to native. The invoke carries a
// reference, {upload, size}; the page stages the bytes (a view of an array, or a Blob read a
// chunk at a time) and says so in `put` envelopes, {upload, at, n}; native reads staged bytes out
// of the page through the global the client defines (`uploadReader` in the generated API):
// QWebEnginePage::runJavaScript hands a Uint8Array over as a QByteArray, several times faster than
// any string on the channel. At most the welcome's `uploadWindow` is staged before native
// `grant`s it back, so a Blob is never held whole and native sets the pace (docs/ARCHITECTURE.md,
// "Bytes").

import { ConduitError } from './errors'

/** What the page may pass for a Schema::bytes() argument. */
export type BytesInput = Uint8Array | ArrayBuffer | Blob

export function isBytesInput(value: unknown): value is BytesInput {
  return value instanceof Uint8Array || value instanceof ArrayBuffer || (typeof Blob !== 'undefined' && value instanceof Blob)
}

/** What an Upload needs from the client. */
export interface UploadHost {
  /** Queues a `put`; returns the error it would get if it cannot be sent. */
  send(envelope: { t: 'put'; upload: number; at: number; n: number }): ConduitError | null
  /** Bytes that may be staged before they are granted. */
  window(): number
  /** Bytes staged at a time: one Blob read, one `put`. */
  stageBytes(): number
}

/** What the client stages at a time. */
export const STAGE_BYTES = 1 << 20

/**
 * Defines the global through which native reads staged bytes: `read(upload, at, n)` answers a
 * Uint8Array of exactly `n` bytes, or null when they are not staged.
 */
export function defineUploadReader(name: string, find: (upload: number) => Upload | undefined): void {
  const read = (upload: number, at: number, n: number): Uint8Array | null => find(upload)?.read(at, n) ?? null
  Object.defineProperty(globalThis, name, { value: Object.freeze({ read }), configurable: true, enumerable: false, writable: false })
}

export class Upload {
  readonly id: number
  readonly size: number
  #source: BytesInput
  #host: UploadHost
  #staged: { at: number; bytes: Uint8Array }[] = [] // in order, not yet granted back
  #sent = 0 // bytes staged and announced
  #granted = 0
  #pumping = false
  #stopped = false
  #failed: (error: ConduitError) => void

  /** `failed` hears why the rest cannot be sent (the call then fails with it). */
  constructor(id: number, source: BytesInput, host: UploadHost, failed: (error: ConduitError) => void) {
    this.id = id
    this.#source = source
    this.#host = host
    this.#failed = failed
    this.size = source instanceof Blob ? source.size : source.byteLength
  }

  /** The reference the invoke carries in place of the bytes. */
  get reference(): { upload: number; size: number } {
    return { upload: this.id, size: this.size }
  }

  get done(): boolean {
    return this.#sent >= this.size
  }

  /** Stages what the window allows. */
  start(): void {
    void this.#pump()
  }

  /** Native took `bytes` more: they are let go, and as many more may be staged. */
  granted(bytes: number): void {
    this.#granted = Math.min(this.#sent, this.#granted + bytes)
    for (let first = this.#staged[0]; first && first.at + first.bytes.length <= this.#granted; first = this.#staged[0]) this.#staged.shift()
    void this.#pump()
  }

  /** The call ended: nothing more is staged, and what was is let go. */
  stop(): void {
    this.#stopped = true
    this.#staged = []
  }

  /** Staged bytes [at, at + n), for native's read; null when they are not all staged. */
  read(at: number, n: number): Uint8Array | null {
    const end = at + n
    if (this.#stopped || !Number.isSafeInteger(at) || !Number.isSafeInteger(n) || at < this.#granted || n <= 0 || end > this.#sent) return null
    const pieces = this.#staged.filter((piece) => piece.at < end && piece.at + piece.bytes.length > at)
    const [only] = pieces
    if (only && pieces.length === 1) return only.bytes.subarray(at - only.at, end - only.at)
    const joined = new Uint8Array(n)
    for (const piece of pieces) {
      const from = Math.max(at, piece.at)
      const to = Math.min(end, piece.at + piece.bytes.length)
      joined.set(piece.bytes.subarray(from - piece.at, to - piece.at), from - at)
    }
    return joined
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return
    this.#pumping = true
    try {
      // An array is in the page's memory already: staged whole, native reads it at its pace. A
      // Blob is read into memory a slice at a time, never more than the window ahead.
      const blob = this.#source instanceof Blob
      const window = blob ? this.#host.window() : this.size
      const stage = blob ? this.#host.stageBytes() : this.size
      while (!this.#stopped && this.#sent < this.size && this.#sent - this.#granted + Math.min(stage, this.size - this.#sent) <= Math.max(window, stage)) {
        const at = this.#sent
        const end = Math.min(this.size, at + stage)
        const bytes = await this.#slice(at, end)
        if (this.#stopped) return
        this.#staged.push({ at, bytes })
        const refused = this.#host.send({ t: 'put', upload: this.id, at, n: end - at })
        if (refused) {
          this.stop()
          this.#failed(refused)
          return
        }
        this.#sent = end
      }
    } catch (error) {
      this.stop()
      this.#failed(new ConduitError('internal', `Could not read the bytes to upload: ${String(error)}`))
    } finally {
      this.#pumping = false
    }
  }

  async #slice(start: number, end: number): Promise<Uint8Array> {
    const source = this.#source
    if (source instanceof Uint8Array) return source.subarray(start, end)
    if (source instanceof ArrayBuffer) return new Uint8Array(source, start, end - start)
    return new Uint8Array(await source.slice(start, end).arrayBuffer())
  }
}
