// SPDX-License-Identifier: MIT
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { unref } from 'vue'
import TaskDashboard from '../components/tasks/TaskDashboard.vue'
import App from '../App.vue'
import { clientKey } from '../appClient'
import { ConduitError } from '../conduit/errors'
import { taskLimit } from '../conduit/generated/api'
import { setLocale } from '../i18n'
import { FakeClient, snapshot } from './fakeClient'
import { loaded, loadKindParts, openEveryForm } from './lazy'

beforeAll(loadKindParts)

let client: FakeClient
let wrapper: VueWrapper
let clock = 0

async function mountBoard(): Promise<VueWrapper> {
  wrapper = mount(TaskDashboard, {
    props: { options: { now: () => clock } },
    global: { provide: { [clientKey as symbol]: client.asClient() } },
    attachTo: document.body,
  })
  await openEveryForm(wrapper)
  return wrapper
}

const byId = (id: string) => wrapper.get(`[data-testid="${id}"]`)
const rows = () => wrapper.findAll('[data-testid="task-row"]')
const row = (id: number) => wrapper.get(`[data-testid="task-row"][data-task-id="${id}"]`)
const inRow = (id: number, testid: string) => row(id).find(`[data-testid="${testid}"]`)

async function fill(testid: string, value: string): Promise<void> {
  const input = byId(testid)
  await input.setValue(value)
  await input.trigger('blur')
}

async function startHash(root = '/data/photos'): Promise<number> {
  await fill('hash-root', root)
  await byId('hash-start').trigger('click')
  await flushPromises()
  return client.tasks.start.mock.results.length
}

/** Intl puts (narrow) no-break spaces in some languages' numbers and units. */
const norm = (text: string | undefined) => (text ?? '').replace(/[\u00a0\u202f]/g, ' ')

const disabled = (el: { element: Element }) => (el.element as HTMLButtonElement).disabled

beforeEach(() => {
  setLocale('en')
  clock = 0
  sessionStorage.clear()
  client = new FakeClient()
})

afterEach(() => {
  wrapper?.unmount()
  document.body.innerHTML = ''
  vi.useRealTimers()
})

describe('forms', () => {
  it('hash: Start stays disabled until the folder is an absolute path, then starts with the algorithm', async () => {
    await mountBoard()
    client.connect()
    await flushPromises()
    expect(disabled(byId('hash-start'))).toBe(true)
    expect(byId('hash-root-error').text()).toBe('')

    await fill('hash-root', '')
    expect(byId('hash-root-error').text()).toContain('Required.')
    expect(byId('hash-root').attributes('aria-invalid')).toBe('true')
    expect(byId('hash-root').attributes('aria-describedby')).toBe('hash-root-error')

    await fill('hash-root', 'photos')
    expect(byId('hash-root-error').text()).toContain('absolute path')
    expect(disabled(byId('hash-start'))).toBe(true)

    await fill('hash-root', '/data/photos')
    await byId('hash-algorithm').setValue('sha512')
    expect(byId('hash-root-error').text()).toBe('')
    expect(disabled(byId('hash-start'))).toBe(false)
    await byId('form-hash').trigger('submit')
    await flushPromises()

    expect(client.tasks.start).toHaveBeenCalledTimes(1)
    expect(client.tasks.start.mock.calls[0]!.slice(0, 2)).toEqual(['hash', { root: '/data/photos', algorithm: 'sha512' }])
    expect(rows()).toHaveLength(1)
    expect(row(1).attributes()).toMatchObject({ 'data-kind': 'hash', 'data-state': 'queued' })
    expect(inRow(1, 'task-label').text()).toContain('/data/photos')
    // the form is ready for the next one
    expect((byId('hash-root').element as HTMLInputElement).value).toBe('')
  })

  it('download: URL, destination and optional SHA-256 are validated; the checksum is sent lowercased', async () => {
    await mountBoard()
    await fill('download-url', 'ftp://example.org/x')
    expect(byId('download-url-error').text()).toContain('http:// or https://')
    await fill('download-url', 'https://example.org/files/disk.iso')
    expect(byId('download-url-error').text()).toBe('')
    await fill('download-dest', '/tmp/disk.iso')
    expect(disabled(byId('download-start'))).toBe(false)

    await fill('download-sha256', 'abc')
    expect(byId('download-sha256-error').text()).toContain('64 hexadecimal digits')
    expect(disabled(byId('download-start'))).toBe(true)
    const sha = 'AB'.repeat(32)
    await fill('download-sha256', sha)
    expect(disabled(byId('download-start'))).toBe(false)
    await byId('download-start').trigger('click')
    await flushPromises()
    expect(client.tasks.start.mock.calls[0]!.slice(0, 2)).toEqual([
      'download',
      { url: 'https://example.org/files/disk.iso', dest: '/tmp/disk.iso', sha256: sha.toLowerCase() },
    ])

    // without a checksum, none is sent
    await fill('download-url', 'http://example.org/a.bin')
    await fill('download-dest', '/tmp/a.bin')
    await byId('download-start').trigger('click')
    await flushPromises()
    expect(client.tasks.start.mock.calls[1]![1]).toEqual({ url: 'http://example.org/a.bin', dest: '/tmp/a.bin' })
  })

  it('verify and tail start with their paths', async () => {
    await mountBoard()
    expect(disabled(byId('verify-start'))).toBe(true)
    expect(disabled(byId('tail-start'))).toBe(true)
    await fill('verify-manifest', '/data/SHA256SUMS')
    await byId('verify-start').trigger('click')
    await fill('tail-path', '/var/log/app.log')
    await byId('tail-start').trigger('click')
    await flushPromises()
    const calls = client.tasks.start.mock.calls
    expect(calls[0]!.slice(0, 2)).toEqual(['verify', { manifest: '/data/SHA256SUMS' }])
    expect(calls[1]!.slice(0, 2)).toEqual(['tail', { path: '/var/log/app.log' }])
    // a tail task gets an output channel
    expect((calls[1]![2] as any).output).toBeDefined()
    expect(rows().map((r) => r.attributes('data-kind'))).toEqual(['tail', 'verify'])
  })

  it('shows why a start failed, inline', async () => {
    await mountBoard()
    client.native.startError = new ConduitError('invalid_args', 'no such folder: /nope')
    await startHash('/nope')
    expect(byId('hash-error').text()).toBe('Could not start the task: no such folder: /nope')
    expect(byId('hash-error').attributes('role')).toBe('alert')
    expect(rows()).toHaveLength(0)
    // the value stays for correcting it
    expect((byId('hash-root').element as HTMLInputElement).value).toBe('/nope')
  })

  it('Choose… buttons ask the native dialogs and fill the fields', async () => {
    await mountBoard()
    await byId('hash-pick').trigger('click')
    expect(client.last('dialog.pickFolder').args).toEqual({ title: 'Choose a folder to hash' })
    expect(disabled(byId('hash-pick'))).toBe(true)
    client.last('dialog.pickFolder').resolve({ path: '/home/me/Pictures' })
    await flushPromises()
    expect((byId('hash-root').element as HTMLInputElement).value).toBe('/home/me/Pictures')
    expect(disabled(byId('hash-start'))).toBe(false)
    expect(document.activeElement).toBe(byId('hash-root').element)

    await byId('verify-pick').trigger('click')
    const open = client.last('dialog.openFile')
    expect(open.args.title).toBe('Choose a manifest to verify')
    expect(open.args.filters[0]).toMatch(/^Checksum manifests \(.*SUMS.*\)$/)
    open.resolve({ path: '/home/me/Pictures/SHA256SUMS' })
    await flushPromises()
    expect((byId('verify-manifest').element as HTMLInputElement).value).toBe('/home/me/Pictures/SHA256SUMS')

    await fill('download-url', 'https://example.org/pub/disk%201.iso?x=1')
    await byId('download-pick').trigger('click')
    expect(client.last('dialog.saveFile').args).toEqual({ title: 'Save the download as', suggestedName: 'disk 1.iso' })
    client.last('dialog.saveFile').resolve({ path: '/tmp/disk 1.iso' })
    await flushPromises()
    expect((byId('download-dest').element as HTMLInputElement).value).toBe('/tmp/disk 1.iso')

    // cancelled dialog: the field keeps what it had
    await fill('tail-path', '/var/log/old.log')
    await byId('tail-pick').trigger('click')
    expect(client.last('dialog.openFile').args.title).toBe('Choose a log file to follow')
    client.last('dialog.openFile').resolve({ path: null })
    await flushPromises()
    expect((byId('tail-path').element as HTMLInputElement).value).toBe('/var/log/old.log')

    // a failing dialog is reported in its form
    await byId('tail-pick').trigger('click')
    client.last('dialog.openFile').reject(new ConduitError('unknown_command', 'no dialog'))
    await flushPromises()
    expect(byId('tail-error').text()).toContain('Could not open the dialog: no dialog')
  })
})

