import { describe, expect, test } from 'bun:test'
import { statSync } from 'node:fs'
import { checkpointReporter, startBackgroundCheckpoints } from '../../src/db'
import { silentLogger, streamLogger } from '../../src/shared/log'
import { openTestDb } from '../support/db'

const walBytes = (path: string) => statSync(`${path}-wal`).size
const autocheckpoint = (db: ReturnType<typeof openTestDb>) =>
  db.sqlite.query<{ wal_autocheckpoint: number }, []>('PRAGMA wal_autocheckpoint').get()!.wal_autocheckpoint

describe('background WAL checkpoints', () => {
  test('copy the WAL into the database off the main thread and keep the WAL bounded under steady writes', async () => {
    using db = openTestDb()
    db.sqlite.run('CREATE TABLE filler (text TEXT)')
    const insert = db.sqlite.prepare('INSERT INTO filler (text) VALUES (?)')
    const checkpoints = startBackgroundCheckpoints(db, silentLogger, { intervalMs: 5, restartFrames: 400 })
    expect(autocheckpoint(db)).toBe(0)
    const databaseBefore = statSync(db.path).size
    let maxWal = 0
    // ~6,000 pages written in single-row commits, with the event loop free between them as in a server.
    for (let i = 0; i < 6000; i++) {
      db.sqlite.transaction(() => insert.run('x'.repeat(3000)))()
      if (i % 20 === 0) await Bun.sleep(1)
      maxWal = Math.max(maxWal, walBytes(db.path))
    }
    await checkpoints.stop()
    expect(statSync(db.path).size).toBeGreaterThan(databaseBefore + 10_000_000)
    // Without the restart by the main connection it grows past 70 MB here.
    expect(maxWal).toBeLessThan(12_000_000)
    expect(autocheckpoint(db)).toBe(1000)
  })

  test('a run of failed passes is reported once, and so is the recovery', () => {
    const lines: string[] = []
    const report = checkpointReporter(streamLogger((line) => lines.push(line.trim())), 50)
    report.succeeded()
    report.failed('database or disk is full')
    report.failed('database or disk is full')
    report.failed('disk I/O error')
    report.succeeded()
    report.succeeded()
    report.failed('disk I/O error')
    expect(lines.map((line) => line.replace(/^\S+ /, ''))).toEqual([
      'warn background WAL checkpoint failed (database or disk is full); retrying every 50 ms',
      'info background WAL checkpoints work again',
      'warn background WAL checkpoint failed (disk I/O error); retrying every 50 ms',
    ])
  })
})
