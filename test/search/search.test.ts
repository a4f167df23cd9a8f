import { describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { deferFullText, indexDeferred, openDatabase, replaceSession } from '../../src/db'
import { searchSessions } from '../../src/search'
import { openTestDb } from '../support/db'
import { testApp } from '../support/app'
import { session } from './support'

function seeded() {
  const db = openTestDb()
  replaceSession(db.sqlite, session('s-auth', 'claude-code', 'Login work', ['How do I add authentication to the API?', 'Authenticate each request with a bearer token.', 'The token must be rotated.', 'Authentication done.']))
  replaceSession(db.sqlite, session('s-cafe', 'codex', 'Café menu', ['Render the café menu <b>bold</b> & fast', 'Sure.'], 1_767_000_100_000))
  replaceSession(db.sqlite, session('s-title', 'copilot', 'Refresh token rotation', ['Nothing relevant here.'], 1_767_000_200_000))
  return db
}

describe('searchSessions', () => {
  test('word forms match and each session appears once with up to 3 marked snippets', () => {
    using db = seeded()
    const results = searchSessions(db.sqlite, 'authenticate', { limit: 20 })
    expect(results.map((r) => r.sessionId)).toEqual(['s-auth'])
    const [auth] = results
    expect(auth!.matches).toHaveLength(3)
    expect(auth!.matches.every((m) => m.snippet.includes('<mark>'))).toBe(true)
    expect(auth!.matches.map((m) => m.messageId).sort()).toEqual(['s-auth-m0', 's-auth-m1', 's-auth-m3'])
    expect(auth!).toMatchObject({ workspaceId: expect.any(String), provider: 'claude-code', title: 'Login work', updated: new Date(1_767_000_000_000).toISOString() })
    expect(auth!.score).toBeGreaterThan(0)
  })

  test('what a connection keeps of an index follows changes committed by another one, and only those', () => {
    using db = openTestDb()
    const reader = openDatabase(join(db.dir, 'chasm.db'), { readonly: true })
    try {
      const found = () => searchSessions(reader.sqlite, 'pelican', { limit: 10 }).map((r) => r.sessionId).sort()
      const write = (id: string) =>
        replaceSession(db.sqlite, { id, provider: 'fake', origin: 'harvest', title: null, model: null, created: 1, updated: 1, workspace: null, messages: [{ role: 'user', content: 'a pelican', timestamp: 1, model: null }] })
      write('a')
      expect(found()).toEqual(['a'])
      write('b')
      expect(found()).toEqual(['a', 'b'])
      // Rows written while indexing is deferred are not in the index yet: the kept rows still answer.
      deferFullText(db.sqlite)
      write('c')
      expect(found()).toEqual(['a', 'b'])
      indexDeferred(db.sqlite, Number.MAX_SAFE_INTEGER, { finish: true })
      expect(found()).toEqual(['a', 'b', 'c'])
      // The title (from the first prompt) matches too: both go.
      db.sqlite.run("DELETE FROM messages WHERE session_pk = (SELECT pk FROM sessions WHERE id = 'a')")
      db.sqlite.run("UPDATE sessions SET title = 'gone' WHERE id = 'a'")
      expect(found()).toEqual(['b', 'c'])
    } finally {
      reader.close()
    }
  })

  test('a word in every message still scores above 0 (BM25 gives it the floor idf)', () => {
    using db = openTestDb()
    for (let i = 0; i < 10; i++) {
      replaceSession(db.sqlite, { id: `s${i}`, provider: 'fake', origin: 'harvest', title: 'x', model: null, created: i, updated: i, workspace: null, messages: [{ role: 'user', content: 'common word here', timestamp: i, model: null }] })
    }
    const scores = searchSessions(db.sqlite, 'common', { limit: 10 }).map((r) => r.score)
    expect(scores).toHaveLength(10)
    expect(scores.every((score) => score > 0)).toBe(true)
  })

  test('accents and case are ignored; snippets are HTML-escaped around the marks', () => {
    using db = seeded()
    const [cafe] = searchSessions(db.sqlite, 'CAFE', { limit: 20 })
    expect(cafe!.sessionId).toBe('s-cafe')
    expect(cafe!.matches[0]!.snippet).toBe('Render the <mark>café</mark> menu &lt;b&gt;bold&lt;/b&gt; &amp; fast')
  })

  test('phrases, prefixes and title-only matches', () => {
    using db = seeded()
    expect(searchSessions(db.sqlite, '"bearer token"', { limit: 20 }).map((r) => r.sessionId)).toEqual(['s-auth'])
    expect(searchSessions(db.sqlite, '"token bearer"', { limit: 20 })).toEqual([])
    expect(searchSessions(db.sqlite, 'authen*', { limit: 20 }).map((r) => r.sessionId)).toEqual(['s-auth'])
    const rotation = searchSessions(db.sqlite, 'rotation', { limit: 20 })
    expect(rotation.map((r) => r.sessionId).sort()).toEqual(['s-auth', 's-title'])
    expect(rotation.find((r) => r.sessionId === 's-title')!.matches).toEqual([])
  })

  test('filters by provider and workspace, and honours the limit', () => {
    using db = seeded()
    expect(searchSessions(db.sqlite, 'token', { limit: 20, provider: 'copilot' }).map((r) => r.sessionId)).toEqual(['s-title'])
    expect(searchSessions(db.sqlite, 'token', { limit: 1 })).toHaveLength(1)
    expect(searchSessions(db.sqlite, 'token', { limit: 20, workspace: 'nope' })).toEqual([])
  })

  test('issue 16: the best matches win whatever the harvest order — a provider harvested first is not buried', () => {
    using db = openTestDb()
    // Copilot is harvested first: its five sessions are almost nothing but the word, and the newest.
    for (let i = 0; i < 5; i++) replaceSession(db.sqlite, session(`copilot-${i}`, 'copilot', `chat ${i}`, ['widget widget widget', 'the widget'], 1_767_100_000_000 + i))
    // Then many long Claude Code sessions that mention it in passing, written after (higher row ids).
    for (let i = 0; i < 300; i++) {
      const text = Array.from({ length: 8 }, (_, j) => `${'some longer text about other things '.repeat(3)} widget ${j}`)
      replaceSession(db.sqlite, session(`claude-${i}`, 'claude-code', `work ${i}`, text, 1_767_000_000_000 + i))
    }
    const results = searchSessions(db.sqlite, 'widget', { limit: 10 })
    expect(results.slice(0, 5).map((r) => r.provider)).toEqual(Array(5).fill('copilot'))
    expect(searchSessions(db.sqlite, 'widget', { limit: 5, sort: 'recent' }).map((r) => r.sessionId)).toEqual(['copilot-4', 'copilot-3', 'copilot-2', 'copilot-1', 'copilot-0'])
  })

  test('ties are broken by update time, then session id — not by the order rows were written', () => {
    const run = (order: number[]) => {
      using db = openTestDb()
      // Identical texts score identically; a and b share an update time too.
      const updated = [1_767_000_000_000, 1_767_000_000_000, 1_767_000_900_000, null]
      for (const i of order) replaceSession(db.sqlite, session(['b', 'a', 'c', 'd'][i]!, 'codex', null, ['same text here'], updated[i]))
      return searchSessions(db.sqlite, 'same', { limit: 10 }).map((r) => r.sessionId)
    }
    expect(run([0, 1, 2, 3])).toEqual(['c', 'a', 'b', 'd'])
    expect(run([3, 2, 1, 0])).toEqual(['c', 'a', 'b', 'd'])
    expect(run([1, 3, 0, 2])).toEqual(['c', 'a', 'b', 'd'])
  })

  test('filters apply before ranking: the best session of a provider is found however many better ones others have', () => {
    using db = openTestDb()
    for (let i = 0; i < 200; i++) replaceSession(db.sqlite, session(`top-${i}`, 'claude-code', null, ['deploy deploy deploy'], 1_767_000_000_000 + i))
    replaceSession(db.sqlite, session('weak', 'cursor', null, [`deploy ${'filler words '.repeat(40)}`, 'unrelated'], 1_766_000_000_000))
    replaceSession(db.sqlite, session('weaker', 'cursor', null, [`deploy ${'filler words '.repeat(80)}`], 1_766_000_000_000))
    expect(searchSessions(db.sqlite, 'deploy', { limit: 1, provider: 'cursor' }).map((r) => r.sessionId)).toEqual(['weak'])
    const workspace = searchSessions(db.sqlite, 'deploy', { limit: 5, provider: 'cursor' })[0]!.workspaceId!
    expect(searchSessions(db.sqlite, 'deploy', { limit: 5, workspace }).map((r) => r.sessionId)).toEqual(['weak', 'weaker'])
    expect(searchSessions(db.sqlite, 'deploy', { limit: 5, workspace, provider: 'claude-code' })).toEqual([])
  })

  test('sort=recent orders by the time of the last matching message, not by row order or update time', () => {
    using db = openTestDb()
    const day = 86_400_000
    const t0 = 1_767_000_000_000
    // Written newest first, so row order would give the opposite answer.
    replaceSession(db.sqlite, session('late-match', 'codex', 'chat', ['old words', 'cache miss'], t0 + 3 * day, [t0, t0 + 3 * day]))
    replaceSession(db.sqlite, session('early-match', 'codex', 'chat', ['cache hit', 'later words'], t0 + 5 * day, [t0 + day, t0 + 5 * day]))
    replaceSession(db.sqlite, session('no-time', 'codex', 'chat', ['cache'], null, [null]))
    // A message without a time counts at the session's update; a title match at the session's creation.
    replaceSession(db.sqlite, session('untimed-message', 'codex', 'chat', ['cache cache cache'], t0 + 2 * day, [null]))
    replaceSession(db.sqlite, { ...session('titled', 'codex', 'cache plans', ['nothing here'], t0 + 6 * day), created: t0 + 1.5 * day })
    expect(searchSessions(db.sqlite, 'cache', { limit: 10, sort: 'recent' }).map((r) => r.sessionId)).toEqual([
      'late-match', 'untimed-message', 'titled', 'early-match', 'no-time',
    ])
  })
})

describe('every script is searchable (issue 11)', () => {
  const cases: [string, string, string][] = [
    ['Chinese', '檢查', '幫我檢查一下'],
    ['Japanese', '日本語', '日本語でコードを書いてください'],
    ['Japanese katakana', 'コード', '日本語でコードを書いてください'],
    ['Korean', '코드', '한국어로 코드를 작성해 주세요'],
    ['Korean (whole word)', '한국어', '한국어로 코드를 작성해 주세요'],
    ['Thai', 'ตรวจสอบ', 'ช่วยตรวจสอบโค้ดนี้หน่อย'],
    ['Simplified Chinese', '数据库', '数据库连接失败了怎么办'],
  ]
  test.each(cases)('%s: %s finds %s, marking the word in the original text', (_, word, sentence) => {
    using db = openTestDb()
    replaceSession(db.sqlite, session('s1', 'codex', null, [sentence, 'unrelated English text']))
    const [result] = searchSessions(db.sqlite, word, { limit: 5 })
    expect(result!.sessionId).toBe('s1')
    const snippet = result!.matches[0]!.snippet
    expect(snippet.replace(/<\/?mark>/g, '')).toBe(sentence)
    expect(snippet).toContain(`<mark>${word}`)
  })

  test('titles in those scripts are searchable too, and a phrase must match in order', () => {
    using db = openTestDb()
    replaceSession(db.sqlite, session('t', 'codex', '数据库连接问题', ['nothing']))
    expect(searchSessions(db.sqlite, '连接', { limit: 5 }).map((r) => r.sessionId)).toEqual(['t'])
    expect(searchSessions(db.sqlite, '"连接 数据库"', { limit: 5 })).toEqual([])
  })

  test('a text that already contains the word separator is indexed whole and its snippets keep it', () => {
    using db = openTestDb()
    replaceSession(db.sqlite, session('sep', 'codex', null, ['幫我\u2063檢查一下 widget']))
    const [result] = searchSessions(db.sqlite, 'widget', { limit: 5 })
    expect(result!.matches[0]!.snippet).toBe('幫我\u2063檢查一下 <mark>widget</mark>')
  })
})

const HOSTILE = [
  '"', '""', '"""', '*', '**', 'a*b*', '*a', 'NEAR(', 'NEAR(a b, 3)', 'AND', 'OR', 'NOT', 'AND OR NOT', 'a AND', 'NOT a',
  '(', ')', '((a)', 'a)', '{a b}', 'col:term', 'content:auth', '-auth', '+auth', '^auth', 'a:b:c', '🎉', '👩‍💻 auth', 'ñandú',
  "'; DROP TABLE sessions; --", 'SELECT * FROM messages', '1=1', '\\', '\u0000', '\uFFFF', '%', '_', '%_%', '[a-z]',
  'x'.repeat(10_000), 'a '.repeat(5_000), '"a'.repeat(3_000), 'auth* "bearer token" -x NEAR(a b) col:y (z) ^w',
]

describe('hostile queries', () => {
  // Raw percent-encodings that are not valid UTF-8 (a lone surrogate, a stray byte, NUL).
  const RAW = ['%ED%A0%80', '%FF', '%00', '%C0%AF']
  test.each([
    ...HOSTILE.map((q) => [q.length > 40 ? `${q.slice(0, 40)}… (${q.length} chars)` : q, encodeURIComponent(q)]),
    ...RAW.map((raw) => [`raw ${raw}`, raw]),
  ])(
    'never a 500: %j',
    async (_, encoded) => {
      using t = testApp()
      replaceSession(t.db.sqlite, session('s1', 'codex', 'auth bearer', ['auth token bearer content']))
      const response = await t.request(`/api/sessions/search?q=${encoded}`)
      expect([200, 400]).toContain(response.status)
      const body = (await response.json()) as { success: boolean }
      expect(typeof body.success).toBe('boolean')
    },
  )
})
