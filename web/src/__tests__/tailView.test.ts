// SPDX-License-Identifier: MIT
// The tail kind's log view: the scroll arithmetic (scaled past Chromium's element height), the
// bounded line cache, the LogSource over log.*, and the view itself over a virtual file of
// millions of lines.
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { clientKey } from '../appClient'
import { ConduitError } from '../conduit/errors'
import { setLocale } from '../i18n'
import { LineCache, MAX_WINDOWS, WINDOW_LINES } from '../kinds/tail/lineCache'
import { LogSource, MAX_IN_FLIGHT } from '../kinds/tail/logSource'
import {
  clampTop,
  contentTopFor,
  isAtEnd,
  isScaled,
  lineAtTop,
  MAX_SCROLL_HEIGHT,
  maxTop,
  pageRows,
  ROW_HEIGHT,
  scrollTopFor,
  spacerHeight,
  topAfterKey,
  visibleRows,
  type Geometry,
} from '../kinds/tail/logWindow'
import { TailLog } from '../kinds/tail/tailLog'
import TailPane from '../kinds/tail/TailPane.vue'
import { loadKindParts } from './lazy'

beforeAll(loadKindParts)

describe('logWindow', () => {
  const small: Geometry = { lines: 100, viewport: 180 }
  const huge: Geometry = { lines: 50_000_000, viewport: 288 }

  it('maps scroll and content one to one while the content fits the cap', () => {
    expect(isScaled(small)).toBe(false)
    expect(spacerHeight(small)).toBe(100 * ROW_HEIGHT)
    expect(maxTop(small)).toBe(100 * ROW_HEIGHT - 180)
    for (const px of [0, 17, 900, maxTop(small)]) {
      expect(contentTopFor(px, small)).toBe(px)
      expect(scrollTopFor(px, small)).toBe(px)
    }
    expect(visibleRows(0, small, 0)).toEqual({ first: 0, count: 10, offset: 0 })
    expect(visibleRows(27, small, 0)).toEqual({ first: 1, count: 11, offset: ROW_HEIGHT - 27 })
  })

  it('scales the scroll range past the cap: both ends and every line stay reachable', () => {
    expect(isScaled(huge)).toBe(true)
    expect(spacerHeight(huge)).toBe(MAX_SCROLL_HEIGHT)
    const range = MAX_SCROLL_HEIGHT - huge.viewport
    expect(contentTopFor(0, huge)).toBe(0)
    expect(contentTopFor(range, huge)).toBe(maxTop(huge))
    expect(contentTopFor(range * 10, huge)).toBe(maxTop(huge))
    // the last line is rendered at the bottom
    const end = visibleRows(maxTop(huge), huge, 0)
    expect(end.first + end.count - 1).toBe(huge.lines - 1)
    expect(isAtEnd(maxTop(huge), huge)).toBe(true)
    // a line in the middle: content → scroll → content comes back to the same line
    const middle = 31_415_926 * ROW_HEIGHT
    expect(lineAtTop(contentTopFor(scrollTopFor(middle, huge), huge), huge)).toBe(31_415_926)
    // keys move by rows, not by scaled pixels
    expect(topAfterKey('ArrowDown', middle, huge)).toBe(middle + ROW_HEIGHT)
    expect(topAfterKey('PageDown', middle, huge)).toBe(middle + pageRows(huge) * ROW_HEIGHT)
    expect(topAfterKey('PageUp', middle, huge)).toBe(middle - pageRows(huge) * ROW_HEIGHT)
    expect(topAfterKey('Home', middle, huge)).toBe(0)
    expect(topAfterKey('End', middle, huge)).toBe(maxTop(huge))
    expect(topAfterKey('a', middle, huge)).toBeNull()
  })

  it('keeps positions in range and handles nothing to show', () => {
    expect(clampTop(-5, small)).toBe(0)
    expect(clampTop(1e12, small)).toBe(maxTop(small))
    expect(clampTop(Number.NaN, small)).toBe(0)
    const none: Geometry = { lines: 0, viewport: 200 }
    expect(visibleRows(0, none)).toEqual({ first: 0, count: 0, offset: 0 })
    expect(maxTop(none)).toBe(0)
    expect(scrollTopFor(100, none)).toBe(0)
    const few: Geometry = { lines: 3, viewport: 200 }
    expect(visibleRows(0, few)).toEqual({ first: 0, count: 3, offset: 0 })
    expect(isAtEnd(0, few)).toBe(true)
  })
})

