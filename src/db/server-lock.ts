import { Database } from 'bun:sqlite'
import { ChasmError } from '../shared/errors'
import { createPrivately } from './private-file'

/** A held claim that one `chasm api serve` owns a database; released when closed or when the process dies. */
export interface ServerLock {
  release(): void
}

/** Where the claim on `dbPath` lives: a tiny SQLite file beside the database. */
export const serverLockPath = (dbPath: string) => `${dbPath}.server-lock`

/**
 * Claims `dbPath` for this server, or throws CONFLICT when another live server holds it. The claim
 * is an exclusive SQLite lock on a side file, held for the life of the connection: the operating
 * system drops it when the process exits however it exits (kill -9 included), on every OS, so a
 * crashed server never blocks the next one.
 */
export function acquireServerLock(dbPath: string): ServerLock {
  if (dbPath === ':memory:') return { release() {} }
  const path = serverLockPath(dbPath)
  createPrivately(path)
  const lock = new Database(path, { create: true })
  try {
    lock.run('PRAGMA busy_timeout = 0')
    lock.run('PRAGMA locking_mode = EXCLUSIVE')
    lock.run('PRAGMA journal_mode = MEMORY')
    // The first write takes the exclusive lock, and EXCLUSIVE locking mode keeps it until close.
    lock.run('CREATE TABLE IF NOT EXISTS holder (pid INTEGER NOT NULL, since INTEGER NOT NULL)')
    lock.run('DELETE FROM holder')
    lock.run('INSERT INTO holder (pid, since) VALUES (?, ?)', [process.pid, Date.now()])
  } catch (error) {
    lock.close()
    if (/locked|busy/i.test((error as Error).message)) {
      throw new ChasmError('CONFLICT', `another chasm server is already serving ${dbPath}; stop it first, or give this one another --db`, { cause: error })
    }
    throw error
  }
  return { release: () => lock.close() }
}
