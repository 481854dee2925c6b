// SPDX-License-Identifier: MIT
// A downloaded file's preview through the byte path (file.preview → ConduitBytes): an image by
// its one-time URL, text as the first TEXT_PREVIEW_BYTES the native side sends, or why there is
// none. usePreview() holds one preview's state for FilePreview.vue; every show asks anew (the
// bytes are good for one reading), and hiding drops what was shown and abandons a call underway.

import { computed, onScopeDispose, ref, shallowRef } from 'vue'
import type { AppClient } from '../../appClient'
import type { ConduitBytes } from '../../conduit/bytes'
import { ConduitError } from '../../conduit/errors'
import { filePreview } from '../../conduit/generated/api'
import { errorCodeText } from '../../composables/taskText'
import { formatBytes, t } from '../../i18n'

/** How much of a text file file.preview sends (FilePreview::kTextBytes, generated). */
export const TEXT_PREVIEW_BYTES = filePreview.textBytes

/** What a preview shows. */
export type Preview =
  | { kind: 'image'; url: string; type: string }
  | { kind: 'text'; text: string; truncated: boolean }

/** Whether text bytes of `size` are file.preview's cut of a longer (or as long) file. */
export function isTruncatedText(size: number): boolean {
  return size >= TEXT_PREVIEW_BYTES
}

/**
 * Reads file.preview's bytes once: an image's URL is taken (for one `<img src>`), text is decoded
 * as UTF-8. Anything else is refused as file.preview itself refuses it (`invalid_args`).
 */
export async function readPreview(bytes: ConduitBytes): Promise<Preview> {
  if (bytes.type.startsWith('image/')) return { kind: 'image', url: bytes.takeUrl(), type: bytes.type }
  if (bytes.type.startsWith('text/')) {
    const truncated = isTruncatedText(bytes.size)
    let text = await bytes.text()
    // The cut may split a UTF-8 sequence: its start decodes to one U+FFFD, which is not the file's.
    if (truncated && text.endsWith('\uFFFD')) text = text.slice(0, -1)
    return { kind: 'text', text, truncated }
  }
  throw new ConduitError('invalid_args', `No preview for ${bytes.type}`, { type: bytes.type })
}

/**
 * Why there is no preview, for the page. file.preview's own refusals: `invalid_args` for a kind of
 * file it does not preview, `too_large` for an image over its limit; a path that is no longer a
 * file fails its schema check (`invalid_args` with `details.argument`), an unreadable one is
 * `not_found`: both read "the file is gone".
 */
export function previewErrorText(error: unknown): string {
  const e = ConduitError.from(error)
  const argument = (e.details as { argument?: unknown } | undefined)?.argument
  if (e.code === 'not_found' || (e.code === 'invalid_args' && argument !== undefined))
    return t('result.download.preview.gone')
  if (e.code === 'invalid_args') return t('result.download.preview.unsupported')
  if (e.code === 'too_large') return t('result.download.preview.tooLarge')
  return t('result.download.preview.failed', { code: errorCodeText(e.code), message: e.message })
}

/** The note under a cut text preview: how much of the file it shows. */
export function truncatedNote(): string {
  return t('result.download.preview.truncated', { size: formatBytes(TEXT_PREVIEW_BYTES) })
}

const IMAGE_FAILED = Symbol('image failed')

/** A preview's state: hidden, asked for, shown, or refused (with the text saying why). */
export type PreviewState = 'hidden' | 'loading' | 'shown' | 'failed'

/**
 * One file's preview, shown and hidden by toggle(): each show is one file.preview call; hiding
 * (or the owner's scope ending) aborts a call underway and ignores its answer.
 */
export function usePreview(client: Pick<AppClient, 'invoke'>, path: () => string) {
  const state = ref<PreviewState>('hidden')
  const preview = shallowRef<Preview | null>(null)
  /** Why the preview failed: an error, or IMAGE_FAILED when the image could not be shown. */
  const failure = shallowRef<unknown>(null)
  let abort: AbortController | null = null

  async function show(): Promise<void> {
    abort?.abort()
    const controller = new AbortController()
    abort = controller
    state.value = 'loading'
    preview.value = null
    failure.value = null
    try {
      const bytes = await client.invoke('file.preview', { path: path() }, { signal: controller.signal })
      if (controller.signal.aborted) return
      const read = await readPreview(bytes)
      if (controller.signal.aborted) return
      preview.value = read
      state.value = 'shown'
    } catch (e) {
      if (controller.signal.aborted) return
      failure.value = e
      state.value = 'failed'
    } finally {
      if (abort === controller) abort = null
    }
  }

  function hide(): void {
    abort?.abort()
    abort = null
    state.value = 'hidden'
    preview.value = null
    failure.value = null
  }

  /** The shown image could not be decoded (a format Chromium does not show) or loaded. */
  function imageFailed(): void {
    if (state.value !== 'shown' || preview.value?.kind !== 'image') return
    preview.value = null
    failure.value = IMAGE_FAILED
    state.value = 'failed'
  }

  onScopeDispose(() => abort?.abort())

  return {
    state,
    preview,
    /** Why there is no preview, in the current language ('' unless it failed). */
    error: computed(() => {
      if (state.value !== 'failed') return ''
      return failure.value === IMAGE_FAILED
        ? t('result.download.preview.imageFailed')
        : previewErrorText(failure.value)
    }),
    /** Whether the preview is open (loading, shown or saying why not). */
    expanded: computed(() => state.value !== 'hidden'),
    toggle: (): Promise<void> | void => (state.value === 'hidden' ? show() : hide()),
    imageFailed,
  }
}
