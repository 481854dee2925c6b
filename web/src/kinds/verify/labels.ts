// SPDX-License-Identifier: MIT
import type { TaskParams } from '../../conduit/api'
import { text } from '../labels'

/** A verify task's label: the manifest it checks. */
export function verifyLabel(params: TaskParams<'verify'>): string {
  return text(params.manifest)
}
