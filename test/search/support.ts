import type { Database } from 'bun:sqlite'
import { replaceSession, type SessionInput } from '../../src/db'
import { shownScore, toFtsQuery } from '../../src/search'
import { rng } from '../../scripts/bench/corpus'

/** A session with one message per text, all at `updated` unless times are given. */
export const session = (
  id: string,
  provider: string,
  title: string | null,
  contents: string[],
  updated: number | null = 1_767_000_000_000,
  times?: (number | null)[],
): SessionInput => ({
  id,
  provider,
  origin: 'harvest',
  title,
  model: null,
  created: updated,
  updated,
  workspace: { provider, key: `/w/${provider}`, name: provider, path: `/w/${provider}` },
  messages: contents.map((content, i) => ({
    id: `${id}-m${i}`,
    role: i % 2 ? 'assistant' : 'user',
    content,
    timestamp: times ? times[i]! : updated,
    model: null,
  })),
})

/** A seeded PRNG (the bench corpora's); tests print the seed. */
export const random = rng

const LATIN = ['error', 'return', 'build', 'token', 'cache', 'widget', 'deploy', 'query', 'index', 'session', 'fix', 'test',
  'the', 'a', 'to', 'of', 'and', 'is', 'running', 'runs', 'café', 'naïve', 'authentication', 'authenticate', 'rare']
const UNSPACED = ['幫我檢查一下', '日本語でコードを書いてください', 'ช่วยตรวจสอบโค้ดนี้หน่อย', '数据库连接失败了', 'テストが失敗しています']
const HANGUL = ['한국어로 코드를 작성해 주세요', '코드를 검사해 주세요']

/**
 * A corpus with a Zipf-like vocabulary, some CJK, Thai and Korean text, four providers, sessions
 * without update times and messages without timestamps, written one session at a time.
 */
export function randomCorpus(sqlite: Database, seed: number, sessions: number, maxMessages: number): void {
  const next = random(seed)
  const word = () => LATIN[Math.floor(next() ** 2.5 * LATIN.length)]!
  const text = () => {
    const roll = next()
    if (roll < 0.05) return UNSPACED[Math.floor(next() * UNSPACED.length)]!
    if (roll < 0.07) return HANGUL[Math.floor(next() * HANGUL.length)]!
    return Array.from({ length: 1 + Math.floor(next() * 12) }, word).join(' ')
  }
  const providers = ['copilot', 'claude-code', 'codex', 'cursor']
  for (let s = 0; s < sessions; s++) {
    const count = 1 + Math.floor(next() * maxMessages)
    const updated = next() < 0.05 ? null : 1_700_000_000_000 + Math.floor(next() * 1e6) * 1000
    const times = Array.from({ length: count }, () => (next() < 0.1 || updated === null ? null : updated - Math.floor(next() * 1e6)))
    const title = next() < 0.2 ? null : Array.from({ length: 1 + Math.floor(next() * 4) }, word).join(' ')
    replaceSession(sqlite, session(`s${s}`, providers[s % providers.length]!, title, Array.from({ length: count }, text), updated, times))
  }
}

/** Queries of every kind over `randomCorpus`'s vocabulary. */
export const QUERIES = [
  'rare', 'widget', 'error', 'the', 'a', 'return error', 'the error', 'running', 'run*', 'au*', '"return error"',
  '"the a"', 'café', 'cafe', 'NAIVE', '檢查', '日本語', 'ตรวจสอบ', '코드', '数据库', 'テスト', 'error 檢查', 'zzz',
]

interface Reference {
  sessionId: string
  score: number
}

/**
 * The documented ranking computed the slow, obvious way: FTS5's bm25() on every hit, each session's
 * best message plus its title, filters, then the documented order (docs/search.md).
 */
export function referenceSearch(
  sqlite: Database,
  q: string,
  options: { limit: number; workspace?: string; provider?: string; sort?: 'relevance' | 'recent' },
): Reference[] {
  const query = toFtsQuery(q)
  if (!query) return []
  const hits = sqlite
    .query<{ pk: number; score: number }, [string]>('SELECT rowid AS pk, -rank AS score FROM messages_fts WHERE messages_fts MATCH ?')
    .all(query.expression)
  const titles = new Map(
    sqlite
      .query<{ pk: number; score: number }, [string]>('SELECT rowid AS pk, -rank AS score FROM sessions_fts WHERE sessions_fts MATCH ?')
      .all(query.expression)
      .map((row) => [row.pk, row.score]),
  )
  const messages = new Map(
    sqlite.query<{ pk: number; session_pk: number; timestamp: number | null }, []>('SELECT pk, session_pk, timestamp FROM messages').all().map((m) => [m.pk, m]),
  )
  const sessions = sqlite
    .query<{ pk: number; id: string; workspace_id: string | null; provider: string; created_at: number | null; updated_at: number | null }, []>(
      'SELECT pk, id, workspace_id, provider, created_at, updated_at FROM sessions',
    )
    .all()
  const byPk = new Map(sessions.map((s) => [s.pk, { ...s, best: 0, matched: false, times: [] as (number | null)[] }]))
  for (const hit of hits) {
    const message = messages.get(hit.pk)!
    const entry = byPk.get(message.session_pk)!
    entry.best = Math.max(entry.best, hit.score)
    entry.matched = true
    entry.times.push(message.timestamp)
  }
  const ranked = [...byPk.values()]
    .filter((s) => (s.matched || titles.has(s.pk)) && (options.workspace === undefined || s.workspace_id === options.workspace))
    .filter((s) => options.provider === undefined || s.provider === options.provider)
    .map((s) => {
      const score = s.best + (titles.get(s.pk) ?? 0)
      let time: number | null = null
      if (s.updated_at !== null) {
        const cap = (t: number | null) => (t === null ? s.updated_at! : Math.min(t, s.updated_at!))
        const times = titles.has(s.pk) ? [...s.times, s.created_at] : s.times
        for (const t of times) time = Math.max(time ?? -Infinity, cap(t))
      }
      return { id: s.id, score, time, updated: s.updated_at }
    })
  const later = (a: number | null, b: number | null) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : b - a)
  ranked.sort((a, b) =>
    options.sort === 'recent'
      ? later(a.time, b.time) || b.score - a.score || (a.id < b.id ? -1 : 1)
      : b.score - a.score || later(a.updated, b.updated) || (a.id < b.id ? -1 : 1),
  )
  return ranked.slice(0, options.limit).map((r) => ({ sessionId: r.id, score: shownScore(r.score) }))
}
