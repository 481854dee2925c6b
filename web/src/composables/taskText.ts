// SPDX-License-Identifier: MIT
// How a task's numbers read: amounts by unit (bytes as sizes, files/lines/steps counted), rates,
// time left, labels and error texts, all in the current language.

import type { TaskItem } from './useTasks'
import { kindName } from '../kinds'
import {
  formatByteRate,
  formatBytes,
  formatDuration,
  formatNumber,
  formatPercent,
  hasMessage,
  t,
  tn,
} from '../i18n'

/** An amount in its unit: bytes as a size, files, lines and steps counted. */
export function formatAmount(value: number, unit: string): string {
  if (unit === 'bytes') return formatBytes(value)
  const key = `task.units.${unit}`
  if (unit !== 'other' && hasMessage(key)) return tn(key, value)
  return t('task.units.other', { n: formatNumber(value), unit })
}

/** A rate in its unit per second. */
export function formatRate(rate: number, unit: string): string {
  if (unit === 'bytes') return formatByteRate(rate)
  return t('task.perSecond', { value: formatNumber(rate, rate < 10 ? 1 : 0) })
}

/** 0…1 for the bar; a finished task with an unknown total shows full. */
export function fractionOf(item: TaskItem): number {
  if (item.state === 'completed') return 1
  const { done, total } = item.progress
  return total > 0 ? Math.min(1, Math.max(0, done / total)) : 0
}

/** "45%, 12.3 MB of 27.4 MB", or just the amount while the total is unknown. */
export function progressText(item: TaskItem): string {
  const { done, total, unit } = item.progress
  if (total > 0) {
    return t('task.progressPercent', {
      percent: formatPercent(done / total),
      done: formatAmount(done, unit),
      total: formatAmount(total, unit),
    })
  }
  return formatAmount(done, unit)
}

/** "12.3 MB of 27.4 MB" (no percent: the bar shows it). */
export function amountText(item: TaskItem): string {
  const { done, total, unit } = item.progress
  return total > 0 ? t('task.progressOf', { done: formatAmount(done, unit), total: formatAmount(total, unit) }) : formatAmount(done, unit)
}

/** The smoothed rate of a running task, or ''. */
export function rateText(item: TaskItem): string {
  return item.state === 'running' && item.rate !== null ? formatRate(item.rate, item.progress.unit) : ''
}

/** "2 min 5 s left" for a running task whose rate is known, or ''. */
export function etaText(item: TaskItem): string {
  return item.state === 'running' && item.etaMs !== null ? t('task.left', { duration: formatDuration(item.etaMs) }) : ''
}

/** A kind's short name: its page part's, else the catalogue's (test kinds), else the kind itself. */
export function kindText(kind: string): string {
  const key = kindName(kind) ?? `task.kind.${kind}`
  return hasMessage(key) ? t(key) : kind
}

/** The task's label, or "Task 7" when it has none. */
export function labelText(item: TaskItem): string {
  return item.label || t('task.untitled', { id: item.id })
}

/** An error code in words, or the code itself when the catalogue has none. */
export function errorCodeText(code: string): string {
  const key = `error.codes.${code}`
  return hasMessage(key) ? t(key) : code
}
