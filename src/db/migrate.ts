import type { Database } from 'bun:sqlite'
import { ChasmError } from '../shared/errors'
import { MIGRATIONS, type Migration } from './migrations'

/** Applies every embedded migration the database lacks, each in its own transaction. Returns the tags applied. */
export function migrate(sqlite: Database, migrations: Migration[] = MIGRATIONS): string[] {
  sqlite.run(
    'CREATE TABLE IF NOT EXISTS schema_migrations (tag TEXT PRIMARY KEY NOT NULL, applied_at INTEGER NOT NULL)',
  )
  const applied = new Set(
    sqlite
      .query<{ tag: string }, []>('SELECT tag FROM schema_migrations')
      .all()
      .map((row) => row.tag),
  )
  const known = new Set(migrations.map((m) => m.tag))
  const unknown = [...applied].filter((tag) => !known.has(tag))
  if (unknown.length > 0) {
    throw new ChasmError(
      'INTERNAL_ERROR',
      `database was created by a newer version of chasm (unknown migrations: ${unknown.join(', ')}); upgrade chasm`,
    )
  }
  const record = sqlite.prepare('INSERT INTO schema_migrations (tag, applied_at) VALUES (?, ?)')
  const done: string[] = []
  for (const migration of migrations) {
    if (applied.has(migration.tag)) continue
    sqlite.transaction(() => {
      for (const statement of migration.statements) sqlite.run(statement)
      record.run(migration.tag, Date.now())
    })()
    done.push(migration.tag)
  }
  return done
}
