// SPDX-License-Identifier: MIT
import { afterEach, describe, expect, it, vi } from 'vitest'
import { reloadWhenReplaced } from '../homeGuard'

/** Lets MutationObserver callbacks (microtasks) run. */
async function tick(): Promise<void> {
  for (let i = 0; i < 3; i++) await Promise.resolve()
}

afterEach(() => {
  document.body.innerHTML = ''
})

describe('reloadWhenReplaced', () => {
  it('reloads once when the app root leaves the document, and not for changes inside it', async () => {
    const root = document.createElement('div')
    document.body.append(root)
    const reload = vi.fn()
    const stop = reloadWhenReplaced(root, reload)
    root.append(document.createElement('p'))
    root.innerHTML = '<span>re-rendered</span>'
    await tick()
    expect(reload).not.toHaveBeenCalled()

    document.documentElement.replaceChild(document.createElement('body'), document.body)
    await tick()
    document.documentElement.append(document.createElement('div'))
    await tick()
    expect(reload).toHaveBeenCalledTimes(1)
    stop()
  })
})
