// SPDX-License-Identifier: MIT
// The typed surface: which commands the page may invoke, which events travel, and which
// questions the native side may ask. Add a name here and invoke/listen/emit/handle type-check it.

import type { ConduitBytes } from './bytes'
import type { BytesInput } from './upload'
import type {
  GeneratedCommands,
  GeneratedEvents,
  GeneratedPageEvents,
  GeneratedRequests,
} from './generated/api'
import type {
  HashSkipped,
  TaskKinds,
  TaskOutputItem as AnyTaskOutputItem,
  TaskSnapshot as AnyTaskSnapshot,
  finalTaskStates,
} from './generated/api'

// The commands, events and requests are declared once, natively (bridge/ApiCatalogue and the
// registrations in app/), and generated into ./generated/api.ts by the build: a command changed
// in C++ fails this page's type check until the page follows.

/** page → native commands: `invoke(name, args)` resolves with `result`. */
export type Commands = GeneratedCommands

/** Events, in either direction: `listen(name, cb)` / `emit(name, payload)`. */
export type Events = GeneratedEvents & GeneratedPageEvents

/** native → page requests: `handle(name, fn)` answers them with `result`. */
export type Requests = GeneratedRequests

export type CommandName = keyof Commands
/** A command's arguments as the page passes them: a Schema::bytes() one takes BytesInput. */
export type CommandArgs<K extends CommandName> = PageArgs<Commands[K]['args']>
type PageArgs<A> = { [P in keyof A]: A[P] extends ConduitBytes ? BytesInput : A[P] }
export type CommandResult<K extends CommandName> = Commands[K]['result']
export type EventName = keyof Events
export type EventPayload<K extends EventName> = Events[K]
export type RequestName = keyof Requests
export type RequestArgs<K extends RequestName> = Requests[K]['args']
export type RequestResult<K extends RequestName> = Requests[K]['result']

/**
 * For the untyped fallback overloads: a name that is NOT in the map. Known names resolve to
 * `never` here, so a typo in the arguments of a known command is a type error, not a fallback.
 */
export type UnknownName<N extends string, Known> = N extends keyof Known ? never : N

/** The `welcome` envelope, the native answer to `hello` (generated from Bridge::welcomeSchema). */
export type { Welcome } from './generated/api'
/** The native side's limits (BridgeLimits::forPage), as the welcome reports them. */
export type { BridgeLimits } from './generated/api'
/** The views a window shows by name, as the application declares them (app/AppViews.h). */
export type { AppView } from './generated/api'

// ---- tasks (docs/ARCHITECTURE.md, "Tasks") ----------------------------------------------------

/** Every state a task can be in, and the ones it ends in, as native names them (generated). */
export type { TaskState, TaskProgress, TaskProgressEvent } from './generated/api'
/** Why the task history was set aside, or is off in this run (worker/TaskHistoryNotice). */
export type { TaskHistoryNotice } from './generated/api'
export type FinalTaskState = (typeof finalTaskStates)[number]

/** A task as native reports it (worker/TaskSnapshot), its result typed as the kind's: R. */
export type TaskSnapshot<R = unknown> = Omit<AnyTaskSnapshot, 'result'> & {
  /** Present once `completed`. */
  result?: R
}

/** One item of a task's output stream (worker/TaskOutputLog), its value typed as the kind's. */
export type TaskOutputItem<T = unknown> = Omit<AnyTaskOutputItem, 'value'> & { value: T }

/**
 * The task kinds the application ships, each as its C++ class declares it (worker/TaskKind.h):
 * params, result, the values on its output stream and its progress unit. Generated.
 */
export type {
  TaskKinds,
  HashAlgorithm,
  HashSkipReason,
  HashSkipped,
  VerifyProblem,
  VerifyVerdict,
} from './generated/api'

/**
 * A file name in a hash or verify result: as it is when it is valid UTF-8; otherwise with `\` as
 * `\\` and each byte that is not UTF-8 as `\xHH`, and `escaped: true` (docs/API.md).
 */
export type ResultPath = Pick<HashSkipped, 'path' | 'escaped'>

export type HashParams = TaskParams<'hash'>
export type HashResult = TaskResult<'hash'>
export type VerifyParams = TaskParams<'verify'>
export type VerifyResult = TaskResult<'verify'>
export type DownloadParams = TaskParams<'download'>
export type DownloadResult = TaskResult<'download'>
export type TailParams = TaskParams<'tail'>

export type TaskKind = keyof TaskKinds
export type TaskParams<K extends TaskKind> = TaskKinds[K]['params']
export type TaskResult<K extends TaskKind> = TaskKinds[K]['result']
export type TaskOutput<K extends TaskKind> = TaskKinds[K]['output']
