import { Database, constants } from 'bun:sqlite'
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A provider's SQLite database opened for reading only; `close()` also removes any temporary copy. */
export interface SqliteSource {
  readonly db: Database
  close(): void
}

const READ_FLAGS = constants.SQLITE_OPEN_READONLY | constants.SQLITE_OPEN_URI
const uri = (path: string, query: string) => `file:${encodeURI(path).replace(/\?/g, '%3F').replace(/#/g, '%23')}?${query}`
const nonEmpty = (path: string) => {
  try {
    return statSync(path).size > 0
  } catch {
    return false
  }
}

/**
 * Opens another tool's SQLite file without writing, locking against writers, or creating
 * `-wal`/`-shm`/journal files beside it (docs/providers.md):
 * - no live WAL: `immutable=1` (no locks, no side files);
 * - a WAL with its `-shm`: read-only through the existing WAL index (readers never block writers);
 * - a WAL without `-shm`: the database and its WAL are copied to a temp dir and the copy is read.
 */
export function openSqliteSource(path: string): SqliteSource {
  const wal = `${path}-wal`
  if (!nonEmpty(wal)) return { db: withTimeout(new Database(uri(path, 'immutable=1'), READ_FLAGS)), close() {} }
  if (existsSync(`${path}-shm`)) return plain(withTimeout(new Database(uri(path, 'mode=ro'), READ_FLAGS)))
  const dir = mkdtempSync(join(tmpdir(), 'chasm-source-'))
  const copy = join(dir, 'source.db')
  copyFileSync(path, copy)
  copyFileSync(wal, `${copy}-wal`)
  const db = withTimeout(new Database(copy, { readonly: false }))
  return {
    db,
    close() {
      db.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

const plain = (db: Database): SqliteSource => ({ db, close: () => db.close() })

function withTimeout(db: Database): Database {
  db.run('PRAGMA busy_timeout = 5000')
  return db
}

/** Decodes an ItemTable/cursorDiskKV value (TEXT or UTF-8 BLOB) to a string. */
export function decodeValue(value: unknown): string | null {
  if (typeof value === 'string') return value
  if (value instanceof Uint8Array) return new TextDecoder().decode(value)
  return null
}

/** What a SQLite reader yields: parts of the provider's stream, or a problem. */
type ReadPart = { kind: 'problem'; message: string } | { kind: string }

/**
 * Streams `read(db)` over another tool's SQLite file: a file that cannot be opened, or a read that
 * fails midway, becomes one `problem` part (what was read stays), and the file is always closed.
 */
export async function* readSqliteParts<Part extends ReadPart>(
  path: string,
  read: (db: Database) => Iterable<Part> | AsyncIterable<Part>,
): AsyncGenerator<Part | { kind: 'problem'; message: string }> {
  let source: SqliteSource
  try {
    source = openSqliteSource(path)
  } catch (error) {
    yield { kind: 'problem', message: `cannot open database: ${(error as Error).message}` }
    return
  }
  try {
    yield* read(source.db)
  } catch (error) {
    yield { kind: 'problem', message: `database read failed: ${(error as Error).message}` }
  } finally {
    source.close()
  }
}
