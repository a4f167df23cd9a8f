import { describe, expect, test } from 'bun:test'
import { replaceSession, type SessionInput } from '../../src/db'
import { searchSessions } from '../../src/search'
import { openTestDb } from '../support/db'
import { testApp } from '../support/app'

const session = (id: string, provider: string, title: string, contents: string[], updated = 1_767_000_000_000): SessionInput => ({
  id,
  provider,
  origin: 'harvest',
  title,
  model: null,
  created: updated,
  updated,
  workspace: { provider, key: `/w/${provider}`, name: provider, path: `/w/${provider}` },
  messages: contents.map((content, i) => ({ id: `${id}-m${i}`, role: i % 2 ? 'assistant' : 'user', content, timestamp: updated, model: null })),
})

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

  test('a very common term is ranked among its newest hits and still fills the page', () => {
    using db = openTestDb()
    const sessions = Array.from({ length: 300 }, (_, i) =>
      session(`s${i}`, 'codex', `chat ${i}`, Array.from({ length: 100 }, (_, j) => `common words ${j} ${i % 7 === 0 ? 'rare' : ''}`), 1_767_000_000_000 + i),
    )
    for (const s of sessions) replaceSession(db.sqlite, s)
    const results = searchSessions(db.sqlite, 'common', { limit: 20 })
    expect(results).toHaveLength(20)
    expect(new Set(results.map((r) => r.sessionId)).size).toBe(20)
    // 30k hits exceed the first window of 20k: only sessions from the newest hits are ranked.
    expect(results.every((r) => Number(r.sessionId.slice(1)) >= 100)).toBe(true)
    expect(searchSessions(db.sqlite, 'rare', { limit: 100 })).toHaveLength(43)
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
