// SPDX-License-Identifier: MIT
// What every kind's form does the same way: fields the user has left (only those say
// "Required"), native dialogs in flight, one start at a time, and the form's error line.

import { reactive, ref, type Ref } from 'vue'
import { useClient, type AppClient } from '../appClient'
import type { TaskKind, TaskParams } from '../conduit/api'
import { ConduitError } from '../conduit/errors'
import { t } from '../i18n'
import type { KindFormProps } from '../kinds/KindDescriptor'

/** What a field's component exposes: FormField's focus(). */
interface Focusable {
  focus(): void
}

/** A kind form's shared state and actions (useKindForm). */
export interface KindForm<K extends TaskKind> {
  /** The form's kind (KindForm.vue names its test ids after it). */
  kind: K
  /** The client, for the native dialogs. */
  client: AppClient
  /** Fields left (or filled from a dialog) by the user: only those show "Required". */
  touched: Set<string>
  /** Fields whose dialog is open. */
  picking: Set<string>
  /** A start is in flight. */
  busy: Ref<boolean>
  /** Why the last start or dialog failed, or null. */
  error: Ref<string | null>
  /** A template ref for field `name`, so a dialog can give it the focus back. */
  fieldRef(name: string): (el: unknown) => void
  /** Asks a native dialog for a path and gives it to `apply`; a cancelled dialog changes nothing. */
  pick(field: string, ask: () => Promise<{ path: string | null }>, apply: (path: string) => void): Promise<void>
  /** Starts the task with `params` (null: not valid yet, nothing happens), then `reset`s the fields. */
  submit(params: TaskParams<K> | null, reset: () => void): Promise<void>
}

/** The state and actions of `kind`'s form, from the props every kind form gets. */
export function useKindForm<K extends TaskKind>(kind: K, props: KindFormProps<K>): KindForm<K> {
  const client = useClient()
  const touched = reactive(new Set<string>())
  const picking = reactive(new Set<string>())
  const busy = ref(false)
  const error = ref<string | null>(null)
  const fields = new Map<string, Focusable | null>()

  function fieldRef(name: string): (el: unknown) => void {
    return (el) => {
      fields.set(name, (el as Focusable | null) ?? null)
    }
  }

  async function pick(
    field: string,
    ask: () => Promise<{ path: string | null }>,
    apply: (path: string) => void,
  ): Promise<void> {
    picking.add(field)
    error.value = null
    try {
      const { path } = await ask()
      if (path) {
        apply(path)
        touched.add(field)
      }
    } catch (caught) {
      error.value = t('forms.dialogFailed', { message: ConduitError.from(caught).message })
    } finally {
      picking.delete(field)
      fields.get(field)?.focus()
    }
  }

  async function submit(params: TaskParams<K> | null, reset: () => void): Promise<void> {
    if (!params || busy.value) return
    busy.value = true
    error.value = null
    try {
      await props.start(params)
      reset()
    } catch (caught) {
      error.value = t('forms.startFailed', { message: ConduitError.from(caught).message })
    } finally {
      busy.value = false
    }
  }

  return { kind, client, touched, picking, busy, error, fieldRef, pick, submit }
}
