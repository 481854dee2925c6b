// SPDX-License-Identifier: MIT
// What a polite live region says about a list that can grow by thousands of rows a second: not
// each row (a screen reader would fall ever further behind) but a summary of what came since the
// last one, at most once per ANNOUNCE_EVERY_MS.

import { onUnmounted, ref, watch, type Ref } from 'vue'

/** The shortest time between two announcements. */
export const ANNOUNCE_EVERY_MS = 2000

/**
 * The text for a live region: `describe(added)` for the rows added since the last announcement,
 * where `count()` is how many were ever added; it changes at most once per ANNOUNCE_EVERY_MS.
 */
export function useLiveSummary(count: () => number, describe: (added: number) => string): Readonly<Ref<string>> {
  const text = ref('')
  let announced = count()
  let last = -Infinity
  let timer: ReturnType<typeof setTimeout> | undefined

  function announce(): void {
    timer = undefined
    const added = count() - announced
    if (added <= 0) return
    announced = count()
    last = Date.now()
    text.value = describe(added)
  }

  watch(count, () => {
    if (timer !== undefined) return
    const wait = last + ANNOUNCE_EVERY_MS - Date.now()
    if (wait <= 0) announce()
    else timer = setTimeout(announce, wait)
  })
  onUnmounted(() => clearTimeout(timer))
  return text
}
