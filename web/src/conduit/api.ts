// The typed surface: which commands the page may invoke, which events travel, and which
// questions the native side may ask. Add a name here and invoke/listen/emit/handle type-check it.

/** page → native commands: `invoke(name, args)` resolves with `result`. */
export interface Commands {
  echo: { args: { text: string }; result: { text: string } }
  'process.send': { args: { text: string }; result: { id: number } }
  // tasks.* commands arrive with conduit.tasks (DESIGN §4/§5) in a later step.
}

/** Events, in either direction: `listen(name, cb)` / `emit(name, payload)`. */
export interface Events {
  'process.tick': { count: number; time: string }
  'process.output': { id: number; text: string }
  'page.visible': { visible: boolean }
}

/** native → page requests: `handle(name, fn)` answers them with `result`. */
export interface Requests {
  confirm: { args: { question: string }; result: boolean }
}

export type CommandName = keyof Commands
export type CommandArgs<K extends CommandName> = Commands[K]['args']
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

/** The `welcome` envelope, the native answer to `hello`. */
export interface Welcome {
  session: string
  /** e.g. "de_DE" */
  locale: string
  version: string
  snapshot: unknown
}
