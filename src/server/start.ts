import { createAgency, withdrawSecrets, type AgencyDeps } from '../agency'
import { listen, type RunningServer, type SecurityConfig, type ServerDeps } from '../api'
import { acquireServerLock, openDatabase, startBackgroundCheckpoints, type Checkpointer, type ServerLock } from '../db'
import { PROVIDERS, type Provider, type ProviderContext } from '../harvest'
import { createRecorder } from '../recording'
import type { Logger } from '../shared/log'
import { systemClock, type Clock } from '../shared/time'
import { VERSION } from '../shared/version'
import type { PriceTable } from '../usage'
import { createSearchPool, harvestInThread } from '../workers'
import { watchDatabaseFile } from './file-watch'

/** How a server is started: the options of `chasm api serve`, already read and checked (docs/cli.md). */
export interface ServerOptions {
  /** The database file; created and migrated when missing. */
  dbPath: string
  /** How long a write waits for another process's lock (`CHASM_BUSY_TIMEOUT_MS`; default 5 s). */
  busyTimeoutMs?: number
  /** The data dir of this database: default run workspaces are made in it. */
  dataDir: string
  host: string
  /** 0: any free port. */
  port: number
  security: Omit<SecurityConfig, 'bindHost'>
  /** The process environment: model credentials are withdrawn from it into the agency's own copy (docs/security.md). */
  env: Record<string, string | undefined>
  /** The providers harvested (default: all) and where they are looked for. */
  providers?: readonly Provider[]
  providerContext: ProviderContext
  /** Harvest in the background (at start, then every `harvestIntervalSeconds`); off, a harvest runs only when asked for. */
  harvest: boolean
  /** Seconds between background harvests; 0 or null: only at start. */
  harvestIntervalSeconds: number | null
  /** Watch the providers' files and push new messages as they are written. */
  watch: boolean
  /** Seconds without events after which a recorded session is idle. */
  recordingIdleSeconds?: number
  /** `--workspace-root`, `--allow-terminal`, `--allow-http-tool`. */
  agency?: Pick<AgencyDeps, 'workspaceRoot' | 'allowTerminal' | 'allowHttpTool'>
  /** The price table of `/api/usage`; the embedded one when absent. */
  prices?: PriceTable
  log: Logger
  clock?: Clock
}

/** A running chasm server: the HTTP app listening, with the database, recorder, agency and threads behind it. */
export interface ChasmServer {
  readonly url: URL
  readonly port: number
  /** What the app serves from (the database, the recorder, the agency, the harvest, search). */
  readonly deps: ServerDeps
  /** Stops accepting, finishes what is in flight, stops runs and threads, closes the database and releases it; once. */
  stop(): Promise<void>
}

/**
 * Starts the server `chasm api serve` runs (the tests start the same one): opens the database and takes
 * its server lock, listens, marks what the last stop interrupted, then starts background checkpoints and
 * the harvest. Harvests, file watching and searches run in worker threads with their own connections.
 */
export async function startServer(options: ServerOptions): Promise<ChasmServer> {
  const { log } = options
  const clock = options.clock ?? systemClock
  const chasm = openDatabase(options.dbPath, { busyTimeoutMs: options.busyTimeoutMs })
  let lock: ServerLock
  try {
    lock = acquireServerLock(chasm.path)
  } catch (error) {
    chasm.close()
    throw error
  }
  const startedAt = clock()
  const recorder = createRecorder(chasm, { clock, idleSeconds: options.recordingIdleSeconds, log })
  const harvest = harvestInThread({
    chasm,
    providers: options.providers ?? PROVIDERS,
    context: options.providerContext,
    intervalSeconds: options.harvestIntervalSeconds,
    log,
    live: options.watch ? { publish: (messages) => recorder.publishHarvested(messages) } : undefined,
  })
  const searchPool = createSearchPool(chasm.path, log)
  const { token } = options.security
  const agency = createAgency({
    sqlite: chasm.sqlite,
    // Credentials leave the process environment here; the agency keeps its copy (docs/security.md).
    env: withdrawSecrets(options.env),
    secrets: token ? [token] : [],
    dataDir: options.dataDir,
    ...options.agency,
    // A run's conversation is recorded as it happens (origin "agency"), watchable over /ws/recording.
    recorder: { record: (events) => recorder.submit({ events }, { origin: 'agency' }) },
    clock,
    log,
  })
  const deps: ServerDeps = {
    chasm,
    version: VERSION,
    clock,
    log,
    startedAt,
    harvest,
    search: searchPool.search,
    recorder,
    agency,
    prices: options.prices,
    security: options.security,
  }
  let server: RunningServer
  try {
    server = listen(deps, options.host, options.port)
  } catch (error) {
    chasm.close()
    lock.release()
    throw error
  }

  let fileWatch: ReturnType<typeof setInterval> | null = null
  let checkpoints: Checkpointer | null = null
  let stopping: Promise<void> | null = null
  const stop = () =>
    (stopping ??= (async () => {
      // Stop accepting first; open recording sockets would otherwise keep the server from stopping.
      const stopped = server.stop()
      await recorder.shutdown()
      await stopped
      await agency.close()
      // Whatever the agency recorded while stopping its runs.
      recorder.flush()
      await harvest.stop()
      await searchPool.close()
      await checkpoints?.stop()
      if (fileWatch) clearInterval(fileWatch)
      chasm.close()
      lock.release()
    })())

  try {
    // Only now that the port is ours: a second server started by mistake on a port in use must not mark
    // the first one's live recordings and runs as interrupted. Both markings are synchronous, so no
    // request is handled before them.
    const interruptedSessions = recorder.markInterruptedOnStart()
    if (interruptedSessions > 0) log.info(`${interruptedSessions} recorded session(s) interrupted by the last stop; see GET /api/recording/recovery`)
    const interrupted = await agency.recoverInterruptedRuns()
    if (interrupted.length > 0) log.warn(`agency: ${interrupted.length} run(s) interrupted by restart marked failed`)
  } catch (error) {
    await stop()
    throw error
  }
  fileWatch = watchDatabaseFile(chasm, harvest, log)
  // Started once listening: the thread's boot would otherwise compete with startup for a core.
  checkpoints = startBackgroundCheckpoints(chasm, log, { finishElsewhere: () => harvest.finishCheckpoint() })
  if (options.harvest) void harvest.start()
  return { url: server.url, port: server.port, deps, stop }
}
