// SPDX-License-Identifier: MIT
// A `tail` task's page state: the file it follows, which the log view (TailPane) shows whole
// through the native line index (log.*), and the task's own output, which the page only counts:
// the view reads the lines from the file, so it holds none of them. What survives a reload is
// where the view was: the first line shown, or null while it follows the end.

import { shallowRef, type ShallowRef } from 'vue'
import type { OutputBuffer } from '../KindDescriptor'
import { text } from '../labels'

/** What a tail's view keeps across a reload. */
export interface TailSaved {
  /** The first line shown, or null while following the end. */
  top: number | null
}

/** `saved` as a TailSaved (anything else: follow the end). */
export function tailSaved(saved: unknown): TailSaved {
  const top = (saved as { top?: unknown } | null)?.top
  return { top: typeof top === 'number' && Number.isInteger(top) && top >= 0 ? top : null }
}

/** One tail task's file and view state. */
export class TailLog implements OutputBuffer<string> {
  /** The file the task follows ('' if its params did not say). */
  readonly path: string
  /** Lines the task has streamed since the page follows it. */
  readonly received: ShallowRef<number> = shallowRef(0)
  /** The task's output stream ended: the task no longer follows the file. */
  readonly ended: ShallowRef<boolean> = shallowRef(false)
  /** Where the view is, as kept for a reload. */
  top: number | null

  #changed: (() => void) | null

  /** `params`: the task's ({path}); `saved`: what save() gave before a reload. */
  constructor(params: unknown, saved: unknown = undefined, changed: (() => void) | null = null) {
    this.path = text((params as { path?: unknown } | null)?.path)
    this.top = tailSaved(saved).top
    this.#changed = changed
  }

  /** A line the task streamed: counted (the view reads the file itself). */
  push(_line: string): void {
    this.received.value++
  }

  end(): void {
    this.ended.value = true
  }

  save(): TailSaved {
    return { top: this.top }
  }

  /** The view moved (or mounted): keep where it is for a reload. */
  remember(top: number | null): void {
    this.top = top
    this.#changed?.()
  }
}
