import { join } from 'node:path'
import type { SecurityConfig } from '../../src/api'
import type { ServerMessage } from '../../src/recording'
import { startServer, type ServerOptions } from '../../src/server'
import { silentLogger, type Logger } from '../../src/shared/log'
import { DEFAULT_SECURITY } from './app'
import { tempDir } from './temp'

/** Options of a server over `<dir>/<file>` on 127.0.0.1 port 0: no background harvest, no providers, no credentials. */
export function testServerOptions(dir: string, options: { file?: string; security?: Partial<SecurityConfig>; log?: Logger } = {}): ServerOptions {
  return {
    dbPath: join(dir, options.file ?? 'chasm.db'),
    dataDir: dir,
    host: '127.0.0.1',
    port: 0,
    security: { ...DEFAULT_SECURITY, ...options.security },
    env: {},
    providers: [],
    providerContext: { home: dir, homeOverridden: true, platform: process.platform, env: {} },
    harvest: false,
    harvestIntervalSeconds: null,
    watch: false,
    log: options.log ?? silentLogger,
  }
}

/**
 * The server `chasm api serve` runs (`startServer`) over a fresh temp database, for real WebSocket and
 * fetch tests (`testServerOptions`); stopped and removed on dispose.
 */
export async function testServer(options: { security?: Partial<SecurityConfig>; log?: Logger } = {}) {
  const dir = tempDir('chasm-server-')
  const server = await startServer(testServerOptions(dir.path, options)).catch((error) => {
    dir[Symbol.dispose]()
    throw error
  })
  return {
    url: server.url.origin,
    wsUrl: `ws://127.0.0.1:${server.port}`,
    deps: server.deps,
    db: server.deps.chasm,
    async [Symbol.asyncDispose]() {
      await server.stop()
      dir[Symbol.dispose]()
    },
  }
}

/** A recording WebSocket client that collects every server message and can wait for a condition on them. */
export class RecordingClient {
  readonly messages: ServerMessage[] = []
  private waiters: { ready: () => boolean; resolve: () => void }[] = []
  private closed: Promise<CloseEvent>

  private constructor(readonly socket: WebSocket) {
    socket.onmessage = (message) => {
      this.messages.push(JSON.parse(message.data as string) as ServerMessage)
      this.waiters = this.waiters.filter((waiter) => (waiter.ready() ? (waiter.resolve(), false) : true))
    }
    this.closed = new Promise((resolve) => socket.addEventListener('close', resolve))
  }

  /** Connects and resolves once the server said `connected`. */
  static async open(url: string, protocols?: ConstructorParameters<typeof WebSocket>[1]): Promise<RecordingClient> {
    const client = new RecordingClient(new WebSocket(url, protocols))
    await client.until((messages) => messages.length >= 1)
    return client
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' || message instanceof Uint8Array ? message : JSON.stringify(message))
  }

  /** Resolves when `ready(messages)` holds (checked now and on every message); rejects if the socket closes first. */
  until(ready: (messages: ServerMessage[]) => boolean): Promise<void> {
    if (ready(this.messages)) return Promise.resolve()
    return Promise.race([
      new Promise<void>((resolve) => this.waiters.push({ ready: () => ready(this.messages), resolve })),
      this.closed.then((event) => {
        throw new Error(`socket closed (${event.code}) while waiting; got ${this.messages.length} messages`)
      }),
    ])
  }

  /** Messages of one type, for whole-object assertions. */
  ofType<T extends ServerMessage['type']>(type: T): Extract<ServerMessage, { type: T }>[] {
    return this.messages.filter((message): message is Extract<ServerMessage, { type: T }> => message.type === type)
  }

  async close(): Promise<void> {
    this.socket.close()
    await this.closed
  }
}
