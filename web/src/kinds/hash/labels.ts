// SPDX-License-Identifier: MIT
import type { TaskParams, TaskResult } from '../../conduit/api'
import { text } from '../labels'

/** A hash task's label: the folder it hashes. */
export function hashLabel(params: TaskParams<'hash'>): string {
  return text(params.root)
}

/** From a hash result: the manifest it wrote. */
export function hashLabelFromResult(result: TaskResult<'hash'>): string {
  return text(result.manifest)
}
