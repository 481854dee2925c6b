// SPDX-License-Identifier: MIT
import type { TaskParams } from '../../conduit/api'
import { text } from '../labels'

/** The last component of a path ("/data/photos/" → "photos"; "/" stays "/"). */
export function lastComponent(path: unknown): string {
  const value = text(path).replace(/[\\/]+$/, '')
  if (!value) return text(path) ? text(path).slice(0, 1) : ''
  const cut = Math.max(value.lastIndexOf('/'), value.lastIndexOf('\\'))
  return value.slice(cut + 1) || value
}

/** A duplicates search's label: the name of the folder it searches. */
export function duplicatesLabel(params: TaskParams<'duplicates'>): string {
  return lastComponent(params.root)
}
