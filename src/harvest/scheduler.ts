import type { ChasmDb } from '../db'
import type { Logger } from '../shared/log'
import { systemClock, type Clock } from '../shared/time'
import { runHarvest } from './engine'
import type { HarvestSummary } from './summary'
import type { Provider, ProviderContext } from './provider'

/** What `/api/health` reports about harvesting. */
export interface HarvestState {
  state: 'idle' | 'running'
  lastRunAt: number | null
  lastError: string | null
  lastSummary: HarvestSummary | null
}

/** Runs harvests in the background: once at start, then every `intervalSeconds`; never two at once. */
export interface HarvestScheduler {
  readonly context: ProviderContext
  readonly providers: readonly Provider[]
  state(): HarvestState
  /** Starts a harvest now unless one is running; resolves when it ends. */
  runNow(): Promise<HarvestSummary | null>
  start(): void
  /** Stops the timer and aborts a running harvest at the next source boundary; resolves when it has stopped. */
  stop(): Promise<void>
}

export function createHarvestScheduler(options: {
  chasm: ChasmDb
  providers: readonly Provider[]
  context: ProviderContext
  intervalSeconds: number | null
  log: Logger
  clock?: Clock
}): HarvestScheduler {
  const { chasm, providers, context, intervalSeconds, log } = options
  const clock = options.clock ?? systemClock
  const state: HarvestState = { state: 'idle', lastRunAt: null, lastError: null, lastSummary: null }
  let running: Promise<HarvestSummary | null> | null = null
  let timer: ReturnType<typeof setInterval> | null = null
  const abort = new AbortController()

  const runNow = () => {
    if (running) return running
    state.state = 'running'
    running = runHarvest(chasm, providers, context, { clock, signal: abort.signal })
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
      .finally(() => {
        state.state = 'idle'
        state.lastRunAt = clock()
        running = null
      })
    return running
  }

  return {
    context,
    providers,
    state: () => ({ ...state }),
    runNow,
    start() {
      void runNow()
      if (intervalSeconds && intervalSeconds > 0) timer = setInterval(() => void runNow(), intervalSeconds * 1000)
    },
    async stop() {
      if (timer) clearInterval(timer)
      abort.abort()
      await running
    },
  }
}
