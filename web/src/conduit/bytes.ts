// SPDX-License-Identifier: MIT
// ConduitBytes: what a bytes command answers (Schema::bytes() natively). The bytes do not travel
// in the JSON: they wait natively behind a one-time token and the page reads them from the app://
// scheme (docs/ARCHITECTURE.md, "Bytes"). Qt 6.4's QtWebEngine lets fetch() reach no custom
// scheme (FetchApiAllowed came in 6.6), so the reads are XMLHttpRequests; a stream pulls one
// chunk per request, so neither side ever holds more than a chunk of it.

import { ConduitError } from './errors'
import { bytesPath } from './generated/api'

/** A result's `bytes`, as the native side offers them. */
export interface BytesOffer {
  token: string
  size: number
  type: string
}

/** Bytes per request of stream(), unless it is told otherwise, and of arrayBuffer(). */
export const STREAM_CHUNK_BYTES = 4 << 20
/** arrayBuffer()'s requests in flight at once: the native side reads one while others travel. */
const READS_IN_FLIGHT = 3
/**
 * Up to this size arrayBuffer() makes one request for the whole: the fastest path (the native
 * side streams it from its device), which holds the bytes twice while the response turns into an
 * ArrayBuffer. Above it, ranges go straight into one buffer, so the page holds them once.
 */
export const WHOLE_READ_MAX_BYTES = 64 << 20

export function isBytesOffer(value: unknown): value is BytesOffer {
  if (!value || typeof value !== 'object') return false
  const { token, size, type } = value as Record<string, unknown>
  return (
    typeof token === 'string' &&
    /^[0-9a-f]{32}$/.test(token) &&
    typeof size === 'number' &&
    Number.isSafeInteger(size) &&
    size >= 0 &&
    typeof type === 'string'
  )
}

/** GETs `url` as an ArrayBuffer; `not_found` when the native side does not serve it. */
function getArrayBuffer(url: string): Promise<ArrayBuffer> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('GET', url)
    xhr.responseType = 'arraybuffer'
    xhr.onload = () => {
      if (xhr.status === 0 || xhr.status === 200) resolve(xhr.response as ArrayBuffer)
      else reject(new ConduitError('not_found', `The bytes are no longer offered (${xhr.status})`))
    }
    xhr.onerror = () => reject(new ConduitError('not_found', 'The bytes are no longer offered'))
    xhr.send()
  })
}

/** Up to `n` bytes from `at` of the bytes behind `token` (app:// serves ranges as ?at=&n=). */
function getRange(token: string, at: number, n: number): Promise<ArrayBuffer> {
  return getArrayBuffer(`${bytesPath}${token}?at=${at}&n=${n}`)
}

/**
 * Bytes a command answered with. Read them once, by any one of `arrayBuffer()`, `bytes()`,
 * `text()`, `blob()`, `stream()` or `takeUrl()`: the token behind them is good for one reading,
 * by this page load, within the native side's `bytesLifetime` (a minute) of the offer or the last
 * read; a second reading rejects with `invalid_args`.
 */
export class ConduitBytes {
  /** How many bytes there are. */
  readonly size: number
  /** Their media type, e.g. `image/png`. */
  readonly type: string
  #token: string | null

  constructor(offer: BytesOffer) {
    this.size = offer.size
    this.type = offer.type
    this.#token = offer.token
  }

  /** Whether they were read (or their URL taken). */
  get read(): boolean {
    return this.#token === null
  }

  /**
   * Their URL, for one load of the whole (e.g. an `<img src>`); taking it counts as reading
   * them. Empty bytes are not held natively: their URL serves nothing.
   */
  takeUrl(): string {
    return bytesPath + this.#take()
  }

  /**
   * All of them at once: one request up to WHOLE_READ_MAX_BYTES; above it, chunks read straight
   * into one buffer of their size, a few requests in flight, so the page holds them once.
   */
  async arrayBuffer(): Promise<ArrayBuffer> {
    const token = this.#take()
    if (this.size === 0) return new ArrayBuffer(0) // not held natively: nothing to fetch
    if (this.size <= WHOLE_READ_MAX_BYTES) {
      const whole = await getArrayBuffer(bytesPath + token)
      if (whole.byteLength !== this.size)
        throw new ConduitError('not_found', `The bytes were ${whole.byteLength} long, not ${this.size}`)
      return whole
    }
    const whole = new Uint8Array(this.size)
    let next = 0
    const reader = async (): Promise<void> => {
      while (next < this.size) {
        const at = next
        next += STREAM_CHUNK_BYTES
        const chunk = new Uint8Array(await getRange(token, at, STREAM_CHUNK_BYTES))
        const expected = Math.min(STREAM_CHUNK_BYTES, this.size - at)
        if (chunk.byteLength !== expected)
          throw new ConduitError('not_found', `The bytes at ${at} were ${chunk.byteLength} long, not ${expected}`)
        whole.set(chunk, at)
      }
    }
    await Promise.all(Array.from({ length: READS_IN_FLIGHT }, reader))
    return whole.buffer
  }

  async bytes(): Promise<Uint8Array> {
    return new Uint8Array(await this.arrayBuffer())
  }

  /** Decoded as UTF-8 (malformed sequences become U+FFFD). */
  async text(): Promise<string> {
    return new TextDecoder().decode(await this.arrayBuffer())
  }

  async blob(): Promise<Blob> {
    return new Blob([await this.arrayBuffer()], { type: this.type })
  }

  /**
   * The bytes as the page reads them, `chunkBytes` per request: the next chunk is asked for only
   * when the reader wants it, so a slow reader slows the native side down, and neither side holds
   * more than a chunk. Cancelling the stream abandons the rest (the token expires natively).
   */
  stream(chunkBytes = STREAM_CHUNK_BYTES): ReadableStream<Uint8Array> {
    // Checked before the token is taken: a bad argument must not spend the bytes.
    if (!Number.isSafeInteger(chunkBytes) || chunkBytes < 1)
      throw new ConduitError('invalid_args', `chunkBytes must be a positive whole number, not ${chunkBytes}`, {
        argument: 'chunkBytes',
      })
    const token = this.#take()
    const size = this.size
    let at = 0
    return new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          if (at >= size) {
            controller.close()
            return
          }
          const chunk = new Uint8Array(await getRange(token, at, chunkBytes))
          if (chunk.byteLength === 0) {
            controller.error(new ConduitError('not_found', `The bytes ended at ${at} of ${size}`))
            return
          }
          at += chunk.byteLength
          controller.enqueue(chunk)
          if (at >= size) controller.close()
        },
      },
      { highWaterMark: 0 },
    )
  }

  #take(): string {
    const token = this.#token
    if (token === null) throw new ConduitError('invalid_args', 'These bytes were already read')
    this.#token = null
    return token
  }
}
