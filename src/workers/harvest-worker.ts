import { openWriteGate, type ChasmDb } from '../db'
import {
  createHarvestScheduler,
  type HarvestScheduler,
  type HarvestState,
  type HarvestSummary,
  type LiveMessage,
  type LiveTiming,
  type Provider,
  type ProviderContext,
} from '../harvest'
import type { Logger } from '../shared/log'
import { startThread, type ThreadError } from './thread'

/** Messages to the harvest thread. */
export type HarvestRequest =
  | {
      type: 'start'
      path: string
      providers: string[]
      context: ProviderContext
      intervalSeconds: number | null
      live: boolean
      timing?: LiveTiming
      gate: SharedArrayBuffer
      autostart: boolean
    }
  | { type: 'run-now'; id: number }
  | { type: 'checkpoint' }
  | { type: 'stop' }

/** Messages from the harvest thread. */
export type HarvestReply =
  | { type: 'state'; state: HarvestState }
  | { type: 'ran'; id: number; summary: HarvestSummary | null }
  | { type: 'messages'; messages: LiveMessage[] }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string; detail?: string }
  | { type: 'broken'; error: ThreadError }
  | { type: 'stopped' }

/** The `ran` reply's id for the harvest `start` begins with. */
export const FIRST_RUN = 0

/** How long after a harvest thread failed a new one starts. */
const RESTART_MS = 5_000

/** How long a stopping thread may take to finish its source and close before it is terminated. */
const STOP_TIMEOUT_MS = 10_000

/** The server's harvest scheduler in its thread, which can also take over WAL checkpoints while it writes. */
export interface HarvestThread extends HarvestScheduler {
  /**
   * While a harvest runs (its commits are most of the writes), asks the thread to copy what is left
   * of the WAL between its commits, instead of the server's own event loop; false when none runs.
   */
  finishCheckpoint(): boolean
}

/**
 * The server's harvest scheduler, run by a worker thread with its own connection: periodic harvests
 * and, with `live`, watching the providers' files, whose new messages come back through `publish`.
 * The thread's writes let the server's own (recording) go first (`db/write-gate.ts`). A database that
 * only exists in memory cannot be shared with a thread: it is harvested on the main thread instead.
 */
export function harvestInThread(options: {
  chasm: ChasmDb
  providers: readonly Provider[]
  context: ProviderContext
  intervalSeconds: number | null
  log: Logger
  live?: { publish: (messages: LiveMessage[]) => void; timing?: LiveTiming }
}): HarvestThread {
  const { chasm, providers, context, intervalSeconds, log, live } = options
  if (chasm.path === ':memory:') return { ...createHarvestScheduler({ chasm, providers, context, intervalSeconds, log, live }), finishCheckpoint: () => false }
  const gate = openWriteGate(chasm.sqlite)
  let state: HarvestState = { state: 'idle', lastRunAt: null, lastError: null, lastSummary: null, live: null }
  let worker: Worker | null = null
  let stopped: (() => void) | null = null
  let restart: ReturnType<typeof setTimeout> | null = null
  const runs = new Map<number, (summary: HarvestSummary | null) => void>()
  let nextId = 1

  const spawn = (autostart: boolean): Worker => {
    const thread = startThread('harvest')
    thread.addEventListener('message', ({ data }: MessageEvent<HarvestReply>) => {
      if (data.type === 'state') state = data.state
      else if (data.type === 'ran') {
        runs.get(data.id)?.(data.summary)
        runs.delete(data.id)
      } else if (data.type === 'messages') live?.publish(data.messages)
      else if (data.type === 'log') log[data.level](data.message, data.detail)
      else if (data.type === 'broken') {
        log.error(`harvest thread cannot open the database: ${data.error.message}`)
        state = { ...state, lastError: data.error.message }
      } else stopped?.()
    })
    thread.addEventListener('error', (event) => {
      log.error(`harvest thread failed: ${event.message}; starting a new one in ${RESTART_MS / 1000} s`)
      state = { ...state, state: 'idle', lastError: `harvest thread failed: ${event.message}` }
      for (const resolve of runs.values()) resolve(null)
      runs.clear()
      thread.terminate()
      if (worker !== thread) return stopped?.()
      // A new thread harvests and watches again; a stop meanwhile cancels it.
      worker = null
      restart = setTimeout(() => {
        restart = null
        worker ??= spawn(true)
      }, RESTART_MS)
    })
    thread.postMessage({
      type: 'start',
      path: chasm.path,
      providers: providers.map((provider) => provider.id),
      context,
      intervalSeconds,
      live: live !== undefined,
      timing: live?.timing,
      gate: gate.buffer,
      autostart,
    } satisfies HarvestRequest)
    return thread
  }

  return {
    context,
    providers,
    state: () => state,
    runNow() {
      worker ??= spawn(false)
      const id = nextId++
      const thread = worker
      return new Promise((resolve) => {
        runs.set(id, resolve)
        thread.postMessage({ type: 'run-now', id } satisfies HarvestRequest)
      })
    },
    finishCheckpoint() {
      if (!worker || state.state !== 'running') return false
      worker.postMessage({ type: 'checkpoint' } satisfies HarvestRequest)
      return true
    },
    start() {
      worker ??= spawn(true)
      return new Promise((resolve) => runs.set(FIRST_RUN, resolve))
    },
    async stop() {
      if (restart) clearTimeout(restart)
      restart = null
      const thread = worker
      if (!thread) return
      worker = null
      await new Promise<void>((resolve) => {
        const timeout = setTimeout(() => {
          log.warn('harvest thread did not stop in time; terminated')
          resolve()
        }, STOP_TIMEOUT_MS)
        stopped = () => {
          clearTimeout(timeout)
          resolve()
        }
        thread.postMessage({ type: 'stop' } satisfies HarvestRequest)
      })
      thread.terminate()
    },
  }
}