describe('task list', () => {
  it('renders state, progress bar aria values, rate and time left', async () => {
    await mountBoard()
    await startHash()
    const handle = client.native.task(1)
    const bar = inRow(1, 'task-progress')
    expect(bar.attributes()).toMatchObject({ role: 'progressbar', 'aria-valuemin': '0' })
    expect(bar.attributes('aria-valuenow')).toBeUndefined() // total unknown yet

    handle.setState('running')
    clock = 0
    handle.progress(0, 10_000_000)
    clock = 1000
    handle.progress(1_000_000)
    clock = 2000
    handle.progress(2_000_000)
    await flushPromises()
    expect(row(1).attributes('data-state')).toBe('running')
    expect(inRow(1, 'task-state').text()).toBe('Running')
    expect(bar.attributes()).toMatchObject({
      'aria-valuenow': '2000000',
      'aria-valuemax': '10000000',
      'aria-valuetext': '20%, 2.0 MB of 10.0 MB',
    })
    expect(inRow(1, 'task-amount').text()).toBe('2.0 MB of 10.0 MB')
    expect(inRow(1, 'task-rate').text()).toContain('1.0 MB/s')
    expect(inRow(1, 'task-eta').text()).toBe('8 s left')

    // smoothed over ~2 s: an old burst falls out of the window
    clock = 3000
    handle.progress(5_000_000)
    clock = 4000
    handle.progress(6_000_000)
    await flushPromises()
    expect(inRow(1, 'task-rate').text()).toContain('2.0 MB/s')
    expect(inRow(1, 'task-eta').text()).toBe('2 s left')

    // long remaining times read as minutes and seconds
    clock = 5000
    handle.progress(6_010_000)
    clock = 6000
    handle.progress(6_020_000)
    await flushPromises()
    expect(inRow(1, 'task-eta').text()).toMatch(/^\d+ min \d+ s left$/)

    // paused: no rate, no time left, the bar keeps its value
    handle.setState('paused')
    await flushPromises()
    expect(inRow(1, 'task-rate').text()).toBe('')
    expect(inRow(1, 'task-eta').text()).toBe('')
    expect(bar.attributes('aria-valuenow')).toBe('6020000')
  })

  it('lets the rate fall while progress stalls (re-measured every second)', async () => {
    vi.useFakeTimers()
    await mountBoard()
    await startHash()
    const handle = client.native.task(1)
    handle.setState('running')
    clock = 0
    handle.progress(0, 100_000_000)
    clock = 1000
    handle.progress(1_000_000)
    await vi.advanceTimersByTimeAsync(0)
    expect(inRow(1, 'task-rate').text()).toContain('1.0 MB/s')
    clock = 4000
    await vi.advanceTimersByTimeAsync(1000)
    expect(inRow(1, 'task-rate').text()).toContain('250.0 kB/s')
    // the slot keeps its place in the layout either way
    expect(inRow(1, 'task-eta').exists()).toBe(true)
  })

  it('offers only the actions that apply, and they call the handle', async () => {
    await mountBoard()
    await startHash()
    const handle = client.native.task(1)
    const buttons = () => ['task-pause', 'task-resume', 'task-cancel'].filter((id) => inRow(1, id).exists())

    expect(buttons()).toEqual(['task-cancel']) // queued
    handle.setState('running')
    await flushPromises()
    expect(buttons()).toEqual(['task-pause', 'task-cancel'])
    expect(inRow(1, 'task-pause').attributes('aria-label')).toBe('Pause /data/photos')

    await inRow(1, 'task-pause').trigger('click')
    await flushPromises()
    expect(handle.pause).toHaveBeenCalledTimes(1)
    expect(row(1).attributes('data-state')).toBe('paused')
    expect(buttons()).toEqual(['task-resume', 'task-cancel'])

    await inRow(1, 'task-resume').trigger('click')
    await flushPromises()
    expect(handle.resume).toHaveBeenCalledTimes(1)
    expect(buttons()).toEqual(['task-pause', 'task-cancel'])

    await inRow(1, 'task-cancel').trigger('click')
    await flushPromises()
    expect(handle.cancel).toHaveBeenCalledTimes(1)
    expect(row(1).attributes('data-state')).toBe('cancelled')
    expect(buttons()).toEqual([])
    expect(inRow(1, 'task-error').exists()).toBe(false) // cancelling is not an error
    // finished: later events change nothing
    handle.progress(5)
    await flushPromises()
    expect(row(1).attributes('data-state')).toBe('cancelled')
  })

  it('shows a refused action in the row', async () => {
    await mountBoard()
    await startHash()
    const handle = client.native.task(1)
    handle.setState('running')
    handle.pause.mockRejectedValueOnce(new ConduitError('not_found', 'task 1 has finished'))
    await flushPromises()
    await inRow(1, 'task-pause').trigger('click')
    await flushPromises()
    expect(inRow(1, 'task-action-error').text()).toContain('task 1 has finished')
  })

  it("keeps the concurrency limit in native's range and sends it with setLimit", async () => {
    await mountBoard()
    const limit = byId('task-limit')
    // The range native states (TaskManager::kMinLimit/kMaxLimit), from the generated types.
    const { min, max } = taskLimit
    expect(limit.attributes()).toMatchObject({ type: 'number', min: `${min}`, max: `${max}` })
    expect(wrapper.get('#task-limit-hint').text()).toContain(`${min}–${max}`)
    await limit.setValue(`${max + 1}`)
    await flushPromises()
    expect(client.tasks.setLimit).toHaveBeenLastCalledWith(max)
    expect((limit.element as HTMLInputElement).value).toBe(`${max}`)
    await limit.setValue('3')
    await flushPromises()
    expect(client.tasks.setLimit).toHaveBeenLastCalledWith(3)

    client.tasks.setLimit.mockRejectedValueOnce(new ConduitError('shutting_down', 'closing'))
    await limit.setValue('5')
    await flushPromises()
    expect((limit.element as HTMLInputElement).value).toBe('3')
    expect(wrapper.text()).toContain('Could not change the limit: closing')
  })

  it('Clear finished forgets every final task and only those', async () => {
    await mountBoard()
    await startHash('/a')
    await startHash('/b')
    await startHash('/c')
    expect(disabled(byId('clear-finished'))).toBe(true)
    client.native.task(1).setState('completed', { result: { files: 1, bytes: 1, manifest: '/a/SHA256SUMS' } })
    client.native.task(2).setState('failed', { error: { code: 'io_error', message: 'disk on fire' } })
    client.native.task(3).setState('running')
    await flushPromises()
    expect(disabled(byId('clear-finished'))).toBe(false)
    await byId('clear-finished').trigger('click')
    await flushPromises()
    expect(client.tasks.forget.mock.calls.map((c) => c[0]).sort()).toEqual([1, 2])
    expect(rows().map((r) => r.attributes('data-task-id'))).toEqual(['3'])
    expect(disabled(byId('clear-finished'))).toBe(true)
  })
})

