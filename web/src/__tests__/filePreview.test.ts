// SPDX-License-Identifier: MIT
// A finished download's Preview (kinds/download/FilePreview.vue): file.preview's bytes shown as an
// image or as text, its refusals said politely, and the toggle that hides it again.
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import TaskResult from '../components/tasks/TaskResult.vue'
import { clientKey } from '../appClient'
import { ConduitBytes } from '../conduit/bytes'
import { ConduitError } from '../conduit/errors'
import { bytesPath } from '../conduit/generated/api'
import { setLocale } from '../i18n'
import { TEXT_PREVIEW_BYTES } from '../kinds/download/preview'
import { FakeClient } from './fakeClient'
import { loadKindParts } from './lazy'

beforeAll(loadKindParts)

const TOKEN = '0123456789abcdef0123456789abcdef'
const SHA = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'

let client: FakeClient
let wrapper: VueWrapper

function mountResult(path = '/tmp/downloads/photo.png'): VueWrapper {
  wrapper = mount(TaskResult, {
    props: { kind: 'download', result: { bytes: 2_500_000, path, sha256: SHA } },
    global: { provide: { [clientKey as symbol]: client.asClient() } },
    attachTo: document.body,
  })
  return wrapper
}

const byId = (id: string) => wrapper.get(`[data-testid="${id}"]`)
const toggle = () => byId('preview-toggle')
const previewCalls = () => client.invocations.filter((i) => i.cmd === 'file.preview')

function bytes(size: number, type: string): ConduitBytes {
  return new ConduitBytes({ token: TOKEN, size, type })
}

/** Clicks Preview and answers file.preview with `answer` (bytes, or an error to reject with). */
async function preview(answer: ConduitBytes | ConduitError): Promise<void> {
  await toggle().trigger('click')
  const call = previewCalls().at(-1)!
  if (answer instanceof ConduitError) call.reject(answer)
  else call.resolve(answer)
  await flushPromises()
}

beforeEach(() => {
  setLocale('en')
  client = new FakeClient()
})

afterEach(() => {
  wrapper?.unmount()
  document.body.innerHTML = ''
  vi.restoreAllMocks()
})

