// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest'
import { ConduitError } from '../errors'
import { Upload, defineUploadReader, type UploadHost } from '../upload'

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setTimeout(resolve, 0))
}

function host(window: number, stageBytes: number) {
  const puts: { upload: number; at: number; n: number }[] = []
  const uploadHost: UploadHost = {
    send: (envelope) => {
      puts.push(envelope)
      return null
    },
    window: () => window,
    stageBytes: () => stageBytes,
  }
  return { puts, uploadHost }
}

function bytes(size: number): Uint8Array<ArrayBuffer> {
  return Uint8Array.from({ length: size }, (_, i) => (i * 7 + 3) & 0xff)
}

/** Reads everything announced so far the way native does: in order, `readBytes` at a time. */
function readAll(upload: Upload, puts: { at: number; n: number }[], from: number, readBytes: number): number[] {
  const last = puts[puts.length - 1]
  const end = last ? last.at + last.n : 0
  const taken: number[] = []
  for (let at = from; at < end; at += readBytes) {
    const got = upload.read(at, Math.min(readBytes, end - at))
    expect(got).not.toBeNull()
    taken.push(...Array.from(got!))
  }
  return taken
}

describe('upload', () => {
  it('stages an array whole in one put: it is in memory already', async () => {
    const { puts, uploadHost } = host(10, 4)
    const data = bytes(25)
    const upload = new Upload(5, data.buffer, uploadHost, () => {})
    upload.start()
    await settle()
    expect(puts).toEqual([{ t: 'put', upload: 5, at: 0, n: 25 }])
    expect(Array.from(upload.read(0, 25)!)).toEqual(Array.from(data))
    expect(upload.done).toBe(true)
  })

  it('stages a Blob at most the window ahead, more as it is granted, and ends exactly at the size', async () => {
    const { puts, uploadHost } = host(10, 4)
    const data = bytes(25)
    const upload = new Upload(5, new Blob([data]), uploadHost, () => {})
    expect(upload.reference).toEqual({ upload: 5, size: 25 })
    upload.start()
    await settle()
    expect(puts).toEqual([
      { t: 'put', upload: 5, at: 0, n: 4 },
      { t: 'put', upload: 5, at: 4, n: 4 },
    ])
    upload.granted(4)
    await settle()
    expect(puts.map((p) => p.at)).toEqual([0, 4, 8])
    // A grant for more than is staged opens no more than the window.
    upload.granted(100)
    await settle()
    expect(puts.map((p) => p.at)).toEqual([0, 4, 8, 12, 16])
    for (let granted = 1; granted < 10 && !upload.done; granted++) {
      upload.granted(4)
      await settle()
    }
    expect(puts.map((p) => p.at)).toEqual([0, 4, 8, 12, 16, 20, 24])
    expect(puts.reduce((sum, p) => sum + p.n, 0)).toBe(25)
    expect(upload.done).toBe(true)
  })

  it('answers native reads with exactly the staged bytes, across stage boundaries, and nothing else', async () => {
    const { puts, uploadHost } = host(1 << 20, 4)
    const data = bytes(25)
    const upload = new Upload(1, new Blob([data]), uploadHost, () => {})
    upload.start()
    await settle()
    expect(puts.length).toBe(7)
    expect(readAll(upload, puts, 0, 3)).toEqual(Array.from(data))
    expect(upload.read(24, 2)).toBeNull() // past the end
    expect(upload.read(-1, 2)).toBeNull()
    expect(upload.read(0, 0)).toBeNull()
    expect(upload.read(0.5, 2)).toBeNull()
    upload.granted(8)
    expect(upload.read(4, 4)).toBeNull() // taken already: let go
    expect(Array.from(upload.read(8, 6)!)).toEqual(Array.from(data.subarray(8, 14)))
    upload.stop()
    expect(upload.read(8, 6)).toBeNull()
  })

  it('reads a Blob a slice at a time, holds only what is not granted, and stops when told', async () => {
    const { puts, uploadHost } = host(6, 3)
    const data = bytes(12)
    const upload = new Upload(1, new Blob([data]), uploadHost, () => {})
    upload.start()
    await settle()
    expect(puts.map((p) => p.at)).toEqual([0, 3])
    const taken = readAll(upload, puts, 0, 2)
    upload.granted(6)
    await settle()
    expect(puts.map((p) => p.at)).toEqual([0, 3, 6, 9])
    taken.push(...readAll(upload, puts, 6, 2))
    expect(taken).toEqual(Array.from(data))
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
      stageBytes: () => 10,
    }
    new Upload(1, new Blob([bytes(30)]), refusing, (error) => errors.push(error)).start()
    await settle()
    expect(errors.map((e) => e.code)).toEqual(['too_large'])
  })

  it('defines the reader native calls: read-only, not enumerable, null for an unknown upload', async () => {
    const { uploadHost } = host(100, 10)
    const upload = new Upload(3, bytes(5), uploadHost, () => {})
    upload.start()
    await settle()
    defineUploadReader('__testUploads', (id) => (id === 3 ? upload : undefined))
    const reader = (globalThis as unknown as Record<string, { read: (u: number, at: number, n: number) => Uint8Array | null }>).__testUploads!
    expect(Array.from(reader.read(3, 1, 2)!)).toEqual(Array.from(bytes(5).subarray(1, 3)))
    expect(reader.read(4, 0, 1)).toBeNull()
    expect(Object.keys(globalThis)).not.toContain('__testUploads')
    expect(() => {
      ;(reader as unknown as Record<string, unknown>).read = () => null
    }).toThrow()
  })
})
