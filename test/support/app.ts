import { createAgency, discardRecorder, type AgencyDeps } from '../../src/agency'
import { createApp } from '../../src/api/app'
import type { AppDeps } from '../../src/api/deps'
import type { SecurityConfig } from '../../src/api/security'
import { createHarvestScheduler, type Provider } from '../../src/harvest'
import { createRecorder, type RecorderOptions } from '../../src/recording'
import { silentLogger, type Logger } from '../../src/shared/log'
import { openTestDb } from './db'

export const DEFAULT_SECURITY: SecurityConfig = {
  token: null,
  tokenGenerated: false,
  allowHosts: [],
  corsOrigins: [],
  maxBodyBytes: 10 * 1024 * 1024,
}

/** The HTTP app over a fresh temp database, for `app.handle(request)` tests; disposed with `using`. */
export function testApp(
  options: {
    security?: Partial<SecurityConfig>
    peer?: string
    providers?: Provider[]
    home?: string
    log?: Logger
    agency?: Partial<AgencyDeps>
    recording?: RecorderOptions
  } = {},
) {
  const db = openTestDb()
  const harvest = createHarvestScheduler({
    chasm: db,
    providers: options.providers ?? [],
    context: { home: options.home ?? db.dir, homeOverridden: true, platform: process.platform, env: {} },
    intervalSeconds: null,
    log: silentLogger,
  })
  const agency = createAgency({ sqlite: db.sqlite, env: {}, dataDir: db.dir, recorder: discardRecorder, ...options.agency })
  const deps: AppDeps = {
    chasm: db,
    version: 'test',
    clock: Date.now,
    log: options.log ?? silentLogger,
    startedAt: Date.now(),
    security: { ...DEFAULT_SECURITY, ...options.security },
    peerAddress: () => options.peer ?? '127.0.0.1',
    // Requests go to http://localhost (port 80), so the app's own origin is http://localhost.
    ownPort: () => 80,
    harvest,
    recorder: createRecorder(db, { log: options.log, ...options.recording }),
    agency,
  }
  const app = createApp(deps)
  /** Sends a request to the app; `path` is relative to http://localhost. */
  const request = (path: string, init: RequestInit = {}) => app.handle(new Request(`http://localhost${path}`, init))
  const json = async (path: string, init: RequestInit = {}) => {
    const response = await request(path, init)
    return { status: response.status, headers: response.headers, body: (await response.json()) as any }
  }
  return {
    app,
    db,
    deps,
    agency,
    request,
    json,
    async [Symbol.asyncDispose]() {
      await agency.close()
      db[Symbol.dispose]()
    },
    [Symbol.dispose]: () => db[Symbol.dispose](),
  }
}
