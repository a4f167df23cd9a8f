import type { Database } from 'bun:sqlite'
import { searchTextFor, UNSPACED_GLOB } from './search-text'

/**
 * While these `meta` rows exist, full-text indexing is deferred above a high-water pk (their value):
 * rows up to it are indexed and kept in sync by the triggers, rows above it wait for `indexDeferred`
 * (migration 0013_live_harvest). `fts_deferred` covers messages, `fts_deferred_sessions` titles.
 */
const MESSAGES_KEY = 'fts_deferred'
const SESSIONS_KEY = 'fts_deferred_sessions'
/** Set by migration 0012_search on databases that had rows before texts were segmented for the index. */
const BACKFILL_KEY = 'search_text_backfill'

/** True while full-text indexing is deferred (a bulk harvest is running, or one was interrupted). */
export function isFullTextDeferred(sqlite: Database): boolean {
  return sqlite.query<{ n: number }, [string, string]>('SELECT count(*) AS n FROM meta WHERE key IN (?, ?)').get(MESSAGES_KEY, SESSIONS_KEY)!.n > 0
}

/**
 * Stops indexing rows written from now on until `indexDeferred` catches up with them; what is
 * indexed now stays indexed and in sync. A deferral already in place is kept as it is.
 */
export function deferFullText(sqlite: Database): void {
  sqlite.transaction(() => {
    sqlite.query("INSERT OR IGNORE INTO meta (key, value) SELECT ?, coalesce(max(pk), 0) FROM messages").run(MESSAGES_KEY)
    sqlite.query("INSERT OR IGNORE INTO meta (key, value) SELECT ?, coalesce(max(pk), 0) FROM sessions").run(SESSIONS_KEY)
  }).immediate()
}

/** How far `indexDeferred` got. */
export interface IndexProgress {
  /** Rows indexed by this call. */
  indexed: number
  /** Rows still waiting after it. */
  pending: number
  /** False once indexing is no longer deferred. */
  deferred: boolean
}

const statementsFor = (sqlite: Database) => ({
  mark: sqlite.prepare<{ value: number }, [string]>('SELECT CAST(value AS INTEGER) AS value FROM meta WHERE key = ?'),
  setMark: sqlite.prepare<never, [string, number]>('UPDATE meta SET value = ?2 WHERE key = ?1'),
  clearMark: sqlite.prepare<never, [string]>('DELETE FROM meta WHERE key = ?'),
  messagesAbove: sqlite.prepare<{ pk: number }, [number, number]>('SELECT pk FROM messages WHERE pk > ? ORDER BY pk LIMIT 1 OFFSET ?'),
  messagesMax: sqlite.prepare<{ pk: number | null }, []>('SELECT max(pk) AS pk FROM messages'),
  indexMessages: sqlite.prepare<never, [number, number]>(
    // The views hold the text as the index sees it (segmented, with its end token: migration 0012_search).
    'INSERT INTO messages_fts(rowid, content) SELECT pk, content FROM messages_search WHERE pk > ? AND pk <= ?',
  ),
  sessionsAbove: sqlite.prepare<{ pk: number }, [number, number]>('SELECT pk FROM sessions WHERE pk > ? ORDER BY pk LIMIT 1 OFFSET ?'),
  sessionsMax: sqlite.prepare<{ pk: number | null }, []>('SELECT max(pk) AS pk FROM sessions'),
  indexSessions: sqlite.prepare<never, [number, number]>(
    'INSERT INTO sessions_fts(rowid, title) SELECT pk, title FROM sessions_search WHERE pk > ? AND pk <= ?',
  ),
})

const cache = new WeakMap<Database, ReturnType<typeof statementsFor>>()

/**
 * Indexes up to `maxRows` deferred messages (and as many titles) in one short transaction, so other
 * writers wait at most one slice. With `finish`, the deferral ends in the same transaction once
 * nothing is left, so no row written meanwhile can fall between the slices and the triggers.
 */
export function indexDeferred(sqlite: Database, maxRows: number, { finish }: { finish: boolean }): IndexProgress {
  let s = cache.get(sqlite)
  if (!s) cache.set(sqlite, (s = statementsFor(sqlite)))
  const q = s
  const slice = (key: string, above: typeof q.messagesAbove, max: typeof q.messagesMax, index: typeof q.indexMessages) => {
    const mark = q.mark.get(key)
    if (!mark) return { indexed: 0, pending: 0, deferred: false }
    const top = max.get()!.pk ?? 0
    const to = Math.min(top, above.get(mark.value, maxRows - 1)?.pk ?? top)
    const indexed = to > mark.value ? index.run(mark.value, to).changes : 0
    const pending = top - to
    if (pending === 0 && finish) {
      q.clearMark.run(key)
      return { indexed, pending, deferred: false }
    }
    if (to > mark.value) q.setMark.run(key, to)
    return { indexed, pending, deferred: true }
  }
  return sqlite.transaction(() => {
    const messages = slice(MESSAGES_KEY, q.messagesAbove, q.messagesMax, q.indexMessages)
    const titles = slice(SESSIONS_KEY, q.sessionsAbove, q.sessionsMax, q.indexSessions)
    return {
      indexed: messages.indexed + titles.indexed,
      pending: messages.pending + titles.pending,
      deferred: messages.deferred || titles.deferred,
    }
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