describe('download preview', () => {
  it('starts collapsed: a real button, aria-expanded false, pointing at an empty panel', () => {
    mountResult()
    const button = toggle()
    expect(button.element.tagName).toBe('BUTTON')
    expect(button.attributes('type')).toBe('button')
    expect(button.text()).toBe('Preview')
    expect(button.attributes('aria-expanded')).toBe('false')
    const panel = byId('preview-panel')
    expect(button.attributes('aria-controls')).toBe(panel.attributes('id'))
    expect(panel.element.children).toHaveLength(0)
    expect(byId('preview-status').attributes('aria-live')).toBe('polite')
    expect(byId('preview-status').text()).toBe('')
    expect(previewCalls()).toHaveLength(0)
  })

  it('asks file.preview for the result’s path once, and says it is loading meanwhile', async () => {
    mountResult('/tmp/downloads/photo.png')
    await toggle().trigger('click')
    expect(previewCalls()).toHaveLength(1)
    expect(previewCalls()[0]!.args).toEqual({ path: '/tmp/downloads/photo.png' })
    expect(toggle().attributes('aria-expanded')).toBe('true')
    expect(toggle().text()).toBe('Hide preview')
    expect(byId('preview-status').text()).toBe('Loading the preview…')
    expect(byId('preview-panel').attributes('aria-busy')).toBe('true')
  })

  it('shows an image by the URL takeUrl() gives, with its alt text', async () => {
    mountResult('/tmp/downloads/photo.png')
    const offered = bytes(52_000, 'image/png')
    const takeUrl = vi.spyOn(offered, 'takeUrl')
    await preview(offered)
    expect(takeUrl).toHaveBeenCalledTimes(1)
    const image = byId('preview-image')
    expect(image.element.tagName).toBe('IMG')
    expect(image.attributes('src')).toBe(`${bytesPath}${TOKEN}`)
    expect(image.attributes('src')).toBe(takeUrl.mock.results[0]!.value)
    expect(image.attributes('alt')).toBe('Preview of photo.png')
    expect(offered.read).toBe(true)
    expect(byId('preview-status').text()).toBe('')
    expect(byId('preview-panel').attributes('aria-busy')).toBe('false')
    expect(byId('preview-panel').attributes('aria-label')).toBe('Preview of photo.png')
    expect(wrapper.find('[data-testid="preview-text"]').exists()).toBe(false)
  })

  it('says so when the image cannot be shown (a format the page cannot decode)', async () => {
    mountResult('/tmp/downloads/layers.xcf')
    await preview(bytes(52_000, 'image/x-xcf'))
    await byId('preview-image').trigger('error')
    expect(wrapper.find('[data-testid="preview-image"]').exists()).toBe(false)
    expect(byId('preview-status').text()).toBe('The image cannot be shown.')
    expect(toggle().attributes('aria-expanded')).toBe('true')
  })

  it('shows text read by bytes.text() in a focusable, scrolling <pre>, without a note when whole', async () => {
    const text = vi.spyOn(ConduitBytes.prototype, 'text').mockResolvedValue('line one\n  line two\n')
    mountResult('/tmp/downloads/notes.txt')
    await preview(bytes(20, 'text/plain;charset=utf-8'))
    expect(text).toHaveBeenCalledTimes(1)
    const pre = byId('preview-text')
    expect(pre.element.tagName).toBe('PRE')
    expect(pre.element.textContent).toBe('line one\n  line two\n')
    expect(pre.attributes('tabindex')).toBe('0')
    expect(wrapper.find('[data-testid="preview-truncated"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="preview-image"]').exists()).toBe(false)
  })

  it('notes that only the first MiB is shown when the text reached the native limit', async () => {
    // The cut split a UTF-8 sequence: its U+FFFD is not the file's and is dropped.
    vi.spyOn(ConduitBytes.prototype, 'text').mockResolvedValue('a'.repeat(10) + '\uFFFD')
    mountResult('/tmp/downloads/big.log')
    await preview(bytes(TEXT_PREVIEW_BYTES, 'text/plain;charset=utf-8'))
    expect(byId('preview-text').element.textContent).toBe('a'.repeat(10))
    expect(byId('preview-truncated').text()).toBe('Only the first 1.0 MB of the file is shown.')
  })

  it('has no note one byte short of the limit (and keeps a U+FFFD of the file’s own)', async () => {
    vi.spyOn(ConduitBytes.prototype, 'text').mockResolvedValue('end\uFFFD')
    mountResult('/tmp/downloads/almost.log')
    await preview(bytes(TEXT_PREVIEW_BYTES - 1, 'text/plain;charset=utf-8'))
    expect(byId('preview-text').element.textContent).toBe('end\uFFFD')
    expect(wrapper.find('[data-testid="preview-truncated"]').exists()).toBe(false)
  })

  const gone = 'The file is gone (moved, deleted or no longer readable).'
  it.each([
    [
      'a kind of file it does not preview',
      new ConduitError('invalid_args', 'There is no preview for PDF document files.', { type: 'application/pdf' }),
      'There is no preview for this kind of file.',
    ],
    [
      'an image over the limit',
      new ConduitError('too_large', 'The image is too large to preview.', { limit: 64 << 20 }),
      'The file is too large to preview.',
    ],
    ['an unreadable file', new ConduitError('not_found', '/tmp/x is not a readable file'), gone],
    [
      'a path that is no file any more (its schema check)',
      new ConduitError('invalid_args', 'no such file: /tmp/x', { argument: 'path' }),
      gone,
    ],
    [
      'anything else',
      new ConduitError('io_error', 'Input/output error'),
      'Cannot preview the file — File error: Input/output error',
    ],
  ])('says why there is no preview: %s', async (_, error, message) => {
    mountResult()
    await preview(error)
    const status = byId('preview-status')
    expect(status.text()).toBe(message)
    expect(status.attributes('aria-live')).toBe('polite')
    expect(status.attributes('data-state')).toBe('failed')
    expect(byId('preview-panel').element.children).toHaveLength(0)
    expect(toggle().attributes('aria-expanded')).toBe('true')
    expect(toggle().text()).toBe('Hide preview')
  })

  it('refuses bytes of another type as file.preview would, without reading them', async () => {
    const text = vi.spyOn(ConduitBytes.prototype, 'text')
    mountResult()
    const offered = bytes(10, 'application/octet-stream')
    await preview(offered)
    expect(text).not.toHaveBeenCalled()
    expect(offered.read).toBe(false)
    expect(byId('preview-status').text()).toBe('There is no preview for this kind of file.')
  })

  it('Hide preview hides it, keeps focus on the toggle, and Preview asks anew (one call per click)', async () => {
    vi.spyOn(ConduitBytes.prototype, 'text').mockResolvedValue('hello')
    mountResult('/tmp/downloads/notes.txt')
    const button = toggle().element as HTMLButtonElement
    button.focus()
    await preview(bytes(5, 'text/plain;charset=utf-8'))
    expect(previewCalls()).toHaveLength(1)
    expect(byId('preview-text').text()).toBe('hello')

    await toggle().trigger('click')
    expect(toggle().attributes('aria-expanded')).toBe('false')
    expect(toggle().text()).toBe('Preview')
    expect(wrapper.find('[data-testid="preview-text"]').exists()).toBe(false)
    expect(byId('preview-panel').element.children).toHaveLength(0)
    expect(byId('preview-status').text()).toBe('')
    expect(document.activeElement).toBe(button)
    expect(toggle().element).toBe(button) // the same button, not a new one
    expect(previewCalls()).toHaveLength(1) // hiding calls nothing

    await preview(bytes(5, 'text/plain;charset=utf-8'))
    expect(previewCalls()).toHaveLength(2)
    expect(byId('preview-text').text()).toBe('hello')
  })

  it('hiding while it loads abandons the call: its late answer shows nothing', async () => {
    mountResult()
    await toggle().trigger('click')
    const first = previewCalls()[0]!
    const signal = first.options.signal as AbortSignal
    expect(signal.aborted).toBe(false)
    await toggle().trigger('click')
    expect(signal.aborted).toBe(true)
    expect(toggle().attributes('aria-expanded')).toBe('false')
    expect(byId('preview-status').text()).toBe('')
    const late = bytes(52_000, 'image/png')
    first.resolve(late)
    await flushPromises()
    expect(wrapper.find('[data-testid="preview-image"]').exists()).toBe(false)
    expect(late.read).toBe(false)
    expect(previewCalls()).toHaveLength(1)
  })

  it('unmounting while it loads aborts the call', async () => {
    mountResult()
    await toggle().trigger('click')
    const signal = previewCalls()[0]!.options.signal as AbortSignal
    wrapper.unmount()
    expect(signal.aborted).toBe(true)
  })

  it('is translated', async () => {
    await setLocale('de')
    mountResult('/tmp/downloads/photo.png')
    expect(toggle().text()).toBe('Vorschau')
    await preview(new ConduitError('too_large', 'too large'))
    expect(toggle().text()).toBe('Vorschau ausblenden')
    expect(byId('preview-status').text()).toBe('Die Datei ist zu groß für eine Vorschau.')
  })
})
