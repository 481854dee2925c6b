// SPDX-License-Identifier: MIT
// The console's state: every message in both directions, the tick counter, the connection, and
// the native `confirm` questions waiting for an answer. Works over anything shaped like the
// client, so the component test drives it with a fake.

import { ref, shallowRef, type Ref } from 'vue'
import type { ConduitClient, ConnectionState } from '../conduit/client'
import type { Events, Welcome } from '../conduit/api'
import { ConduitError } from '../conduit/errors'
import { setLocale } from '../i18n'

export type ConsoleClient = Pick<
  ConduitClient,
  'ready' | 'invoke' | 'listen' | 'emit' | 'handle' | 'state' | 'onStateChange'
>

export type Direction = 'out' | 'in'
export type RowKind = 'invoke' | 'result' | 'event' | 'request' | 'reply' | 'emit'
export type SendMode = 'echo' | 'process'

export interface Row {
  key: number
  direction: Direction
  kind: RowKind
  /** The command, event or request name. */
  name: string
  text: string
  /** Date.now() when the row was added. */
  at: number
  latencyMs?: number
  error?: { code: string; message: string }
}

export interface ConfirmQuestion {
  key: number
  question: string
  answer(yes: boolean): void
}

export const MAX_ROWS = 500
/** Console calls give up after this long (so a missing native side shows as a timeout row). */
export const INVOKE_TIMEOUT_MS = 10_000
/** process.tell ids remembered for matching their process.output. */
const MAX_TRACKED_SENDS = 500

export interface ConsoleState {
  rows: Ref<Row[]>
  connection: Ref<ConnectionState>
  welcome: Ref<Welcome | null>
  tick: Ref<Events['process.tick'] | null>
  questions: Ref<ConfirmQuestion[]>
  send(text: string, mode: SendMode): Promise<void>
  dispose(): void
}

export function summarize(value: unknown): string {
  if (typeof value === 'string') return value
  if (value === undefined) return ''
  if (value && typeof value === 'object') {
    const keys = Object.keys(value)
    if (keys.length === 1 && typeof (value as { text?: unknown }).text === 'string') {
      return (value as { text: string }).text
    }
  }
  const json = JSON.stringify(value) ?? String(value)
  return json.length > 2000 ? `${json.slice(0, 2000)}…` : json
}

export function useConsole(client: ConsoleClient, options: { now?: () => number } = {}): ConsoleState {
  const now = options.now ?? (() => performance.now())
  const rows = ref<Row[]>([])
  const connection = ref<ConnectionState>(client.state)
  const welcome = shallowRef<Welcome | null>(null)
  const tick = shallowRef<Events['process.tick'] | null>(null)
  const questions = ref<ConfirmQuestion[]>([])
  let nextKey = 0
  let disposed = false

  // process.tell id → when the send started; outputs that arrive before their send's result
  // (same batch) wait in earlyOutputs.
  const sendStarts = new Map<number, number>()
  const earlyOutputs = new Map<number, { row: Row; at: number }[]>()

  function addRow(row: Omit<Row, 'key' | 'at'>): Row {
    const list = rows.value
    list.push({ ...row, key: ++nextKey, at: Date.now() })
    if (list.length > MAX_ROWS) list.splice(0, list.length - MAX_ROWS)
    return list[list.length - 1]! // the reactive proxy, so later changes render
  }

  function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
    map.set(key, value)
    if (map.size > MAX_TRACKED_SENDS) map.delete(map.keys().next().value as K)
  }

  async function send(text: string, mode: SendMode): Promise<void> {
    const cmd = mode === 'echo' ? 'echo' : 'process.tell'
    addRow({ direction: 'out', kind: 'invoke', name: cmd, text })
    const started = now()
    try {
      if (mode === 'echo') {
        const value = await client.invoke('echo', { text }, { timeoutMs: INVOKE_TIMEOUT_MS })
        addRow({ direction: 'in', kind: 'result', name: cmd, text: summarize(value), latencyMs: now() - started })
      } else {
        const value = await client.invoke('process.tell', { text }, { timeoutMs: INVOKE_TIMEOUT_MS })
        addRow({ direction: 'in', kind: 'result', name: cmd, text: summarize(value), latencyMs: now() - started })
        remember(sendStarts, value.id, started)
        for (const early of earlyOutputs.get(value.id) ?? []) early.row.latencyMs = early.at - started
        earlyOutputs.delete(value.id)
      }
    } catch (caught) {
      const error = ConduitError.from(caught)
      addRow({
        direction: 'in',
        kind: 'result',
        name: cmd,
        text: error.message,
        latencyMs: now() - started,
        error: { code: error.code, message: error.message },
      })
    }
  }

  function onOutput(payload: Events['process.output']): void {
    const at = now()
    const row = addRow({ direction: 'in', kind: 'event', name: 'process.output', text: summarize(payload.text) })
    const started = sendStarts.get(payload.id)
    if (started !== undefined) row.latencyMs = at - started
    else remember(earlyOutputs, payload.id, [...(earlyOutputs.get(payload.id) ?? []), { row, at }])
  }

  function ask({ question }: { question: string }): Promise<boolean> {
    addRow({ direction: 'in', kind: 'request', name: 'confirm', text: question })
    return new Promise<boolean>((resolve) => {
      const entry: ConfirmQuestion = {
        key: ++nextKey,
        question,
        answer(yes) {
          const index = questions.value.findIndex((q) => q.key === entry.key)
          if (index < 0) return // answered already
          questions.value.splice(index, 1)
          addRow({ direction: 'out', kind: 'reply', name: 'confirm', text: JSON.stringify(yes) })
          resolve(yes)
        },
      }
      questions.value.push(entry)
    })
  }

  function emitVisibility(): void {
    const payload = { visible: document.visibilityState === 'visible' }
    client.emit('page.visible', payload)
    addRow({ direction: 'out', kind: 'emit', name: 'page.visible', text: JSON.stringify(payload) })
  }

  setLocale(typeof navigator === 'undefined' ? 'en' : navigator.language)
  const cleanups: (() => void)[] = [
    client.onStateChange((state) => (connection.value = state)),
    client.listen('process.tick', (payload) => (tick.value = payload)),
    client.listen('process.output', onOutput),
    client.handle('confirm', ask),
  ]
  document.addEventListener('visibilitychange', emitVisibility)
  cleanups.push(() => document.removeEventListener('visibilitychange', emitVisibility))

  void client.ready().then((w) => {
    if (disposed) return
    welcome.value = w
    connection.value = client.state
    if (w.locale) setLocale(w.locale)
    emitVisibility()
  })

  return {
    rows,
    connection,
    welcome,
    tick,
    questions,
    send,
    dispose() {
      disposed = true
      for (const cleanup of cleanups) cleanup()
      // A question left open when the page goes away is answered No rather than left hanging.
      for (const q of [...questions.value]) q.answer(false)
    },
  }
}
