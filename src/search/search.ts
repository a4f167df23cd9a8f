import type { Database } from 'bun:sqlite'
import { Type, type Static } from '@sinclair/typebox'
import { IsoTime, MessageRole, Nullable, WORD_BREAK } from '../db'
import { ChasmError } from '../shared/errors'
import { toIso } from '../shared/time'
import { TooMuchToRead, UnreadableIndex } from './fts5-index'
import { toFtsQuery, type FtsQuery } from './fts-query'
import { checkQueryShape } from './query-shape'
import { scoreHits, type IndexAccess, type TokenPhrase } from './hits'
import { rankSessions, type RankedSession, type SearchSort } from './rank'
import { searchStore, type ScoredHits, type SearchStore } from './store'

/** One search result: a session and up to three of its best-matching messages (docs/search.md). */
export const SearchResult = Type.Object({
  sessionId: Type.String(),
  workspaceId: Type.Union([Type.String(), Type.Null()]),
  provider: Type.String(),
  title: Type.Union([Type.String(), Type.Null()]),
  updated: Nullable(IsoTime),
  score: Type.Number({ description: 'BM25 relevance of the best message plus the title, higher is better' }),
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
  sort?: SearchSort
  /** Index bytes the search may read before refusing the query as too broad (default `READ_BUDGET_BYTES`). */
  readBudget?: number
  /** Title hits up to this many are walked before the messages (default `TITLES_FIRST`); the results do not depend on it. */
  titlesFirst?: number
}

/**
 * Index leaves one search may read: ~16 MB decode in well under 100 ms, enough for five or six words
 * each found in most of a million messages; a query needing more is refused as too broad.
 */
export const READ_BUDGET_BYTES = 16 * 1024 * 1024

// Private-use sentinels mark hits inside snippets so the text can be HTML-escaped before <mark> is added.
const OPEN = '\uE000'
const CLOSE = '\uE001'
const WORD_BREAKS = new RegExp(WORD_BREAK, 'g')

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

/** A split text only adds word breaks to the original, so removing them gives back its characters. */
const markSnippet = ({ snippet, split }: { snippet: string; split: boolean }) =>
  escapeHtml(split ? snippet.replace(WORD_BREAKS, '') : snippet).replaceAll(OPEN, '<mark>').replaceAll(CLOSE, '</mark>')

// Tokenizing depends only on the text (the tokenizer is fixed), so it is cached across searches.
const tokenCache = new Map<string, string[]>()
const TOKEN_CACHE_SIZE = 1000

function tokenize(store: SearchStore, query: FtsQuery): TokenPhrase[] {
  const missing = query.phrases.map((p) => p.text).filter((text) => !tokenCache.has(text))
  if (missing.length > 0) {
    const tokens = store.tokenize(missing)
    missing.forEach((text, i) => {
      if (tokenCache.size >= TOKEN_CACHE_SIZE) tokenCache.delete(tokenCache.keys().next().value!)
      tokenCache.set(text, tokens[i]!)
    })
  }
  return query.phrases.map((p) => ({ tokens: tokenCache.get(p.text)!, prefix: p.prefix }))
}

function access(store: SearchStore, index: 'messages' | 'titles'): IndexAccess {
  return {
    source: store.index[index],
    version: () => store.version(index),
    lengths: (rowids) => store.lengths(index, rowids),
  }
}

/**
 * A score as results show it: four significant digits. A word in most messages has BM25's floor idf
 * (1e-6), so fixed decimals would round its matches to 0; higher is better and a match is never 0.
 */
export const shownScore = (score: number): number => Number(score.toPrecision(4))

/** Every message and title hit with its score: read from the index, or from FTS5 when the reader cannot. */
function allHits(store: SearchStore, query: FtsQuery, budget: number): { messages: ScoredHits; titles: ScoredHits } {
  const phrases = tokenize(store, query)
  const cost = { bytes: 0, limit: budget }
  try {
    return { messages: scoreHits(access(store, 'messages'), phrases, cost), titles: scoreHits(access(store, 'titles'), phrases, cost) }
  } catch (error) {
    if (error instanceof TooMuchToRead) {
      throw new ChasmError('BAD_REQUEST', "Invalid query parameter 'q': its words are found in so much of the index that ranking them would take too long; add a rarer word")
    }
    if (error instanceof UnreadableIndex) return referenceHits(store, query)
    throw error
  }
}

/** The hits as FTS5 itself scores them (bm25() on every hit): slow on common words, exact by definition. */
function referenceHits(store: SearchStore, query: FtsQuery): { messages: ScoredHits; titles: ScoredHits } {
  return { messages: store.ftsHits('messages', query.expression), titles: store.ftsHits('titles', query.expression) }
}

function toResults(store: SearchStore, ranked: RankedSession[], expression: string): SearchResult[] {
  const pks = ranked.flatMap((entry) => entry.matches.map((match) => match.pk))
  const rows = new Map(store.messageRows(pks).map((row) => [row.pk, row]))
  const snippets = store.snippets(pks, expression, OPEN, CLOSE)
  return ranked.map(({ session, score, matches }) => ({
    sessionId: session.id,
    workspaceId: session.workspace_id,
    provider: session.provider,
    title: session.title,
    updated: toIso(session.updated_at),
    score: shownScore(score),
    matches: matches.map(({ pk }) => ({
      messageId: rows.get(pk)!.message_id,
      role: rows.get(pk)!.role,
      snippet: markSnippet(snippets.get(pk) ?? { snippet: '', split: false }),
    })),
  }))
}

/**
 * Full-text search over message text and session titles, one result per session: every hit is
 * scored (exact BM25, docs/search.md), filters apply before ranking, ties break deterministically.
 * Any input is safe: it is translated by `toFtsQuery`, never passed to FTS5 as syntax.
 * A plain function of a connection and a request, so it can run on any connection (or thread).
 */
export function searchSessions(sqlite: Database, q: string, options: SearchOptions): SearchResult[] {
  checkQueryShape(q)
  const query = toFtsQuery(q)
  if (!query) return []
  const store = searchStore(sqlite)
  return store.snapshot(() => {
    const { messages, titles } = allHits(store, query, options.readBudget ?? READ_BUDGET_BYTES)
    const filter = { workspace: options.workspace, provider: options.provider }
    const ranked = rankSessions(store, { messages, titles, limit: options.limit, filter, sort: options.sort ?? 'relevance', titlesFirst: options.titlesFirst })
    return toResults(store, ranked, query.expression)
  })
}
