// SPDX-License-Identifier: MIT
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  formatByteRate,
  formatBytes,
  formatDateTime,
  formatDuration,
  formatNumber,
  formatTime,
  hasMessage,
  locale,
  pickLocale,
  setLocale,
  t,
  tn,
  toBcp47,
  type MessageKey,
} from '../i18n'
import { de } from '../locales/de'
import { en } from '../locales/en'
import { fr } from '../locales/fr'

const catalogues = { en, de, fr }

/** "a.b.c" for every leaf, and the leaf's value. */
function leaves(tree: object, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>()
  for (const [key, value] of Object.entries(tree)) {
    if (value && typeof value === 'object') for (const [k, v] of leaves(value, `${prefix}${key}.`)) out.set(k, v)
    else out.set(`${prefix}${key}`, value)
  }
  return out
}

const norm = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ')
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()

afterEach(() => setLocale('en'))

describe('catalogues', () => {
  const reference = leaves(catalogues.en)

  it.each(Object.keys(catalogues))('%s has exactly the keys of en, all non-empty strings', (name) => {
    const other = leaves(catalogues[name as keyof typeof catalogues])
    expect([...other.keys()].sort()).toEqual([...reference.keys()].sort())
    for (const [key, value] of other) {
      expect(typeof value, key).toBe('string')
      expect((value as string).trim(), key).not.toBe('')
    }
  })

  it.each(Object.keys(catalogues))('%s uses the same placeholders and plural forms as en', (name) => {
    const other = leaves(catalogues[name as keyof typeof catalogues])
    for (const [key, value] of reference) {
      const text = other.get(key) as string
      expect([...new Set(placeholders(text))], key).toEqual([...new Set(placeholders(value as string))])
      expect(text.split('|').length, key).toBe((value as string).split('|').length)
    }
  })

  it.each(Object.keys(catalogues))('every %s message compiles and fills its placeholders (no eval needed)', async (name) => {
    const warn = vi.spyOn(console, 'warn')
    const error = vi.spyOn(console, 'error')
    expect(await setLocale(name)).toBe(name)
    for (const [key, value] of reference) {
      const params = Object.fromEntries(placeholders(value as string).map((p) => [p, `<${p}>`]))
      const text = (value as string).includes('|') ? tn(key as MessageKey, 2, params) : t(key as MessageKey, params)
      expect(text, key).not.toMatch(/[{}]/)
      expect(text, key).not.toBe(key)
    }
    expect(warn).not.toHaveBeenCalled()
    expect(error).not.toHaveBeenCalled()
  })

  it('fills placeholders, trims plural forms, and falls back to the key', async () => {
    expect(t('app.version', { version: '1.2' })).toBe('Version 1.2')
    expect(t('app.version', {})).toBe('Version ') // a placeholder without a value is left empty
    expect(tn('tasks.summary', 2)).toBe('2 tasks')
    expect(t('no.such.key' as MessageKey)).toBe('no.such.key')
    expect(t('result.escaped')).toContain('a backslash as \\\\.') // as the manifest writes it
    expect(hasMessage('tasks.summary')).toBe(true)
    expect(hasMessage('tasks')).toBe(false) // a group, not a message
    await setLocale('fr_FR.UTF-8')
    expect(locale.value).toBe('fr')
    expect(t('nav.tasks')).toBe('Tâches')
  })
})

