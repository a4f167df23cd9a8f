import { describe, expect, test } from 'bun:test'
import { existsSync, renameSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { checkpointReporter, getSession, openDatabase, replaceSession, startBackgroundCheckpoints } from '../../src/db'
import { silentLogger, streamLogger } from '../../src/shared/log'
import { fileHash } from '../faults/support'
import { openTestDb } from '../support/db'
import { NO_RENAME_OPEN_FILE, skipIf } from '../support/os'
import { sampleSession } from '../support/sessions'
import { until } from '../support/wait'

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
    let copied = statSync(db.path).size
    let sinceCopy = 0
    // ~6,000 pages written in single-row commits, with the event loop free between them as in a server.
    for (let i = 0; i < 6000; i++) {
      db.sqlite.transaction(() => insert.run('x'.repeat(3000)))()
      if (i % 20 === 0) await Bun.sleep(1)
      maxWal = Math.max(maxWal, walBytes(db.path))
      // A starved thread (a busy machine) cannot bound anything: the writer waits for its next pass
      // (the database file grows when a pass copies pages) once it is 400 commits behind.
      const size = statSync(db.path).size
      if (size > copied) [copied, sinceCopy] = [size, 0]
      else if (++sinceCopy >= 400) await until(() => statSync(db.path).size > copied, 'a background checkpoint pass')
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

  // The thread opens the file by path, after the server did: a file put at the path in between (a
  // restored backup) would get a connection that reads our -wal and -shm and checkpoints our pages into it.
  for (const how of ['replaced by a backup', 'deleted'] as const) {
    skipIf(NO_RENAME_OPEN_FILE)(`database ${how} before the thread opened it: the thread never touches what is at the path`, async () => {
      using db = openTestDb()
      replaceSession(db.sqlite, sampleSession({ id: 'ours' }))
      expect(statSync(`${db.path}-wal`).size).toBeGreaterThan(0)
      const backup = join(db.dir, 'backup.db')
      const other = openDatabase(backup)
      replaceSession(other.sqlite, sampleSession({ id: 'theirs' }))
      other.close()
      if (how === 'deleted') for (const suffix of ['', '-wal', '-shm']) rmSync(db.path + suffix)
      else renameSync(backup, db.path)
      const before = how === 'deleted' ? null : fileHash(db.path)

      const lines: string[] = []
      const checkpoints = startBackgroundCheckpoints(db, streamLogger((line) => lines.push(line)), { intervalMs: 5 })
      await until(() => lines.some((line) => line.includes('background WAL checkpoints not started')), 'the thread to refuse the file')
      await checkpoints.stop()

      if (before === null) expect([existsSync(db.path), existsSync(`${db.path}-wal`), existsSync(`${db.path}-shm`)]).toEqual([false, false, false])
      else expect(fileHash(db.path)).toBe(before)
      // The server's own connection still reads its own data.
      expect(getSession(db.sqlite, 'ours').id).toBe('ours')
    })
  }
})
