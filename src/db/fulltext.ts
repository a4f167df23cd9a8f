import type { Database } from 'bun:sqlite'
import { searchTextFor, UNSPACED_GLOB } from './search-text'

const DEFERRED_KEY = 'fts_deferred'
/** Set by migration 0008 on databases that had rows before texts were segmented for the index. */
const BACKFILL_KEY = 'search_text_backfill'

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

/**
 * Gives up to `batch` rows written before texts were segmented their indexed form (the update
 * triggers re-index them), in one transaction. Returns false once no row is left, clearing the mark.
 */
export function backfillSearchText(sqlite: Database, batch = 500): boolean {
  const pending = sqlite.query<{ n: number }, [string]>('SELECT count(*) AS n FROM meta WHERE key = ?').get(BACKFILL_KEY)!.n > 0
  if (!pending) return false
  return sqlite.transaction(() => {
    const messages = sqlite
      .query<{ pk: number; content: string }, [string, number]>(
        'SELECT pk, content FROM messages WHERE search_text IS NULL AND content GLOB ? ORDER BY pk LIMIT ?',
      )
      .all(UNSPACED_GLOB, batch)
    const sessions = sqlite
      .query<{ pk: number; title: string }, [string, number]>(
        'SELECT pk, title FROM sessions WHERE search_title IS NULL AND title GLOB ? ORDER BY pk LIMIT ?',
      )
      .all(UNSPACED_GLOB, batch)
    const setText = sqlite.query<never, [string, number]>('UPDATE messages SET search_text = ? WHERE pk = ?')
    const setTitle = sqlite.query<never, [string, number]>('UPDATE sessions SET search_title = ? WHERE pk = ?')
    // Rows that need no splitting (their text already has the word separator) get their own text.
    for (const { pk, content } of messages) setText.run(searchTextFor(content) ?? content, pk)
    for (const { pk, title } of sessions) setTitle.run(searchTextFor(title) ?? title, pk)
    const more = messages.length === batch || sessions.length === batch
    if (!more) sqlite.query('DELETE FROM meta WHERE key = ?').run(BACKFILL_KEY)
    return more
  }).immediate()
}
