// SPDX-License-Identifier: MIT
// An upload that cannot go on (its Blob cannot be read) fails its call
// on the page; native must hear it too, or it keeps the call and its pending upload (one of
// maxPendingUploads) waiting for bytes that never come.
import { describe, expect, it } from 'vitest'
import { ConduitClient } from '../client'
import { ConduitError } from '../errors'
import { FakeTransport, track } from './fakeTransport'

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setTimeout(resolve, 0))
}

async function connected(): Promise<{ transport: FakeTransport; client: ConduitClient }> {
  const transport = new FakeTransport()
  const client = new ConduitClient(transport)
  await settle()
  transport.deliver({ t: 'welcome', session: 's1', locale: 'en', version: '0.1.0', snapshot: {} })
  transport.clear()
  return { transport, client }
}

/** A Blob whose bytes can no longer be read (a File deleted or changed on disk after it was chosen). */
function unreadableBlob(size: number): Blob {
  const blob = new Blob([new Uint8Array(size)])
  blob.slice = () =>
    ({ arrayBuffer: () => Promise.reject(new DOMException('The file changed', 'NotReadableError')) }) as unknown as Blob
  return blob
}

describe('an upload that fails', () => {
  it('rejects the call and cancels it natively', async () => {
    const { transport, client } = await connected()
    const call = track(client.invoke('test.digest', { data: unreadableBlob(10) }))
    await settle()
    expect(call.settled).toBe(true)
    expect((call.error as ConduitError).code).toBe('internal')
    const [invoke] = transport.sent('invoke')
    expect(transport.sent('cancel')).toEqual([{ t: 'cancel', id: invoke.id, reason: 'aborted' }])
  })

})
