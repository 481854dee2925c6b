// SPDX-License-Identifier: MIT
import type { TaskParams } from '../../conduit/api'
import { text } from '../labels'

/** A tail's label: the file it follows. */
export function tailLabel(params: TaskParams<'tail'>): string {
  return text(params.path)
}
