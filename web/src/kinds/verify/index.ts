// SPDX-License-Identifier: MIT
// verify: checks the files a checksum manifest names, as `sha256sum -c` does.

import { defineAsyncComponent } from 'vue'
import type { KindDescriptor } from '../KindDescriptor'
import { verifyLabel } from './labels'

/** The verify kind's page part. */
export const verify = {
  kind: 'verify',
  name: 'task.kind.verify',
  title: 'forms.verify.title',
  form: defineAsyncComponent(() => import('./VerifyForm.vue')),
  result: defineAsyncComponent(() => import('./VerifyResult.vue')),
  label: verifyLabel,
} satisfies KindDescriptor<'verify'>

export default verify
