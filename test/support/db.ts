import { join } from 'node:path'
import { openDatabase, type ChasmDb } from '../../src/db'
import { tempDir } from './temp'

/** A fresh migrated database in a temp dir; closed and removed on dispose. */
export function openTestDb(): ChasmDb & { dir: string; [Symbol.dispose](): void } {
  const dir = tempDir('chasm-db-')
  const db = openDatabase(join(dir.path, 'chasm.db'))
  return Object.assign(db, {
    dir: dir.path,
    [Symbol.dispose]() {
      db.close()
      dir[Symbol.dispose]()
    },
  })
}
