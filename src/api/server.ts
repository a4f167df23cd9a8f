import type { Server } from 'bun'
import { createApp } from './app'
import type { AppDeps } from './deps'
import { SOCKET_OPTIONS } from './ws/recording'

/** What `listen` builds the app from: the app's deps but the two it answers itself (the peer's address, its port). */
export type ServerDeps = Omit<AppDeps, 'peerAddress' | 'ownPort'>

/** A listening chasm server. */
export interface RunningServer {
  readonly url: URL
  readonly port: number
  /** Stops accepting connections and waits for in-flight requests to finish. */
  stop(): Promise<void>
}

/**
 * Bun answers a body over its own limit with an empty 413 before the app runs; the app counts bodies
 * itself (Content-Length up front, chunked bodies as they arrive), so Bun's limit is set out of the way.
 */
const BUN_BODY_LIMIT = Number.MAX_SAFE_INTEGER

/** Starts the HTTP app on `host:port` (port 0 = any free port). Throws a clear error when the port is taken. */
export function listen(deps: ServerDeps, host: string, port: number): RunningServer {
  let server: Server<unknown> | null = null
  const app = createApp({
    ...deps,
    security: { ...deps.security, bindHost: host },
    peerAddress: (request) => server?.requestIP(request)?.address ?? null,
    ownPort: () => server?.port ?? port,
  })
  try {
    // reusePort off: Elysia turns it on, which lets a second chasm bind the same port and share its traffic.
    app.listen({ hostname: host, port, reusePort: false, maxRequestBodySize: BUN_BODY_LIMIT, development: false, websocket: SOCKET_OPTIONS })
  } catch (error) {
    const code = (error as { code?: string }).code
    if (code === 'EADDRINUSE' || /in use/i.test((error as Error).message)) {
      throw new Error(`port ${port} on ${host} is already in use`, { cause: error })
    }
    throw new Error(`cannot listen on ${host}:${port}: ${(error as Error).message}`, { cause: error })
  }
  server = app.server!
  const url = new URL(`http://${host.includes(':') ? `[${host}]` : host}:${server.port}`)
  return {
    url,
    port: server.port ?? port,
    stop: async () => {
      await server?.stop(false)
    },
  }
}
