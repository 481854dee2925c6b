// SPDX-License-Identifier: MIT
// The page's languages: the catalogues in locales/, following the locale native reports in the
// handshake. English is built in (it is also the fallback); another catalogue loads when its
// language is first chosen. A message is text with `{name}` placeholders, and plural forms
// separated by `|` (one | other, or zero | one | other); that is all the catalogues use, so it is
// read here (no interpreter, nothing near eval/new Function, which the page's CSP forbids).
// Numbers, sizes, rates, dates and durations go through Intl where they need it (below).

import { computed, ref } from 'vue'
import { en, type MessageSchema } from './locales/en'

/** The languages the page speaks. */
const locales = ['en', 'de', 'fr'] as const
export type Locale = (typeof locales)[number]
export type { MessageSchema }

/** Every catalogue but English's, loaded on first use. */
const loadCatalogue: Record<Exclude<Locale, 'en'>, () => Promise<MessageSchema>> = {
  de: () => import('./locales/de').then((m) => m.de),
  fr: () => import('./locales/fr').then((m) => m.fr),
}

/** "a.b.c" for every string leaf of the schema. */
type Leaves<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Leaves<T[K], `${P}${K}.`>
}[keyof T & string]
export type MessageKey = Leaves<MessageSchema>

type Params = Record<string, string | number>

const catalogues: Partial<Record<Locale, MessageSchema>> = { en }
const current = ref<Locale>('en')
const currentTag = ref<string>('en')
let latestRequest = 0

/** The catalogue's text for `key`, or undefined. */
function lookUp(catalogue: MessageSchema | undefined, key: string): string | undefined {
  let node: unknown = catalogue
  for (const part of key.split('.')) node = node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined
  return typeof node === 'string' ? node : undefined
}

// Intl is used only where the page needs it: the first Intl object costs the renderer ~5 MiB of
// ICU data, and the first view and the header's live tick need none (a zero form, small counts,
// times of day).

/** Made when first needed. */
const pluralRules = new Map<Locale, Intl.PluralRules>()

/** The form for `count`: one | other (two forms) or zero | one | other (three), by the language's rules. */
function pluralForm(forms: readonly string[], count: number, locale: Locale): string {
  if (forms.length < 2) return forms[0] ?? ''
  if (forms.length >= 3 && count === 0) return forms[0]!
  let rules = pluralRules.get(locale)
  if (!rules) pluralRules.set(locale, (rules = new Intl.PluralRules(locale)))
  const one = rules.select(count) === 'one'
  if (forms.length >= 3) return forms[count === 0 ? 0 : one ? 1 : 2]!
  return forms[one ? 0 : 1]!
}

/** A message's plural forms (one, if it has none), split once. */
const formsOf = new Map<string, readonly string[]>()

function render(key: string, params: Params | undefined, count: number | undefined): string {
  const locale = current.value // read first: a component that renders this follows the locale
  const text = lookUp(catalogues[locale], key) ?? lookUp(en, key)
  if (text === undefined) return key
  let forms = formsOf.get(text)
  if (!forms) formsOf.set(text, (forms = text.includes('|') ? text.split('|').map((form) => form.trim()) : [text]))
  // Without a count (t()), a numeric `count` or `n` parameter chooses.
  const implicit = params && typeof (params.count ?? params.n) === 'number' ? Number(params.count ?? params.n) : 1
  const chosen = pluralForm(forms, count ?? implicit, locale)
  return chosen.includes('{') ? chosen.replace(/\{(\w+)\}/g, (_, name: string) => String(params?.[name] ?? '')) : chosen
}

/** "de_DE", "de-AT", "fr_FR.UTF-8", "de" → de/fr; anything unknown → en. */
export function pickLocale(tag: string | null | undefined): Locale {
  const language = (tag ?? '').split(/[-_.]/)[0]?.toLowerCase() ?? ''
  return (locales as readonly string[]).includes(language) ? (language as Locale) : 'en'
}

/** A BCP 47 tag for Intl and <html lang>: "de_DE" → "de-DE"; falls back to the catalogue. */
export function toBcp47(tag: string | null | undefined, locale: Locale): string {
  const candidate = (tag ?? '').replace(/\..*$/, '').replace(/@.*$/, '').replace(/_/g, '-')
  if (candidate.split('-')[0]?.toLowerCase() === locale) {
    try {
      return Intl.getCanonicalLocales(candidate)[0] ?? locale
    } catch {
      // not a valid tag ("C", "POSIX"): use the bare language
    }
  }
  return locale
}

/**
 * Switches the catalogue and Intl formats, and sets <html lang>: at once when the language's
 * catalogue is loaded (English's always is), else once it is. Resolves with the locale in use then;
 * of calls that overlap, the last one wins.
 */
