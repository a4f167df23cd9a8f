/**
 * Worker thread entry: background harvests and live harvest (file watching, continued reads,
 * deferred index slices) on a connection of its own, so none of it holds the server's event loop.
 * The server's side is `harvest-worker.ts`.
 */
import { backgroundGate, finishCheckpoint, leaveCheckpointsToBackground, openDatabase, type ChasmDb } from '../db'
import { createHarvestScheduler, PROVIDERS, type HarvestScheduler, type HarvestState } from '../harvest'
import type { Logger } from '../shared/log'
import { lowerThreadPriority } from '../shared/thread-priority'
import { FIRST_RUN, type HarvestReply, type HarvestRequest } from './harvest-worker'
import { toThreadError } from './thread'

declare const self: Worker

/** Harvests yield the CPU to the server's requests and searches on a busy machine (a nice value). */
const HARVEST_NICE = 4

/** How often the thread tells the server its harvest state, when it changed. */
const STATE_EVERY_MS = 200

/** Shortest time between two WAL checkpoints finished by this thread. */
const FINISH_EVERY_MS = 250

let chasm: ChasmDb | null = null
let finishedAt = -Infinity
let scheduler: HarvestScheduler | null = null
let stateTimer: ReturnType<typeof setInterval> | null = null
let lastState = ''

const reply = (message: HarvestReply) => postMessage(message)

const log: Logger = {
  info: (message, detail) => reply({ type: 'log', level: 'info', message, detail: describe(detail) }),
  warn: (message, detail) => reply({ type: 'log', level: 'warn', message, detail: describe(detail) }),
  error: (message, detail) => reply({ type: 'log', level: 'error', message, detail: describe(detail) }),
}

const describe = (detail: unknown): string | undefined =>
  detail === undefined ? undefined : detail instanceof Error ? (detail.stack ?? detail.message) : JSON.stringify(detail)

const sendState = (force = false) => {
  if (!scheduler) return
  const state: HarvestState = scheduler.state()
  const text = JSON.stringify(state)
  if (!force && text === lastState) return
  lastState = text
  reply({ type: 'state', state })
}

self.addEventListener('message', async ({ data }: MessageEvent<HarvestRequest>) => {
  if (data.type === 'start') {
    lowerThreadPriority(HARVEST_NICE)
    try {
      chasm = openDatabase(data.path)
    } catch (error) {
      reply({ type: 'broken', error: toThreadError(error) })
      return
    }
    // The server's checkpoint thread copies the WAL; harvest commits need not stop for it.
    leaveCheckpointsToBackground(chasm.sqlite)
    const gate = backgroundGate(data.gate)
    scheduler = createHarvestScheduler({
      chasm,
      providers: PROVIDERS.filter((provider) => data.providers.includes(provider.id)),
      context: data.context,
      intervalSeconds: data.intervalSeconds,
      log,
      beforeWrite: () => gate.clear(),
      live: data.live ? { publish: (messages) => reply({ type: 'messages', messages }), timing: data.timing } : undefined,
    })
    stateTimer = setInterval(() => sendState(), STATE_EVERY_MS)
    if (data.autostart) void scheduler.start().then((summary) => reply({ type: 'ran', id: FIRST_RUN, summary }))
    sendState(true)
  } else if (data.type === 'checkpoint') {
    // Between two of this thread's transactions (they are synchronous): the next commit starts the WAL over.
    // Asked at every background pass while the WAL is large: once per FINISH_EVERY_MS is enough.
    if (!chasm || performance.now() - finishedAt < FINISH_EVERY_MS) return
    finishedAt = performance.now()
    try {
      finishCheckpoint(chasm.sqlite)
    } catch (error) {
      log.warn(`WAL checkpoint failed (${(error as Error).message}); retrying after the next pass`)
    }
  } else if (data.type === 'run-now') {
    const summary = scheduler ? await scheduler.runNow() : null
    sendState(true)
    reply({ type: 'ran', id: data.id, summary })
  } else {
    if (stateTimer) clearInterval(stateTimer)
    await scheduler?.stop()
    // Closed without a checkpoint: the server's own connection checkpoints when it closes.
    chasm?.sqlite.close()
    reply({ type: 'stopped' })
  }
})
