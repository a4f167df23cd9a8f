import type { Logger } from '../shared/log'
import type { ChasmDb } from './open'

/** How often the background thread checkpoints the WAL into the database file. */
export const CHECKPOINT_INTERVAL_MS = 50

/**
 * WAL size (frames, i.e. pages) above which the main connection finishes the job itself: under
 * steady writes no background pass ever ends at a moment when a write begins, which is when
 * SQLite restarts the WAL, so it would only grow.
 */
export const RESTART_FRAMES = 16_384

// The worker's source is inline (a Blob URL), so the compiled binary needs no extra entry point.
const WORKER_SOURCE = `
import { Database } from 'bun:sqlite'
let db = null
let timer = null
self.onmessage = ({ data }) => {
  if (data.type === 'start') {
    // Never create: if the file is gone by now (deleted under us), there is nothing to checkpoint into.
    db = new Database(data.path, { readwrite: true, create: false })
    db.run('PRAGMA busy_timeout = 5000')
    // get(), not run(): the statement must be reset after its step, or it pins a read snapshot.
    const passive = db.prepare('PRAGMA wal_checkpoint(PASSIVE)')
    timer = setInterval(() => {
      // A failed pass (disk full, I/O error) is reported and retried at the next tick.
      try {
        postMessage({ type: 'checkpointed', log: passive.get().log })
      } catch (error) {
        postMessage({ type: 'failed', message: String(error?.message ?? error) })
      }
    }, data.intervalMs)
  } else if (data.type === 'stop') {
    clearInterval(timer)
    db?.close(false)
    postMessage({ type: 'stopped' })
  }
}
`

/** A running background checkpointer. */
export interface Checkpointer {
  /** Stops the thread and closes its connection (before the database itself is closed). */
  stop(): Promise<void>
}

/**
 * Moves WAL checkpoints, and the fsyncs they cost, off the event loop: SQLite's automatic
 * checkpoint would otherwise stall whichever commit crosses its threshold (tens to hundreds of ms
 * on a busy disk) and every request queued behind it. A worker thread with its own connection runs
 * PASSIVE checkpoints, which never block writers; past `RESTART_FRAMES` the main connection copies
 * the small remainder itself. If the thread fails, automatic checkpoints are switched back on.
 */
export function startBackgroundCheckpoints(
  chasm: ChasmDb,
  log: Logger,
  { intervalMs = CHECKPOINT_INTERVAL_MS, restartFrames = RESTART_FRAMES } = {},
): Checkpointer {
  if (chasm.path === ':memory:') return { stop: async () => {} }
  const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'application/javascript' }))
  const worker = new Worker(url)
  let failed = false
  chasm.sqlite.run('PRAGMA wal_autocheckpoint = 0')
  worker.addEventListener('error', (event) => {
    failed = true
    log.warn(`background WAL checkpoints failed (${event.message}); checkpointing on the main thread again`)
    chasm.sqlite.run('PRAGMA wal_autocheckpoint = 1000')
  })
  const finish = chasm.sqlite.prepare('PRAGMA wal_checkpoint(PASSIVE)')
  let stopped: (() => void) | null = null
  const report = checkpointReporter(log, intervalMs)
  worker.addEventListener('message', ({ data }: MessageEvent<{ type: string; log?: number; message?: string }>) => {
    if (data.type === 'stopped') stopped?.()
    else if (data.type === 'failed') report.failed(data.message ?? 'unknown error')
    else {
      report.succeeded()
      // The pass just copied almost everything: what is left is small, and once it is copied here,
      // between two commits, the next commit restarts the WAL from its beginning.
      if ((data.log ?? 0) >= restartFrames) {
        try {
          finish.get()
        } catch (error) {
          log.warn(`WAL checkpoint failed (${(error as Error).message}); retrying after the next pass`)
        }
      }
    }
  })
  worker.postMessage({ type: 'start', path: chasm.path, intervalMs })
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        stopped = () => {
          worker.terminate()
          URL.revokeObjectURL(url)
          chasm.sqlite.run('PRAGMA wal_autocheckpoint = 1000')
          resolve()
        }
        if (failed) stopped()
        else worker.postMessage({ type: 'stop' })
      }),
  }
}

/**
 * What the log says about background passes: one warning when they start failing (disk full, I/O
 * error), one line when they work again; the retries in between stay quiet.
 */
export function checkpointReporter(log: Logger, intervalMs: number) {
  let failing = false
  return {
    failed(message: string): void {
      if (!failing) log.warn(`background WAL checkpoint failed (${message}); retrying every ${intervalMs} ms`)
      failing = true
    },
    succeeded(): void {
      if (failing) log.info('background WAL checkpoints work again')
      failing = false
    },
  }
}
