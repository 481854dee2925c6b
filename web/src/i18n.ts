// The page's message catalogue: every visible string (and every aria-label) in one place, with
// `en` as the reference and `de` type-checked against it. Numbers and times go through Intl.

import { computed, ref } from 'vue'

const en = {
  appName: 'Conduit',
  appTagline: 'Message console',
  'connection.label': 'Connection',
  'connection.connecting': 'Connecting…',
  'connection.connected': 'Connected',
  'connection.unavailable': 'Not connected',
  'ticks.label': 'Ticks from the process',
  'ticks.none': 'No ticks yet',
  'ticks.value': '{count} at {time}',
  'ticks.short': 'Tick',
  'log.label': 'Messages',
  'log.empty': 'No messages yet. Type something below and press Enter.',
  'log.jumpToLatest': 'Jump to the newest message',
  'direction.out': 'page → native',
  'direction.in': 'native → page',
  'kind.invoke': 'invoke',
  'kind.result': 'result',
  'kind.event': 'event',
  'kind.request': 'request',
  'kind.reply': 'reply',
  'kind.emit': 'emit',
  'row.latency': '{ms} ms',
  'row.latencyLabel': 'Round trip',
  'row.time': 'Time',
  'row.error': 'Error {code}',
  'composer.label': 'Message',
  'composer.placeholder': 'Type a message…',
  'composer.mode': 'Send as',
  'composer.mode.echo': 'Echo (command)',
  'composer.mode.process': 'Send to process',
  'composer.send': 'Send',
  'composer.hint': 'Enter sends',
  'confirm.title': 'The application asks',
  'confirm.yes': 'Yes',
  'confirm.no': 'No',
  'confirm.hint': 'Escape answers No',
  'confirm.more': '{n} more waiting',
  'answer.yes': 'Yes',
  'answer.no': 'No',
  'footer.version': 'Version {version}',
}

export type MessageKey = keyof typeof en
export type Catalogue = Record<MessageKey, string>

const de: Catalogue = {
  appName: 'Conduit',
  appTagline: 'Nachrichtenkonsole',
  'connection.label': 'Verbindung',
  'connection.connecting': 'Verbinde…',
  'connection.connected': 'Verbunden',
  'connection.unavailable': 'Nicht verbunden',
  'ticks.label': 'Takte des Prozesses',
  'ticks.none': 'Noch keine Takte',
  'ticks.value': '{count} um {time}',
  'ticks.short': 'Takt',
  'log.label': 'Nachrichten',
  'log.empty': 'Noch keine Nachrichten. Unten etwas eingeben und Enter drücken.',
  'log.jumpToLatest': 'Zur neuesten Nachricht springen',
  'direction.out': 'Seite → nativ',
  'direction.in': 'nativ → Seite',
  'kind.invoke': 'Aufruf',
  'kind.result': 'Ergebnis',
  'kind.event': 'Ereignis',
  'kind.request': 'Anfrage',
  'kind.reply': 'Antwort',
  'kind.emit': 'Senden',
  'row.latency': '{ms} ms',
  'row.latencyLabel': 'Umlaufzeit',
  'row.time': 'Zeit',
  'row.error': 'Fehler {code}',
  'composer.label': 'Nachricht',
  'composer.placeholder': 'Nachricht eingeben…',
  'composer.mode': 'Senden als',
  'composer.mode.echo': 'Echo (Befehl)',
  'composer.mode.process': 'An den Prozess senden',
  'composer.send': 'Senden',
  'composer.hint': 'Enter sendet',
  'confirm.title': 'Die Anwendung fragt',
  'confirm.yes': 'Ja',
  'confirm.no': 'Nein',
  'confirm.hint': 'Escape antwortet Nein',
  'confirm.more': '{n} weitere warten',
  'answer.yes': 'Ja',
  'answer.no': 'Nein',
  'footer.version': 'Version {version}',
}

export const catalogues = { en, de } satisfies Record<string, Catalogue>
export type Locale = keyof typeof catalogues

/** "de_DE", "de-AT", "de" → de; anything unknown → en. */
export function pickLocale(tag: string | null | undefined): Locale {
  const language = (tag ?? '').split(/[-_]/)[0]?.toLowerCase() ?? ''
  return language in catalogues ? (language as Locale) : 'en'
}

/** A BCP 47 tag for Intl and <html lang>: "de_DE" → "de-DE"; falls back to the catalogue. */
export function toBcp47(tag: string | null | undefined, locale: Locale): string {
  const candidate = (tag ?? '').replace(/_/g, '-').replace(/\..*$/, '')
  if (candidate && pickLocale(candidate) === locale) {
    try {
      return Intl.getCanonicalLocales(candidate)[0] ?? locale
    } catch {
      // not a valid tag ("C", "POSIX"): use the bare language
    }
  }
  return locale
}

const current = ref<Locale>(pickLocale(typeof navigator === 'undefined' ? 'en' : navigator.language))
const currentTag = ref<string>(current.value)

/** Switches the catalogue and Intl formats, and sets <html lang>. */
export function setLocale(tag: string | null | undefined): Locale {
  const locale = pickLocale(tag)
  current.value = locale
  currentTag.value = toBcp47(tag, locale)
  if (typeof document !== 'undefined') document.documentElement.lang = currentTag.value
  return locale
}

export const locale = computed(() => current.value)
export const localeTag = computed(() => currentTag.value)

/** Looks up a message and fills `{name}` placeholders. */
export function t(key: MessageKey, params?: Record<string, string | number>): string {
  const text = catalogues[current.value][key]
  if (!params) return text
  return text.replace(/\{(\w+)\}/g, (match, name: string) => (name in params ? String(params[name]) : match))
}

const timeFormats = new Map<string, Intl.DateTimeFormat>()
const numberFormats = new Map<string, Intl.NumberFormat>()

/** HH:MM:SS.mmm, 24-hour, in the current locale's separators. */
export function formatTime(value: number | Date): string {
  const tag = currentTag.value
  let format = timeFormats.get(tag)
  if (!format) {
    format = new Intl.DateTimeFormat(tag, {
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      fractionalSecondDigits: 3,
      hourCycle: 'h23',
    })
    timeFormats.set(tag, format)
  }
  return format.format(value)
}

export function formatNumber(value: number, maximumFractionDigits = 0): string {
  const tag = currentTag.value
  const key = `${tag}|${maximumFractionDigits}`
  let format = numberFormats.get(key)
  if (!format) {
    format = new Intl.NumberFormat(tag, { maximumFractionDigits, minimumFractionDigits: maximumFractionDigits })
    numberFormats.set(key, format)
  }
  return format.format(value)
}

/** A time string from the native side (ISO 8601 or anything Date understands) in local format. */
export function formatForeignTime(text: string): string {
  const parsed = Date.parse(text)
  return Number.isNaN(parsed) ? text : formatTime(parsed)
}
