// SPDX-License-Identifier: MIT
// The download form's own rules: an http(s) URL, an optional SHA-256, and the file name the URL
// suggests for the save dialog.

import { t } from '../../i18n'

/** Whether `value` is an http:// or https:// URL with a host. */
export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value.trim())
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0
  } catch {
    return false
  }
}

/** Why `value` is no URL a download accepts, or null; "Required" only once the field was left. */
export function urlError(value: string, touched: boolean): string | null {
  const v = value.trim()
  if (!v) return touched ? t('forms.required') : null
  return isHttpUrl(v) ? null : t('forms.download.urlInvalid')
}

/** Why `value` is no SHA-256 (64 hex digits), or null; empty is fine (the field is optional). */
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