describe('retry and the task history', () => {
  const hash = (id: number, state: Parameters<typeof snapshot>[2], extra = {}) =>
    snapshot(id, 'hash', state, { params: { root: `/data/${id}` }, priority: 3, ...extra })

  it.each([
    ['interrupted', true],
    ['failed', true],
    ['timed_out', true],
    ['cancelled', true],
    ['completed', false],
    ['running', false],
    ['paused', false],
    ['queued', false],
  ] as const)('a %s task offers Retry: %s', async (state, offered) => {
    client.native.listed = [hash(1, state)]
    await mountBoard()
    client.connect('en_US', { snapshot: { tasks: client.native.listed } })
    await flushPromises()
    expect(inRow(1, 'task-retry').exists()).toBe(offered)
  })

  it.each([
    ['completed', 'Finished', 'took 1 min 5 s'],
    ['failed', 'Ended', 'after 1 min 5 s'],
    ['cancelled', 'Ended', 'after 1 min 5 s'],
    ['interrupted', 'Ended', 'after 1 min 5 s'],
  ] as const)('a %s task says "%s" and how long it ran', async (state, verb, ran) => {
    client.native.listed = [hash(1, state, { startedAt: '2025-05-01T10:00:00.000Z', finishedAt: '2025-05-01T10:01:05.000Z' })]
    await mountBoard()
    client.connect('en_US', { snapshot: { tasks: client.native.listed } })
    await flushPromises()
    const times = inRow(1, 'task-times').text()
    expect(times.startsWith(`${verb} `)).toBe(true)
    expect(times.endsWith(` · ${ran}`)).toBe(true)
  })

  it('an interrupted download says Retry continues it', async () => {
    client.native.listed = [
      snapshot(3, 'download', 'interrupted', {
        params: { url: 'https://example.org/big.iso', dest: '/tmp/big.iso' },
        error: { code: 'interrupted', message: 'the application stopped before the task finished' },
      }),
    ]
    await mountBoard()
    client.connect('en_US', { snapshot: { tasks: client.native.listed } })
    await flushPromises()
    expect(inRow(3, 'task-interrupted').text()).toContain('Retry continues from the part already saved')
  })

  it('an interrupted task says why, and Retry starts it again as a new row', async () => {
    client.native.listed = [
      hash(4, 'interrupted', {
        progress: { done: 40, total: 100, unit: 'bytes' },
        error: { code: 'interrupted', message: 'the application stopped before the task finished' },
      }),
    ]
    client.native.nextId = 5 // native's ids go on after the history's
    await mountBoard()
    client.connect('en_US', { snapshot: { tasks: client.native.listed } })
    await flushPromises()
    expect(row(4).attributes('data-state')).toBe('interrupted')
    expect(inRow(4, 'task-state').text()).toBe('Interrupted')
    expect(inRow(4, 'task-interrupted').text()).toContain('Conduit stopped before this task finished')
    expect(inRow(4, 'task-progress').attributes('aria-valuetext')).toBe('40%, 40 B of 100 B')

    // A real button, in the tab order, named for its task: Enter and Space work as for any.
    const retry = inRow(4, 'task-retry')
    expect(retry.element.tagName).toBe('BUTTON')
    expect(retry.attributes('type')).toBe('button')
    expect(retry.attributes('tabindex')).toBeUndefined()
    expect(retry.attributes('aria-label')).toBe('Retry /data/4')
    expect(retry.text()).toBe('Retry')
    await retry.trigger('click')
    await flushPromises()

    expect(client.tasks.retry).toHaveBeenCalledTimes(1)
    expect(client.tasks.retry.mock.calls[0]![0]).toBe(4)
    expect(rows().map((r) => r.attributes('data-task-id'))).toEqual(['5', '4'])
    expect(row(5).attributes()).toMatchObject({ 'data-kind': 'hash', 'data-state': 'queued' })
    expect(inRow(5, 'task-label').text()).toContain('/data/4')
    expect(client.native.task(5).snap.params).toEqual({ root: '/data/4' })
    expect(row(4).attributes('data-state')).toBe('interrupted') // the old one stays as it was
    client.native.task(5).setState('running')
    await flushPromises()
    expect(row(5).attributes('data-state')).toBe('running')
  })

  it('a failed task started here is retried; a refusal shows in its row', async () => {
    await mountBoard()
    await startHash('/a')
    client.native.task(1).setState('failed', { error: { code: 'io_error', message: 'disk on fire' } })
    await flushPromises()
    client.native.retryError = new ConduitError('shutting_down', 'Conduit is closing')
    await inRow(1, 'task-retry').trigger('click')
    await flushPromises()
    expect(inRow(1, 'task-action-error').text()).toContain('Conduit is closing')
    expect(rows()).toHaveLength(1)

    client.native.retryError = null
    await inRow(1, 'task-retry').trigger('click')
    await flushPromises()
    expect(inRow(1, 'task-action-error').exists()).toBe(false)
    expect(rows().map((r) => r.attributes('data-task-id'))).toEqual(['2', '1'])
    expect(inRow(2, 'task-label').text()).toContain('/a')
  })

  it('tells when the history was set aside, from the welcome, until dismissed', async () => {
    await mountBoard()
    const path = '/home/u/.local/share/Conduit/conduit/history.sqlite.corrupt-20250501T100000Z'
    client.connect('en_US', { snapshot: { tasks: [], historyNotice: { reason: 'corrupt', path, detail: 'file is not a database' } } })
    await flushPromises()
    const notice = byId('history-notice')
    expect(notice.attributes('data-reason')).toBe('corrupt')
    expect(notice.text()).toContain(`was set aside as ${path}`)
    expect(notice.element.parentElement!.getAttribute('aria-live')).toBe('polite')
    await notice.get('button').trigger('click')
    expect(wrapper.find('[data-testid="history-notice"]').exists()).toBe(false)
  })

  it('tells of a history in use from the event, in German too', async () => {
    setLocale('de')
    await mountBoard()
    client.connect('de_DE', { snapshot: { tasks: [] } })
    await flushPromises()
    expect(wrapper.find('[data-testid="history-notice"]').exists()).toBe(false)
    client.fire('task.historyNotice', { reason: 'in_use', path: '/h/history.sqlite', detail: 'database is locked' })
    await flushPromises()
    expect(byId('history-notice').text()).toContain('Ein anderes Conduit verwendet den Aufgabenverlauf (/h/history.sqlite)')
  })
})

