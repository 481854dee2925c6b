// SPDX-License-Identifier: MIT
// tail: follows a growing file line by line until cancelled; it has no result, only its lines.

import type { KindDescriptor } from '../KindDescriptor'
import { tailLabel } from './labels'
import { TailBuffer } from './tailBuffer'
import TailForm from './TailForm.vue'
import TailPane from './TailPane.vue'

/** Lines saved before a reload, if `saved` is such a list. */
function savedLines(saved: unknown): string[] {
  return Array.isArray(saved) ? saved.filter((line): line is string => typeof line === 'string') : []
}

/** The tail kind's page part. */
export const tail = {
  kind: 'tail',
  name: 'task.kind.tail',
  title: 'forms.tail.title',
  form: TailForm,
  result: null,
  output: {
    create: (saved, changed) => new TailBuffer(savedLines(saved), changed),
    view: TailPane,
  },
  label: tailLabel,
} satisfies KindDescriptor<'tail'>

export default tail
