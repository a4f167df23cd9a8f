import type { Database } from 'bun:sqlite'
import type { Logger } from '../shared/log'
import type { ChasmDb } from './open'

/** How often the background thread checkpoints the WAL into the database file. */
export const CHECKPOINT_INTERVAL_MS = 50

/**
 * WAL size (frames, i.e. pages) above which the main connection finishes the job itself, the thread
 * pausing until it has: under steady writes no background pass ever ends at a moment when a write
 * begins, which is when SQLite restarts the WAL, so it would only grow.
 */
export const RESTART_FRAMES = 16_384

// The worker's source is inline (a Blob URL), so the compiled binary needs no extra entry point.
const WORKER_SOURCE = `
import { Database } from 'bun:sqlite'
import { statSync } from 'node:fs'
let db = null
let timer = null
// Set after a pass that leaves the rest to the main connection, until it says it is done: its
// checkpoint must not meet one of ours (the second checkpointer gets SQLITE_BUSY and copies nothing).
let waiting = false
const same = (path, expected) => {
  const now = statSync(path, { throwIfNoEntry: false })
  return now !== undefined && expected !== null && now.dev === expected.dev && now.ino === expected.ino && now.birthtimeMs === expected.birthtimeMs
}
self.onmessage = ({ data }) => {
  if (data.type === 'start') {
    try {
      // Never create: if the file is gone by now (deleted under us), there is nothing to checkpoint into.
      db = new Database(data.path, { readwrite: true, create: false })
    } catch (error) {
      postMessage({ type: 'refused', reason: String(error?.message ?? error) })
      return
    }
    // Opened by path, after the main connection: if another file is at the path by now, this
    // connection is to that file, while the -wal and -shm at the path are still the main
    // connection's. Its first read would open them, and a checkpoint would copy our pages into the
    // other file. Nothing has been read yet (opening reads nothing), so closing leaves no trace.
    if (!same(data.path, data.files.db) || !same(data.path + '-wal', data.files.wal)) {
      db.close(false)
      db = null
      postMessage({ type: 'refused', reason: 'the file at the path is no longer the one the server opened' })
      return
    }
    db.run('PRAGMA busy_timeout = ' + data.busyTimeoutMs)
    // get(), not run(): the statement must be reset after its step, or it pins a read snapshot.
    const passive = db.prepare('PRAGMA wal_checkpoint(PASSIVE)')
    // Changes when another connection commits: an idle server skips its passes (and wakes no one).
    const dataVersion = db.prepare('PRAGMA data_version')
    let copied = null
    timer = setInterval(() => {
      if (waiting) return
      // A failed pass (disk full, I/O error) is reported and retried at the next tick.
      try {
        const version = dataVersion.get().data_version
        if (version === copied) return
        const { log, checkpointed } = passive.get()
        // Everything in the WAL is in the database now: nothing to do until the next commit.
        if (log === checkpointed) copied = version
        waiting = log >= data.restartFrames
        postMessage({ type: 'checkpointed', log })
      } catch (error) {
        postMessage({ type: 'failed', message: String(error?.message ?? error) })
      }
    }, data.intervalMs)
  } else if (data.type === 'finished') {
    waiting = false
  } else if (data.type === 'stop') {
    clearInterval(timer)
    db?.close(false)
    postMessage({ type: 'stopped' })
  }
}
`

/**
 * For another connection of a process whose WAL a background checkpointer copies (a worker thread
 * writing the same database): its commits no longer stop to checkpoint, which the background does;
 * `finishCheckpoint` is how it takes over the last step while it is the one writing most.
 */
export function leaveCheckpointsToBackground(sqlite: Database): void {
  sqlite.run('PRAGMA wal_autocheckpoint = 0')
}

/** Copies what is left of the WAL between this connection's commits, so that its next commit starts the WAL over. */
export function finishCheckpoint(sqlite: Database): void {
  sqlite.prepare('PRAGMA wal_checkpoint(PASSIVE)').get()
}

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
  {
    intervalMs = CHECKPOINT_INTERVAL_MS,
    restartFrames = RESTART_FRAMES,
    finishElsewhere = () => false,
  }: {
    intervalMs?: number
    restartFrames?: number
    /** Has another writer (a harvest thread, between its own commits) finish the job instead; false: done here. */
    finishElsewhere?: () => boolean
  } = {},
): Checkpointer {
  if (chasm.files === null) return { stop: async () => {} }
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
  worker.addEventListener('message', ({ data }: MessageEvent<{ type: string; log?: number; message?: string; reason?: string }>) => {
    if (data.type === 'stopped') stopped?.()
    else if (data.type === 'refused') {
      failed = true
      log.warn(`background WAL checkpoints not started (${data.reason}); checkpointing on the main thread`)
      chasm.sqlite.run('PRAGMA wal_autocheckpoint = 1000')
    } else if (data.type === 'failed') report.failed(data.message ?? 'unknown error')
    else {
      report.succeeded()
      // The pass just copied almost everything: what is left is small, and once it is copied here,
      // between two commits, the next commit restarts the WAL from its beginning. The thread waits
      // for this (`finished`), so the two checkpoints never meet, however late this message runs.
      // While a harvest thread finishes them between its own commits, it is told to go on at once.
      if ((data.log ?? 0) >= restartFrames) {
        if (!finishElsewhere()) {
          try {
            finish.get()
          } catch (error) {
            log.warn(`WAL checkpoint failed (${(error as Error).message}); retrying after the next pass`)
          }
        }
        worker.postMessage({ type: 'finished' })
      }
    }
  })
  worker.postMessage({ type: 'start', path: chasm.path, files: chasm.files, intervalMs, restartFrames, busyTimeoutMs: chasm.busyTimeoutMs })
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
