// SPDX-License-Identifier: MIT
// One log file as the log view reads it: opened natively (log.open), whose line index stays
// there; the view asks for the lines it shows (want), and they arrive in windows (log.lines)
// into a bounded LineCache. log.changed says the file grew (the count goes up, and the last
// line is read again: it may have been a partial one) or was replaced (everything is read
// again). Answers to requests made before a replacement are dropped.

import { shallowRef, type ShallowRef } from 'vue'
import type { AppClient } from '../../appClient'
import { ConduitError } from '../../conduit/errors'
import type { LogChanged } from '../../conduit/generated/api'
import { LineCache, MAX_WINDOWS, WINDOW_LINES } from './lineCache'

/** log.lines calls in flight at once. */
export const MAX_IN_FLIGHT = 3

/** Where the log stands. */
export type LogState = 'opening' | 'open' | 'closed' | 'failed'

/** One open log file and the lines of it the page holds. */
export class LogSource {
  /** Lines in the file (a last line without a newline counts). */
  readonly lines: ShallowRef<number> = shallowRef(0)
  /** Bytes indexed. */
  readonly size: ShallowRef<number> = shallowRef(0)
  readonly state: ShallowRef<LogState> = shallowRef('opening')
  readonly error: ShallowRef<ConduitError | null> = shallowRef(null)
  /** Goes up whenever lines arrive or are dropped: what the view's rows depend on. */
  readonly version: ShallowRef<number> = shallowRef(0)
  /** How often the file was replaced (truncated, rotated, rewritten) while open. */
  readonly resets: ShallowRef<number> = shallowRef(0)

  readonly #client: Pick<AppClient, 'invoke' | 'listen'>
  readonly #path: string
  readonly #cache = new LineCache()
  #id = 0
  #epoch = 0
  #changes = 0
  #inFlight = new Set<number>()
  #wanted: [number, number] = [0, -1]
  #unlisten: (() => void) | null = null

  constructor(client: Pick<AppClient, 'invoke' | 'listen'>, path: string) {
    this.#client = client
    this.#path = path
  }

  /** The log's native id (0 until open). */
  get id(): number {
    return this.#id
  }

  /** Lines the page holds now (bounded: MAX_WINDOWS × WINDOW_LINES). */
  get heldLines(): number {
    return this.#cache.heldLines
  }

  /** Opens the file; resolves once its lines are counted (or it failed: see `error`). */
  async open(): Promise<void> {
    this.#unlisten = this.#client.listen('log.changed', (payload) => this.#changed(payload))
    try {
      const opened = await this.#client.invoke('log.open', { path: this.#path })
      if (this.state.value === 'closed') {
        // closed before it opened: let native go too
        void this.#client.invoke('log.close', { id: opened.id }).catch(() => {})
        return
      }
      this.#id = opened.id
      this.lines.value = opened.lines
      this.size.value = opened.size
      this.state.value = 'open'
      this.#fetch()
    } catch (caught) {
      if (this.state.value === 'closed') return
      this.error.value = ConduitError.from(caught)
      this.state.value = 'failed'
      this.#stopListening()
    }
  }

  /** Stops following; the lines held stay readable. */
  close(): void {
    if (this.state.value === 'closed') return
    const wasOpen = this.state.value === 'open'
    this.state.value = 'closed'
    this.#stopListening()
    if (wasOpen) void this.#client.invoke('log.close', { id: this.#id }).catch(() => {})
  }

  /** Line `n`'s text, or undefined while it is not here. */
  line(n: number): string | undefined {
    return this.#cache.line(n)
  }

  /** Line `n`'s whole length in bytes, if it was cut for display. */
  cutBytes(n: number): number | undefined {
    return this.#cache.cutBytes(n)
  }

  /** The view shows lines first…last: fetch what is missing of them. */
  want(first: number, last: number): void {
    this.#wanted = [first, last]
    this.#fetch()
  }

  #fetch(): void {
    if (this.state.value !== 'open') return
    const [first, last] = this.#wanted
    if (last < first) return
    // Keep the windows around the view; drop far ones before asking for more.
    this.#cache.trim(Math.floor((first + last) / 2), Math.max(MAX_WINDOWS, Math.ceil((last - first) / WINDOW_LINES) + 2))
    for (const request of this.#cache.missing(first, last, this.lines.value)) {
      if (this.#inFlight.size >= MAX_IN_FLIGHT) break
      if (this.#inFlight.has(request.from)) continue
      this.#request(request.from, request.count)
    }
  }

  #request(from: number, count: number): void {
    const epoch = this.#epoch
    const changes = this.#changes
    // Lines before the last one at asking stay as they are while the file grows.
    const stableBefore = this.lines.value - 1
    this.#inFlight.add(from)
    this.#client
      .invoke('log.lines', { id: this.#id, from, count })
      .then(
        (answer) => {
          if (epoch !== this.#epoch || this.state.value !== 'open') return
          let lines = answer.lines
          // The file grew meanwhile: its old last line may have been partial when read.
          if (changes !== this.#changes) lines = lines.slice(0, Math.max(0, stableBefore - answer.from))
          this.#cache.store(answer.from, lines, answer.cut)
          if (lines.length > 0) this.version.value++
          this.#inFlight.delete(from)
          // More of the view to fill (or the rest of a short answer): go on, unless this
          // answer brought nothing, which only a change of the file explains (wait for it).
          if (lines.length > 0 || changes !== this.#changes) this.#fetch()
        },
        (caught) => {
          if (epoch !== this.#epoch) return
          this.#inFlight.delete(from)
          const error = ConduitError.from(caught)
          if (error.code === 'not_found' && this.state.value === 'open') {
            // native closed it (another page took over): say so
            this.error.value = error
            this.state.value = 'failed'
            this.#stopListening()
          }
        },
      )
  }

  #changed(payload: LogChanged): void {
    if (payload.id !== this.#id || this.state.value !== 'open') return
    this.#changes++
    if (payload.reset) {
      this.#epoch++
      this.#inFlight.clear()
      this.#cache.clear()
      this.resets.value++
    } else {
      // The old last line may have been partial: read it again, with what follows.
      this.#cache.forgetFrom(Math.max(0, Math.min(this.lines.value, payload.lines) - 1))
    }
    this.lines.value = payload.lines
    this.size.value = payload.size
    this.version.value++
    this.#fetch()
  }

  #stopListening(): void {
    this.#unlisten?.()
    this.#unlisten = null
  }
}
