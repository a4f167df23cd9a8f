import type { Database, Statement } from 'bun:sqlite'
import { Type, type Static } from '@sinclair/typebox'
import { IsoTime, MessageRole, Nullable } from '../db'
import { toIso } from '../shared/time'
import { toFtsQuery } from './fts-query'
import { checkQueryShape } from './query-shape'

/** One search result: a session and up to three of its best-matching messages (docs/api.md, "Reads"). */
export const SearchResult = Type.Object({
  sessionId: Type.String(),
  workspaceId: Type.Union([Type.String(), Type.Null()]),
  provider: Type.String(),
  title: Type.Union([Type.String(), Type.Null()]),
  updated: Nullable(IsoTime),
  score: Type.Number({ description: 'BM25 relevance, higher is better' }),
  matches: Type.Array(
    Type.Object({
      messageId: Type.String(),
      role: MessageRole,
      snippet: Type.String({ description: 'HTML-escaped excerpt; hits are wrapped in <mark>…</mark>' }),
    }),
  ),
})
export type SearchResult = Static<typeof SearchResult>

export interface SearchOptions {
  limit: number
  workspace?: string
  provider?: string
}

/**
 * Ranking scores every hit (~0.7 µs each), so a term found in a large share of the corpus is ranked
 * only among its newest hits: windows of this many hits, widened while too few sessions are found.
 */
export const RANK_WINDOW = 20_000
const WINDOW_GROWTH = 8
const MATCHES_PER_SESSION = 3
// Private-use sentinels mark hits inside snippets so the text can be HTML-escaped before <mark> is added.
const OPEN = '\uE000'
const CLOSE = '\uE001'

interface Hit {
  pk: number
  rank: number
  sessionPk: number
  messageId: string
  role: Static<typeof MessageRole>
}

interface SessionView {
  pk: number
  id: string
  workspace_id: string | null
  provider: string
  title: string | null
  updated_at: number | null
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

const markSnippet = (raw: string) =>
  escapeHtml(raw).replaceAll(OPEN, '<mark>').replaceAll(CLOSE, '</mark>')

function prepare(sqlite: Database) {
  const filtered = (extra: string) =>
    sqlite.prepare<{ pk: number; rank: number; session_pk: number; message_id: string; role: Hit['role'] }, (string | number)[]>(
      `SELECT f.rowid AS pk, f.rank AS rank, m.session_pk, m.message_id, m.role
       FROM messages_fts f JOIN messages m ON m.pk = f.rowid JOIN sessions s ON s.pk = m.session_pk
       WHERE messages_fts MATCH ? AND f.rowid >= ? ${extra}
       ORDER BY f.rank LIMIT ?`,
    )
  return {
    boundary: sqlite.prepare<{ pk: number }, [string, number]>(
      'SELECT rowid AS pk FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?',
    ),
    hits: {
      none: filtered(''),
      workspace: filtered('AND s.workspace_id = ?'),
      provider: filtered('AND s.provider = ?'),
      both: filtered('AND s.workspace_id = ? AND s.provider = ?'),
    },
    titleHits: sqlite.prepare<{ pk: number; rank: number }, [string, number]>(
      'SELECT rowid AS pk, rank FROM sessions_fts WHERE sessions_fts MATCH ? ORDER BY rank LIMIT ?',
    ),
    session: sqlite.prepare<SessionView, [number]>(
      'SELECT pk, id, workspace_id, provider, title, updated_at FROM sessions WHERE pk = ?',
    ),
    snippet: sqlite.prepare<{ snippet: string }, [string, string, string, number]>(
      `SELECT snippet(messages_fts, 0, ?, ?, '…', 24) AS snippet FROM messages_fts WHERE messages_fts MATCH ? AND rowid = ?`,
    ),
  }
}

type Statements = ReturnType<typeof prepare>
const cache = new WeakMap<Database, Statements>()
const statementsFor = (sqlite: Database) => {
  let statements = cache.get(sqlite)
  if (!statements) cache.set(sqlite, (statements = prepare(sqlite)))
  return statements
}

function hitStatement(s: Statements, options: SearchOptions): { statement: Statement<any, any>; params: string[] } {
  if (options.workspace && options.provider) return { statement: s.hits.both, params: [options.workspace, options.provider] }
  if (options.workspace) return { statement: s.hits.workspace, params: [options.workspace] }
  if (options.provider) return { statement: s.hits.provider, params: [options.provider] }
  return { statement: s.hits.none, params: [] }
}

/** The lowest message rowid of the newest `window` hits, or 0 when there are fewer hits than that. */
const windowStart = (s: Statements, expression: string, window: number) =>
  s.boundary.get(expression, window - 1)?.pk ?? 0

/** Ranked hits grouped by session, best first, until `limit` sessions are found or the hits run out. */
function rankedSessions(s: Statements, expression: string, options: SearchOptions): Map<number, Hit[]> {
  const { statement, params } = hitStatement(s, options)
  let window = RANK_WINDOW
  for (;;) {
    const from = windowStart(s, expression, window)
    let fetch = options.limit * 5
    for (;;) {
      const rows = statement.all(expression, from, ...params, fetch) as {
        pk: number
        rank: number
        session_pk: number
        message_id: string
        role: Hit['role']
      }[]
      const bySession = new Map<number, Hit[]>()
      for (const row of rows) {
        const list = bySession.get(row.session_pk) ?? []
        if (list.length < MATCHES_PER_SESSION)
          list.push({ pk: row.pk, rank: row.rank, sessionPk: row.session_pk, messageId: row.message_id, role: row.role })
        bySession.set(row.session_pk, list)
      }
      const exhausted = rows.length < fetch
      if (bySession.size >= options.limit || exhausted) {
        if (bySession.size >= options.limit || from === 0) return bySession
        break
      }
      fetch *= 4
    }
    window *= WINDOW_GROWTH
  }
}

/**
 * Full-text search over message text and session titles, one result per session, best first.
 * Any input is safe: it is translated by `toFtsQuery`, never passed to FTS5 as syntax.
 */
export function searchSessions(sqlite: Database, q: string, options: SearchOptions): SearchResult[] {
  checkQueryShape(q)
  const query = toFtsQuery(q)
  if (!query) return []
  const s = statementsFor(sqlite)
  const bySession = rankedSessions(s, query.expression, options)
  const scores = new Map<number, number>()
  for (const [sessionPk, hits] of bySession) scores.set(sessionPk, -hits[0]!.rank)
  for (const { pk, rank } of s.titleHits.all(query.expression, options.limit * 5)) {
    scores.set(pk, (scores.get(pk) ?? 0) - rank)
  }
  const results: SearchResult[] = []
  const ranked = [...scores].sort((a, b) => b[1] - a[1])
  for (const [sessionPk, score] of ranked) {
    if (results.length >= options.limit) break
    const session = s.session.get(sessionPk)
    if (!session) continue
    if (options.workspace && session.workspace_id !== options.workspace) continue
    if (options.provider && session.provider !== options.provider) continue
    results.push({
      sessionId: session.id,
      workspaceId: session.workspace_id,
      provider: session.provider,
      title: session.title,
      updated: toIso(session.updated_at),
      score: Math.round(score * 1e4) / 1e4,
      matches: (bySession.get(sessionPk) ?? []).map((hit) => ({
        messageId: hit.messageId,
        role: hit.role,
        snippet: markSnippet(s.snippet.get(OPEN, CLOSE, query.expression, hit.pk)?.snippet ?? ''),
      })),
    })
  }
  return results
}
