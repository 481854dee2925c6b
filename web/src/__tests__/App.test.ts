// SPDX-License-Identifier: MIT
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import App from '../App.vue'
import { MAX_ROWS } from '../composables/useConsole'
import { FakeClient } from './fakeClient'
import { ConduitError } from '../conduit/errors'
import { setLocale } from '../i18n'
import { loaded } from './lazy'

let client: FakeClient
let wrapper: VueWrapper

/** Mounts the page and lets what the first view loads (the console, with #console) load. */
async function mountApp(): Promise<VueWrapper> {
  wrapper = mount(App, { props: { client: client.asClient() }, attachTo: document.body })
  await loaded()
  return wrapper
}

const rows = () => wrapper.findAll('[data-testid="message-row"]')
const input = () => wrapper.get<HTMLInputElement>('[data-testid="composer-input"]')

/**
 * Lets what the page loads on first use (the console, a question's panel) load; rows reach the
 * console's list once per animation frame, so it waits out the two frames that can take.
 */
async function settle(): Promise<void> {
  await loaded()
  for (let i = 0; i < 2; i++) await new Promise<void>((resolve) => requestAnimationFrame(() => resolve()))
  await flushPromises()
}

async function type(text: string): Promise<void> {
  await input().setValue(text)
  await input().trigger('keydown', { key: 'Enter' })
  await settle()
}

beforeEach(() => {
  setLocale('en')
  client = new FakeClient()
  // The console is the second view; the page opens it directly for #console.
  history.replaceState(null, '', '#console')
})

afterEach(() => {
  wrapper?.unmount()
  document.body.innerHTML = ''
})

