// SPDX-License-Identifier: MIT
// Inline validation the kinds' forms share: the same rules the native side applies, checked
// early so the Start buttons stay disabled until a form can succeed. A kind's own rules live in
// its folder (kinds/<kind>/).

import { t } from '../../i18n'

/** Whether `value` is an absolute path (native refuses anything else). */
export function isAbsolutePath(value: string): boolean {
  return value.startsWith('/') || /^[A-Za-z]:[\\/]/.test(value) || value.startsWith('\\\\')
}

/** Why `value` is no path a task accepts, or null; "Required" only once the field was left. */
export function pathError(value: string, touched: boolean): string | null {
  const v = value.trim()
  if (!v) return touched ? t('forms.required') : null
  return isAbsolutePath(v) ? null : t('forms.absolutePath')
}
