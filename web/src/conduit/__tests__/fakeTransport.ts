// SPDX-License-Identifier: MIT
import type { Transport } from '../transport'

/** An in-memory Transport: records every send() and lets a test play the native side. */
export class FakeTransport implements Transport {
  /** Every send() call, as the raw strings the client passed. */
  readonly sends: string[][] = []
  #receivers: ((batch: unknown) => void)[] = []

  send(envelopes: string[]): void {
    this.sends.push([...envelopes])
  }

  onReceive(cb: (batch: unknown) => void): void {
    this.#receivers.push(cb)
  }

  /** native → page: one batch holding these envelopes (a copy, as the channel's message is). */
  deliver(...envelopes: object[]): void {
    this.deliverRaw(JSON.parse(JSON.stringify(envelopes)))
  }

  /** native → page: anything as a batch, as a misbehaving native side could send it. */
  deliverRaw(batch: unknown): void {
    for (const cb of this.#receivers) cb(batch)
  }

  /** Every envelope sent so far, parsed, in order. */
  envelopes(): any[] {
    return this.sends.flat().map((text) => JSON.parse(text))
  }

  /** Parsed envelopes of one type. */
  sent(t: string): any[] {
    return this.envelopes().filter((env) => env.t === t)
  }

  clear(): void {
    this.sends.length = 0
  }
}

/** Records how a promise settled, without leaving a rejection unhandled. */
export function track<T>(promise: Promise<T>): { value?: T; error?: unknown; settled: boolean } {
  const state: { value?: T; error?: unknown; settled: boolean } = { settled: false }
  promise.then(
    (value) => Object.assign(state, { value, settled: true }),
    (error: unknown) => Object.assign(state, { error, settled: true }),
  )
  return state
}
