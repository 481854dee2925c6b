// SPDX-License-Identifier: MIT
import { afterEach, describe, expect, it, vi } from 'vitest'
import { computed, defineComponent, h, nextTick, reactive, shallowRef, triggerRef } from 'vue'
import { mount } from '@vue/test-utils'
import { FIRST_ROWS, ROWS_PER_FRAME, useProgressiveList } from '../composables/progressiveList'

afterEach(() => vi.useRealTimers())

function mountList(items: number[]) {
  let shown!: ReturnType<typeof useProgressiveList<number>>
  const wrapper = mount(
    defineComponent({
      setup() {
        shown = useProgressiveList(items)
        return () => h('ul', shown.value.map((n) => h('li', { key: n }, String(n))))
      },
    }),
  )
  return { wrapper, shown: () => shown.value }
}

describe('useProgressiveList', () => {
  it('shows a short list whole at once', () => {
    const { shown } = mountList(reactive([1, 2, 3]))
    expect(shown()).toEqual([1, 2, 3])
  })

  it('shows a long list a slice per frame until all of it is there, in order', async () => {
    const frames: (() => void)[] = []
    vi.stubGlobal('requestAnimationFrame', (cb: () => void) => frames.push(cb))
    vi.resetModules()
    const { useProgressiveList: fresh } = await import('../composables/progressiveList')
    const items = reactive(Array.from({ length: FIRST_ROWS + 2 * ROWS_PER_FRAME + 5 }, (_, i) => i))
    let shown!: ReturnType<typeof fresh<number>>
    mount(defineComponent({ setup: () => ((shown = fresh(items)), () => h('div')) }))
    expect(shown.value).toHaveLength(FIRST_ROWS)
    let rounds = 0
    while (frames.length > 0 && rounds++ < 100) {
      frames.shift()!()
      await nextTick()
    }
    expect(shown.value).toEqual(items)
    expect(rounds).toBe(3)
    vi.unstubAllGlobals()
  })

  it('follows a computed list that is replaced, not changed in place (the task board)', async () => {
    const frames: (() => void)[] = []
    vi.stubGlobal('requestAnimationFrame', (cb: () => void) => frames.push(cb))
    vi.resetModules()
    const { useProgressiveList: fresh } = await import('../composables/progressiveList')
    const plain = shallowRef<number[]>([1, 2])
    const newestFirst = computed(() => [...plain.value].reverse())
    let shown!: ReturnType<typeof fresh<number>>
    mount(defineComponent({ setup: () => ((shown = fresh(newestFirst)), () => h('div')) }))
    expect(shown.value).toEqual([2, 1])
    plain.value.push(...Array.from({ length: FIRST_ROWS + ROWS_PER_FRAME }, (_, i) => i + 3))
    triggerRef(plain)
    await nextTick()
    expect(shown.value).toHaveLength(FIRST_ROWS)
    expect(shown.value[0]).toBe(FIRST_ROWS + ROWS_PER_FRAME + 2)
    while (frames.length > 0) {
      frames.shift()!()
      await nextTick()
    }
    expect(shown.value).toEqual(newestFirst.value)
    vi.unstubAllGlobals()
  })
})
