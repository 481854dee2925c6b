// SPDX-License-Identifier: MIT
// The error model shared with the native side (docs/DESIGN.md §3): every failure is
// {code, message, details?}.

import { errorCodes, type ErrorCode, type ErrorPayload } from './generated/api'

/** Every code a failure may carry, as native declares them: the bridge's, then the app's. */
export const ERROR_CODES = errorCodes

/** One of ERROR_CODES; an error as it travels in `result`, `reply` and `end` envelopes. */
export type { ErrorCode, ErrorPayload }

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value)
}

/** What every rejected conduit promise carries. */
export class ConduitError extends Error {
  override readonly name = 'ConduitError'
  readonly code: ErrorCode
  readonly details?: unknown

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message)
    this.code = code
    if (details !== undefined) this.details = details
  }

  /** Builds an error from a wire payload; anything malformed becomes an `internal` error. */
  static fromPayload(payload: unknown): ConduitError {
    if (payload && typeof payload === 'object') {
      const { code, message, details } = payload as Record<string, unknown>
      return new ConduitError(
        isErrorCode(code) ? code : 'internal',
        typeof message === 'string' ? message : String(code ?? 'error'),
        details,
      )
    }
    return new ConduitError('internal', typeof payload === 'string' ? payload : 'Malformed error')
  }

  /** Maps anything a page handler threw to a ConduitError (code `internal` unless it is one). */
  static from(error: unknown): ConduitError {
    if (error instanceof ConduitError) return error
    if (error instanceof Error) return new ConduitError('internal', error.message || error.name)
    return new ConduitError('internal', typeof error === 'string' ? error : 'Handler failed')
  }

  toPayload(): ErrorPayload {
    const payload: ErrorPayload = { code: this.code, message: this.message }
    // Native reads details as an object: anything else travels as its `value`.
    if (this.details !== undefined)
      payload.details = typeof this.details === 'object' && this.details !== null ? this.details : { value: this.details }
    return payload
  }
}
