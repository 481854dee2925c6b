// SPDX-License-Identifier: MIT
// The duplicates kind's page part (kinds/duplicates/), in the real dashboard: its form, its
// label, its result view, and that the page leaves its output stream alone.
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { nextTick } from 'vue'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import TaskDashboard from '../components/tasks/TaskDashboard.vue'
import { clientKey } from '../appClient'
import type { TaskResult } from '../conduit/api'
import { FIRST_ROWS } from '../composables/progressiveList'
import { setLocale } from '../i18n'
import { FakeClient } from './fakeClient'
import { loaded, loadKindParts, openEveryForm } from './lazy'

beforeAll(loadKindParts)

let client: FakeClient
let wrapper: VueWrapper

/** Mounts the board with every form opened once, as the tests use them, unless `openForms` is false. */
async function mountBoard(openForms = true): Promise<VueWrapper> {
  wrapper = mount(TaskDashboard, {
    props: { options: { now: () => 0 } },
    global: { provide: { [clientKey as symbol]: client.asClient() } },
    attachTo: document.body,
  })
  if (openForms) await openEveryForm(wrapper)
  return wrapper
}

const byId = (id: string) => wrapper.get(`[data-testid="${id}"]`)
const disabled = (id: string) => (byId(id).element as HTMLButtonElement).disabled
const row = (id: number) => wrapper.get(`[data-testid="task-row"][data-task-id="${id}"]`)
const result = (id: number) => row(id).get('[data-testid="task-result"]')
const norm = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ').replace(/\s+/g, ' ').trim()

async function fill(testid: string, text: string): Promise<void> {
  await byId(testid).setValue(text)
  await byId(testid).trigger('blur')
}

/** Starts a search of `root` through the form; the task id. */
async function search(root = '/data/photos', minSize = ''): Promise<number> {
  await byId('form-kind-duplicates').setValue(true)
  await fill('duplicates-root', root)
  await fill('duplicates-min-size', minSize)
  await byId('duplicates-start').trigger('click')
  await flushPromises()
  return client.native.nextId - 1
}

const SHA_A = 'a1'.repeat(32)
const SHA_B = 'b2'.repeat(32)

function found(extra: Partial<TaskResult<'duplicates'>> = {}): TaskResult<'duplicates'> {
  return {
    groups: [
      { size: 2_500_000, sha256: SHA_A, paths: [{ path: '2024/beach.jpg' }, { path: 'backup/beach.jpg' }, { path: 'beach (1)\\xe9.jpg', escaped: true }] },
      { size: 10, sha256: SHA_B, paths: [{ path: 'a.txt' }, { path: 'b.txt' }] },
    ],
    files: 12,
    duplicates: 3,
    reclaimableBytes: 5_000_010,
    skipped: [],
    ...extra,
  }
}

beforeEach(() => {
  setLocale('en')
  sessionStorage.clear()
  client = new FakeClient()
})

afterEach(() => {
  wrapper?.unmount()
  document.body.innerHTML = ''
  vi.useRealTimers()
})

