// SPDX-License-Identifier: MIT
// The arithmetic of the log view's virtual list: rows of a fixed height over any number of lines.
// The list's scroll range is an element's height, and Chromium caps an element's height at about
// 33.5 million px (1.8 million rows of 18 px). Past MAX_SCROLL_HEIGHT the scroll range is scaled:
// the spacer stays MAX_SCROLL_HEIGHT high and a scroll position maps proportionally onto the
// content, so the top of the scrollbar is line 0 and its bottom the last line, for any count.
// Positions in *content* px (line × rowHeight) are the view's own truth; scrollTop follows them.

/** A row's height in px (the view's CSS sets the same). */
export const ROW_HEIGHT = 18
/** The tallest spacer the view makes, well below Chromium's ~33.5 million px. */
export const MAX_SCROLL_HEIGHT = 8_000_000
/** Rows rendered above and below the visible ones. */
export const OVERSCAN = 6

/** What the scroll arithmetic needs of the view. */
export interface Geometry {
  /** Lines in the list. */
  lines: number
  /** The viewport's height in px. */
  viewport: number
  rowHeight?: number
  maxScrollHeight?: number
}

/** The rows to render for a content position. */
export interface RowRange {
  /** The first line rendered. */
  first: number
  /** How many lines from `first` (never past the last line). */
  count: number
  /** Where the first rendered row's top is, in px from the viewport's top (≤ 0 when overscanned). */
  offset: number
}

const rowOf = (g: Geometry) => g.rowHeight ?? ROW_HEIGHT
const capOf = (g: Geometry) => g.maxScrollHeight ?? MAX_SCROLL_HEIGHT

/** The content's height: every line at its row height. */
export function contentHeight(g: Geometry): number {
  return Math.max(0, g.lines) * rowOf(g)
}

/** The spacer's height: the content's, capped. */
export function spacerHeight(g: Geometry): number {
  return Math.min(contentHeight(g), capOf(g))
}

/** True when the scroll range is scaled (the content is taller than the cap). */
export function isScaled(g: Geometry): boolean {
  return contentHeight(g) > capOf(g)
}

/** The largest content position: the last line at the viewport's bottom (0 if all fit). */
export function maxTop(g: Geometry): number {
  return Math.max(0, contentHeight(g) - g.viewport)
}

/** `top` kept within 0…maxTop. */
export function clampTop(top: number, g: Geometry): number {
  if (!Number.isFinite(top)) return 0
  return Math.min(maxTop(g), Math.max(0, top))
}

/** The content position a scrollTop shows. */
export function contentTopFor(scrollTop: number, g: Geometry): number {
  const range = spacerHeight(g) - g.viewport
  if (range <= 0) return 0
  return clampTop((Math.min(Math.max(0, scrollTop), range) / range) * maxTop(g), g)
}

/** The scrollTop that shows a content position. */
export function scrollTopFor(top: number, g: Geometry): number {
  const content = maxTop(g)
  if (content <= 0) return 0
  return (clampTop(top, g) / content) * Math.max(0, spacerHeight(g) - g.viewport)
}

/** The rows to render at content position `top`, with `overscan` rows either side. */
export function visibleRows(top: number, g: Geometry, overscan = OVERSCAN): RowRange {
  const row = rowOf(g)
  const lines = Math.max(0, g.lines)
  if (lines === 0) return { first: 0, count: 0, offset: 0 }
  const clamped = clampTop(top, g)
  const firstVisible = Math.min(lines - 1, Math.floor(clamped / row))
  const first = Math.max(0, firstVisible - overscan)
  const last = Math.min(lines - 1, Math.ceil((clamped + g.viewport) / row) - 1 + overscan)
  return { first, count: last - first + 1, offset: first * row - clamped }
}

/** The content position with line `n` at the viewport's top (clamped). */
export function topForLine(n: number, g: Geometry): number {
  return clampTop(n * rowOf(g), g)
}

/** The line at the viewport's top for a content position. */
export function lineAtTop(top: number, g: Geometry): number {
  return Math.floor(clampTop(top, g) / rowOf(g))
}

/** Whole rows the viewport shows (at least 1): what PageUp and PageDown move by. */
export function pageRows(g: Geometry): number {
  return Math.max(1, Math.floor(g.viewport / rowOf(g)) - 1)
}

/** True when `top` shows the last line (within half a row). */
export function isAtEnd(top: number, g: Geometry): boolean {
  return top >= maxTop(g) - rowOf(g) / 2
}

/** Where a key moves the content position; null for a key the list does not handle. */
export function topAfterKey(key: string, top: number, g: Geometry): number | null {
  const row = rowOf(g)
  switch (key) {
    case 'PageDown':
      return clampTop(top + pageRows(g) * row, g)
    case 'PageUp':
      return clampTop(top - pageRows(g) * row, g)
    case 'ArrowDown':
      return clampTop(top + row, g)
    case 'ArrowUp':
      return clampTop(top - row, g)
    case 'Home':
      return 0
    case 'End':
      return maxTop(g)
    default:
      return null
  }
}
