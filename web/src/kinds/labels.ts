// SPDX-License-Identifier: MIT
// Small helpers the kinds' label functions share.

/** `value` if it is a string, else '' (params and results come over the wire). */
export function text(value: unknown): string {
  return typeof value === 'string' ? value : ''
}
