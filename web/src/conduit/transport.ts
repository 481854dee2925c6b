// SPDX-License-Identifier: MIT
// How envelopes reach the native side. The client only needs these two calls, so tests use an
// in-memory fake and the application uses QWebChannel.

export interface Transport {
  /** page → native: each string is the JSON text of one envelope. */
  send(envelopes: string[]): void
  /** native → page: each batch is an array of envelopes, already parsed (anything else is dropped). */
  onReceive(cb: (batch: unknown) => void): void
}

// The parts of qwebchannel.js that are used here.
interface QtSignal<A extends unknown[]> {
  connect(cb: (...args: A) => void): void
}
interface ConduitEndpoint {
  /** Write-only: QWebChannel answers a method call with a message; a property write, not. */
  inbox: string[]
  receive: QtSignal<[batch: unknown]>
}
interface QWebChannelInstance {
  objects: Record<string, unknown>
}
export type QWebChannelConstructor = new (
  transport: unknown,
  initCallback: (channel: QWebChannelInstance) => void,
) => QWebChannelInstance

declare global {
  interface Window {
    /** Injected by the native side (qwebchannel.js) before the page's scripts run. */
    QWebChannel?: QWebChannelConstructor
    qt?: { webChannelTransport?: unknown }
    /**
     * The page's QWebChannel, for benchmarks and hostile-input tests that must talk to native
     * objects directly. Any script in the page could build one from qt.webChannelTransport
     * anyway; sharing it keeps them from replacing the client's transport.
     */
    __conduitChannel?: QWebChannelInstance
  }
}

export interface ConnectOptions {
  /** The global to look in; `window` unless a test says otherwise. */
  global?: Window
  /** How often to look again while qwebchannel.js or qt.webChannelTransport is missing. */
  pollMs?: number
  /** The name of the native object on the channel. */
  objectName?: string
}

/**
 * Resolves once `QWebChannel` and `qt.webChannelTransport` exist and the channel is initialised.
 * In a plain browser (`npm run dev`) there is no `qt`: the promise then stays pending, polling
 * slowly, and never throws.
 */
export function connectQWebChannel(options: ConnectOptions = {}): Promise<Transport> {
  const target = options.global ?? window
  const objectName = options.objectName ?? 'conduit'
  const pollMs = options.pollMs ?? 250

  return new Promise<Transport>((resolve) => {
    let fetched = false
    const attempt = (): void => {
      const Ctor = target.QWebChannel
      const qtTransport = target.qt?.webChannelTransport
      if (typeof Ctor !== 'function' && qtTransport && !fetched && target.location?.protocol === 'app:') {
        // Qt 6.4 does not inject qwebchannel.js again into a renderer that replaced a crashed
        // one; the app:// scheme serves the same file from Qt's resources.
        fetched = true
        const script = target.document.createElement('script')
        script.src = '/qwebchannel.js'
        script.onload = attempt
        target.document.head.appendChild(script)
        return
      }
      if (typeof Ctor !== 'function' || !qtTransport) {
        setTimeout(attempt, pollMs)
        return
      }
      new Ctor(qtTransport, (channel) => {
        target.__conduitChannel = channel
        const endpoint = channel.objects[objectName] as ConduitEndpoint | undefined
        if (!endpoint || !('inbox' in endpoint) || !endpoint.receive) {
          console.error(`conduit: no "${objectName}" object on the web channel`)
          return
        }
        resolve({
          // One message, and no answer to it: the answers come as receive() batches.
          send: (envelopes) => {
            endpoint.inbox = envelopes
          },
          onReceive: (cb) => endpoint.receive.connect(cb),
        })
      })
    }
    attempt()
  })
}