describe('console', () => {
  it('shows the connection state and switches language from welcome.locale', async () => {
    await mountApp()
    const state = wrapper.get('[data-testid="connection-state"]')
    expect(state.text()).toContain('Connecting…')
    client.setState('unavailable')
    await settle()
    expect(state.text()).toContain('Not connected')
    expect(state.attributes('data-state')).toBe('unavailable')

    client.connect('de_DE')
    await settle()
    expect(state.text()).toContain('Verbunden')
    expect(document.documentElement.lang).toBe('de-DE')
    expect(wrapper.get('[data-testid="composer-send"]').text()).toBe('Senden')
    // the page announces its visibility once connected
    expect(client.emitted).toEqual([['page.visible', { visible: true }]])
    expect(rows().at(-1)!.attributes()).toMatchObject({ 'data-kind': 'emit', 'data-direction': 'out' })
  })

  it('sends text as echo: invoke row, then result row with latency; input cleared and focused', async () => {
    await mountApp()
    client.connect()
    await settle()
    const before = rows().length

    await type('hello there')
    expect(client.invocations).toHaveLength(1)
    expect(client.invocations[0]).toMatchObject({ cmd: 'echo', args: { text: 'hello there' } })
    expect(client.invocations[0]!.options.timeoutMs).toBeGreaterThan(0)
    const invokeRow = rows()[before]!
    expect(invokeRow.attributes('data-kind')).toBe('invoke')
    expect(invokeRow.attributes('data-direction')).toBe('out')
    expect(invokeRow.text()).toContain('hello there')
    expect(invokeRow.text()).toContain('page → native')
    expect(invokeRow.text()).toMatch(/\d\d:\d\d:\d\d\.\d\d\d/)
    expect(input().element.value).toBe('')
    expect(document.activeElement).toBe(input().element)

    client.invocations[0]!.resolve({ text: 'hello there' })
    await settle()
    const resultRow = rows()[before + 1]!
    expect(resultRow.attributes()).toMatchObject({ 'data-kind': 'result', 'data-direction': 'in' })
    expect(resultRow.text()).toContain('native → page')
    expect(resultRow.text()).toMatch(/\d+(\.\d)? ms/)
  })

  it('does not send empty text, and the Send button sends too', async () => {
    await mountApp()
    await type('   ')
    expect(client.invocations).toHaveLength(0)
    expect(wrapper.get('[data-testid="composer-send"]').attributes('disabled')).toBeDefined()

    await input().setValue('by button')
    await wrapper.get('form.composer').trigger('submit')
    await settle()
    expect(client.invocations.map((i) => i.args.text)).toEqual(['by button'])
  })

  it('sends to the process and matches process.output to the returned id with latency', async () => {
    await mountApp()
    await wrapper.get('[data-testid="composer-mode"]').setValue('process')
    await type('job one')
    expect(client.invocations[0]).toMatchObject({ cmd: 'process.tell', args: { text: 'job one' } })
    client.invocations[0]!.resolve({ id: 7 })
    await settle()
    client.fire('process.output', { id: 7, text: 'JOB ONE' })
    client.fire('process.output', { id: 99, text: 'unrelated' })
    await settle()

    const events = rows().filter((r) => r.attributes('data-kind') === 'event')
    expect(events).toHaveLength(2)
    expect(events[0]!.text()).toContain('JOB ONE')
    expect(events[0]!.text()).toMatch(/\d+(\.\d)? ms/)
    expect(events[1]!.text()).not.toMatch(/\d+(\.\d)? ms/)

    // output that arrives before its send's result (same batch) still gets its latency
    await type('job two')
    client.fire('process.output', { id: 8, text: 'JOB TWO' })
    await settle()
    const early = rows().at(-1)!
    expect(early.text()).not.toMatch(/ ms/)
    client.invocations[1]!.resolve({ id: 8 })
    await settle()
    expect(early.text()).toMatch(/\d+(\.\d)? ms/)
  })

  it('shows a failed call as an error row with code and message', async () => {
    await mountApp()
    await type('slow')
    client.invocations[0]!.reject(new ConduitError('timeout', 'No result within 10000 ms'))
    await settle()
    const row = rows().at(-1)!
    expect(row.attributes()).toMatchObject({ 'data-kind': 'result', 'data-error': 'timeout' })
    expect(row.text()).toContain('timeout')
    expect(row.text()).toContain('No result within 10000 ms')
  })

  it('updates the tick counter without adding rows', async () => {
    await mountApp()
    const count = rows().length
    client.fire('process.tick', { count: 1234, time: '2024-05-01T10:11:12.345Z' })
    await settle()
    const ticks = wrapper.get('[data-testid="tick-counter"]')
    expect(ticks.attributes('data-count')).toBe('1234')
    expect(ticks.text()).toContain('1,234')
    expect(rows()).toHaveLength(count)
  })

  it('keeps at most MAX_ROWS rows, counts the older ones, and renders only the newest few', async () => {
    await mountApp()
    for (let i = 0; i < MAX_ROWS / 2 + 10; i++) client.fire('process.output', { id: i, text: `line ${i}` })
    for (let i = 0; i < MAX_ROWS / 2 + 10; i++) client.fire('process.output', { id: i, text: `more ${i}` })
    await settle()
    expect(rows().length).toBeGreaterThan(0)
    expect(rows().length).toBeLessThanOrEqual(100)
    expect(rows().at(-1)!.text()).toContain(`more ${MAX_ROWS / 2 + 9}`)
    expect(rows().at(-1)!.attributes()).toMatchObject({
      'aria-posinset': String(MAX_ROWS),
      'aria-setsize': String(MAX_ROWS),
    })
    expect(wrapper.get('[data-testid="messages-dropped"]').text()).toBe('20 older messages not kept')
  })
})

describe('confirm requests', () => {
  it('asks inline, focuses Yes, and replies true on Yes', async () => {
    await mountApp()
    const answer = client.request('confirm', { question: 'Delete the file?' })
    await settle()
    const panel = wrapper.get('[data-testid="confirm-panel"]')
    expect(panel.attributes('role')).toBe('alertdialog')
    expect(panel.text()).toContain('Delete the file?')
    expect(document.activeElement).toBe(wrapper.get('[data-testid="confirm-yes"]').element)
    expect(rows().at(-1)!.attributes()).toMatchObject({ 'data-kind': 'request', 'data-direction': 'in' })

    await wrapper.get('[data-testid="confirm-yes"]').trigger('click')
    await expect(answer).resolves.toBe(true)
    await settle()
    expect(wrapper.find('[data-testid="confirm-panel"]').exists()).toBe(false)
    const reply = rows().at(-1)!
    expect(reply.attributes()).toMatchObject({ 'data-kind': 'reply', 'data-direction': 'out' })
    expect(reply.text()).toContain('true')
    expect(document.activeElement).toBe(input().element)
  })

  it('replies false on No and on Escape, one question at a time', async () => {
    await mountApp()
    const first = client.request('confirm', { question: 'First?' })
    const second = client.request('confirm', { question: 'Second?' })
    await settle()
    expect(wrapper.findAll('[data-testid="confirm-panel"]')).toHaveLength(1)
    expect(wrapper.get('[data-testid="confirm-panel"]').text()).toContain('First?')
    await wrapper.get('[data-testid="confirm-no"]').trigger('click')
    await expect(first).resolves.toBe(false)
    await settle()

    const panel = wrapper.get('[data-testid="confirm-panel"]')
    expect(panel.text()).toContain('Second?')
    expect(document.activeElement).toBe(wrapper.get('[data-testid="confirm-yes"]').element)
    await panel.trigger('keydown', { key: 'Escape' })
    await expect(second).resolves.toBe(false)
    await settle()
    expect(wrapper.find('[data-testid="confirm-panel"]').exists()).toBe(false)
  })

  it('unmounting removes listeners and answers an open question with No', async () => {
    await mountApp()
    const open = client.request('confirm', { question: 'Still there?' })
    await settle()
    expect(client.listenerCount('process.tick')).toBe(1)
    wrapper.unmount()
    await expect(open).resolves.toBe(false)
    expect(client.listenerCount('process.tick')).toBe(0)
  })
})

