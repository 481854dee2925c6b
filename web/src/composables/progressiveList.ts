// SPDX-License-Identifier: MIT
// Shows a long list a slice at a time: the first rows at once, the rest a slice per animation
// frame, so that mounting a thousand rows (a reload with many tasks) never holds the page's
// main thread for longer than one slice: calls are answered and input is handled in between.

import { computed, onUnmounted, ref, toValue, watch, type ComputedRef, type MaybeRefOrGetter } from 'vue'

/** Rows mounted at once, and then per frame. */
export const FIRST_ROWS = 30
export const ROWS_PER_FRAME = 20

const nextFrame: (cb: () => void) => unknown =
  globalThis.requestAnimationFrame?.bind(globalThis) ?? ((cb) => setTimeout(cb, 16))

/**
 * The leading part of `source` to render (a reactive array, or a ref or getter of one); grows each
 * frame until it is all of them.
 */
export function useProgressiveList<T>(source: MaybeRefOrGetter<readonly T[]>): ComputedRef<readonly T[]> {
  const items = (): readonly T[] => toValue(source)
  const limit = ref(FIRST_ROWS)
  let scheduled = false
  let stopped = false

  function grow(): void {
    scheduled = false
    if (stopped || limit.value >= items().length) return
    limit.value += ROWS_PER_FRAME
    schedule()
  }
  function schedule(): void {
    if (scheduled || stopped || limit.value >= items().length) return
    scheduled = true
    nextFrame(grow)
  }

  watch(() => items().length, schedule, { immediate: true })
  onUnmounted(() => (stopped = true))
  return computed(() => {
    const all = items()
    return all.length <= limit.value ? all : all.slice(0, limit.value)
  })
}
