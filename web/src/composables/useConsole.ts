// SPDX-License-Identifier: MIT
// The console's state: every message in both directions, the tick counter, the connection, and
// the native `confirm` questions waiting for an answer. Works over anything shaped like the
// client, so the component test drives it with a fake.
//
// Messages can come 20 000 a second. Each one becomes a plain row in a plain array; the rows
// reach the reactive list in one commit per animation frame (frameBatch), and the list keeps the
// newest MAX_ROWS, dropping the oldest in bulk and counting them in `dropped`.

import { ref, shallowRef, type Ref, type ShallowRef } from 'vue'
import type { ConduitClient, ConnectionState } from '../conduit/client'
import type { Events, Welcome } from '../conduit/api'
import { ConduitError } from '../conduit/errors'
import { setLocale } from '../i18n'
import { frameBatch } from './frameBatch'
import { indexOfKey } from './virtualList'

export type ConsoleClient = Pick<
  ConduitClient,
  'ready' | 'invoke' | 'listen' | 'emit' | 'handle' | 'state' | 'onStateChange'
>

export type Direction = 'out' | 'in'
export type RowKind = 'invoke' | 'result' | 'event' | 'request' | 'reply' | 'emit'
export type SendMode = 'echo' | 'process'

/** One message. A row is not changed once it is in `rows`: a change replaces it. */
export interface Row {
  /** Ascending in the order rows are added. */
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

/** The newest rows kept; older ones are dropped and counted. */
export const MAX_ROWS = 10_000
/** Console calls give up after this long (so a missing native side shows as a timeout row). */
export const INVOKE_TIMEOUT_MS = 10_000
/** process.tell ids remembered for matching their process.output. */
const MAX_TRACKED_SENDS = 500

export interface ConsoleState {
  /** The newest MAX_ROWS messages, oldest first; a new array at each commit. */
  rows: Readonly<ShallowRef<readonly Row[]>>
  /** How many older messages were dropped to keep MAX_ROWS. */
  dropped: Readonly<Ref<number>>
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
  const rows = shallowRef<readonly Row[]>([])
  const dropped = ref(0)
  const connection = ref<ConnectionState>(client.state)
  const welcome = shallowRef<Welcome | null>(null)
  const tick = shallowRef<Events['process.tick'] | null>(null)
  const questions = ref<ConfirmQuestion[]>([])
  let nextKey = 0
  let disposed = false

  // process.tell id → when the send started; outputs that arrive before their send's result
  // (same batch) wait in earlyOutputs.
  const sendStarts = new Map<number, number>()
  const earlyOutputs = new Map<number, { key: number; at: number }[]>()

  // Rows and changes to committed rows wait here, plain, for the next commit.
  let pending: Row[] = []
  let pendingDropped = 0
  const patches = new Map<number, Partial<Row>>()
  const batch = frameBatch(commit)

  function addRow(row: Omit<Row, 'key' | 'at'>): Row {
    const added: Row = { ...row, key: ++nextKey, at: Date.now() }
    pending.push(added)
    // A page that gets no frames (hidden) still holds no more than it could show.
    if (pending.length >= 2 * MAX_ROWS) {
      pendingDropped += pending.length - MAX_ROWS
      pending = pending.slice(pending.length - MAX_ROWS)
    }
    batch.request()
    return added
  }

  /** Changes a row: in place while it waits, by replacing it at the next commit once it is shown. */
  function patchRow(key: number, patch: Partial<Row>): void {
    const waiting = pending[indexOfKey(pending, key)]
    if (waiting?.key === key) {
      Object.assign(waiting, patch)
      return
    }
    patches.set(key, { ...patches.get(key), ...patch })
    batch.request()
  }

  function commit(): void {
    if (pending.length === 0 && patches.size === 0) return
    const current = rows.value
    let next = pending.length === 0 ? current.slice() : current.concat(pending)
    const excess = next.length - MAX_ROWS
    if (excess > 0) next = next.slice(excess)
    for (const [key, patch] of patches) {
      const index = indexOfKey(next, key)
      if (next[index]?.key === key) next[index] = { ...next[index]!, ...patch }
    }
    if (excess > 0 || pendingDropped > 0) dropped.value += Math.max(0, excess) + pendingDropped
    pending = []
    pendingDropped = 0
    patches.clear()
    rows.value = next
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
        for (const early of earlyOutputs.get(value.id) ?? []) patchRow(early.key, { latencyMs: early.at - started })
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
    const started = sendStarts.get(payload.id)
    const row = addRow({
      direction: 'in',
      kind: 'event',
      name: 'process.output',
      text: summarize(payload.text),
      ...(started === undefined ? {} : { latencyMs: at - started }),
    })
    if (started === undefined) {
      const early = earlyOutputs.get(payload.id)
      if (early) early.push({ key: row.key, at })
      else remember(earlyOutputs, payload.id, [{ key: row.key, at }])
    }
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
    if (w.locale) void setLocale(w.locale)
    emitVisibility()
  })

  return {
    rows,
    dropped,
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
      batch.stop()
    },
  }
}
