// SPDX-License-Identifier: MIT
// The lines of a log the page holds: a few windows of WINDOW_LINES lines around where the view
// is, never the file. A window fills from its start (log.lines may answer fewer lines than
// asked: past the end, or past the size one answer carries), so what is missing of it is one
// range. Windows far from the view are dropped once more than MAX_WINDOWS are held.

/** Lines per window: what one log.lines asks for at most. */
export const WINDOW_LINES = 250
/** Windows held at once (MAX_WINDOWS × WINDOW_LINES lines). */
export const MAX_WINDOWS = 24

/** A range of lines to ask log.lines for. */
export interface LineRequest {
  from: number
  count: number
}

interface Window {
  lines: string[]
  /** index in `lines` → the whole line's length in bytes, for lines cut for display. */
  cut: Map<number, number>
}

/** The cached lines of one log. */
export class LineCache {
  #windows = new Map<number, Window>()

  /** Windows held now. */
  get size(): number {
    return this.#windows.size
  }

  /** Lines held now. */
  get heldLines(): number {
    let n = 0
    for (const w of this.#windows.values()) n += w.lines.length
    return n
  }

  /** Line `n`'s text, or undefined while it is not here. */
  line(n: number): string | undefined {
    const w = this.#windows.get(Math.floor(n / WINDOW_LINES))
    return w?.lines[n % WINDOW_LINES]
  }

  /** Line `n`'s whole length in bytes if it was cut for display. */
  cutBytes(n: number): number | undefined {
    return this.#windows.get(Math.floor(n / WINDOW_LINES))?.cut.get(n % WINDOW_LINES)
  }

  /** What is missing of lines first…last of a log of `total` lines, one request per window. */
  missing(first: number, last: number, total: number): LineRequest[] {
    const requests: LineRequest[] = []
    if (total <= 0) return requests
    const end = Math.min(last, total - 1)
    for (let w = Math.floor(Math.max(0, first) / WINDOW_LINES); w * WINDOW_LINES <= end; w++) {
      const start = w * WINDOW_LINES
      const want = Math.min(WINDOW_LINES, total - start)
      const have = this.#windows.get(w)?.lines.length ?? 0
      if (have < want) requests.push({ from: start + have, count: want - have })
    }
    return requests
  }

  /**
   * Lines log.lines answered from `from` (within one window). Lines that continue the window
   * are appended, lines that overlap it replace what it had from there on; anything else (a
   * gap) is dropped.
   */
  store(from: number, lines: readonly string[], cut: readonly { index: number; bytes: number }[] = []): void {
    if (lines.length === 0) return
    const index = Math.floor(from / WINDOW_LINES)
    const start = index * WINDOW_LINES
    let w = this.#windows.get(index)
    if (!w) {
      if (from !== start) return
      w = { lines: [], cut: new Map() }
      this.#windows.set(index, w)
    }
    const at = from - start
    if (at > w.lines.length) return
    w.lines.length = at
    for (const k of [...w.cut.keys()]) if (k >= at) w.cut.delete(k)
    const stored = Math.min(WINDOW_LINES - at, lines.length)
    for (let i = 0; i < stored; i++) w.lines.push(lines[i]!)
    for (const c of cut) if (c.index < stored) w.cut.set(at + c.index, c.bytes)
    // most recently used last
    this.#windows.delete(index)
    this.#windows.set(index, w)
  }

  /** Forgets line `n` and every line after it (they may have changed: a partial last line). */
  forgetFrom(n: number): void {
    const index = Math.floor(Math.max(0, n) / WINDOW_LINES)
    for (const k of [...this.#windows.keys()]) if (k > index) this.#windows.delete(k)
    const w = this.#windows.get(index)
    if (!w) return
    const at = Math.max(0, n) - index * WINDOW_LINES
    if (w.lines.length > at) w.lines.length = at
    for (const k of [...w.cut.keys()]) if (k >= at) w.cut.delete(k)
    if (w.lines.length === 0) this.#windows.delete(index)
  }

  /** Drops windows farthest from line `center` until at most `max` are held. */
  trim(center: number, max = MAX_WINDOWS): void {
    if (this.#windows.size <= max) return
    const here = Math.floor(Math.max(0, center) / WINDOW_LINES)
    const byDistance = [...this.#windows.keys()].sort((a, b) => Math.abs(b - here) - Math.abs(a - here))
    for (const k of byDistance.slice(0, this.#windows.size - max)) this.#windows.delete(k)
  }

  /** Forgets everything (the file was replaced). */
  clear(): void {
    this.#windows.clear()
  }
}
