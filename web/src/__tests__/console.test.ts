// SPDX-License-Identifier: MIT
// The console under a flood: process.output batched into one reactive commit per frame
// (useConsole, frameBatch), the list virtualised (MessageList, useVirtualList) and announced as a
// summary (useLiveSummary). jsdom lays nothing out, so the list tests give the log a layout of
// their own: rows of ROW_PX, a view of VIEW_PX.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { watch } from 'vue'
import App from '../App.vue'
import MessageList from '../components/MessageList.vue'
import { FRAME_FALLBACK_MS } from '../composables/frameBatch'
import { ANNOUNCE_EVERY_MS } from '../composables/liveSummary'
import { MAX_ROWS, useConsole, type ConsoleState, type Row } from '../composables/useConsole'
import { MAX_RENDERED_ROWS } from '../composables/virtualList'
import { setLocale } from '../i18n'
import { FakeClient } from './fakeClient'

let client: FakeClient
let wrapper: VueWrapper | undefined
let state: ConsoleState | undefined

beforeEach(() => {
  setLocale('en')
  client = new FakeClient()
})

afterEach(() => {
  state?.dispose()
  state = undefined
  wrapper?.unmount()
  wrapper = undefined
  document.body.innerHTML = ''
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

function output(from: number, count: number, prefix = 'line'): void {
  for (let i = from; i < from + count; i++) client.fire('process.output', { id: 1_000_000 + i, text: `${prefix} ${i}` })
}

/** Counts the commits to `rows`. */
function countCommits(console: ConsoleState): { readonly count: number } {
  const counter = { count: 0 }
  watch(console.rows, () => counter.count++, { flush: 'sync' })
  return counter
}

const frame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()))

describe('useConsole batching', () => {
  it('commits a burst of 20 000 process.output events in one tick once, and keeps the newest MAX_ROWS', async () => {
    state = useConsole(client.asClient())
    const commits = countCommits(state)
    const started = performance.now()
    output(0, 20_000)
    const perEventMs = (performance.now() - started) / 20_000
    expect(commits.count).toBe(0) // nothing reactive while the events come in
    await flushPromises()
    expect(commits.count).toBe(1)
    for (let i = 0; i < 3; i++) await frame()
    expect(commits.count).toBeLessThanOrEqual(2)

    expect(state.rows.value).toHaveLength(MAX_ROWS)
    expect(state.dropped.value).toBe(20_000 - MAX_ROWS)
    expect(state.rows.value.length + state.dropped.value).toBe(20_000)
    expect(state.rows.value[0]!.text).toBe(`line ${20_000 - MAX_ROWS}`)
    expect(state.rows.value.at(-1)!.text).toBe('line 19999')
    // A reactive row per event cost ~0.9 ms here; a plain one costs a few µs (bound kept loose
    // for a busy two-core machine).
    expect(perEventMs).toBeLessThan(0.05)
  })

  it('commits at most once per animation frame, in a microtask when idle', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const frames = new Map<number, FrameRequestCallback>()
    let lastFrame = 0
    vi.stubGlobal('requestAnimationFrame', (cb: FrameRequestCallback) => (frames.set(++lastFrame, cb), lastFrame))
    vi.stubGlobal('cancelAnimationFrame', (id: number) => frames.delete(id))
    const runFrame = async (): Promise<void> => {
      const due = [...frames.values()]
      frames.clear()
      for (const cb of due) cb(performance.now())
      await flushPromises()
    }
    state = useConsole(client.asClient())
    const commits = countCommits(state)

    output(0, 10)
    await flushPromises()
    expect(commits.count).toBe(1) // idle: at the end of the task
    expect(state.rows.value).toHaveLength(10)

    output(10, 10) // later tasks of the same frame wait
    await flushPromises()
    output(20, 5)
    await flushPromises()
    expect(commits.count).toBe(1)
    await runFrame() // painted with the microtask commit: passes its turn
    expect(commits.count).toBe(1)
    await runFrame()
    expect(commits.count).toBe(2)
    expect(state.rows.value.map((r) => r.text).slice(-3)).toEqual(['line 22', 'line 23', 'line 24'])

    await runFrame() // nothing came: idle again
    expect(frames.size).toBe(0)
    output(25, 1)
    await flushPromises()
    expect(commits.count).toBe(3)
  })

  it('loses nothing on a page that gets no frames: a timer commits, and what cannot be kept is counted', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    vi.stubGlobal('requestAnimationFrame', () => 0) // hidden: frames never come
    vi.stubGlobal('cancelAnimationFrame', () => {})
    state = useConsole(client.asClient())
    output(0, 1)
    await flushPromises()
    for (let task = 0; task < 5; task++) {
      output(1 + task * MAX_ROWS, MAX_ROWS)
      await flushPromises()
    }
    expect(state.rows.value).toHaveLength(1)
    vi.advanceTimersByTime(FRAME_FALLBACK_MS)
    expect(state.rows.value).toHaveLength(MAX_ROWS)
    expect(state.rows.value.length + state.dropped.value).toBe(1 + 5 * MAX_ROWS)
    expect(state.rows.value.at(-1)!.text).toBe(`line ${5 * MAX_ROWS}`)
  })
})

