// SPDX-License-Identifier: MIT
// The registry of task kinds' page parts: one line per kind, each kind's folder beside this
// file. The `satisfies` below fails the type check while a kind declared natively (the generated
// TaskKinds) has no page part, or a part does not fit its kind's generated types.

import type { TaskKind } from '../conduit/api'
import type { MessageKey } from '../i18n'
import download from './download'
import duplicates from './duplicates'
import hash from './hash'
import type { KindDescriptor, KindOutput } from './KindDescriptor'
import tail from './tail'
import verify from './verify'

/** Every kind's page part, by kind, in the order the forms' tabs show them. */
export const kinds = {
  hash,
  verify,
  download,
  tail,
  duplicates,
} satisfies { [K in TaskKind]: KindDescriptor<K> }

/** Any kind's page part, as code that works for every kind sees it. */
export type AnyKindDescriptor = { [K in TaskKind]: KindDescriptor<K> }[TaskKind]

/** The kinds in tab order. */
export const kindList: readonly AnyKindDescriptor[] = Object.values(kinds)

/** The page part of `kind`, or undefined for a kind the page does not ship (a test's). */
export function kindOf(kind: string): AnyKindDescriptor | undefined {
  return Object.hasOwn(kinds, kind) ? kinds[kind as TaskKind] : undefined
}

/** The label a task's params give it ('' for a kind without a page part, or no params). */
export function labelFromParams(kind: string, params: unknown): string {
  const descriptor = kindOf(kind)
  if (!descriptor || !params || typeof params !== 'object') return ''
  // The params of a task of this kind, as native checked them against its declaration.
  return (descriptor.label as (params: object) => string)(params)
}

/** The label a finished task's result gives it, for tasks whose params the page never saw. */
export function labelFromResult(kind: string, result: unknown): string {
  const descriptor = kindOf(kind)
  if (!descriptor || !('labelFromResult' in descriptor) || !result || typeof result !== 'object') return ''
  return (descriptor.labelFromResult as (result: object) => string)(result)
}

/** How the page shows `kind`'s output, or undefined when it does not read it. */
export function outputOf(kind: string): KindOutput<unknown, any> | undefined {
  const descriptor = kindOf(kind)
  return descriptor && 'output' in descriptor ? (descriptor.output as KindOutput<unknown, any>) : undefined
}

/** The message key of a kind's short name, if the catalogue has one. */
export function kindName(kind: string): MessageKey | undefined {
  return kindOf(kind)?.name
}

export type { KindDescriptor } from './KindDescriptor'
