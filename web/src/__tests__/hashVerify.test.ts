// SPDX-License-Identifier: MIT
// The verify form's root folder, and what hash and verify results show of skipped files and of
// manifest lines that are not OK.
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import TaskDashboard from '../components/tasks/TaskDashboard.vue'
import { clientKey } from '../appClient'
import { setLocale } from '../i18n'
import { FakeClient } from './fakeClient'
import { loadKindParts, openEveryForm } from './lazy'

beforeAll(loadKindParts)

let client: FakeClient
let wrapper: VueWrapper

async function mountBoard(): Promise<VueWrapper> {
  wrapper = mount(TaskDashboard, {
    props: { options: { now: () => 0 } },
    global: { provide: { [clientKey as symbol]: client.asClient() } },
    attachTo: document.body,
  })
  await openEveryForm(wrapper)
  return wrapper
}

const byId = (id: string) => wrapper.get(`[data-testid="${id}"]`)
const disabled = (id: string) => (byId(id).element as HTMLButtonElement).disabled
const value = (id: string) => (byId(id).element as HTMLInputElement).value
const result = (id: number) =>
  wrapper.get(`[data-testid="task-row"][data-task-id="${id}"] [data-testid="task-result"]`)

async function fill(testid: string, text: string): Promise<void> {
  await byId(testid).setValue(text)
  await byId(testid).trigger('blur')
}

beforeEach(() => {
  setLocale('en')
  sessionStorage.clear()
  client = new FakeClient()
})

afterEach(() => {
  wrapper?.unmount()
  document.body.innerHTML = ''
})

describe('verify root folder', () => {
  it('is optional, defaults to the manifest’s folder, and is sent only when given', async () => {
    await mountBoard()
    expect(byId('verify-root').attributes('placeholder')).toBe('Default: the manifest’s folder')
    await fill('verify-manifest', '/backup/sums/photos.sha256')
    expect(byId('verify-root').attributes('placeholder')).toBe('Default: /backup/sums')
    expect(byId('verify-root-error').text()).toBe('')
    expect(disabled('verify-start')).toBe(false)
    await byId('verify-start').trigger('click')
    await flushPromises()
    expect(client.tasks.start.mock.calls[0]!.slice(0, 2)).toEqual(['verify', { manifest: '/backup/sums/photos.sha256' }])
  })

  it('must be an absolute path when typed', async () => {
    await mountBoard()
    await fill('verify-manifest', '/backup/sums/photos.sha256')
    await fill('verify-root', 'photos')
    expect(byId('verify-root-error').text()).toContain('absolute')
    expect(byId('verify-root').attributes('aria-invalid')).toBe('true')
    expect(disabled('verify-start')).toBe(true)
    await fill('verify-root', '   ')
    expect(byId('verify-root-error').text()).toBe('') // blank again: the default applies
    expect(disabled('verify-start')).toBe(false)
  })

  it('Choose… asks for a folder, and Verify sends it as root, then clears both fields', async () => {
    await mountBoard()
    await fill('verify-manifest', '/backup/sums/photos.sha256')
    await byId('verify-root-pick').trigger('click')
    expect(client.last('dialog.pickFolder').args).toEqual({
      title: 'Choose the folder the manifest’s paths are relative to',
    })
    expect(disabled('verify-root-pick')).toBe(true)
    client.last('dialog.pickFolder').resolve({ path: '/home/me/Pictures' })
    await flushPromises()
    expect(value('verify-root')).toBe('/home/me/Pictures')
    expect(document.activeElement).toBe(byId('verify-root').element)
    await byId('verify-start').trigger('click')
    await flushPromises()
    expect(client.tasks.start.mock.calls[0]!.slice(0, 2)).toEqual([
      'verify',
      { manifest: '/backup/sums/photos.sha256', root: '/home/me/Pictures' },
    ])
    expect(value('verify-manifest')).toBe('')
    expect(value('verify-root')).toBe('')
  })

  it('a cancelled dialog leaves the field as it was', async () => {
    await mountBoard()
    await fill('verify-root', '/kept')
    await byId('verify-root-pick').trigger('click')
    client.last('dialog.pickFolder').resolve({ path: null })
    await flushPromises()
    expect(value('verify-root')).toBe('/kept')
  })
})