describe('results', () => {
  it('hash: summary, manifest and Show in folder', async () => {
    await mountBoard()
    await startHash()
    client.native.task(1).setState('completed', {
      result: { files: 3, bytes: 1536, manifest: '/data/photos/SHA256SUMS' },
      progress: { done: 1536, total: 1536, unit: 'bytes' },
    })
    await flushPromises()
    const result = inRow(1, 'task-result')
    expect(result.text()).toContain('Hashed 3 files, 1.5 kB.')
    expect(result.text()).toContain('/data/photos/SHA256SUMS')
    expect(inRow(1, 'task-progress').attributes('aria-valuetext')).toBe('100%, 1.5 kB of 1.5 kB')
    await inRow(1, 'reveal-path').trigger('click')
    expect(client.last('app.revealPath').args).toEqual({ path: '/data/photos/SHA256SUMS' })
  })

  it('verify: OK, or a report of mismatched and missing files', async () => {
    await mountBoard()
    await fill('verify-manifest', '/m/SHA256SUMS')
    await byId('verify-start').trigger('click')
    await byId('verify-start').trigger('click')
    await flushPromises()
    await fill('verify-manifest', '/m2/SHA256SUMS')
    await byId('verify-start').trigger('click')
    await flushPromises()
    client.native.task(1).setState('completed', { result: { ok: true, checked: 12, mismatched: [], missing: [] } })
    client.native.task(2).setState('completed', {
      result: { ok: false, checked: 5, mismatched: ['a.jpg', 'b.jpg'], missing: ['c.jpg'] },
    })
    await flushPromises()
    const ok = inRow(1, 'task-result')
    expect(ok.attributes('data-ok')).toBe('true')
    expect(ok.text()).toContain('OK — all files match (12 files checked).')
    const bad = inRow(2, 'task-result')
    expect(bad.attributes('data-ok')).toBe('false')
    expect(bad.text()).toContain('Not OK: 2 mismatched and 1 missing of 5 files checked.')
    expect(bad.get('[data-testid="verify-mismatched"]').findAll('li').map((li) => li.text())).toEqual(['a.jpg', 'b.jpg'])
    expect(bad.get('[data-testid="verify-missing"]').text()).toContain('c.jpg')
  })

  it('download: bytes, path and a selectable, copyable SHA-256', async () => {
    await mountBoard()
    await fill('download-url', 'https://example.org/f.bin')
    await fill('download-dest', '/tmp/f.bin')
    await byId('download-start').trigger('click')
    await flushPromises()
    const sha = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
    client.native.task(1).setState('completed', { result: { bytes: 2_500_000, path: '/tmp/f.bin', sha256: sha } })
    await flushPromises()
    const result = inRow(1, 'task-result')
    expect(result.text()).toContain('Downloaded 2.5 MB.')
    expect(result.text()).toContain('/tmp/f.bin')
    const value = result.get('[data-testid="download-sha256-value"]')
    expect(value.element.tagName).toBe('CODE')
    expect(value.text()).toBe(sha)

    const writeText = vi.fn(async () => {})
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true })
    await result.get('[data-testid="copy-sha256"]').trigger('click')
    await flushPromises()
    expect(writeText).toHaveBeenCalledWith(sha)
    expect(result.get('[data-testid="copy-sha256"]').text()).toBe('Copied')
    await inRow(1, 'reveal-path').trigger('click')
    expect(client.last('app.revealPath').args).toEqual({ path: '/tmp/f.bin' })
    expect(result.find('[data-testid="download-resumed"]').exists()).toBe(false) // a download in one go
  })

  it.each([
    [1_048_576, 0, 'Continued from 1.0 MB saved by an earlier attempt.'],
    [0, 1, 'Reconnected once after the connection broke.'],
    [524_288, 3, 'Continued from 524.3 kB saved by an earlier attempt. Reconnected 3 times after the connection broke.'],
  ])('download: continued from %i bytes after %i reconnections says so', async (resumedFrom, retries, says) => {
    client.native.listed = [
      snapshot(2, 'download', 'completed', {
        params: { url: 'https://example.org/f.bin', dest: '/tmp/f.bin' },
        result: { bytes: 2_000_000, path: '/tmp/f.bin', sha256: 'a'.repeat(64), url: 'https://example.org/f.bin', redirects: 0, resumedFrom, retries },
      }),
    ]
    await mountBoard()
    client.connect('en_US', { snapshot: { tasks: client.native.listed } })
    await flushPromises()
    expect(inRow(2, 'download-resumed').text().replace(/\s+/g, ' ')).toBe(says)
  })

  it('failed and timed-out tasks show their error', async () => {
    await mountBoard()
    await startHash('/a')
    await startHash('/b')
    client.native.task(1).setState('failed', { error: { code: 'io_error', message: 'Permission denied: /a/x' } })
    client.native.task(2).setState('timed_out', { error: { code: 'timeout', message: 'Task 2 timed out' } })
    await flushPromises()
    expect(inRow(1, 'task-error').text()).toBe('⚠ File error: Permission denied: /a/x')
    expect(inRow(1, 'task-error').attributes('data-code')).toBe('io_error')
    expect(inRow(2, 'task-error').text()).toContain('Task 2 timed out')
    expect(inRow(1, 'task-result').exists()).toBe(false)
  })

  it('tail: shows the whole file, follows it, and Pause view holds new lines back without stopping the task', async () => {
    const logs = client.native.logs
    logs.files.set('/var/log/app.log', ['one', 'two'])
    await mountBoard()
    await fill('tail-path', '/var/log/app.log')
    await byId('tail-start').trigger('click')
    await flushPromises()
    const handle = client.native.task(1)
    handle.setState('running')
    await flushPromises()
    const pane = inRow(1, 'tail-lines')
    const texts = () => pane.findAll('.row .text').map((l) => l.text())
    expect(pane.attributes('role')).toBe('log')
    expect(pane.attributes('data-state')).toBe('open')
    expect(texts()).toEqual(['one', 'two'])
    expect(logs.open.size).toBe(1)

    // the task's own output is only counted: the view reads the file
    handle.line('streamed')
    await flushPromises()
    expect(texts()).toEqual(['one', 'two'])

    const toggle = inRow(1, 'tail-pause-view')
    expect(toggle.attributes('aria-pressed')).toBe('false')
    await toggle.trigger('click')
    expect(toggle.attributes('aria-pressed')).toBe('true')
    expect(toggle.text()).toContain('Resume view')
    logs.grow('/var/log/app.log', 'three', 'four')
    await flushPromises()
    expect(texts()).toEqual(['one', 'two'])
    expect(inRow(1, 'tail-new-lines').text()).toBe('2 new lines')
    expect(handle.pause).not.toHaveBeenCalled()
    expect(row(1).attributes('data-state')).toBe('running')

    await toggle.trigger('click')
    await flushPromises()
    expect(texts()).toEqual(['one', 'two', 'three', 'four'])
    expect(inRow(1, 'tail-new-lines').text()).toBe('')

    // a paused task does not follow the file, and neither does its view
    handle.setState('paused')
    await flushPromises()
    logs.grow('/var/log/app.log', 'five')
    await flushPromises()
    expect(texts()).toEqual(['one', 'two', 'three', 'four'])
    expect(inRow(1, 'tail-new-lines').text()).toBe('1 new line')
    handle.setState('running')
    await flushPromises()
    expect(texts()).toEqual(['one', 'two', 'three', 'four', 'five'])

    // no cap: every line stays reachable, and only what is in view is in the DOM
    logs.grow('/var/log/app.log', ...Array.from({ length: 5000 }, (_, i) => `line ${i}`))
    await flushPromises()
    expect(pane.attributes('data-lines')).toBe('5005')
    expect(inRow(1, 'tail-count').text()).toContain('5,005 lines')
    const shown = pane.findAll('.row')
    expect(shown.length).toBeLessThan(40)
    expect(shown.at(-1)!.attributes('data-line')).toBe('5004')
    expect(shown.at(-1)!.find('.text').text()).toBe('line 4999')

    // the task ends: the view stops following and lets the file go
    handle.setState('cancelled', { error: { code: 'cancelled', message: 'Cancelled by the page' } })
    await flushPromises()
    expect(logs.open.size).toBe(0)
    expect(row(1).text()).toContain('Stopped following.')
  })

  it('tail: says why it cannot show a file', async () => {
    await mountBoard()
    await fill('tail-path', '/var/log/gone.log')
    await byId('tail-start').trigger('click')
    await flushPromises()
    expect(inRow(1, 'tail-error').text()).toBe('Cannot show the file — Not found: no file /var/log/gone.log')
  })

  it('tail: lets the file go when the row goes', async () => {
    client.native.logs.files.set('/var/log/app.log', ['one'])
    await mountBoard()
    await fill('tail-path', '/var/log/app.log')
    await byId('tail-start').trigger('click')
    await flushPromises()
    expect(client.native.logs.open.size).toBe(1)
    wrapper.unmount()
    await flushPromises()
    expect(client.native.logs.open.size).toBe(0)
  })
})

