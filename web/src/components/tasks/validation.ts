// SPDX-License-Identifier: MIT
// Inline validation of the task forms: the same rules the native side applies, checked early so
// the Start buttons stay disabled until a form can succeed.

import { t } from '../../i18n'

export function isAbsolutePath(value: string): boolean {
  return value.startsWith('/') || /^[A-Za-z]:[\\/]/.test(value) || value.startsWith('\\\\')
}

export function pathError(value: string, touched: boolean): string | null {
  const v = value.trim()
  if (!v) return touched ? t('forms.required') : null
  return isAbsolutePath(v) ? null : t('forms.absolutePath')
}

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value.trim())
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0
  } catch {
    return false
  }
}

export function urlError(value: string, touched: boolean): string | null {
  const v = value.trim()
  if (!v) return touched ? t('forms.required') : null
  return isHttpUrl(v) ? null : t('forms.download.urlInvalid')
}

export function sha256Error(value: string): string | null {
  const v = value.trim()
  return !v || /^[0-9a-fA-F]{64}$/.test(v) ? null : t('forms.download.sha256Invalid')
}

/** The file name a URL suggests for the save dialog ("" when it has none). */
export function suggestedName(value: string): string {
  try {
    const segments = new URL(value.trim()).pathname.split('/')
    return decodeURIComponent(segments[segments.length - 1] ?? '')
  } catch {
    return ''
  }
}
