import { Database } from 'bun:sqlite'
import type { Static } from '@sinclair/typebox'
import type { MessageRole } from '../db'
import { STRUCTURE_ROWID, type IndexSource } from './fts5-index'

/** A session as search shows it. */
export interface SessionView {
  pk: number
  id: string
  workspace_id: string | null
  provider: string
  title: string | null
  created_at: number | null
  updated_at: number | null
}

/** Which sessions a search may return: the filters of the request, applied before ranking. */
export interface SessionFilter {
  workspace?: string
  provider?: string
}

/** Hits with their scores, row ids ascending (message pks, or session pks for titles). */
export interface ScoredHits {
  rowids: Float64Array
  scores: Float64Array
  length: number
}

/**
 * A scratch index in memory with the indexes' tokenizer: it splits query phrases into index tokens,
 * and gives snippets of a few messages without running a (possibly prefix) MATCH on the big index.
 * A database of its own, so searching never writes to the searched one (which may be read-only, and
 * whose change count tells when cached postings are stale).
 */
function scratchIndex() {
  const memory = new Database(':memory:')
  memory.run("CREATE VIRTUAL TABLE scratch USING fts5(text, tokenize = 'porter unicode61 remove_diacritics 2')")
  memory.run('CREATE VIRTUAL TABLE scratch_tokens USING fts5vocab(scratch, instance)')
  return {
    clear: memory.prepare('DELETE FROM scratch'),
    add: memory.prepare<never, [number, string]>('INSERT INTO scratch (rowid, text) VALUES (?, ?)'),
    tokens: memory.prepare<{ doc: number; offset: number; term: string }, []>('SELECT doc, offset, term FROM scratch_tokens ORDER BY doc, offset'),
    snippets: memory.prepare<{ rowid: number; snippet: string }, [string, string, string]>(
      `SELECT rowid, snippet(scratch, 0, ?, ?, '…', 24) AS snippet FROM scratch WHERE scratch MATCH ?`,
    ),
  }
}
let scratch: ReturnType<typeof scratchIndex> | null = null
const scratchFor = () => (scratch ??= scratchIndex())

/** Reads one FTS5 table's shadow tables (see fts5-index.ts); `table` is the FTS table's name. */
export function indexSource(sqlite: Database, table: string): IndexSource {
  const block = sqlite.prepare<{ block: Uint8Array }, [number]>(`SELECT block FROM ${table}_data WHERE id = ?`)
  const blocks = sqlite.prepare<{ id: number; block: Uint8Array }, [number, number]>(
    `SELECT id, block FROM ${table}_data WHERE id BETWEEN ? AND ? ORDER BY id`,
  )
  const before = sqlite.prepare<{ pgno: number }, [number, Uint8Array]>(
    `SELECT pgno FROM ${table}_idx WHERE segid = ? AND term <= ? ORDER BY term DESC LIMIT 1`,
  )
  const after = sqlite.prepare<{ pgno: number }, [number, Uint8Array]>(
    `SELECT pgno FROM ${table}_idx WHERE segid = ? AND term >= ? ORDER BY term LIMIT 1`,
  )
  const version = sqlite.prepare<{ v: number }, []>(`SELECT v FROM ${table}_config WHERE k = 'version'`)
  return {
    formatVersion: () => version.get()?.v ?? null,
    block: (id) => block.get(id)?.block ?? null,
    blocks: (from, to) => blocks.all(from, to),
    pageAtOrBefore: (segid, key) => before.get(segid, key)?.pgno ?? null,
    pageAtOrAfter: (segid, key) => after.get(segid, key)?.pgno ?? null,
  }
}

const SESSION_COLUMNS = 'pk, id, workspace_id, provider, title, created_at, updated_at'
// ?1 is the workspace id, ?2 the provider (each null when not filtered on); `s` is the sessions table.
// One statement per combination, so each uses its own index.
const FILTERS = {
  none: '?1 IS NULL AND ?2 IS NULL',
  workspace: 's.workspace_id = ?1 AND ?2 IS NULL',
  provider: '?1 IS NULL AND s.provider = ?2',
  both: 's.workspace_id = ?1 AND s.provider = ?2',
} as const
type FilterKind = keyof typeof FILTERS
const filterKind = (filter: SessionFilter): FilterKind =>
  filter.workspace !== undefined && filter.provider !== undefined ? 'both'
    : filter.workspace !== undefined ? 'workspace'
      : filter.provider !== undefined ? 'provider'
        : 'none'
const filterParams = (filter: SessionFilter): [string | null, string | null] => [filter.workspace ?? null, filter.provider ?? null]

/** Decodes the one varint of a single-column `%_docsize` row. */
function docsize(blob: Uint8Array): number {
  let value = 0
  for (const byte of blob) {
    value = value * 128 + (byte & 0x7f)
    if (byte < 0x80) break
  }
  return value
}

