import type { Server } from 'bun'
import { createApp } from './app'
import type { AppDeps } from './deps'
import { SOCKET_OPTIONS } from './ws/recording'

/** A listening chasm server. */
export interface RunningServer {
  readonly url: URL
  readonly port: number
  /** Stops accepting connections and waits for in-flight requests to finish. */
  stop(): Promise<void>
}

/** Bun's own limit sits just above ours, so oversized bodies with a Content-Length get our 413 envelope first. */
const BUN_BODY_SLACK = 64 * 1024

/** Starts the HTTP app on `host:port` (port 0 = any free port). Throws a clear error when the port is taken. */
export function listen(deps: Omit<AppDeps, 'peerAddress'>, host: string, port: number): RunningServer {
  let server: Server<unknown> | null = null
  const app = createApp({ ...deps, peerAddress: (request) => server?.requestIP(request)?.address ?? null })
  try {
    // reusePort off: Elysia turns it on, which lets a second chasm bind the same port and share its traffic.
    app.listen({ hostname: host, port, reusePort: false, maxRequestBodySize: deps.security.maxBodyBytes + BUN_BODY_SLACK, development: false, websocket: SOCKET_OPTIONS })
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
