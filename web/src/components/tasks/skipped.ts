// SPDX-License-Identifier: MIT

/** A file a task left out (HashSkipped, DuplicateSkipped): SkippedList shows these. */
export interface SkippedEntry {
  /** As a result gives it: escaped when it is not valid UTF-8. */
  path: string
  escaped?: boolean
  reason: string
  message?: string
}
