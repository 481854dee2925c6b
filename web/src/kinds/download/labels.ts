// SPDX-License-Identifier: MIT
import type { TaskParams, TaskResult } from '../../conduit/api'
import { text } from '../labels'

/** A download's label: the URL it fetches. */
export function downloadLabel(params: TaskParams<'download'>): string {
  return text(params.url)
}

/** From a download result: the file it saved. */
export function downloadLabelFromResult(result: TaskResult<'download'>): string {
  return text(result.path)
}
