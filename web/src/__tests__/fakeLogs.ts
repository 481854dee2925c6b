// SPDX-License-Identifier: MIT
// The native log index (LogFiles behind LogGateway) as the fake client plays it: files are
// arrays of lines the test sets and grows; log.open, log.lines and log.close answer from them
// (a microtask later, as the bridge would), and grow()/replace() fire log.changed.

import type { LogChanged } from '../conduit/generated/api'
import { ConduitError } from '../conduit/errors'

/** One log the page opened. */
interface OpenLog {
  id: number
  path: string
}

export class FakeLogs {
  /** The files: path → lines. */
  files = new Map<string, string[]>()
  /** Logs open now, by id. */
  open = new Map<number, OpenLog>()
  /** Every log.lines asked: [from, count]. */
  asked: [number, number][] = []
  /** Lines cut for display: path → line → whole length in bytes. */
  cut = new Map<string, Map<number, number>>()
  #nextId = 1
  #fire: (event: string, payload: LogChanged) => void

  constructor(fire: (event: string, payload: LogChanged) => void) {
    this.#fire = fire
  }

  /** The answer to a log.* command, or null for other commands. */
  answer(cmd: string, args: any): Promise<unknown> | null {
    switch (cmd) {
      case 'log.open': {
        const lines = this.files.get(args.path)
        if (!lines) return Promise.reject(new ConduitError('not_found', `no file ${args.path}`))
        const id = this.#nextId++
        this.open.set(id, { id, path: args.path })
        return Promise.resolve({ id, lines: lines.length, size: this.#size(lines) })
      }
      case 'log.lines': {
        const log = this.open.get(args.id)
        if (!log) return Promise.reject(new ConduitError('not_found', `no log ${args.id}`))
        this.asked.push([args.from, args.count])
        const lines = this.files.get(log.path)!.slice(args.from, args.from + Math.min(args.count, 1000))
        const cuts = this.cut.get(log.path) ?? new Map<number, number>()
        const cut = lines.flatMap((_, i) => (cuts.has(args.from + i) ? [{ index: i, bytes: cuts.get(args.from + i)! }] : []))
        return Promise.resolve({ from: args.from, lines, cut })
      }
      case 'log.close':
        if (!this.open.delete(args.id)) return Promise.reject(new ConduitError('not_found', `no log ${args.id}`))
        return Promise.resolve({})
      default:
        return null
    }
  }

  /** Appends lines to `path` and says so to the logs open on it. */
  grow(path: string, ...more: string[]): void {
    const lines = this.files.get(path)!
    lines.push(...more)
    this.#changed(path, false)
  }

  /** Replaces `path`'s lines (truncated, rotated) and says so. */
  replace(path: string, lines: string[]): void {
    this.files.set(path, lines)
    this.#changed(path, true)
  }

  #changed(path: string, reset: boolean): void {
    const lines = this.files.get(path)!
    for (const log of this.open.values())
      if (log.path === path) this.#fire('log.changed', { id: log.id, lines: lines.length, size: this.#size(lines), reset })
  }

  #size(lines: string[]): number {
    return lines.reduce((n, line) => n + line.length + 1, 0)
  }
}
