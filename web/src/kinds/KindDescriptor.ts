// SPDX-License-Identifier: MIT
// What the page knows of one task kind, beyond the types generated from its C++ declaration: the
// form that starts it, the view of its result, its labels and how its output is shown. Each kind
// has a folder of its own (kinds/<kind>/) whose index.ts exports one of these; kinds/index.ts
// lists them all, and the type check fails while a kind declared natively has none.

import type { Component } from 'vue'
import type { TaskKind, TaskOutput, TaskParams, TaskResult, TaskState } from '../conduit/api'
import type { MessageKey } from '../i18n'

/** The props every kind's form gets: how to start the task once the fields are valid. */
export interface KindFormProps<K extends TaskKind> {
  /** Starts the task; rejects (with a ConduitError) when it could not be started. */
  start(params: TaskParams<K>): Promise<unknown>
}

/** The props every kind's result view gets: a completed task's result (its root gets `.result`). */
export interface KindResultProps<K extends TaskKind> {
  result: TaskResult<K>
}

/**
 * A task's output as the page keeps it while the task runs: fed item by item, told when the
 * stream ends, and saved across a reload of the page.
 */
export interface OutputBuffer<O> {
  /** One output item, in order. */
  push(item: O): void
  /** The task's output stream ended (or the task had ended before the page came back). */
  end(): void
  /** What to keep for a reload (JSON); given back to KindOutput.create. */
  save(): unknown
}

/** The props of a kind's output view. */
export interface KindOutputProps<B> {
  buffer: B
  /** The task's label, for the view's accessible name. */
  label: string
  /** The task id, for ids in the view. */
  id: number
  /** The task's state now (a view may hold still while the task is paused). */
  state?: TaskState
}

/** How a kind that streams output shows it while it runs. */
export interface KindOutput<O, B extends OutputBuffer<O> = OutputBuffer<O>> {
  /**
   * A buffer for one task's output. `saved` is what its save() returned before a reload
   * (undefined for a new task); call `changed` when there is something new to save. `params`
   * are the task's, as started (native filled in the defaults).
   */
  create(saved: unknown, changed: () => void, params: unknown): B
  /** Shows the buffer in the task's row. */
  view: Component<KindOutputProps<B>>
}

/** One task kind's page part (kinds/<kind>/index.ts). */
export interface KindDescriptor<K extends TaskKind> {
  /** The kind's name, as native declares it. */
  readonly kind: K
  /** Its short name in the task list ("Hash"). */
  readonly name: MessageKey
  /** The title of its form, also the form's tab ("Hash a folder"). */
  readonly title: MessageKey
  /** The form that starts one. */
  readonly form: Component<KindFormProps<K>>
  /** Shows a completed task's result; null for a kind that has none. */
  readonly result: [TaskResult<K>] extends [never] ? null : Component<KindResultProps<K>>
  /**
   * How the page reads and shows the task's output while it runs. Absent: the page does not
   * attach to the output at all (the kind's result carries what matters).
   */
  readonly output?: [TaskOutput<K>] extends [never] ? never : KindOutput<TaskOutput<K>, any>
  /** A short label from the params: what the task works on ('' when they say nothing). */
  label(params: TaskParams<K>): string
  /**
   * What an interrupted task's row says Retry will do, when the kind does better than start
   * again (a download continues). Absent: `task.interrupted`.
   */
  readonly interruptedHint?: MessageKey
  /** A label from the result, for a task whose params the page never saw. */
  labelFromResult?(result: TaskResult<K>): string
}
