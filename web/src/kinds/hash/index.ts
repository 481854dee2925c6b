// SPDX-License-Identifier: MIT
// hash: hashes every file under a folder into a checksum manifest.

import { defineAsyncComponent } from 'vue'
import type { KindDescriptor } from '../KindDescriptor'
import HashForm from './HashForm.vue'
import { hashLabel, hashLabelFromResult } from './labels'

/** The hash kind's page part. */
export const hash = {
  kind: 'hash',
  name: 'task.kind.hash',
  title: 'forms.hash.title',
  // The first tab's form is part of the first view, so it is in the entry chunk; the other
  // kinds' forms and every result view load when first shown.
  form: HashForm,
  result: defineAsyncComponent(() => import('./HashResult.vue')),
  label: hashLabel,
  labelFromResult: hashLabelFromResult,
} satisfies KindDescriptor<'hash'>

export default hash