describe('LineCache', () => {
  it('asks for what is missing, one range per window, and fills windows from their start', () => {
    const cache = new LineCache()
    expect(cache.missing(0, 9, 0)).toEqual([])
    expect(cache.missing(240, 260, 1000)).toEqual([
      { from: 0, count: WINDOW_LINES },
      { from: WINDOW_LINES, count: WINDOW_LINES },
    ])
    cache.store(WINDOW_LINES, ['a', 'b', 'c'], [{ index: 1, bytes: 99_999 }])
    expect(cache.missing(250, 260, 1000)).toEqual([{ from: 253, count: WINDOW_LINES - 3 }])
    expect(cache.line(251)).toBe('b')
    expect(cache.cutBytes(251)).toBe(99_999)
    expect(cache.cutBytes(250)).toBeUndefined()
    // the last window wants only what exists
    expect(cache.missing(990, 2000, 1000)).toEqual([{ from: 750, count: 250 }])
    // a gap is dropped, an overlap replaces
    cache.store(260, ['gap'])
    expect(cache.line(260)).toBeUndefined()
    cache.store(252, ['C', 'd'])
    expect([cache.line(252), cache.line(253)]).toEqual(['C', 'd'])
  })

  it('forgets from a line on, and keeps at most MAX_WINDOWS, dropping the farthest', () => {
    const cache = new LineCache()
    for (let w = 0; w < 40; w++)
      cache.store(w * WINDOW_LINES, Array.from({ length: WINDOW_LINES }, (_, i) => `${w * WINDOW_LINES + i}`))
    expect(cache.size).toBe(40)
    cache.trim(30 * WINDOW_LINES)
    expect(cache.size).toBe(MAX_WINDOWS)
    expect(cache.line(30 * WINDOW_LINES)).toBe(`${30 * WINDOW_LINES}`)
    expect(cache.line(0)).toBeUndefined()
    expect(cache.heldLines).toBe(MAX_WINDOWS * WINDOW_LINES)
    cache.forgetFrom(30 * WINDOW_LINES + 10)
    expect(cache.line(30 * WINDOW_LINES + 9)).toBe(`${30 * WINDOW_LINES + 9}`)
    expect(cache.line(30 * WINDOW_LINES + 10)).toBeUndefined()
    expect(cache.line(35 * WINDOW_LINES)).toBeUndefined()
    cache.clear()
    expect(cache.size).toBe(0)
  })
})

/** A virtual log of `lines` lines ("line <n>"), answered as LogFiles would. */
class VirtualLog {
  lines: number
  asked: { from: number; count: number }[] = []
  closed: number[] = []
  listeners = new Set<(payload: any) => void>()
  /** Answers held back until release(), to test what overtakes them. */
  holding = false
  held: (() => void)[] = []
  /** log.lines answers at most this many lines (as LogIndex::kMaxReadChars would). */
  perAnswer = 1000
  text = (n: number) => `line ${n}`

  constructor(lines: number) {
    this.lines = lines
  }

  invoke = (cmd: string, args: any): Promise<any> => {
    if (cmd === 'log.open') return Promise.resolve({ id: 7, lines: this.lines, size: this.lines * 12 })
    if (cmd === 'log.close') {
      this.closed.push(args.id)
      return Promise.resolve({})
    }
    if (cmd === 'log.lines') {
      this.asked.push({ from: args.from, count: args.count })
      const answer = () => {
        const n = Math.max(0, Math.min(args.count, this.perAnswer, this.lines - args.from))
        return { from: args.from, lines: Array.from({ length: n }, (_, i) => this.text(args.from + i)), cut: [] }
      }
      if (!this.holding) return Promise.resolve(answer())
      return new Promise((resolve) => this.held.push(() => resolve(answer())))
    }
    return Promise.reject(new ConduitError('unknown_command', cmd))
  }

  listen = (_event: string, cb: (payload: any) => void) => {
    this.listeners.add(cb)
    return () => this.listeners.delete(cb)
  }

  change(lines: number, reset = false): void {
    this.lines = lines
    for (const cb of this.listeners) cb({ id: 7, lines, size: lines * 12, reset })
  }

  release(): void {
    const held = this.held
    this.held = []
    for (const resolve of held) resolve()
  }
}

