import type { Database } from 'bun:sqlite'

const DEFERRED_KEY = 'fts_deferred'

/** True while full-text indexing is deferred (a bulk harvest is running, or one was interrupted). */
export function isFullTextDeferred(sqlite: Database): boolean {
  return sqlite.query<{ n: number }, [string]>('SELECT count(*) AS n FROM meta WHERE key = ?').get(DEFERRED_KEY)!.n > 0
}

/** Stops the FTS triggers until `rebuildFullText`; new and changed rows are not searchable meanwhile. */
export function deferFullText(sqlite: Database): void {
  sqlite.query("INSERT OR IGNORE INTO meta (key, value) VALUES (?, 'bulk harvest')").run(DEFERRED_KEY)
}

/** Rebuilds both full-text indexes from their tables and turns the triggers back on, in one transaction. */
export function rebuildFullText(sqlite: Database): void {
  sqlite.transaction(() => {
    sqlite.run("INSERT INTO messages_fts(messages_fts) VALUES ('rebuild')")
    sqlite.run("INSERT INTO sessions_fts(sessions_fts) VALUES ('rebuild')")
    sqlite.query('DELETE FROM meta WHERE key = ?').run(DEFERRED_KEY)
  }).immediate()
}

/** The highest message rowid: a cheap upper bound of the message count. */
export const messageHighWater = (sqlite: Database): number =>
  sqlite.query<{ n: number | null }, []>('SELECT max(pk) AS n FROM messages').get()!.n ?? 0