describe('duplicates form', () => {
  it('has its own tab, says it deletes nothing, and starts disabled', async () => {
    await mountBoard(false)
    const tab = byId('form-kind-duplicates')
    expect(tab.attributes()).toMatchObject({ type: 'radio', name: 'task-form' })
    expect(tab.element.closest('label')!.textContent).toContain('Find duplicate files')
    expect(wrapper.find('[data-testid="form-duplicates"]').exists()).toBe(false) // mounted when first chosen
    await tab.setValue(true)
    await loaded()
    expect(byId('form-duplicates').isVisible()).toBe(true)
    expect(byId('form-hash').isVisible()).toBe(false)
    expect(byId('form-duplicates').text()).toContain('Nothing is deleted.')
    expect(byId('form-duplicates').attributes('aria-labelledby')).toBe('form-duplicates-title')
    expect(disabled('duplicates-start')).toBe(true)
  })

  it('refuses a relative folder', async () => {
    await mountBoard()
    await fill('duplicates-root', 'photos')
    expect(byId('duplicates-root-error').text()).toContain('absolute path')
    expect(byId('duplicates-root').attributes('aria-invalid')).toBe('true')
    expect(disabled('duplicates-start')).toBe(true)
    await byId('form-duplicates').trigger('submit')
    await flushPromises()
    expect(client.tasks.start).not.toHaveBeenCalled()
    await fill('duplicates-root', '')
    expect(byId('duplicates-root-error').text()).toContain('Required.')
  })

  const refused = ['-1', '1.5', '1e3', 'abc', '12 kB', '99999999999999999999']
  it.each(refused)('refuses %j as the minimum size', async (size) => {
    await mountBoard()
    await fill('duplicates-root', '/data')
    expect(disabled('duplicates-start')).toBe(false)
    await fill('duplicates-min-size', size)
    expect(byId('duplicates-min-size-error').text()).toContain('whole number of bytes')
    expect(byId('duplicates-min-size').attributes('aria-invalid')).toBe('true')
    expect(disabled('duplicates-start')).toBe(true)
    await byId('form-duplicates').trigger('submit')
    await flushPromises()
    expect(client.tasks.start).not.toHaveBeenCalled()
  })

  it('starts duplicates with the root and minSize (empty is 0), without reading its output', async () => {
    await mountBoard()
    await search('/data/photos')
    await search('/data/music', ' 1048576 ')
    const calls = client.tasks.start.mock.calls
    expect(calls.map((c) => c.slice(0, 2))).toEqual([
      ['duplicates', { root: '/data/photos', minSize: 0 }],
      ['duplicates', { root: '/data/music', minSize: 1048576 }],
    ])
    // The result carries every group: the page does not attach to the stream of them.
    expect(calls.map((c) => c[2]?.output)).toEqual([undefined, undefined])
    expect(client.native.task(1).stream).toBeNull()
    // the folder is cleared for the next one
    expect((byId('duplicates-root').element as HTMLInputElement).value).toBe('')
    // the label is the folder's name
    expect(row(1).get('[data-testid="task-label"]').text()).toContain('photos')
    expect(row(1).get('[data-testid="task-label"]').text()).not.toContain('/data')
    expect(row(1).attributes('data-kind')).toBe('duplicates')
    expect(row(1).text()).toContain('Duplicates')
  })

  it('Choose… asks for a folder', async () => {
    await mountBoard()
    await byId('duplicates-pick').trigger('click')
    expect(client.last('dialog.pickFolder').args).toEqual({ title: 'Choose a folder to search for duplicates' })
    client.last('dialog.pickFolder').resolve({ path: '/home/me/Pictures' })
    await flushPromises()
    expect((byId('duplicates-root').element as HTMLInputElement).value).toBe('/home/me/Pictures')
    expect(document.activeElement).toBe(byId('duplicates-root').element)
    expect(disabled('duplicates-start')).toBe(false)
  })
})

