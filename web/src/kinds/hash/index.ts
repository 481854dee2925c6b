// SPDX-License-Identifier: MIT
// hash: hashes every file under a folder into a checksum manifest.

import type { KindDescriptor } from '../KindDescriptor'
import HashForm from './HashForm.vue'
import HashResult from './HashResult.vue'
import { hashLabel, hashLabelFromResult } from './labels'

/** The hash kind's page part. */
export const hash = {
  kind: 'hash',
  name: 'task.kind.hash',
  title: 'forms.hash.title',
  form: HashForm,
  result: HashResult,
  label: hashLabel,
  labelFromResult: hashLabelFromResult,
} satisfies KindDescriptor<'hash'>

export default hash