describe('locale', () => {
  it('follows the native locale, falls back to English, and sets <html lang>', async () => {
    expect(pickLocale('de_DE')).toBe('de')
    expect(pickLocale('fr-CA')).toBe('fr')
    expect(pickLocale('C')).toBe('en')
    expect(pickLocale('')).toBe('en')
    expect(toBcp47('de_AT.UTF-8', 'de')).toBe('de-AT')
    expect(toBcp47('POSIX', 'en')).toBe('en')
    await setLocale('fr_FR')
    expect(locale.value).toBe('fr')
    expect(document.documentElement.lang).toBe('fr-FR')
    await setLocale('xx_YY')
    expect(locale.value).toBe('en')
    expect(document.documentElement.lang).toBe('en')
  })

  it('loads a catalogue only when its language is chosen; the last choice wins', async () => {
    vi.resetModules()
    const loaded: string[] = []
    for (const name of ['de', 'fr']) {
      vi.doMock(`../locales/${name}`, async (original) => {
        loaded.push(name)
        return original()
      })
    }
    const fresh = await import('../i18n')
    expect(loaded).toEqual([])
    const first = fresh.setLocale('de_DE')
    await fresh.setLocale('fr_FR')
    await first
    expect(loaded.sort()).toEqual(['de', 'fr'])
    expect(fresh.locale.value).toBe('fr')
    expect(fresh.t('nav.tasks')).toBe('Tâches')
  })

  it('chooses plural forms by the language', async () => {
    expect(tn('tasks.summary', 0)).toBe('No tasks')
    expect(tn('tasks.summary', 1)).toBe('1 task')
    expect(tn('result.tail.newLines', 1234)).toBe('1,234 new lines')
    await setLocale('fr')
    expect(tn('result.hash.files', 0)).toBe('0 fichier') // French: 0 is singular
    expect(tn('result.hash.files', 2)).toBe('2 fichiers')
    await setLocale('de')
    expect(tn('result.tail.newLines', 1)).toBe('1 neue Zeile')
  })
})

describe('formats', () => {
  it('needs no Intl for the first view and the tick: a zero form, small counts, a time of day', async () => {
    vi.resetModules()
    const fresh = await import('../i18n')
    const made = [vi.spyOn(Intl, 'NumberFormat'), vi.spyOn(Intl, 'DateTimeFormat'), vi.spyOn(Intl, 'PluralRules')]
    expect(fresh.tn('tasks.summary', 0)).toBe('No tasks')
    expect(fresh.formatNumber(999)).toBe('999')
    expect(fresh.formatTime(new Date(2025, 0, 1, 4, 5, 6, 7))).toBe('04:05:06.007')
    for (const spy of made) expect(spy).not.toHaveBeenCalled()
  })

  it('writes times and small counts as Intl does in each language', async () => {
    const at = new Date(2025, 0, 1, 23, 59, 58, 9)
    for (const tag of ['en_US', 'de_DE', 'fr_FR']) {
      await setLocale(tag)
      const intl = new Intl.DateTimeFormat(tag.replace('_', '-'), {
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        fractionalSecondDigits: 3,
        hourCycle: 'h23',
      })
      expect(formatTime(at), tag).toBe(intl.format(at))
      for (const n of [0, 7, 42, 999]) expect(formatNumber(n), tag).toBe(new Intl.NumberFormat(tag.replace('_', '-')).format(n))
    }
  })

  it('sizes, rates and durations in English', () => {
    setLocale('en_US')
    expect(formatBytes(0)).toBe('0 B')
    expect(formatBytes(999)).toBe('999 B')
    expect(formatBytes(1000)).toBe('1.0 kB')
    expect(formatBytes(12_345_678)).toBe('12.3 MB')
    expect(formatBytes(4_700_000_000)).toBe('4.7 GB')
    expect(formatByteRate(2_500_000)).toBe('2.5 MB/s')
    expect(formatByteRate(12)).toBe('12 B/s')
    expect(formatDuration(125_000)).toBe('2 min 5 s')
    expect(formatDuration(3_840_000)).toBe('1 h 4 min')
    expect(formatDuration(400)).toBe('1 s')
    expect(formatNumber(1234567)).toBe('1,234,567')
    expect(formatDateTime('2025-05-01T10:02:06.000Z')).toMatch(/2025/)
  })

  it('German and French separators and units', async () => {
    await setLocale('de_DE')
    expect(norm(formatBytes(12_345_678))).toBe('12,3 MB')
    expect(norm(formatByteRate(1_500_000))).toBe('1,5 MB/s')
    expect(formatNumber(1234567)).toBe('1.234.567')
    expect(formatDuration(125_000)).toBe('2 Min. 5 s')
    await setLocale('fr_FR')
    expect(norm(formatBytes(12_345_678))).toBe('12,3 Mo')
    expect(norm(formatBytes(12))).toBe('12 o')
    expect(norm(formatNumber(1234567))).toBe('1 234 567')
    expect(formatDuration(125_000)).toBe('2 min 5 s')
  })
})
