import type { Database } from 'bun:sqlite'
import type { Source } from '../provider'
import { openSqliteSource, type SqliteSource } from './sqlite-source'

/** What a source that only reports a problem carries in `data`. */
export interface ProblemSourceData {
  kind: 'problem'
  message: string
}

/** A source whose read yields only `message` as a problem (an unreadable index or database). */
export const problemSource = (path: string, message: string): Source => ({ key: path, path, data: { kind: 'problem', message } satisfies ProblemSourceData })

/**
 * The sources of another tool's SQLite file, one per conversation `list` finds in it. A file that
 * cannot be read, or whose tables are not the ones `list` expects (the tool changed its format), is
 * one source reporting why. The expected tables with no rows are an empty history, not a problem:
 * these tools create their database on first launch, before any chat.
 */
export function sqliteSources(path: string, list: (db: Database) => Source[]): Source[] {
  let sqlite: SqliteSource | null = null
  try {
    sqlite = openSqliteSource(path)
    return list(sqlite.db)
  } catch (error) {
    return [problemSource(path, `cannot read database: ${(error as Error).message}`)]
  } finally {
    sqlite?.close()
  }
}
