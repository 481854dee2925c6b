// SPDX-License-Identifier: MIT
// The duplicates form's minimum size: a whole number of bytes, 0 or more; empty means 0.

import { t } from '../../i18n'

/** The minimum size `value` stands for, or null when it is not a non-negative whole number. */
export function parseMinSize(value: string): number | null {
  const v = value.trim()
  if (!v) return 0
  if (!/^\d+$/.test(v)) return null
  const n = Number(v)
  return Number.isSafeInteger(n) ? n : null
}

/** Why `value` is no minimum size, or null when it is one. */
export function minSizeError(value: string): string | null {
  return parseMinSize(value) === null ? t('forms.duplicates.minSizeInvalid') : null
}
