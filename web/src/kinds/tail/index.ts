// SPDX-License-Identifier: MIT
// tail: follows a growing file until cancelled; it has no result. Its view shows the whole file
// through the native line index (log.*), following the end.

import type { KindDescriptor } from '../KindDescriptor'
import { tailLabel } from './labels'
import { TailLog } from './tailLog'
import TailForm from './TailForm.vue'
import TailPane from './TailPane.vue'

/** The tail kind's page part. */
export const tail = {
  kind: 'tail',
  name: 'task.kind.tail',
  title: 'forms.tail.title',
  form: TailForm,
  result: null,
  output: {
    create: (saved, changed, params) => new TailLog(params, saved, changed),
    view: TailPane,
  },
  label: tailLabel,
} satisfies KindDescriptor<'tail'>

export default tail
