// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest'
import { ConduitError } from '../errors'
import { PUT_OVERHEAD_CHARS, Upload, chunkBytesFor, toBase64, type UploadHost } from '../upload'

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setTimeout(resolve, 0))
}

function host(window: number, chunkBytes: number) {
  const puts: { upload: number; at: number; data: string }[] = []
  const uploadHost: UploadHost = {
    send: (envelope) => {
      puts.push(envelope)
      return null
    },
    window: () => window,
    chunkBytes: () => chunkBytes,
  }
  return { puts, uploadHost }
}

/** Base64 the slow, obvious way. */
function oracleBase64(data: Uint8Array): string {
  let binary = ''
  for (const byte of data) binary += String.fromCharCode(byte)
  return btoa(binary)
}

function fromBase64(text: string): number[] {
  return Array.from(atob(text), (c) => c.charCodeAt(0))
}

function bytes(size: number): Uint8Array<ArrayBuffer> {
  return Uint8Array.from({ length: size }, (_, i) => (i * 7 + 3) & 0xff)
}

describe('upload', () => {
  it('encodes base64 as the platform does, across the pieces fromCharCode takes', () => {
    for (const size of [0, 1, 2, 3, 0x8000 - 1, 0x8000, 0x8000 * 3 + 5]) {
      const data = bytes(size)
      expect(toBase64(data)).toBe(oracleBase64(data))
    }
  })

  it('sizes a chunk so its put fits the envelope limit', () => {
    for (const limit of [200, 4096, 1 << 20]) {
      const chunk = chunkBytesFor(limit)
      const envelope = JSON.stringify({ t: 'put', upload: 9007199254740991, at: 9007199254740991, data: 'A'.repeat((chunk / 3) * 4) })
      expect(envelope.length).toBeLessThanOrEqual(limit)
      expect(chunk % 3).toBe(0)
      expect(limit - (chunk / 3) * 4).toBeLessThanOrEqual(PUT_OVERHEAD_CHARS + 4)
    }
  })

  it('keeps at most the window in flight, sends more as it is granted, and ends exactly at the size', async () => {
    const { puts, uploadHost } = host(10, 4)
    const data = bytes(25)
    const upload = new Upload(5, data, uploadHost, () => {})
    expect(upload.reference).toEqual({ upload: 5, size: 25 })
    upload.start()
    await settle()
    expect(puts.map((p) => p.at)).toEqual([0, 4])
    upload.granted(4)
    await settle()
    expect(puts.map((p) => p.at)).toEqual([0, 4, 8])
    // Native grants back what arrived, one put at a time; a grant for more than is in flight
    // opens no more than the window.
    upload.granted(100)
    await settle()
    expect(puts.map((p) => p.at)).toEqual([0, 4, 8, 12, 16])
    for (let granted = 1; granted < 10 && !upload.done; granted++) {
      upload.granted(4)
      await settle()
    }
    expect(puts.map((p) => p.at)).toEqual([0, 4, 8, 12, 16, 20, 24])
    expect(puts.flatMap((p) => fromBase64(p.data))).toEqual(Array.from(data))
    expect(upload.done).toBe(true)
  })

  it('reads a Blob a slice at a time, and stops when told', async () => {
    const { puts, uploadHost } = host(1 << 20, 3)
    const upload = new Upload(1, new Blob([bytes(12)]), uploadHost, () => {})
    upload.start()
    await settle()
    expect(puts.map((p) => p.at)).toEqual([0, 3, 6, 9])
    const stopped = new Upload(2, bytes(12), host(3, 3).uploadHost, () => {})
    stopped.stop()
    stopped.start()
    await settle()
    expect(stopped.done).toBe(false)
  })

  it('hands the call the error when a put cannot be sent', async () => {
    const errors: ConduitError[] = []
    const refusing: UploadHost = {
      send: () => new ConduitError('too_large', 'no'),
      window: () => 100,
      chunkBytes: () => 10,
    }
    new Upload(1, bytes(30), refusing, (error) => errors.push(error)).start()
    await settle()
    expect(errors.map((e) => e.code)).toEqual(['too_large'])
  })
})
