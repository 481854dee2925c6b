// SPDX-License-Identifier: MIT
// download: fetches an http(s) URL into a file, replaced only on success.

import type { KindDescriptor } from '../KindDescriptor'
import DownloadForm from './DownloadForm.vue'
import DownloadResult from './DownloadResult.vue'
import { downloadLabel, downloadLabelFromResult } from './labels'

/** The download kind's page part. */
export const download = {
  kind: 'download',
  name: 'task.kind.download',
  title: 'forms.download.title',
  form: DownloadForm,
  result: DownloadResult,
  label: downloadLabel,
  labelFromResult: downloadLabelFromResult,
} satisfies KindDescriptor<'download'>

export default download