describe('load and reconnect', () => {
  const running = (id: number, kind: string) => snapshot(id, kind, 'running')

  it('does not take over the lines of a tail it never followed', async () => {
    client.native.listed = [running(7, 'tail')]
    await mountBoard()
    client.connect('en_US', { snapshot: { tasks: client.native.listed } })
    await flushPromises()
    // Another reader keeps its place in the stream: the page does not even attach to it.
    expect(client.tasks.attach).not.toHaveBeenCalled()
    expect(rows().map((r) => r.attributes('data-task-id'))).toEqual(['7'])
  })

  it('lists existing tasks, attaches to the tails it followed, follows the rest by events, and says what it restored', async () => {
    // The page followed task 1's lines before the reload (and kept them with conduit.tasks).
    sessionStorage.setItem('conduit.task.s.1.memo.output', JSON.stringify({ top: null }))
    client.native.logs.files.set('/var/log/app.log', ['before reload'])
    client.native.listed = [
      { ...running(1, 'tail'), params: { path: '/var/log/app.log' } },
      { ...running(2, 'hash'), progress: { done: 50, total: 100, unit: 'bytes' } },
      snapshot(3, 'download', 'completed', { result: { bytes: 10, path: '/tmp/x', sha256: 'f'.repeat(64) } }),
    ]
    await mountBoard()
    client.connect('en_US', { snapshot: { tasks: client.native.listed }, generation: 2 })
    await flushPromises()

    expect(rows().map((r) => r.attributes('data-task-id'))).toEqual(['3', '2', '1'])
    // Only the tail whose lines this page showed is attached; no call per other live task.
    expect(client.tasks.attach).toHaveBeenCalledTimes(1)
    const tailAttach = client.tasks.attach.mock.calls.find((c) => c[0] === 1)!
    expect(tailAttach[1]!.output).toBeDefined()
    expect(client.tasks.list).not.toHaveBeenCalled() // the welcome carried them
    expect(inRow(2, 'task-progress').attributes('aria-valuetext')).toBe('50%, 50 B of 100 B')
    // the download's label comes from its result
    expect(inRow(3, 'task-label').text()).toContain('/tmp/x')

    const notice = byId('reconnected-notice')
    expect(notice.text()).toContain('Reconnected — 3 tasks restored')
    expect(notice.element.parentElement!.getAttribute('aria-live')).toBe('polite')

    // the attached handle drives the tail's row, events drive the hash's
    client.native.task(1).line('after reload')
    client.native.logs.grow('/var/log/app.log', 'after reload')
    client.fire('task.progress', { id: 2, done: 100, total: 100, unit: 'bytes' })
    client.fire('task.state', {
      ...running(2, 'hash'),
      state: 'completed',
      progress: { done: 100, total: 100, unit: 'bytes' },
      result: { files: 1, bytes: 100, manifest: '/d/SHA256SUMS' },
    })
    await flushPromises()
    expect(inRow(1, 'tail-lines').text()).toContain('before reload')
    expect(inRow(1, 'tail-lines').text()).toContain('after reload')
    expect(row(2).attributes('data-state')).toBe('completed')
  })

  it('says nothing on a fresh start, even with tasks already running, and counts generation > 1 as a reconnect', async () => {
    client.native.listed = [running(4, 'hash')]
    await mountBoard()
    client.connect('en_US', { snapshot: { tasks: client.native.listed } })
    await flushPromises()
    expect(wrapper.find('[data-testid="reconnected-notice"]').exists()).toBe(false)
    expect(rows().map((r) => r.attributes('data-task-id'))).toEqual(['4'])
    wrapper.unmount()

    client = new FakeClient()
    await mountBoard()
    client.connect('en_US', { snapshot: { tasks: [] } })
    await flushPromises()
    expect(byId('tasks-empty').text()).toBe('No tasks yet. Start one with a form.')
    wrapper.unmount()

    client = new FakeClient()
    await mountBoard()
    client.connect('en_US', { snapshot: { tasks: [] }, generation: 2 })
    await flushPromises()
    expect(byId('reconnected-notice').text()).toContain('Reconnected — no tasks restored')
  })

  it('keeps labels and the tail view across a reload of the page (same native session)', async () => {
    client.native.logs.files.set('/var/log/kept.log', ['kept 1', 'kept 2'])
    await mountBoard()
    client.connect()
    await flushPromises()
    await fill('tail-path', '/var/log/kept.log')
    await byId('tail-start').trigger('click')
    await flushPromises()
    client.native.task(1).setState('running')
    client.native.task(1).line('kept 1', 'kept 2')
    await flushPromises()
    wrapper.unmount() // the page goes away; the task goes on

    const list = [{ ...running(1, 'tail'), params: { path: '/var/log/kept.log' } }]
    const files = client.native.logs.files
    client = new FakeClient()
    client.native.logs.files = files
    client.native.listed = list
    await mountBoard()
    client.connect('en_US', { snapshot: { tasks: list } })
    await flushPromises()
    expect(inRow(1, 'task-label').text()).toContain('/var/log/kept.log')
    expect(inRow(1, 'tail-lines').findAll('.row .text').map((l) => l.text())).toEqual(['kept 1', 'kept 2'])
  })

  it('does not mistake its own new task for a foreign one when events overtake the start result', async () => {
    vi.useFakeTimers()
    await mountBoard()
    client.connect()
    await vi.advanceTimersByTimeAsync(10)
    // The native side says the task runs before it answers tasks.start.
    client.native.beforeStartAnswer = (task) => client.fire('task.state', { ...task.snapshot, state: 'running' })
    await fill('hash-root', '/mine')
    await byId('hash-start').trigger('click')
    await vi.advanceTimersByTimeAsync(10)
    expect(rows()).toHaveLength(1)
    expect(inRow(1, 'task-label').text()).toContain('/mine')
    // followed through its handle
    client.native.task(1).setState('running')
    await vi.advanceTimersByTimeAsync(10)
    expect(inRow(1, 'task-pause').exists()).toBe(true)
  })

  it('shows tasks started elsewhere (devtools, automation) from the task events', async () => {
    await mountBoard()
    client.connect()
    await flushPromises()
    client.fire('task.state', snapshot(9, 'count', 'running'))
    client.fire('task.progress', { id: 9, done: 3, total: 10, unit: 'steps' })
    await flushPromises()
    expect(row(9).attributes('data-kind')).toBe('count')
    expect(inRow(9, 'task-progress').attributes('aria-valuetext')).toBe('30%, 3 steps of 10 steps')
    await inRow(9, 'task-pause').trigger('click')
    expect(client.last('tasks.pause').args).toEqual({ id: 9 })
    client.last('tasks.pause').resolve(snapshot(9, 'count', 'paused'))
    await flushPromises()
    expect(row(9).attributes('data-state')).toBe('paused')
  })
})

