// SPDX-License-Identifier: MIT
// The lines of one `tail` task as the page shows them: the last MAX_TAIL_LINES, appended in one
// batch per turn, and a "pause view" that holds new lines back (counting them) while the task
// itself goes on.

import { ref, shallowRef, type Ref, type ShallowRef } from 'vue'
import type { OutputBuffer } from '../KindDescriptor'

/** Lines a tail's pane keeps. */
export const MAX_TAIL_LINES = 2000
/** Lines kept in sessionStorage for a reload. */
export const PERSISTED_TAIL_LINES = 500

/** One line in the pane. */
export interface TailLine {
  /** Page-local, increasing: the key for rendering. */
  key: number
  text: string
}

/** The lines of one tail task, as its pane shows them. */
export class TailBuffer implements OutputBuffer<string> {
  /** What the pane shows (at most MAX_TAIL_LINES). */
  readonly lines: ShallowRef<TailLine[]> = shallowRef([])
  /** True while the view is paused. */
  readonly paused: Ref<boolean> = ref(false)
  /** Lines received while paused (all of them counted, the newest MAX_TAIL_LINES kept). */
  readonly held: Ref<number> = ref(0)
  /** Every line received so far (also before a reload, when restored). */
  readonly received: Ref<number> = ref(0)
  /** The task's output stream ended. */
  readonly ended: Ref<boolean> = ref(false)

  #nextKey = 0
  #incoming: TailLine[] = []
  #heldLines: TailLine[] = []
  #flushScheduled = false
  #onChange: (() => void) | null

  /** `restored`: lines shown before a reload; `onChange`: called when the shown lines changed. */
  constructor(restored: string[] = [], onChange: (() => void) | null = null) {
    this.#onChange = onChange
    if (restored.length > 0) {
      this.lines.value = restored.slice(-MAX_TAIL_LINES).map((text) => ({ key: ++this.#nextKey, text }))
      this.received.value = restored.length
    }
  }

  /** One new line (appended with the others of this turn). */
  push(text: string): void {
    this.#incoming.push({ key: ++this.#nextKey, text: typeof text === 'string' ? text : String(text) })
    if (this.#incoming.length > MAX_TAIL_LINES) this.#incoming.splice(0, this.#incoming.length - MAX_TAIL_LINES)
    this.received.value++
    if (this.paused.value) this.held.value++
    if (!this.#flushScheduled) {
      this.#flushScheduled = true
      queueMicrotask(() => this.flush())
    }
  }

  /** Moves what arrived this turn to the view (or to the held lines while paused). */
  flush(): void {
    this.#flushScheduled = false
    if (this.#incoming.length === 0) return
    const batch = this.#incoming
    this.#incoming = []
    if (this.paused.value) {
      append(this.#heldLines, batch)
      return
    }
    this.lines.value = joined(this.lines.value, batch)
    this.#onChange?.()
  }

  /** The stream ended: what arrived is shown, and the pane says it stopped. */
  end(): void {
    this.flush()
    this.ended.value = true
  }

  /** The last lines shown, kept for a reload. */
  save(): string[] {
    return this.tailText(PERSISTED_TAIL_LINES)
  }

  /** "Pause view": holds new lines back (counting them) until resumed; the task goes on. */
  setPaused(paused: boolean): void {
    if (paused === this.paused.value) return
    this.flush()
    this.paused.value = paused
    if (!paused) {
      this.lines.value = joined(this.lines.value, this.#heldLines)
      this.#heldLines = []
      this.held.value = 0
      this.#onChange?.()
    }
  }

  /** The last `n` lines shown, for keeping across a reload. */
  tailText(n: number): string[] {
    return this.lines.value.slice(-n).map((line) => line.text)
  }
}

/** A new array (a computed over `lines` sees the change), capped at MAX_TAIL_LINES. */
function joined(lines: TailLine[], more: TailLine[]): TailLine[] {
  const next = lines.concat(more)
  return next.length > MAX_TAIL_LINES ? next.slice(next.length - MAX_TAIL_LINES) : next
}

function append(target: TailLine[], lines: TailLine[]): void {
  for (const line of lines) target.push(line)
  if (target.length > MAX_TAIL_LINES) target.splice(0, target.length - MAX_TAIL_LINES)
}
