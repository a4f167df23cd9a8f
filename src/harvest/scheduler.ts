import type { ChasmDb } from '../db'
import type { Logger } from '../shared/log'
import { systemClock, type Clock } from '../shared/time'
import { runHarvest, type HarvestHooks } from './engine'
import { createLiveHarvest, type LiveHarvest, type LiveState, type LiveTiming } from './live/live-harvest'
import type { LiveMessage } from './live/messages'
import type { WatchFunction } from './live/roots'
import type { Provider, ProviderContext } from './provider'
import type { HarvestSummary } from './summary'

/** What `/api/health` reports about harvesting. */
export interface HarvestState {
  state: 'idle' | 'running'
  lastRunAt: number | null
  lastError: string | null
  lastSummary: HarvestSummary | null
  /** Live harvesting, when the provider files are watched. */
  live: LiveState | null
}

/** Runs harvests in the background: once at start, then every `intervalSeconds`; never two at once. */
export interface HarvestScheduler {
  readonly context: ProviderContext
  readonly providers: readonly Provider[]
  state(): HarvestState
  /** Starts a harvest now unless one is running; resolves when it ends. */
  runNow(): Promise<HarvestSummary | null>
  /** Starts watching (if live) and the periodic harvests; resolves when the first harvest ends. */
  start(): Promise<HarvestSummary | null>
  /** Stops the timer, live watching, and a running harvest at the next source boundary; resolves when everything stopped. */
  stop(): Promise<void>
}

/** Watching the providers' files between harvests (see `createLiveHarvest`). */
export interface LiveOptions {
  publish: (messages: LiveMessage[]) => void
  timing?: LiveTiming
  watch?: WatchFunction
}

export function createHarvestScheduler(options: {
  chasm: ChasmDb
  providers: readonly Provider[]
  context: ProviderContext
  intervalSeconds: number | null
  log: Logger
  clock?: Clock
  /** How harvests share the database with another writer thread. */
  beforeWrite?: HarvestHooks['beforeWrite']
  /** Watch the providers' files and read changes as they happen (omit for periodic harvests only). */
  live?: LiveOptions
}): HarvestScheduler {
  const { chasm, providers, context, intervalSeconds, log } = options
  const clock = options.clock ?? systemClock
  const state: Omit<HarvestState, 'live'> = { state: 'idle', lastRunAt: null, lastError: null, lastSummary: null }
  let running: Promise<HarvestSummary | null> | null = null
  let timer: ReturnType<typeof setInterval> | null = null
  const abort = new AbortController()
  const hooks: HarvestHooks = { clock, signal: abort.signal, beforeWrite: options.beforeWrite }
  let live: LiveHarvest | null = null
  if (options.live) {
    const { publish, timing, watch } = options.live
    live = createLiveHarvest({ chasm, providers, context, hooks: { clock, beforeWrite: options.beforeWrite }, log, publish, clock, timing, watch })
    const learn = live.learn
    hooks.onSources = (provider, sources) => learn(provider, sources)
  }

  const runNow = () => {
    if (running) return running
    state.state = 'running'
    live?.hold(true)
    running = runHarvest(chasm, providers, context, hooks)
      .then((summary) => {
        state.lastSummary = summary
        state.lastError = summary.problemCount > 0 ? `${summary.problemCount} source problem(s) in the last harvest` : null
        log.info(`harvest done: ${summary.providers.map((p) => `${p.provider} ${p.harvested}/${p.sources}`).join(', ') || 'no providers'}`)
        return summary
      })
      .catch((error: Error) => {
        state.lastError = error.message
        log.error('harvest failed', error)
        return null
      })
      .finally(async () => {
        state.state = 'idle'
        state.lastRunAt = clock()
        running = null
        // New assistants and folders since the last run get watched; discovery passes held back may run.
        if (live && !abort.signal.aborted) await live.relocate()
        live?.hold(false)
      })
    return running
  }

  return {
    context,
    providers,
    state: () => ({ ...state, live: live?.state() ?? null }),
    runNow,
    start() {
      if (intervalSeconds && intervalSeconds > 0) timer = setInterval(() => void runNow(), intervalSeconds * 1000)
      // Watching starts before the first run, so nothing written during it is missed.
      return live ? live.relocate().then(() => runNow()) : runNow()
    },
    async stop() {
      if (timer) clearInterval(timer)
      abort.abort()
      await running
      await live?.stop()
    },
  }
}
