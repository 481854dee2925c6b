// SPDX-License-Identifier: MIT
// The registry of kinds' page parts (kinds/index.ts): one for every kind native declares, each
// fitting its kind's generated types; and the generic parts that use it (tabs, labels, names).
import { beforeAll, describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import TaskForms from '../components/tasks/TaskForms.vue'
import { clientKey } from '../appClient'
import type { CommandArgs, TaskKind, TaskResult } from '../conduit/api'
import type { Tasks } from '../conduit/tasks'
import type { TaskBoard } from '../composables/useTasks'
import { hasMessage, setLocale, t } from '../i18n'
import { kindList, kindOf, kinds, labelFromParams, labelFromResult, outputOf } from '../kinds'
import type { KindDescriptor } from '../kinds/KindDescriptor'
import { lastComponent } from '../kinds/duplicates/labels'
import { FakeClient } from './fakeClient'
import { loaded, loadKindParts } from './lazy'

beforeAll(loadKindParts)

/** Every kind native declares: `satisfies` fails the type check on a missing or an extra one. */
const declared = { download: 0, duplicates: 0, hash: 0, tail: 0, verify: 0 } satisfies Record<TaskKind, 0>

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
/** The kinds of TaskKinds are the ones tasks.start accepts. */
const startAccepts: Equal<TaskKind, CommandArgs<'tasks.start'>['kind']> = true

/**
 * Compiled by vue-tsc (tsconfig.app.json takes src/**), never run: each @ts-expect-error fails
 * the build if the typing gets looser.
 */
function typeChecks(board: TaskBoard, tasks: Tasks): void {
  // @ts-expect-error a root is a path, not a number
  void board.start('hash', { root: 1 })
  // @ts-expect-error the same through conduit.tasks
  void tasks.start('hash', { root: 1 })
  void tasks.run('hash', { root: '/x' }).then((result) => {
    void result.files
    // @ts-expect-error a hash result has no `checked`
    void result.checked
  })
  // A descriptor that reads a field its kind's result lacks:
  void ({
    ...kinds.hash,
    labelFromResult: (result: TaskResult<'hash'>) =>
      // @ts-expect-error a hash result has no `path`
      String(result.path),
  } satisfies KindDescriptor<'hash'>)
  // @ts-expect-error verify's result view must take a verify result, not a hash one
  void ({ ...kinds.verify, result: kinds.hash.result } satisfies KindDescriptor<'verify'>)
  // @ts-expect-error tail has no result, so no result view
  void ({ ...kinds.tail, result: kinds.hash.result } satisfies KindDescriptor<'tail'>)
  // @ts-expect-error hash has no output to show
  void ({ ...kinds.hash, output: kinds.tail.output } satisfies KindDescriptor<'hash'>)
  const { duplicates: _left, ...fewer } = kinds
  // @ts-expect-error every kind native declares needs its page part
  void (fewer satisfies { [K in TaskKind]: KindDescriptor<K> })
  // @ts-expect-error and each kind its own
  void ({ ...kinds, verify: kinds.hash } satisfies { [K in TaskKind]: KindDescriptor<K> })
}

describe('kinds', () => {
  it('has a page part for every kind native declares, under its own name', () => {
    expect(startAccepts).toBe(true)
    expect(typeChecks).toBeTypeOf('function')
    expect(Object.keys(kinds).sort()).toEqual(Object.keys(declared).sort())
    for (const [name, descriptor] of Object.entries(kinds)) {
      expect(descriptor.kind).toBe(name)
      expect(kindOf(name)).toBe(descriptor)
      expect(hasMessage(descriptor.name), descriptor.name).toBe(true)
      expect(hasMessage(descriptor.title), descriptor.title).toBe(true)
      expect(descriptor.form).toBeTruthy()
    }
    expect(kindList.map((d) => d.kind)).toEqual(['hash', 'verify', 'download', 'tail', 'duplicates'])
    expect(kindOf('count')).toBeUndefined()
    expect(kindOf('toString')).toBeUndefined()
  })

  it('gives each kind a tab and a form, in registry order, tabs by the arrow keys (radios)', async () => {
    setLocale('en')
    const client = new FakeClient()
    const wrapper = mount(TaskForms, {
      props: { start: async () => {} },
      global: { provide: { [clientKey as symbol]: client.asClient() } },
      attachTo: document.body,
    })
    const tabs = wrapper.findAll('[role="radiogroup"] input')
    expect(tabs.map((tab) => tab.attributes('data-testid'))).toEqual(kindList.map((d) => `form-kind-${d.kind}`))
    expect(tabs.every((tab) => tab.attributes('type') === 'radio' && tab.attributes('name') === 'task-form')).toBe(true)
    expect(wrapper.findAll('[role="radiogroup"] label').map((l) => l.text())).toEqual(kindList.map((d) => t(d.title)))
    // Only the first form is in the page at first; each other mounts when first chosen, then stays.
    expect(wrapper.findAll('form').map((f) => f.attributes('data-testid'))).toEqual(['form-hash'])
    for (const [i, d] of kindList.entries()) {
      await tabs[i]!.setValue(true)
      await loaded()
      const form = wrapper.get(`[data-testid="form-${d.kind}"]`)
      expect(form.element.tagName).toBe('FORM')
      expect(wrapper.find(`[data-testid="${d.kind}-start"]`).exists()).toBe(true)
      expect(wrapper.find(`[data-testid="${d.kind}-error"]`).attributes('role')).toBe('alert')
      // only the chosen one shows
      const visible = wrapper.findAll('form').filter((f) => f.isVisible())
      expect(visible.map((f) => f.attributes('data-testid'))).toEqual([`form-${d.kind}`])
    }
    expect(wrapper.findAll('form')).toHaveLength(kindList.length)
    wrapper.unmount()
  })

  it('labels tasks from their params or result', () => {
    expect(labelFromParams('hash', { root: '/data/photos' })).toBe('/data/photos')
    expect(labelFromParams('verify', { manifest: '/d/SHA256SUMS' })).toBe('/d/SHA256SUMS')
    expect(labelFromParams('download', { url: 'https://example.org/a', dest: '/tmp/a' })).toBe('https://example.org/a')
    expect(labelFromParams('tail', { path: '/var/log/syslog' })).toBe('/var/log/syslog')
    expect(labelFromParams('duplicates', { root: '/data/photos/' })).toBe('photos')
    expect(labelFromParams('count', { to: 3 })).toBe('')
    expect(labelFromParams('hash', undefined)).toBe('')
    expect(labelFromResult('hash', { manifest: '/d/SHA256SUMS' })).toBe('/d/SHA256SUMS')
    expect(labelFromResult('download', { path: '/tmp/x' })).toBe('/tmp/x')
    expect(labelFromResult('verify', { ok: true })).toBe('')
    expect(lastComponent('/')).toBe('/')
    expect(lastComponent('/a/b')).toBe('b')
  })

  it('reads the output only of kinds that show it', () => {
    expect(Object.keys(kinds).filter((kind) => outputOf(kind))).toEqual(['tail'])
    // a tail keeps where its view was, and knows its file from the params
    const buffer = outputOf('tail')!.create({ top: 7 }, () => {}, { path: '/var/log/syslog' })
    expect(buffer.save()).toEqual({ top: 7 })
    expect((buffer as unknown as { path: string }).path).toBe('/var/log/syslog')
    expect(outputOf('tail')!.create(['old lines'], () => {}, {}).save()).toEqual({ top: null })
  })
})
