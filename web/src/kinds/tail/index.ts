// SPDX-License-Identifier: MIT
// tail: follows a growing file until cancelled; it has no result. Its view shows the whole file
// through the native line index (log.*), following the end.

import { defineAsyncComponent } from 'vue'
import type { KindDescriptor } from '../KindDescriptor'
import { tailLabel } from './labels'
import { TailLog } from './tailLog'

/** The tail kind's page part. */
export const tail = {
  kind: 'tail',
  name: 'task.kind.tail',
  title: 'forms.tail.title',
  form: defineAsyncComponent(() => import('./TailForm.vue')),
  result: null,
  output: {
    create: (saved, changed, params) => new TailLog(params, saved, changed),
    view: defineAsyncComponent(() => import('./TailPane.vue')),
  },
  label: tailLabel,
} satisfies KindDescriptor<'tail'>

export default tail