describe('visibility', () => {
  it('emits page.visible on visibilitychange', async () => {
    await mountApp()
    const state = vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden')
    document.dispatchEvent(new Event('visibilitychange'))
    expect(client.emitted).toEqual([['page.visible', { visible: false }]])
    state.mockReturnValue('visible')
    document.dispatchEvent(new Event('visibilitychange'))
    expect(client.emitted.at(-1)).toEqual(['page.visible', { visible: true }])
  })
})

describe('views', () => {
  it('switches between Tasks and Console with a keyboard-operable tab list', async () => {
    history.replaceState(null, '', '#')
    await mountApp()
    const tasksTab = wrapper.get('[data-testid="nav-tasks"]')
    const consoleTab = wrapper.get('[data-testid="nav-console"]')
    expect(wrapper.get('[role="tablist"]').findAll('[role="tab"]')).toHaveLength(2)
    expect(tasksTab.attributes()).toMatchObject({ 'aria-selected': 'true', tabindex: '0', 'aria-controls': 'panel-tasks' })
    expect(consoleTab.attributes()).toMatchObject({ 'aria-selected': 'false', tabindex: '-1' })
    expect(wrapper.get('[data-testid="view-console"]').isVisible()).toBe(false)
    // The console's code loads when it is first shown.
    expect(wrapper.find('[data-testid="composer-input"]').exists()).toBe(false)

    await tasksTab.trigger('keydown', { key: 'ArrowRight' })
    await settle()
    expect(wrapper.find('[data-testid="composer-input"]').exists()).toBe(true)
    expect(consoleTab.attributes('aria-selected')).toBe('true')
    expect(document.activeElement).toBe(consoleTab.element)
    expect(wrapper.get('[data-testid="view-console"]').isVisible()).toBe(true)
    expect(wrapper.get('[data-testid="view-tasks"]').isVisible()).toBe(false)
    expect(location.hash).toBe('#console')

    await consoleTab.trigger('keydown', { key: 'Home' })
    expect(tasksTab.attributes('aria-selected')).toBe('true')
    await consoleTab.trigger('click')
    expect(consoleTab.attributes('aria-selected')).toBe('true')
  })

  it('shows the view native asks for (app.showView), and ignores one it does not have', async () => {
    history.replaceState(null, '', '#console')
    await mountApp()
    expect(wrapper.get('[data-testid="nav-console"]').attributes('aria-selected')).toBe('true')
    client.fire('app.showView', { view: 'tasks' })
    await settle()
    expect(wrapper.get('[data-testid="nav-tasks"]').attributes('aria-selected')).toBe('true')
    expect(wrapper.get('[data-testid="view-tasks"]').isVisible()).toBe(true)
    expect(location.hash).toBe('#tasks')
    client.fire('app.showView', { view: 'settings' } as never)
    await settle()
    expect(wrapper.get('[data-testid="nav-tasks"]').attributes('aria-selected')).toBe('true')
  })

  it('shows a native question in the Tasks view too', async () => {
    history.replaceState(null, '', '#')
    await mountApp()
    const answer = client.request('confirm', { question: 'Quit while 2 tasks run?' })
    await settle()
    const panel = wrapper.get('[data-testid="confirm-panel"]')
    expect(panel.isVisible()).toBe(true)
    expect(wrapper.get('[data-testid="view-tasks"]').isVisible()).toBe(true)
    await wrapper.get('[data-testid="confirm-no"]').trigger('click')
    await expect(answer).resolves.toBe(false)
  })
})
