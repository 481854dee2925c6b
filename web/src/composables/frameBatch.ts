// SPDX-License-Identifier: MIT
// Commits to reactive state at most once per animation frame, however many times it is asked.
// After a quiet spell the first request is committed in a microtask, at the end of the task that
// brought it, so a lone message shows at once; while more keep coming, each commit waits for the
// next frame, and a frame that follows such a microtask commit (both would be painted together)
// passes its turn. requestAnimationFrame does not run while the page is hidden, so a timer races it.

/** The longest a commit waits for a frame that does not come (a hidden page). */
export const FRAME_FALLBACK_MS = 100
/** The frame a page without requestAnimationFrame is given. */
const FRAME_MS = 16

export interface FrameBatch {
  /** Asks for a commit: in a microtask when idle, otherwise at the next frame. */
  request(): void
  /** Commits nothing more. */
  stop(): void
}

/** Calls `commit` at most once per animation frame for any number of `request()`s. */
export function frameBatch(commit: () => void): FrameBatch {
  let wanted = false
  let microtaskQueued = false
  /** A microtask commit happened since the last frame: this frame paints it already. */
  let committedEarly = false
  let frame: number | undefined
  let timer: ReturnType<typeof setTimeout> | undefined
  let stopped = false

  function run(): void {
    wanted = false
    commit()
  }

  function awaitFrame(): void {
    if (frame !== undefined || timer !== undefined || stopped) return
    const raf = globalThis.requestAnimationFrame
    if (typeof raf === 'function') frame = raf.call(globalThis, () => onFrame(false))
    timer = setTimeout(() => onFrame(true), typeof raf === 'function' ? FRAME_FALLBACK_MS : FRAME_MS)
  }

  function onFrame(late: boolean): void {
    if (frame !== undefined) globalThis.cancelAnimationFrame?.(frame)
    clearTimeout(timer)
    frame = timer = undefined
    // A frame paints what a microtask committed before it; a late timer is not that frame.
    const passes = committedEarly && !late
    committedEarly = false
    if (stopped || !wanted) return
    awaitFrame() // idle again only after a frame with nothing to commit
    if (!passes) run()
  }

  return {
    request() {
      if (wanted || stopped) return
      wanted = true
      if (frame !== undefined || timer !== undefined || microtaskQueued) return
      microtaskQueued = true
      queueMicrotask(() => {
        microtaskQueued = false
        if (!wanted || stopped) return
        committedEarly = true
        awaitFrame()
        run()
      })
    },
    stop() {
      stopped = true
      if (frame !== undefined) globalThis.cancelAnimationFrame?.(frame)
      clearTimeout(timer)
      frame = timer = undefined
    },
  }
}
