// SPDX-License-Identifier: MIT
// A list of rows of different heights in a scrolling element, of which only the rows in view and
// a few either side are in the DOM; the list's padding stands for the rest. A row's height is
// measured when it first renders (until then it counts as the average so far), and again after a
// change of width. The view follows the end while it is at the end; otherwise the row at the top
// of the view stays where it is while rows are added at the end, dropped at the start, or measured.

import { computed, nextTick, onMounted, onUnmounted, onUpdated, ref, shallowRef, watch, type Ref } from 'vue'

/** Rows rendered beyond each edge of the view. */
export const OVERSCAN_ROWS = 4
/** The most rows in the DOM at once, however short they are or however tall the view. */
export const MAX_RENDERED_ROWS = 100
/** This close to the end (in px) counts as at the end. */
export const STICKY_PX = 32

export interface Keyed {
  readonly key: number
}

/** The first index in `items` (in ascending key order) whose key is not below `key`. */
export function indexOfKey(items: readonly Keyed[], key: number): number {
  let low = 0
  let high = items.length
  while (low < high) {
    const mid = (low + high) >>> 1
    if (items[mid]!.key < key) low = mid + 1
    else high = mid
  }
  return low
}

export interface VirtualList<T> {
  /** The rows to render, the first of them at index `start`. */
  rows: Readonly<Ref<readonly T[]>>
  start: Readonly<Ref<number>>
  /** The list's padding above and below them (px). */
  padTop: Readonly<Ref<number>>
  padBottom: Readonly<Ref<number>>
  /** Whether the view follows the end; scrolling up stops it, scrolling to the end resumes it. */
  following: Readonly<Ref<boolean>>
  /** For the viewport's scroll event. */
  onScroll(): void
  /** Scrolls to the end and follows it again. */
  scrollToEnd(): void
  /** Forgets the measured heights, for when the rows' content changed (another language). */
  remeasure(): void
}

/**
 * Virtualises `items` (in ascending key order; added at the end, dropped at the start) in the
 * scrolling `viewport`, whose `list` element holds the rendered rows and nothing else.
 */