describe('German', () => {
  it('renders the dashboard in German with German number formats', async () => {
    wrapper = mount(App, { props: { client: client.asClient(), taskOptions: { now: () => clock } }, attachTo: document.body })
    client.connect('de_DE')
    await loaded() // the German catalogue
    expect(document.documentElement.lang).toBe('de-DE')
    expect(byId('nav-tasks').text()).toBe('Aufgaben')
    expect(byId('hash-start').text()).toBe('Prüfsummen bilden')
    expect(byId('clear-finished').text()).toBe('Beendete entfernen')

    await fill('hash-root', 'relativ')
    expect(byId('hash-root-error').text()).toContain('absoluten Pfad')
    await fill('hash-root', '/daten')
    await byId('hash-start').trigger('click')
    await flushPromises()
    const handle = client.native.task(1)
    handle.setState('running')
    clock = 0
    handle.progress(0, 1_500_000_000)
    clock = 2000
    handle.progress(250_000_000)
    await flushPromises()
    expect(inRow(1, 'task-state').text()).toBe('Läuft')
    expect(norm(inRow(1, 'task-progress').attributes('aria-valuetext'))).toBe('17 %, 250,0 MB von 1,5 GB')
    expect(norm(inRow(1, 'task-rate').text())).toContain('125,0 MB/s')
    expect(norm(inRow(1, 'task-eta').text())).toBe('noch 10 s')
    expect(inRow(1, 'task-pause').text()).toBe('Anhalten')
    expect(inRow(1, 'task-cancel').attributes('aria-label')).toBe('/daten abbrechen')
  })
})