describe('hash and verify results', () => {
  async function startVerify(): Promise<void> {
    await fill('verify-manifest', '/m/SHA256SUMS')
    await byId('verify-start').trigger('click')
    await flushPromises()
  }

  it('hash lists every file it left out, with the reason', async () => {
    await mountBoard()
    await fill('hash-root', '/data')
    await byId('hash-start').trigger('click')
    await flushPromises()
    client.native.task(1).setState('completed', {
      result: {
        files: 2,
        bytes: 10,
        manifest: '/data/SHA256SUMS',
        skipped: [
          { path: 'fifo', reason: 'special', message: 'FIFO' },
          { path: 'bad\\xff', reason: 'unreadable', message: 'Permission denied', escaped: true },
          { path: 'out', reason: 'link_outside_root', message: '/etc/passwd' },
        ],
      },
    })
    await flushPromises()
    const report = result(1).get('[data-testid="hash-skipped"]')
    expect(report.get('h4').text()).toBe('Left out of the manifest (3 files left out)')
    const items = report.findAll('li')
    expect(items.map((li) => li.text().replace(/\s+/g, ' '))).toEqual([
      'fifo — special file, not read (FIFO)',
      'bad\\xff — cannot be read (Permission denied)',
      'out — link out of the folder, not followed (/etc/passwd)',
    ])
    expect(items[1]!.get('code').attributes('title')).toContain('not valid UTF-8')
    expect(items[0]!.get('code').attributes('title')).toBeUndefined()
  })

  it('hash with nothing left out shows no such list', async () => {
    await mountBoard()
    await fill('hash-root', '/data')
    await byId('hash-start').trigger('click')
    await flushPromises()
    client.native.task(1).setState('completed', {
      result: { files: 2, bytes: 10, manifest: '/data/SHA256SUMS', skipped: [] },
    })
    await flushPromises()
    expect(result(1).find('[data-testid="hash-skipped"]').exists()).toBe(false)
  })

  it('verify shows each line that is not OK, and counts the other problems', async () => {
    await mountBoard()
    await startVerify()
    client.native.task(1).setState('completed', {
      result: {
        ok: false,
        checked: 5,
        passed: 1,
        mismatched: ['a.jpg'],
        missing: ['b.jpg'],
        problems: [
          { line: 2, verdict: 'failed', path: 'a.jpg' },
          { line: 3, verdict: 'missing', path: 'b.jpg', message: 'No such file or directory' },
          { line: 4, verdict: 'malformed' },
          { line: 5, verdict: 'outside_root', path: '/etc/passwd', message: 'absolute path' },
          { line: 6, verdict: 'special', path: 'pipe', message: 'FIFO' },
        ],
      },
    })
    await flushPromises()
    const r = result(1)
    expect(r.get('[data-testid="verify-summary"]').text()).toBe(
      '✗ Not OK: 1 mismatched, 1 missing and 2 other problems of 5 files checked.',
    )
    const lines = r.get('[data-testid="verify-problems"]').findAll('li')
    expect(lines.map((li) => li.attributes('data-verdict'))).toEqual(['malformed', 'outside_root', 'special'])
    expect(lines.map((li) => li.text().replace(/\s+/g, ' '))).toEqual([
      'Line 4: not a checksum line',
      'Line 5: /etc/passwd — outside the root folder, refused (absolute path)',
      'Line 6: pipe — special file, not opened (FIFO)',
    ])
  })

  it('verify OK with lines passed over says so; a manifest of no checksum lines is not OK', async () => {
    await mountBoard()
    await startVerify()
    await startVerify()
    client.native.task(1).setState('completed', {
      result: { ok: true, checked: 3, passed: 3, mismatched: [], missing: [], problems: [{ line: 2, verdict: 'malformed' }] },
    })
    client.native.task(2).setState('completed', {
      result: { ok: false, checked: 0, passed: 0, mismatched: [], missing: [], problems: [{ line: 1, verdict: 'malformed' }] },
    })
    await flushPromises()
    expect(result(1).text()).toContain('OK — all files match (3 files checked).')
    expect(result(1).get('[data-testid="verify-malformed-note"]').text()).toBe(
      '1 line is not a checksum line and was passed over.',
    )
    expect(result(2).get('[data-testid="verify-summary"]').text()).toBe(
      '✗ Not OK: no line of the manifest is a checksum line.',
    )
  })

  it('speaks German and French too', async () => {
    for (const [locale, expected] of [
      ['de', 'Zeile 5: /x — außerhalb des Stammordners, abgelehnt'],
      ['fr', 'Ligne 5 : /x — hors du dossier racine, refusé'],
    ] as const) {
      await setLocale(locale)
      client = new FakeClient()
      await mountBoard()
      await startVerify()
      client.native.task(1).setState('completed', {
        result: {
          ok: false,
          checked: 1,
          passed: 0,
          mismatched: [],
          missing: [],
          problems: [{ line: 5, verdict: 'outside_root', path: '/x' }],
        },
      })
      await flushPromises()
      const text = result(1).get('[data-testid="verify-problems"] li').text().replace(/\s+/g, ' ')
      expect(text.replace(/[\u00a0\u202f]/g, ' ')).toBe(expected)
      wrapper.unmount()
      document.body.innerHTML = ''
    }
  })
})
