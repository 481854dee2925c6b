// SPDX-License-Identifier: MIT
// The page loads some of its parts when they are first shown (import()): the other kinds' forms,
// every kind's result and output view, the console, the catalogues but English's. Tests wait for
// them as a person would, or load the kinds' parts up front to see them render at once.
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { vi } from 'vitest'
import type { Component } from 'vue'
import { kindList } from '../kinds'

/** Lets whatever the page started loading load, and the views that wait for it render. */
export async function loaded(): Promise<void> {
  await vi.dynamicImportSettled()
  await flushPromises()
}

/** Loads every kind's form, result and output view, so that showing one renders it at once. */
export async function loadKindParts(): Promise<void> {
  const parts: (Component | null | undefined)[] = kindList.flatMap((d) => [
    d.form,
    d.result,
    'output' in d ? d.output?.view : undefined,
  ])
  await Promise.all(
    parts.map((part) => (part as { __asyncLoader?: () => Promise<unknown> } | null)?.__asyncLoader?.()),
  )
}

/** Chooses every kind's form once (each mounts when first chosen, then stays), then the first. */
export async function openEveryForm(wrapper: VueWrapper): Promise<void> {
  for (const d of [...kindList, kindList[0]!]) await wrapper.get(`[data-testid="form-kind-${d.kind}"]`).setValue(true)
  await loaded()
}