describe('many tasks', () => {
  // Every task event costs the board O(1): no splice into the list per task, no scan of every
  // item per state change. 20 000 events over 5 000 tasks, then "Clear finished", rendered batch
  // by batch as the native side sends them; O(n) per event took several times the bound.
  it('follows 20 000 task events and clears 5 000 finished tasks in time linear in their number', async () => {
    const n = 5000
    const batch = 100 // events per native batch: the page renders after each
    await mountBoard()
    client.connect()
    await flushPromises()
    const board = (wrapper.vm as unknown as { board: { items: unknown } }).board
    const items = () => unref(board.items) as { id: number; state: string }[]
    const hash = (id: number, state: 'queued' | 'running' | 'completed', done = 0) =>
      snapshot(id, 'hash', state, { params: { root: `/data/${id}` }, progress: { done, total: 10, unit: 'files' } })

    const events: (() => void)[] = []
    for (let id = 1; id <= n; ++id) events.push(() => client.fire('task.state', hash(id, 'queued')))
    for (let id = 1; id <= n; ++id) {
      events.push(() => client.fire('task.state', hash(id, 'running')))
      events.push(() => client.fire('task.progress', { id, done: 5, total: 10, unit: 'files' }))
      events.push(() => client.fire('task.state', hash(id, 'completed', 10)))
    }
    expect(events.length).toBe(4 * n)

    const started = performance.now()
    for (let i = 0; i < events.length; i += batch) {
      for (const event of events.slice(i, i + batch)) event()
      await wrapper.vm.$nextTick()
    }
    await flushPromises()
    expect(items().length).toBe(n)
    expect(items()[0]!.id).toBe(n) // newest first
    expect(items().every((item) => item.state === 'completed')).toBe(true)
    expect(byId('task-list').text()).not.toBe('') // the newest rows are shown
    expect(row(n).attributes('data-state')).toBe('completed')
    expect(wrapper.text()).toContain(`${n.toLocaleString('en')} tasks`)
    expect(disabled(byId('clear-finished'))).toBe(false)

    await byId('clear-finished').trigger('click')
    await flushPromises()
    const ms = performance.now() - started
    expect(client.tasks.forget).toHaveBeenCalledTimes(n)
    expect(items()).toEqual([])
    expect(rows()).toHaveLength(0)
    expect(disabled(byId('clear-finished'))).toBe(true)
    expect(ms).toBeLessThan(6000) // 1-2.5 s here; 29 s when each event cost O(n)
  }, 30_000)
})