export function useVirtualList<T extends Keyed>(
  items: () => readonly T[],
  viewport: Ref<HTMLElement | null>,
  list: Ref<HTMLElement | null>,
  estimate = 64,
): VirtualList<T> {
  const range = shallowRef({ start: 0, end: 0 })
  const following = ref(true)
  const heights = new Map<number, number>() // measured, by key
  let measuredSum = 0
  let prunedFrom = -Infinity
  let offsets = new Float64Array(1) // offsets[i]: the top of row i in the list; [n]: its height
  let extra = new Float64Array(0)
  const laidOut = ref(0) // counts layout(), for what reads offsets
  let anchor: { key: number; delta: number } | null = null // the row at the top of the view
  let lastTop = 0
  let toEnd = true // the next settle() puts the view at the end (following), or keeps the anchor
  let width = -1
  let baseTop = 0 // the list's top in the viewport's content (below any notice); read after renders
  let drawn = { all: [] as readonly T[], start: 0, end: 0 } // what the last render put in the DOM
  function noteDrawn(): void {
    drawn = { all: items(), ...range.value }
  }
  onMounted(noteDrawn)
  onUpdated(noteDrawn)

  function forget(key: number): void {
    measuredSum -= heights.get(key) ?? 0
    heights.delete(key)
  }

  function layout(): void {
    const all = items()
    const n = all.length
    const first = all[0]?.key ?? Infinity
    if (heights.size > 2 * MAX_RENDERED_ROWS && first !== prunedFrom) {
      prunedFrom = first
      for (const key of heights.keys()) if (key < first) forget(key)
    }
    const average = heights.size > 0 ? measuredSum / heights.size : estimate
    if (offsets.length < n + 1) {
      offsets = new Float64Array(2 * n + 1)
      extra = new Float64Array(2 * n)
    }
    // An unmeasured row counts as the average; a measured one adds its difference from it.
    extra.fill(0, 0, n)
    for (const [key, height] of heights) {
      const index = indexOfKey(all, key)
      if (all[index]?.key === key) extra[index] = height - average
    }
    for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i]! + average + extra[i]!
    laidOut.value++
  }

  /** The row at `y` (px from the list's top). */
  function rowAt(y: number): number {
    let low = 0
    let high = items().length - 1
    while (low < high) {
      const mid = (low + high + 1) >>> 1
      if (offsets[mid]! <= y) low = mid
      else high = mid - 1
    }
    return Math.max(0, low)
  }

  const total = (): number => offsets[items().length]!
  const maxTop = (): number => Math.max(0, baseTop + total() - (viewport.value?.clientHeight ?? 0))

  /** Where the view should be: the end, or where the anchor row keeps its place. */
  function target(): number {
    if (following.value && toEnd) return maxTop()
    if (!anchor) return viewport.value?.scrollTop ?? 0
    const all = items()
    const index = indexOfKey(all, anchor.key)
    if (all[index]?.key !== anchor.key) return 0 // the row read was dropped: the oldest kept
    return Math.min(maxTop(), baseTop + offsets[index]! + anchor.delta)
  }

  function rangeAt(top: number): { start: number; end: number } {
    const y = top - baseTop
    const start = Math.max(0, rowAt(y) - OVERSCAN_ROWS)
    const last = rowAt(y + (viewport.value?.clientHeight ?? 0))
    return { start, end: Math.min(items().length, last + 1 + OVERSCAN_ROWS, start + MAX_RENDERED_ROWS) }
  }

  function saveAnchor(top: number): void {
    const all = items()
    const index = rowAt(top - baseTop)
    anchor = all.length === 0 ? null : { key: all[index]!.key, delta: top - baseTop - offsets[index]! }
  }

  /** Reads the heights of rendered rows not measured yet; true if there were any. */
  function measure(): boolean {
    const { all, start, end } = drawn
    const children = list.value?.children
    if (!children) return false
    let unmeasured = false
    for (let i = start; i < end && !unmeasured; i++) unmeasured = !heights.has(all[i]!.key)
    if (!unmeasured) return false
    let changed = false
    for (let i = 0; i < children.length && start + i < end; i++) {
      const height = children[i]!.getBoundingClientRect().height
      const key = all[start + i]!.key
      if (height > 0 && heights.get(key) !== height) {
        measuredSum += height - (heights.get(key) ?? 0)
        heights.set(key, height)
        changed = true
      }
    }
    return changed
  }

  /**
   * After the DOM changed: measures new rows; once the rendered rows and the padding match the
   * view (a few passes at most, all before the next paint), puts the view where it belongs.
   */
  function settle(pass = 0): void {
    const el = viewport.value
    if (!el) return
    baseTop = list.value?.offsetTop ?? 0
    const remeasured = measure()
    if (remeasured) layout()
    const top = target()
    const next = rangeAt(top)
    if ((remeasured || next.start !== range.value.start || next.end !== range.value.end) && pass < 3) {
      range.value = next
      void nextTick(() => settle(pass + 1))
      return
    }
    if (following.value && toEnd) el.scrollTop = el.scrollHeight
    else if (Math.abs(el.scrollTop - top) > 0.5) el.scrollTop = top
    lastTop = el.scrollTop
    saveAnchor(top)
  }

  function relayout(): void {
    toEnd = following.value
    layout()
    range.value = rangeAt(target())
    void nextTick(() => settle())
  }

  function remeasure(): void {
    heights.clear()
    measuredSum = 0
    relayout()
  }

  watch(items, relayout)

  function onScroll(): void {
    const el = viewport.value
    if (!el) return
    const top = el.scrollTop
    // Where settle() put it (read back in whole pixels): the anchor it kept is the more exact.
    if (Math.abs(top - lastTop) < 1) return
    // Moving up stops following; reaching the end resumes it (from the next rows on).
    if (top < lastTop) following.value = false
    else if (baseTop + total() - (top + el.clientHeight) <= STICKY_PX) following.value = true
    lastTop = top
    toEnd = false
    saveAnchor(top)
    const next = rangeAt(top)
    if (next.start !== range.value.start || next.end !== range.value.end) {
      range.value = next
      void nextTick(() => settle())
    }
  }

  function scrollToEnd(): void {
    following.value = true
    relayout()
  }

  // A new width wraps the rows anew; a new height shows more or fewer of them.
  function resized(): void {
    const now = viewport.value?.clientWidth ?? 0
    if (now !== width) {
      width = now
      remeasure()
    } else {
      relayout()
    }
  }
  let observer: ResizeObserver | undefined
  onMounted(() => {
    resized()
    if (typeof ResizeObserver === 'function' && viewport.value) {
      observer = new ResizeObserver(resized)
      observer.observe(viewport.value)
    } else {
      window.addEventListener('resize', resized)
    }
  })
  onUnmounted(() => {
    observer?.disconnect()
    window.removeEventListener('resize', resized)
  })

  return {
    rows: computed(() => items().slice(range.value.start, range.value.end)),
    start: computed(() => range.value.start),
    padTop: computed(() => {
      void laidOut.value
      return offsets[range.value.start]!
    }),
    padBottom: computed(() => {
      void laidOut.value
      return total() - offsets[range.value.end]!
    }),
    following,
    onScroll,
    scrollToEnd,
    remeasure,
  }
}