const json = (values: ArrayLike<number>) => JSON.stringify(Array.from(values))

function prepare(sqlite: Database) {
  const perFilter = <T>(build: (where: string) => T) =>
    Object.fromEntries((Object.keys(FILTERS) as FilterKind[]).map((kind) => [kind, build(FILTERS[kind])])) as Record<FilterKind, T>
  return {
    messages: indexSource(sqlite, 'messages_fts'),
    titles: indexSource(sqlite, 'sessions_fts'),
    docsize: {
      messages: sqlite.prepare<{ id: number; sz: Uint8Array }, [string]>(
        'SELECT id, sz FROM messages_fts_docsize WHERE id IN (SELECT value FROM json_each(?))',
      ),
      titles: sqlite.prepare<{ id: number; sz: Uint8Array }, [string]>(
        'SELECT id, sz FROM sessions_fts_docsize WHERE id IN (SELECT value FROM json_each(?))',
      ),
    },
    // `split`: the indexed text is the content with word breaks added (src/db/search-text.ts).
    indexedTexts: sqlite.prepare<{ pk: number; text: string; split: number }, [string]>(
      `SELECT pk, coalesce(search_text, content) AS text, search_text IS NOT NULL AND search_text <> content AS split
       FROM messages WHERE pk IN (SELECT value FROM json_each(?))`,
    ),
    // Columns stored before `content` only: reading past a long content means walking its overflow pages.
    messageSessions: sqlite.prepare<{ pk: number; session_pk: number }, [string]>(
      'SELECT pk, session_pk FROM messages WHERE pk IN (SELECT value FROM json_each(?))',
    ),
    messageRows: sqlite.prepare<{ pk: number; session_pk: number; message_id: string; role: Static<typeof MessageRole>; timestamp: number | null }, [string]>(
      'SELECT pk, session_pk, message_id, role, timestamp FROM messages WHERE pk IN (SELECT value FROM json_each(?))',
    ),
    sessionSpans: sqlite.prepare<{ session_pk: number; lo: number; hi: number; n: number }, [string]>(
      `SELECT session_pk, min(pk) AS lo, max(pk) AS hi, count(*) AS n FROM messages
       WHERE session_pk IN (SELECT value FROM json_each(?)) GROUP BY session_pk`,
    ),
    sessionMessages: sqlite.prepare<{ pk: number }, [number]>('SELECT pk FROM messages WHERE session_pk = ?'),
    sessions: sqlite.prepare<SessionView, [string]>(
      `SELECT ${SESSION_COLUMNS} FROM sessions WHERE pk IN (SELECT value FROM json_each(?))`,
    ),
    filterMessageCount: perFilter((where) =>
      sqlite.prepare<{ n: number }, [string | null, string | null]>(
        `SELECT coalesce(sum(s.message_count), 0) AS n FROM sessions s WHERE ${where}`,
      ),
    ),
    filterMessages: perFilter((where) =>
      sqlite.prepare<{ pk: number }, [string | null, string | null]>(
        `SELECT m.pk FROM sessions s JOIN messages m ON m.session_pk = s.pk WHERE ${where} ORDER BY m.pk`,
      ),
    ),
    filterSessions: perFilter((where) =>
      sqlite.prepare<{ pk: number }, [string | null, string | null]>(`SELECT s.pk FROM sessions s WHERE ${where}`),
    ),
    // Newest update first, pk breaking ties (the sessions_* indexes' order); ?3/?4 resume after a session.
    newestDated: perFilter((where) =>
      sqlite.prepare<SessionView, [string | null, string | null, number, number, number]>(
        `SELECT ${SESSION_COLUMNS} FROM sessions s WHERE ${where}
           AND (s.updated_at < ?3 OR (s.updated_at = ?3 AND s.pk < ?4))
         ORDER BY s.updated_at DESC, s.pk DESC LIMIT ?5`,
      ),
    ),
    // Then the sessions without an update time, by pk.
    newestUndated: perFilter((where) =>
      sqlite.prepare<SessionView, [string | null, string | null, number, number]>(
        `SELECT ${SESSION_COLUMNS} FROM sessions s WHERE ${where} AND s.updated_at IS NULL AND s.pk < ?3
         ORDER BY s.pk DESC LIMIT ?4`,
      ),
    ),
    messageHits: sqlite.prepare<{ rowid: number; score: number }, [string]>(
      'SELECT rowid, -bm25(messages_fts) AS score FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rowid',
    ),
    titleHits: sqlite.prepare<{ rowid: number; score: number }, [string]>(
      'SELECT rowid, -bm25(sessions_fts) AS score FROM sessions_fts WHERE sessions_fts MATCH ? ORDER BY rowid',
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

const toHits = (rows: { rowid: number; score: number }[]): ScoredHits => ({
  rowids: Float64Array.from(rows, (row) => row.rowid),
  scores: Float64Array.from(rows, (row) => row.score),
  length: rows.length,
})

/** Every SQL statement of search, prepared once per connection; all reads of one search share a transaction. */
export function searchStore(sqlite: Database) {
  const s = statementsFor(sqlite)
  return {
    /** Runs `read` in one read transaction, so the index and the tables are one snapshot. */
    snapshot: <T>(read: () => T): T => sqlite.transaction(read)(),
    /** The shadow tables of the message and title indexes. */
    index: { messages: s.messages, titles: s.titles },
    /**
     * A stamp of one index's content: its FTS5 structure record, which FTS5 rewrites (write counter
     * and segment list) with every change it commits — rows indexed, deleted, segments merged. Rows
     * written while indexing is deferred, and changes to other columns, leave it as it is.
     */
    version: (index: 'messages' | 'titles'): string => {
      const structure = (index === 'messages' ? s.messages : s.titles).block(STRUCTURE_ROWID)
      return structure === null ? '' : Buffer.from(structure).toString('base64')
    },
    /** Lengths in tokens of some rows of an index, from FTS5's own `%_docsize`. */
    lengths(index: 'messages' | 'titles', rowids: ArrayLike<number>): Map<number, number> {
      return new Map(s.docsize[index].all(json(rowids)).map((row) => [row.id, docsize(row.sz)]))
    },
    /** The tokens of each text as the index's tokenizer makes them (stemmed, folded). */
    tokenize(texts: string[]): string[][] {
      const scratch = scratchFor()
      scratch.clear.run()
      texts.forEach((text, i) => scratch.add.run(i + 1, text))
      const tokens = texts.map((): string[] => [])
      for (const row of scratch.tokens.all()) tokens[row.doc - 1]!.push(row.term)
      return tokens
    },
    /**
     * FTS5 snippets of the given messages for `expression`, hits between `open` and `close`, made on
     * a scratch index of just those texts. `split` marks texts indexed with word breaks added.
     */
    snippets(pks: number[], expression: string, open: string, close: string): Map<number, { snippet: string; split: boolean }> {
      const scratch = scratchFor()
      scratch.clear.run()
      const split = new Set<number>()
      for (const row of s.indexedTexts.all(json(pks))) {
        scratch.add.run(row.pk, row.text)
        if (row.split) split.add(row.pk)
      }
      const snippets = new Map(
        scratch.snippets.all(open, close, expression).map((row) => [row.rowid, { snippet: row.snippet, split: split.has(row.rowid) }]),
      )
      scratch.clear.run()
      return snippets
    },
    /** The session of each message. */
    messageSessions: (pks: ArrayLike<number>) => s.messageSessions.all(json(pks)),
    /** Session, id, role and time of messages. */
    messageRows: (pks: ArrayLike<number>) => s.messageRows.all(json(pks)),
    /** The range and count of each session's message pks (a contiguous range when hi − lo + 1 = n); sessions without messages are left out. */
    sessionSpans: (sessionPks: ArrayLike<number>) => s.sessionSpans.all(json(sessionPks)),
    sessionMessages: (sessionPk: number): number[] => s.sessionMessages.all(sessionPk).map((row) => row.pk),
    sessions: (pks: ArrayLike<number>): SessionView[] => s.sessions.all(json(pks)),
    /** Messages in the sessions a filter allows (from the sessions' counts; cheap). */
    filterSize: (filter: SessionFilter): number => s.filterMessageCount[filterKind(filter)].get(...filterParams(filter))!.n,
    /** The pks of every message in the sessions a filter allows, ascending. */
    filterMessages: (filter: SessionFilter): Float64Array =>
      Float64Array.from(s.filterMessages[filterKind(filter)].all(...filterParams(filter)), (row) => row.pk),
    filterSessions: (filter: SessionFilter): Set<number> =>
      new Set(s.filterSessions[filterKind(filter)].all(...filterParams(filter)).map((row) => row.pk)),
    /**
     * Sessions a filter allows, newest update first (then those without an update time), resuming
     * after the session (`updated`, `pk`) that ended the previous page.
     */
    newestSessions(filter: SessionFilter, after: { updated: number | null; pk: number }, limit: number): SessionView[] {
      const kind = filterKind(filter)
      const dated = after.updated === null ? [] : s.newestDated[kind].all(...filterParams(filter), after.updated, after.pk, limit)
      if (dated.length === limit) return dated
      const from = after.updated === null ? after.pk : Number.MAX_SAFE_INTEGER
      return [...dated, ...s.newestUndated[kind].all(...filterParams(filter), from, limit - dated.length)]
    },
    /** Every hit of an expression with FTS5's own bm25() (the reference the reader must agree with). */
    ftsHits: (index: 'messages' | 'titles', expression: string): ScoredHits =>
      toHits((index === 'messages' ? s.messageHits : s.titleHits).all(expression)),
  }
}

/** The statements of one connection. */
export type SearchStore = ReturnType<typeof searchStore>
