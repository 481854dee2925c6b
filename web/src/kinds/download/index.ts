// SPDX-License-Identifier: MIT
// download: fetches an http(s) URL into a file, replaced only on success.

import { defineAsyncComponent } from 'vue'
import type { KindDescriptor } from '../KindDescriptor'
import { downloadLabel, downloadLabelFromResult } from './labels'

/** The download kind's page part. */
export const download = {
  kind: 'download',
  name: 'task.kind.download',
  title: 'forms.download.title',
  form: defineAsyncComponent(() => import('./DownloadForm.vue')),
  result: defineAsyncComponent(() => import('./DownloadResult.vue')),
  interruptedHint: 'task.interruptedDownload',
  label: downloadLabel,
  labelFromResult: downloadLabelFromResult,
} satisfies KindDescriptor<'download'>

export default download