describe('a task in a window of its own', () => {
  it("a row's Open in Window asks for a window on that task, and says why when it cannot", async () => {
    await mountBoard()
    await startHash()
    await inRow(1, 'task-detach').trigger('click')
    expect(client.last('windows.open').args).toEqual({ view: 'task/1' })
    client.last('windows.open').resolve({ label: 'window-2' })
    await flushPromises()
    expect(inRow(1, 'task-action-error').exists()).toBe(false)
    await inRow(1, 'task-detach').trigger('click')
    client.last('windows.open').reject(new ConduitError('busy', 'this application opens no windows'))
    await flushPromises()
    expect(inRow(1, 'task-action-error').text()).toContain('this application opens no windows')
  })

  it('shows only its task, without forms, list tools or Open in Window, titled by the task', async () => {
    wrapper = mount(TaskDashboard, {
      props: { options: { now: () => clock }, only: 2 },
      global: { provide: { [clientKey as symbol]: client.asClient() } },
      attachTo: document.body,
    })
    client.connect('en_US', {
      snapshot: {
        tasks: [
          snapshot(1, 'hash', 'running', { params: { root: '/a' } }),
          snapshot(2, 'hash', 'running', { params: { root: '/b' } }),
        ],
        limit: 2,
      },
    })
    await flushPromises()
    expect(rows().map((r) => r.attributes('data-task-id'))).toEqual(['2'])
    expect(wrapper.find('[data-testid^="form-kind"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="task-limit"]').exists()).toBe(false)
    expect(inRow(2, 'task-detach').exists()).toBe(false)
    expect(byId('single-title').text()).toContain('/b')
    expect(document.title).toContain('/b')
    // A task started elsewhere later is not this window's.
    client.fire('task.state', snapshot(3, 'hash', 'queued', { params: { root: '/c' } }))
    await flushPromises()
    expect(rows().map((r) => r.attributes('data-task-id'))).toEqual(['2'])
  })

  it('names its view in the location hash, and reads back only what it wrote', async () => {
    const { taskView, taskOfView } = await import('../composables/useTasks')
    expect(taskOfView(taskView(12))).toBe(12)
    for (const other of ['', 'console', 'task/', 'task/0', 'task/-1', 'task/1x', 'task/01', 'xtask/1'])
      expect(taskOfView(other)).toBeUndefined()
  })
})
