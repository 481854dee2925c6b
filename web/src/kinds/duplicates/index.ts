// SPDX-License-Identifier: MIT
// duplicates: finds identical files under a folder (as fdupes -r); deletes nothing. The groups
// also stream as output while the search goes on, but the result carries every one of them, so
// the page does not attach to the output (native never waits for a reader).

import { defineAsyncComponent } from 'vue'
import type { KindDescriptor } from '../KindDescriptor'
import { duplicatesLabel } from './labels'

/** The duplicates kind's page part. */
export const duplicates = {
  kind: 'duplicates',
  name: 'task.kind.duplicates',
  title: 'forms.duplicates.title',
  form: defineAsyncComponent(() => import('./DuplicatesForm.vue')),
  result: defineAsyncComponent(() => import('./DuplicatesResult.vue')),
  label: duplicatesLabel,
} satisfies KindDescriptor<'duplicates'>

export default duplicates
