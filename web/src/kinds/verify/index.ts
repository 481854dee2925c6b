// SPDX-License-Identifier: MIT
// verify: checks the files a checksum manifest names, as `sha256sum -c` does.

import type { KindDescriptor } from '../KindDescriptor'
import { verifyLabel } from './labels'
import VerifyForm from './VerifyForm.vue'
import VerifyResult from './VerifyResult.vue'

/** The verify kind's page part. */
export const verify = {
  kind: 'verify',
  name: 'task.kind.verify',
  title: 'forms.verify.title',
  form: VerifyForm,
  result: VerifyResult,
  label: verifyLabel,
} satisfies KindDescriptor<'verify'>

export default verify