export async function setLocale(tag: string | null | undefined): Promise<Locale> {
  const locale = pickLocale(tag)
  const request = ++latestRequest
  if (locale !== 'en' && !catalogues[locale]) {
    try {
      catalogues[locale] = await loadCatalogue[locale]()
    } catch (error) {
      console.error(`conduit: the ${locale} catalogue did not load`, error)
      return current.value
    }
  }
  if (request === latestRequest) {
    current.value = locale
    currentTag.value = toBcp47(tag, locale)
    if (typeof document !== 'undefined') document.documentElement.lang = currentTag.value
  }
  return current.value
}

export const locale = computed<Locale>(() => current.value)
export const localeTag = computed(() => currentTag.value)

/** Looks up a message and fills `{name}` placeholders; a missing key gives the key. */
export function t(key: MessageKey, params?: Params): string {
  return render(key, params, undefined)
}

/** A message with plural forms chosen by `count`; `{n}` is the count formatted for the locale. */
export function tn(key: MessageKey, count: number, params: Params = {}): string {
  return render(key, { n: formatNumber(count), ...params }, count)
}

/** Whether a key exists (for data-driven keys such as error codes and kinds). */
export function hasMessage(key: string): key is MessageKey {
  return lookUp(en, key) !== undefined
}

// ---- Intl --------------------------------------------------------------------------------

const formats = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>()

function cached<F extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: (tag: string) => F): F {
  const tag = currentTag.value
  const full = `${tag}|${key}`
  let format = formats.get(full) as F | undefined
  if (!format) {
    format = make(tag)
    formats.set(full, format)
  }
  return format
}

/** What separates a time's seconds from its milliseconds, by language (Intl's for en, de, fr). */
const fractionSeparator: Record<Locale, string> = { en: '.', de: ',', fr: ',' }

/**
 * HH:MM:SS.mmm, 24-hour, with the language's decimal separator: written out, not by Intl (it is
 * the tick's and every console row's; some regions' Intl format differs, e.g. de-CH's ".").
 */
export function formatTime(value: number | Date): string {
  const at = new Date(value)
  const two = (n: number) => String(n).padStart(2, '0')
  const millis = String(at.getMilliseconds()).padStart(3, '0')
  return `${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}${fractionSeparator[current.value]}${millis}`
}

/** Date and time of day, e.g. "5 May 2025, 14:03:07". */
export function formatDateTime(value: number | Date | string): string {
  const at = typeof value === 'string' ? Date.parse(value) : value
  if (typeof at === 'number' && Number.isNaN(at)) return String(value)
  return cached('datetime', (tag) => new Intl.DateTimeFormat(tag, { dateStyle: 'medium', timeStyle: 'medium' })).format(at)
}

export function formatNumber(value: number, maximumFractionDigits = 0): string {
  // Whole numbers below 1000 read the same in every locale the page speaks (no grouping).
  if (maximumFractionDigits === 0 && Number.isInteger(value) && value >= 0 && value < 1000) return String(value)
  return cached(
    `n${maximumFractionDigits}`,
    (tag) => new Intl.NumberFormat(tag, { maximumFractionDigits, minimumFractionDigits: maximumFractionDigits }),
  ).format(value)
}

export function formatPercent(fraction: number): string {
  return cached('pct', (tag) => new Intl.NumberFormat(tag, { style: 'percent', maximumFractionDigits: 0 })).format(
    fraction,
  )
}

const SIZE_UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const

/** Decimal units, as file managers show them: 999 B, 1.0 kB, 12.3 MB, 4.7 GB (fr: Mo, Go). */
function formatScaled(value: number, suffix: '' | '-per-second'): string {
  let index = 0
  let scaled = Math.max(0, value)
  while (scaled >= 999.95 && index < SIZE_UNITS.length - 1) {
    scaled /= 1000
    index++
  }
  const unit = `${SIZE_UNITS[index]}${suffix}`
  // Intl says "12 byte" in English; the catalogue has the short symbol (B, o).
  if (index === 0) {
    return t(suffix ? 'units.bytesPerSecond' : 'units.bytes', { n: formatNumber(Math.round(scaled)) })
  }
  const digits = 1
  return cached(
    `u${unit}`,
    (tag) =>
      new Intl.NumberFormat(tag, {
        style: 'unit',
        unit,
        unitDisplay: 'short',
        maximumFractionDigits: digits,
        minimumFractionDigits: digits,
      }),
  ).format(scaled)
}

export function formatBytes(bytes: number): string {
  return formatScaled(bytes, '')
}

export function formatByteRate(bytesPerSecond: number): string {
  return formatScaled(bytesPerSecond, '-per-second')
}

/** "2 min 5 s", "1 h 4 min", "12 s" (rounded up to whole seconds). */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000))
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  if (h > 0) return t('duration.hours', { h: formatNumber(h), m: formatNumber(m) })
  if (m > 0) return t('duration.minutes', { m: formatNumber(m), s: formatNumber(s) })
  return t('duration.seconds', { s: formatNumber(s) })
}

/** A time string from the native side (ISO 8601 or anything Date understands) in local format. */
export function formatForeignTime(text: string): string {
  const parsed = Date.parse(text)
  return Number.isNaN(parsed) ? text : formatTime(parsed)
}