describe('LogSource', () => {
  it('opens, fetches windows in view with few calls in flight, and continues short answers', async () => {
    const log = new VirtualLog(10_000)
    log.perAnswer = 100
    const source = new LogSource(log as any, '/var/log/x')
    await source.open()
    expect([source.state.value, source.lines.value, source.id]).toEqual(['open', 10_000, 7])
    log.holding = true
    source.want(0, 1200)
    expect(log.asked.length).toBe(MAX_IN_FLIGHT)
    while (log.held.length > 0) {
      log.release()
      await flushPromises()
    }
    for (let n = 0; n <= 1200; n++) expect(source.line(n)).toBe(`line ${n}`)
    expect(log.asked.every((a) => a.count <= WINDOW_LINES)).toBe(true)
  })

  it('reads the last line again when the file grows, and everything after a reset', async () => {
    const log = new VirtualLog(100)
    const source = new LogSource(log as any, '/var/log/x')
    await source.open()
    source.want(0, 99)
    await flushPromises()
    log.text = (n) => `grown ${n}`
    log.change(150)
    await flushPromises()
    expect(source.lines.value).toBe(150)
    expect(source.line(98)).toBe('line 98')
    expect(source.line(99)).toBe('grown 99') // the old last line, read again
    expect(source.line(140)).toBe('grown 140')

    // an answer asked before a reset is dropped
    log.holding = true
    source.want(0, 149)
    log.release()
    log.text = (n) => `new ${n}`
    log.holding = true
    source.want(0, 10)
    log.change(20, true)
    expect(source.resets.value).toBe(1)
    expect(source.line(0)).toBeUndefined()
    source.want(0, 19)
    while (log.held.length > 0) {
      log.release()
      await flushPromises()
    }
    expect(source.line(0)).toBe('new 0')
    expect(source.line(19)).toBe('new 19')
    expect(source.line(20)).toBeUndefined()
  })

  it('holds a bounded number of lines however far the view goes', async () => {
    const log = new VirtualLog(5_000_000)
    const source = new LogSource(log as any, '/var/log/x')
    await source.open()
    for (let first = 0; first < 5_000_000; first += 97_531) {
      source.want(first, first + 30)
      await flushPromises()
      expect(source.line(first)).toBe(`line ${first}`)
    }
    expect(source.heldLines).toBeLessThanOrEqual(MAX_WINDOWS * WINDOW_LINES)
  })

  it('says why it failed, and closes natively what it opened', async () => {
    const failing = {
      invoke: () => Promise.reject(new ConduitError('busy', '16 logs are open; close one first')),
      listen: () => () => {},
    }
    const source = new LogSource(failing as any, '/x')
    await source.open()
    expect(source.state.value).toBe('failed')
    expect(source.error.value?.code).toBe('busy')

    const log = new VirtualLog(5)
    const other = new LogSource(log as any, '/y')
    await other.open()
    other.close()
    await flushPromises()
    expect(log.closed).toEqual([7])
    expect(log.listeners.size).toBe(0)
  })
})

describe('TailPane', () => {
  let wrapper: VueWrapper
  let log: VirtualLog

  beforeEach(() => setLocale('en'))
  afterEach(() => {
    wrapper?.unmount()
    document.body.innerHTML = ''
  })

  async function mountPane(lines: number, saved: unknown = undefined): Promise<TailLog> {
    log = new VirtualLog(lines)
    const client = { invoke: log.invoke, listen: log.listen }
    const buffer = new TailLog({ path: '/var/log/big.log' }, saved)
    wrapper = mount(TailPane, {
      props: { buffer, label: '/var/log/big.log', id: 1 },
      global: { provide: { [clientKey as symbol]: client } },
      attachTo: document.body,
    })
    await flushPromises()
    await flushPromises()
    return buffer
  }

  const pane = () => wrapper.get('[data-testid="tail-lines"]')
  const shownLines = () => wrapper.findAll('.row').map((r) => [Number(r.attributes('data-line')), r.find('.text').text()])
  const key = async (k: string) => {
    await pane().trigger('keydown', { key: k })
    await flushPromises()
  }

  it('opens at the end of ten million lines, in a scaled scroll range, and keys reach both ends', async () => {
    const buffer = await mountPane(10_000_000)
    expect(pane().attributes('data-lines')).toBe('10000000')
    const spacer = wrapper.get('.spacer-rows').element as HTMLElement
    expect(parseFloat(spacer.style.height)).toBe(MAX_SCROLL_HEIGHT)
    const rows = shownLines()
    expect(rows.at(-1)).toEqual([9_999_999, 'line 9999999'])
    expect(rows.length).toBeLessThan(40)
    expect(buffer.top).toBeNull() // following
    expect(wrapper.find('[data-testid="tail-jump"]').exists()).toBe(false)

    await key('Home')
    expect(shownLines()[0]).toEqual([0, 'line 0'])
    expect(buffer.top).toBe(0)
    expect(wrapper.find('[data-testid="tail-jump"]').exists()).toBe(true)
    await key('PageDown')
    const page = Number(pane().attributes('data-first'))
    expect(shownLines().some(([n]) => n === page + 14)).toBe(true)
    expect(buffer.top).toBe(pageRows({ lines: 1, viewport: 16 * ROW_HEIGHT }))
    await key('ArrowDown')
    expect(buffer.top).toBe(16)

    // not following: growth does not move the view
    log.change(10_000_100)
    await flushPromises()
    expect(buffer.top).toBe(16)
    expect(pane().attributes('data-lines')).toBe('10000100')

    await wrapper.get('[data-testid="tail-jump"]').trigger('click')
    await flushPromises()
    expect(shownLines().at(-1)).toEqual([10_000_099, 'line 10000099'])
    // following: growth moves the view
    log.change(10_000_200)
    await flushPromises()
    expect(shownLines().at(-1)).toEqual([10_000_199, 'line 10000199'])
    expect(buffer.top).toBeNull()
  })

  it('comes back where it was after a reload', async () => {
    await mountPane(1_000_000, { top: 123_456 })
    expect(shownLines().find(([n]) => n === 123_456)).toEqual([123_456, 'line 123456'])
    expect(Number(pane().attributes('data-first'))).toBeLessThanOrEqual(123_456)
  })

  it('closes the log when it goes', async () => {
    await mountPane(10)
    wrapper.unmount()
    await flushPromises()
    expect(log.closed).toEqual([7])
  })
})
