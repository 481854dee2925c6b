// SPDX-License-Identifier: MIT
// Uploads: the bytes of a Schema::bytes() argument on their way to native. The invoke carries a
// reference, {upload, size}; the bytes follow in `put` envelopes of base64 chunks, each sized to
// fit the native side's envelope limit, and at most the welcome's `uploadWindow` of them travel
// before native `grant`s them back, so a large upload neither floods the wire nor waits for a
// round trip per chunk (docs/ARCHITECTURE.md, "Bytes").

import { ConduitError } from './errors'

/** What the page may pass for a Schema::bytes() argument. */
export type BytesInput = Uint8Array | ArrayBuffer | Blob

export function isBytesInput(value: unknown): value is BytesInput {
  return value instanceof Uint8Array || value instanceof ArrayBuffer || (typeof Blob !== 'undefined' && value instanceof Blob)
}

/** What an Upload needs from the client. */
export interface UploadHost {
  /** Queues a `put`; returns the error it would get if it cannot be sent. */
  send(envelope: { t: 'put'; upload: number; at: number; data: string }): ConduitError | null
  /** Bytes that may travel before they are granted. */
  window(): number
  /** Raw bytes per `put`. */
  chunkBytes(): number
}

/** The JSON-side envelope overhead of a `put`, generously: its keys and two safe integers. */
export const PUT_OVERHEAD_CHARS = 96

/** Raw bytes per chunk whose base64 fits `maxEnvelopeChars` with a put's overhead. */
export function chunkBytesFor(maxEnvelopeChars: number): number {
  return Math.max(3, Math.floor((maxEnvelopeChars - PUT_OVERHEAD_CHARS) / 4) * 3)
}

/** Base64 of `bytes`, in pieces small enough for String.fromCharCode's argument list. */
export function toBase64(bytes: Uint8Array): string {
  const pieces: string[] = []
  for (let i = 0; i < bytes.length; i += 0x8000)
    pieces.push(String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000) as unknown as number[]))
  return btoa(pieces.join(''))
}

export class Upload {
  readonly id: number
  readonly size: number
  #source: BytesInput
  #host: UploadHost
  #sent = 0
  #inFlight = 0
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

  /** Sends what the window allows. */
  start(): void {
    void this.#pump()
  }

  /** Native stored `bytes` of it: as many more may travel. */
  granted(bytes: number): void {
    this.#inFlight = Math.max(0, this.#inFlight - bytes)
    void this.#pump()
  }

  /** The call ended: nothing more is sent. */
  stop(): void {
    this.#stopped = true
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return
    this.#pumping = true
    try {
      const window = this.#host.window()
      const chunkBytes = this.#host.chunkBytes()
      while (!this.#stopped && this.#sent < this.size && this.#inFlight + Math.min(chunkBytes, this.size - this.#sent) <= Math.max(window, chunkBytes)) {
        const at = this.#sent
        const end = Math.min(this.size, at + chunkBytes)
        const chunk = await this.#slice(at, end)
        if (this.#stopped) return
        const refused = this.#host.send({ t: 'put', upload: this.id, at, data: toBase64(chunk) })
        if (refused) {
          this.#stopped = true
          this.#failed(refused)
          return
        }
        this.#sent = end
        this.#inFlight += end - at
      }
    } catch (error) {
      this.#stopped = true
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