// ---- the list, with a layout of its own ----

let ROW_PX = 40
const VIEW_PX = 400

function row(key: number): Row {
  return { key, direction: 'in', kind: 'event', name: 'process.output', text: `line ${key}`, at: 0 }
}
const range = (first: number, last: number): Row[] => Array.from({ length: last - first + 1 }, (_, i) => row(first + i))

/** Lays the log out as a browser would: rows ROW_PX high, VIEW_PX of them in view, scrollTop clamped. */
function layOut(log: HTMLElement): void {
  const list = log.querySelector('ol')!
  const padding = (): number => parseFloat(list.style.paddingTop || '0') + parseFloat(list.style.paddingBottom || '0')
  const height = (): number => padding() + list.children.length * ROW_PX
  let top = 0
  Object.defineProperties(log, {
    clientHeight: { configurable: true, get: () => VIEW_PX },
    clientWidth: { configurable: true, get: () => 600 },
    scrollHeight: { configurable: true, get: height },
    scrollTop: {
      configurable: true,
      get: () => top,
      set: (value: number) => (top = Math.max(0, Math.min(value, height() - VIEW_PX))),
    },
  })
  vi.spyOn(Element.prototype, 'getBoundingClientRect').mockImplementation(function (this: Element) {
    const height = this.matches('[data-testid="message-row"]') ? ROW_PX : 0
    return { x: 0, y: 0, top: 0, left: 0, right: 0, bottom: height, width: 0, height, toJSON: () => ({}) } as DOMRect
  })
}

async function mountList(rows: Row[], dropped = 0): Promise<{ log: HTMLElement; list: HTMLElement }> {
  wrapper = mount(MessageList, { props: { rows, dropped }, attachTo: document.body })
  const log = wrapper.get<HTMLElement>('[data-testid="message-list"]').element
  layOut(log)
  window.dispatchEvent(new Event('resize')) // jsdom has no ResizeObserver
  await flushPromises()
  return { log, list: log.querySelector('ol')! }
}

const rendered = () => wrapper!.findAll('[data-testid="message-row"]')

/** The text of the row at the top of the view, read from the DOM. */
function topRow(log: HTMLElement, list: HTMLElement): string {
  const index = Math.floor((log.scrollTop - parseFloat(list.style.paddingTop || '0')) / ROW_PX)
  return list.children[index]!.textContent!.replace(/\s+/g, ' ')
}

async function scrollTo(log: HTMLElement, top: number): Promise<void> {
  log.scrollTop = top
  log.dispatchEvent(new Event('scroll'))
  await flushPromises()
}

