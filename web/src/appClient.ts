// SPDX-License-Identifier: MIT
// What the page's components need from the conduit client, and how they get it: App provides the
// client it was given (the real one in main.ts, a fake in the tests) and the views inject it.

import { inject, type InjectionKey } from 'vue'
import type { ConduitClient } from './conduit/client'
import type { Tasks } from './conduit/tasks'

/** What the page uses of `conduit.tasks`. */
export type TasksApi = Pick<
  Tasks,
  'start' | 'retry' | 'list' | 'attach' | 'watch' | 'onForeign' | 'remember' | 'recall' | 'setLimit' | 'forget'
>

/** What the page uses of the conduit client. */
export type AppClient = Pick<
  ConduitClient,
  'ready' | 'invoke' | 'listen' | 'emit' | 'handle' | 'state' | 'onStateChange'
> & { readonly tasks: TasksApi }

/** App provides the client under this key. */
export const clientKey: InjectionKey<AppClient> = Symbol('conduit client')

/** The client App provides (throws outside of it). */
export function useClient(): AppClient {
  const client = inject(clientKey, null)
  if (!client) throw new Error('No conduit client provided')
  return client
}