describe('duplicates result', () => {
  it('shows what it looked at, the reclaimable bytes and every group with its paths', async () => {
    await mountBoard()
    const id = await search()
    client.native.task(id).setState('completed', { result: found() })
    await flushPromises()
    const r = result(id)
    expect(r.attributes('data-kind')).toBe('duplicates')
    expect(norm(r.get('[data-testid="duplicates-summary"]').text())).toBe('Looked at 12 files: 3 copies in 2 groups.')
    const reclaimable = r.get('[data-testid="duplicates-reclaimable"]')
    expect(norm(reclaimable.text())).toBe('Deleting the copies would free 5.0 MB.')
    expect(reclaimable.attributes('data-bytes')).toBe('5000010')

    const groups = r.findAll('[data-testid="duplicate-group"]')
    expect(groups.map((g) => g.attributes('data-size'))).toEqual(['2500000', '10']) // as received
    expect(groups[0]!.findAll('.paths li').map((li) => li.text())).toEqual([
      '2024/beach.jpg',
      'backup/beach.jpg',
      'beach (1)\\xe9.jpg',
    ])
    // A name that is not UTF-8 arrives escaped and says so.
    const escaped = groups[0]!.findAll('.paths code')[2]!
    expect(escaped.classes()).toContain('escaped')
    expect(escaped.attributes('title')).toContain('UTF-8')
    expect(groups[0]!.findAll('.paths code')[0]!.attributes('title')).toBeUndefined()
    expect(norm(groups[0]!.get('.group-head span').text())).toBe('3 files of 2.5 MB each')
    expect(groups[0]!.get('.sha').text()).toBe(`${SHA_A.slice(0, 12)}…`)
    expect(groups[0]!.get('.sha').attributes('title')).toBe(`SHA-256: ${SHA_A}`)
    expect(norm(groups[1]!.get('.group-head').text())).toContain('2 files of 10 B each')
    expect(r.find('[data-testid="duplicates-skipped"]').exists()).toBe(false)
  })

  it('lists the files it left out, and says when there were no duplicates', async () => {
    await mountBoard()
    const id = await search()
    client.native.task(id).setState('completed', {
      result: found({
        groups: [],
        duplicates: 0,
        reclaimableBytes: 0,
        skipped: [
          { path: 'b/second name', reason: 'hard_link', message: 'a/first name' },
          { path: 'fifo', reason: 'special', message: 'FIFO' },
          { path: 'link', reason: 'symlink' },
        ],
      }),
    })
    await flushPromises()
    const r = result(id)
    expect(norm(r.get('[data-testid="duplicates-summary"]').text())).toBe('No duplicates among 12 files.')
    expect(r.find('[data-testid="duplicates-reclaimable"]').exists()).toBe(false)
    expect(r.find('[data-testid="duplicates-groups"]').exists()).toBe(false)
    const skipped = r.get('[data-testid="duplicates-skipped"]')
    expect(skipped.get('h4').text()).toBe('Left out of the search (3 files left out)')
    expect(skipped.findAll('li').map((li) => [li.attributes('data-reason'), norm(li.text())])).toEqual([
      ['hard_link', 'b/second name — another name of a file already looked at (a/first name)'],
      ['special', 'fifo — special file, not read (FIFO)'],
      ['symlink', 'link — link, not followed'],
    ])
  })

  it('mounts a long list of groups a slice at a time, in a pane of its own', async () => {
    await mountBoard()
    const id = await search()
    const groups = Array.from({ length: FIRST_ROWS + 170 }, (_, i) => ({
      size: 1000 - i,
      sha256: i.toString(16).padStart(64, '0'),
      paths: [{ path: `a/${i}` }, { path: `b/${i}` }],
    }))
    client.native.task(id).setState('completed', {
      result: found({ groups, duplicates: groups.length, reclaimableBytes: 123_456 }),
    })
    await nextTick() // rendered, and no frame has passed yet
    const list = () => result(id).findAll('[data-testid="duplicate-group"]')
    expect(list()).toHaveLength(FIRST_ROWS)
    expect(result(id).get('[data-testid="duplicates-groups"] h4').text()).toBe('Identical files (200 groups)')
    expect(result(id).get('.groups').attributes('tabindex')).toBe('0') // scrolls with the keyboard
    await vi.waitFor(() => expect(list()).toHaveLength(groups.length), { timeout: 10_000 })
    expect(list().at(-1)!.text()).toContain(`a/${groups.length - 1}`)
  })

  it('speaks German and French', async () => {
    for (const [locale, summary, bytes] of [
      ['de', '12 Dateien durchsucht: 3 Kopien in 2 Gruppen.', 'Das Löschen der Kopien würde 5,0 MB freigeben.'],
      ['fr', '12 fichiers examinés : 3 copies dans 2 groupes.', 'Supprimer les copies libérerait 5,0 Mo.'],
    ] as const) {
      await setLocale(locale)
      client = new FakeClient()
      await mountBoard()
      const id = await search()
      client.native.task(id).setState('completed', { result: found() })
      await flushPromises()
      expect(norm(result(id).get('[data-testid="duplicates-summary"]').text())).toBe(summary)
      expect(norm(result(id).get('[data-testid="duplicates-reclaimable"]').text())).toBe(bytes)
      wrapper.unmount()
      document.body.innerHTML = ''
    }
  })
})