describe('MessageList', () => {
  beforeEach(() => (ROW_PX = 40))

  it('holds only the rows in view and a few more in the DOM, however many there are', async () => {
    const { log, list } = await mountList(range(1, MAX_ROWS))
    expect(rendered().length).toBeGreaterThanOrEqual(VIEW_PX / ROW_PX)
    expect(rendered().length).toBeLessThanOrEqual(30)
    // It starts at the end; the spacers stand for the rest, so the scroll height is the whole list's.
    expect(log.scrollHeight).toBe(MAX_ROWS * ROW_PX)
    expect(log.scrollTop).toBe(MAX_ROWS * ROW_PX - VIEW_PX)
    expect(rendered().at(-1)!.text()).toContain(`line ${MAX_ROWS}`)
    expect(rendered().at(-1)!.attributes()).toMatchObject({
      'aria-posinset': String(MAX_ROWS),
      'aria-setsize': String(MAX_ROWS),
    })
    expect(topRow(log, list)).toContain(`line ${MAX_ROWS - VIEW_PX / ROW_PX + 1}`)

    await scrollTo(log, 5000 * ROW_PX)
    expect(topRow(log, list)).toContain('line 5001')
    expect(rendered().length).toBeLessThanOrEqual(30)

    ROW_PX = 1 // rows far shorter than expected: still no more than MAX_RENDERED_ROWS
    await scrollTo(log, 0)
    await scrollTo(log, 40)
    expect(rendered().length).toBeLessThanOrEqual(MAX_RENDERED_ROWS)
  })

  it('follows the newest row while at the end', async () => {
    const { log } = await mountList(range(1, 200))
    expect(log.scrollTop).toBe(200 * ROW_PX - VIEW_PX)
    await wrapper!.setProps({ rows: range(1, 260) })
    await flushPromises()
    expect(log.scrollTop).toBe(260 * ROW_PX - VIEW_PX)
    expect(rendered().at(-1)!.text()).toContain('line 260')
    expect(wrapper!.find('[data-testid="jump-to-latest"]').exists()).toBe(false)
  })

  it('stays put when scrolled up, while rows come and the oldest go; offers a way back', async () => {
    const { log, list } = await mountList(range(1, 200))
    await scrollTo(log, 50 * ROW_PX + 15)
    expect(topRow(log, list)).toContain('line 51')

    await wrapper!.setProps({ rows: range(31, 300), dropped: 30 }) // 30 dropped, 100 added
    await flushPromises()
    expect(log.scrollTop).toBe(20 * ROW_PX + 15) // the same row, as far into it as before
    expect(topRow(log, list)).toContain('line 51')
    const jump = wrapper!.get('[data-testid="jump-to-latest"]')
    expect(jump.element.tagName).toBe('BUTTON') // focusable, Enter and Space press it
    expect(jump.text()).toContain('Jump to the newest message')

    ;(jump.element as HTMLButtonElement).focus()
    await jump.trigger('click')
    await flushPromises()
    expect(log.scrollTop).toBe(270 * ROW_PX - VIEW_PX)
    expect(rendered().at(-1)!.text()).toContain('line 300')
    expect(wrapper!.find('[data-testid="jump-to-latest"]').exists()).toBe(false)
    expect(document.activeElement).toBe(log) // the keyboard carries on in the list

    // Scrolling up and back down to the end by hand resumes following too.
    await scrollTo(log, 1000)
    await wrapper!.setProps({ rows: range(31, 310) })
    await flushPromises()
    expect(log.scrollTop).toBe(1000)
    await scrollTo(log, 280 * ROW_PX - VIEW_PX)
    await wrapper!.setProps({ rows: range(31, 320) })
    await flushPromises()
    expect(log.scrollTop).toBe(290 * ROW_PX - VIEW_PX)
  })

  it('stops following as soon as the user scrolls up, even by a few pixels', async () => {
    const { log } = await mountList(range(1, 200))
    const end = 200 * ROW_PX - VIEW_PX
    await scrollTo(log, end - 10)
    expect(log.scrollTop).toBe(end - 10) // not pulled back
    await wrapper!.setProps({ rows: range(1, 210) })
    await flushPromises()
    expect(log.scrollTop).toBe(end - 10)
    expect(wrapper!.find('[data-testid="jump-to-latest"]').exists()).toBe(true)
    await scrollTo(log, end + 10 * ROW_PX)
    expect(wrapper!.find('[data-testid="jump-to-latest"]').exists()).toBe(false)
  })

  it('goes to the oldest kept row when the row being read is dropped', async () => {
    const { log, list } = await mountList(range(1, 200))
    await scrollTo(log, 2 * ROW_PX)
    await wrapper!.setProps({ rows: range(101, 300), dropped: 100 })
    await flushPromises()
    expect(log.scrollTop).toBe(0)
    expect(topRow(log, list)).toContain('line 101')
  })

  it('says how many older messages were not kept', async () => {
    await mountList(range(1, 10))
    expect(wrapper!.find('[data-testid="messages-dropped"]').exists()).toBe(false)
    await wrapper!.setProps({ rows: range(2, 11), dropped: 1 })
    expect(wrapper!.get('[data-testid="messages-dropped"]').text()).toBe('1 older message not kept')
    await wrapper!.setProps({ dropped: 12_345 })
    expect(wrapper!.get('[data-testid="messages-dropped"]').text()).toBe('12,345 older messages not kept')
    await setLocale('de')
    await flushPromises()
    expect(wrapper!.get('[data-testid="messages-dropped"]').text()).toBe('12.345 ältere Nachrichten nicht aufbewahrt')
  })

  it('announces a summary at most every ANNOUNCE_EVERY_MS, not each row', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    await mountList([])
    const log = wrapper!.get('[data-testid="message-list"]')
    expect(log.attributes()).toMatchObject({ role: 'log', 'aria-live': 'off', tabindex: '0' })
    const summary = wrapper!.get('[data-testid="message-summary"]')
    expect(summary.attributes()).toMatchObject({ role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' })

    await wrapper!.setProps({ rows: range(1, 1) })
    expect(summary.text()).toBe('1 new message: line 1')
    for (let last = 2; last <= 2000; last += 100) await wrapper!.setProps({ rows: range(1, last) })
    expect(summary.text()).toBe('1 new message: line 1')
    await wrapper!.setProps({ rows: range(1, MAX_ROWS), dropped: 0 })
    vi.advanceTimersByTime(ANNOUNCE_EVERY_MS)
    await flushPromises()
    expect(summary.text()).toBe(`${(MAX_ROWS - 1).toLocaleString('en')} new messages, the newest: line ${MAX_ROWS}`)
  })
})

describe('the console in the app', () => {
  it('shows a burst of 20 000 messages from the process with a DOM of a few rows', async () => {
    history.replaceState(null, '', '#console')
    wrapper = mount(App, { props: { client: client.asClient() }, attachTo: document.body })
    client.connect()
    await flushPromises()
    output(0, 20_000)
    await flushPromises()
    for (let i = 0; i < 2; i++) await frame()
    await flushPromises()
    expect(rendered().length).toBeGreaterThan(0)
    expect(rendered().length).toBeLessThanOrEqual(MAX_RENDERED_ROWS)
    expect(rendered().at(-1)!.text()).toContain('line 19999')
    // the page.visible emit and the first 10 000 outputs
    const dropped = 20_000 + 1 - MAX_ROWS
    expect(wrapper.get('[data-testid="messages-dropped"]').text()).toBe(
      `${dropped.toLocaleString('en')} older messages not kept`,
    )
  })
})
