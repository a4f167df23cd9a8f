import { Database } from 'bun:sqlite'
import { describe, expect, test } from 'bun:test'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { migrate, openDatabase } from '../../src/db'
import { MIGRATIONS } from '../../src/db/migrations'
import journal from '../../src/db/migrations/meta/_journal.json'
import { tempDir } from '../support/temp'

describe('migrations', () => {
  test('every journal entry is embedded, in order', () => {
    expect(MIGRATIONS.map((m) => m.tag)).toEqual(journal.entries.map((e) => e.tag))
  })

  test('a database created by an earlier version is migrated on open', () => {
    using dir = tempDir()
    const path = join(dir.path, 'old.db')
    const old = new Database(path)
    expect(migrate(old, MIGRATIONS.slice(0, 1))).toEqual([MIGRATIONS[0]!.tag])
    old.close()
    const chasm = openDatabase(path)
    const tags = chasm.sqlite.query<{ tag: string }, []>('SELECT tag FROM schema_migrations ORDER BY tag').all().map((r) => r.tag)
    expect(tags).toEqual(MIGRATIONS.map((m) => m.tag))
    expect(migrate(chasm.sqlite)).toEqual([])
    chasm.close()
  })

  test("0011: a failed run's summary stored as a bare array gets the run summary's shape", () => {
    using dir = tempDir()
    const path = join(dir.path, 'old.db')
    const old = new Database(path)
    migrate(old, MIGRATIONS.filter((m) => m.tag !== '0011_harvest_run_summary'))
    const providers = [{ provider: 'copilot', problems: [{ source: 'a', message: 'x' }, { source: 'b', message: 'y' }] }, { provider: 'codex', problems: [] }]
    old.run("INSERT INTO harvest_runs (started_at, ended_at, status, summary, error) VALUES (1000, 2000, 'failed', ?, 'disk full')", [JSON.stringify(providers)])
    const finished = { startedAt: '1970-01-01T00:00:03.000Z', endedAt: '1970-01-01T00:00:04.000Z', providers: [], problemCount: 0 }
    old.run("INSERT INTO harvest_runs (started_at, ended_at, status, summary) VALUES (3000, 4000, 'completed', ?)", [JSON.stringify(finished)])
    old.close()
    const chasm = openDatabase(path)
    const summaries = chasm.sqlite.query<{ summary: string }, []>('SELECT summary FROM harvest_runs ORDER BY pk').all().map((row) => JSON.parse(row.summary))
    expect(summaries).toEqual([
      { startedAt: '1970-01-01T00:00:01.000Z', endedAt: '1970-01-01T00:00:02.000Z', providers, problemCount: 2 },
      finished,
    ])
    chasm.close()
  })

  test('a database from a newer chasm is refused, not changed', () => {
    using dir = tempDir()
    const path = join(dir.path, 'new.db')
    openDatabase(path).close()
    const db = new Database(path)
    db.run("INSERT INTO schema_migrations (tag, applied_at) VALUES ('9999_future', 0)")
    db.close()
    expect(() => openDatabase(path)).toThrow('database was created by a newer version of chasm')
  })

  test('a file that is not a database is never overwritten', () => {
    using dir = tempDir()
    const path = join(dir.path, 'notes.db')
    writeFileSync(path, 'my precious notes, not SQLite at all '.repeat(200))
    const before = readFileSync(path)
    expect(() => openDatabase(path)).toThrow(/cannot use database .*notes\.db/)
    expect(readFileSync(path)).toEqual(before)
  })

  test('pragmas: WAL, foreign keys, busy timeout', () => {
    using dir = tempDir()
    const chasm = openDatabase(join(dir.path, 'p.db'))
    const pragma = (name: string) => Object.values(chasm.sqlite.query(`PRAGMA ${name}`).get() as object)[0]
    expect([pragma('journal_mode'), pragma('foreign_keys'), pragma('busy_timeout'), pragma('synchronous')]).toEqual(['wal', 1, 5000, 1])
    chasm.close()
  })
})
