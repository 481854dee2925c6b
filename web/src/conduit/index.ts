// SPDX-License-Identifier: MIT
// The page's conduit: one client over the QWebChannel transport, also reachable as
// `window.conduit` (the same object) for the devtools console and outside automation.

import { ConduitClient } from './client'
import { connectQWebChannel } from './transport'

export const conduit = new ConduitClient(connectQWebChannel())

declare global {
  interface Window {
    conduit: ConduitClient
  }
}

window.conduit = conduit

export default conduit

export { ConduitClient } from './client'
export type { ClientOptions, ConnectionState, InvokeOptions, Unlisten } from './client'
export { Channel } from './channel'
export { ConduitBytes } from './bytes'
export type { BytesInput } from './upload'
export { TaskHandle, Tasks, isFinalTaskState, taskError } from './tasks'
export type { TaskAttachOptions, TaskRunOptions, TaskStartOptions, TaskWatchOptions } from './tasks'
export { ConduitError, ERROR_CODES, isErrorCode } from './errors'
export type { ErrorCode, ErrorPayload } from './errors'
export { connectQWebChannel } from './transport'
export type { Transport, ConnectOptions } from './transport'
export type * from './api'
