// SPDX-License-Identifier: MIT
// Shows a long list a slice at a time: the first rows at once, the rest a slice per animation
// frame, so that mounting a thousand rows (a reload with many tasks) never holds the page's
// main thread for longer than one slice: calls are answered and input is handled in between.

import { computed, onUnmounted, ref, watch, type ComputedRef } from 'vue'

/** Rows mounted at once, and then per frame. */
export const FIRST_ROWS = 30
export const ROWS_PER_FRAME = 20

const nextFrame: (cb: () => void) => unknown =
  globalThis.requestAnimationFrame?.bind(globalThis) ?? ((cb) => setTimeout(cb, 16))

/** The leading part of `items` to render; grows each frame until it is all of them. */
export function useProgressiveList<T>(items: readonly T[]): ComputedRef<readonly T[]> {
  const limit = ref(FIRST_ROWS)
  let scheduled = false
  let stopped = false

  function grow(): void {
    scheduled = false
    if (stopped || limit.value >= items.length) return
    limit.value += ROWS_PER_FRAME
    schedule()
  }
  function schedule(): void {
    if (scheduled || stopped || limit.value >= items.length) return
    scheduled = true
    nextFrame(grow)
  }

  watch(() => items.length, schedule, { immediate: true })
  onUnmounted(() => (stopped = true))
  return computed(() => (items.length <= limit.value ? items : items.slice(0, limit.value)))
}
