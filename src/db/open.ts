import { Database } from 'bun:sqlite'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { ChasmError } from '../shared/errors'
import { migrate } from './migrate'

/**
 * An open chasm database. drizzle (`schema.ts`) defines the tables and generates the migrations;
 * at run time every query is a prepared bun:sqlite statement (≈4.5× faster than the query
 * builder, and drizzle's runtime stays out of the binary's startup path).
 */
export interface ChasmDb {
  readonly path: string
  readonly sqlite: Database
  close(): void
}

/**
 * Opens (creating if needed) and migrates the database at `path` with WAL, synchronous=NORMAL,
 * a busy timeout and foreign keys. A file that is not a chasm/SQLite database is never overwritten.
 */
export function openDatabase(path: string, options: { readonly?: boolean } = {}): ChasmDb {
  let sqlite: Database
  try {
    if (path !== ':memory:' && !options.readonly) mkdirSync(dirname(path), { recursive: true })
    sqlite = options.readonly ? new Database(path, { readonly: true }) : new Database(path, { create: true, strict: true })
  } catch (error) {
    throw new ChasmError('INTERNAL_ERROR', `cannot open database ${path}: ${(error as Error).message}`, { cause: error })
  }
  try {
    sqlite.run('PRAGMA busy_timeout = 5000')
    if (!options.readonly) {
      sqlite.run('PRAGMA journal_mode = WAL')
      sqlite.run('PRAGMA synchronous = NORMAL')
    }
    sqlite.run('PRAGMA foreign_keys = ON')
    if (!options.readonly) migrate(sqlite)
  } catch (error) {
    sqlite.close()
    if (error instanceof ChasmError) throw error
    throw new ChasmError('INTERNAL_ERROR', `cannot use database ${path}: ${(error as Error).message}`, { cause: error })
  }
  let closed = false
  return {
    path,
    sqlite,
    close() {
      if (closed) return
      closed = true
      if (!options.readonly) {
        try {
          sqlite.run('PRAGMA optimize')
          sqlite.run('PRAGMA wal_checkpoint(TRUNCATE)')
        } catch {
          // Another connection may hold the WAL; closing still checkpoints what it can.
        }
      }
      sqlite.close()
    },
  }
}

/** A cheap prepared check that the database still answers (for `/api/health`). */
export function databaseProbe(sqlite: Database): () => boolean {
  const probe = sqlite.prepare('SELECT 1')
  return () => {
    try {
      probe.get()
      return true
    } catch {
      return false
    }
  }
}
