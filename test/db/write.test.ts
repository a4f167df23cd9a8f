import { describe, expect, test } from 'bun:test'
import { createStage, getSession, getStats, getWorkspace, listSessions, replaceSession, stageMessages, workspaceIdFor, type SessionInput } from '../../src/db'
import { openTestDb } from '../support/db'
import { MESSAGE_DEFAULTS } from '../support/sessions'

const session = (overrides: Partial<SessionInput> = {}): SessionInput => ({
  id: 's-1',
  provider: 'claude-code',
  origin: 'harvest',
  title: 'Fix the login flow',
  model: 'claude-sonnet-4-5',
  created: Date.parse('2026-01-08T10:00:00Z'),
  updated: Date.parse('2026-01-08T12:00:00Z'),
  workspace: { provider: 'claude-code', key: '/home/me/app', name: 'app', path: '/home/me/app' },
  messages: [
    { role: 'user', content: 'How do I implement authentication?', timestamp: Date.parse('2026-01-08T10:00:00Z'), model: null },
    {
      id: 'a-1',
      role: 'assistant',
      content: 'Use a session cookie.',
      timestamp: Date.parse('2026-01-08T12:00:00Z'),
      model: 'claude-sonnet-4-5',
      toolInvocations: [{ id: 'call-1', name: 'Read', input: { path: 'src/auth.ts' }, output: 'export {}', status: 'ok' }],
    },
  ],
  ...overrides,
})

describe('replaceSession', () => {
  test('writes a whole session that reads back exactly', () => {
    using db = openTestDb()
    replaceSession(db.sqlite, session())
    const workspaceId = workspaceIdFor('claude-code', '/home/me/app')
    expect(getSession(db.sqlite, 's-1')).toEqual({
      id: 's-1',
      workspaceId,
      provider: 'claude-code',
      title: 'Fix the login flow',
      model: 'claude-sonnet-4-5',
      messageCount: 2,
      created: '2026-01-08T10:00:00.000Z',
      updated: '2026-01-08T12:00:00.000Z',
      origin: 'harvest',
      sourceDeleted: false,
      messages: [
        {
          id: 'msg-0',
          index: 0,
          role: 'user',
          content: 'How do I implement authentication?',
          timestamp: '2026-01-08T10:00:00.000Z',
          model: null,
          ...MESSAGE_DEFAULTS,
          toolInvocations: [],
        },
        {
          id: 'a-1',
          index: 1,
          role: 'assistant',
          content: 'Use a session cookie.',
          timestamp: '2026-01-08T12:00:00.000Z',
          model: 'claude-sonnet-4-5',
          ...MESSAGE_DEFAULTS,
          toolInvocations: [{ id: 'call-1', name: 'Read', input: { path: 'src/auth.ts' }, output: 'export {}', status: 'ok' }],
        },
      ],
    })
    expect(getWorkspace(db.sqlite, workspaceId)).toMatchObject({ sessions: 1, updated: '2026-01-08T12:00:00.000Z', name: 'app' })
  })

  test('turn state, error, hidden flag, token usage and metadata read back, through staging too', () => {
    using db = openTestDb()
    const failed = {
      role: 'assistant' as const, content: '', timestamp: null, model: 'gpt-4.1', state: 'failed' as const, error: 'Rate limit exceeded',
      hidden: true, usage: { inputTokens: 1200, outputTokens: 0, cacheReadTokens: null, cacheWrite5mTokens: 5, cacheWrite1hTokens: 7 },
      metadata: { mode: 'agent', attachments: ['src/a.ts'] },
    }
    const expected = {
      state: 'failed' as const, error: 'Rate limit exceeded', hidden: true,
      usage: { inputTokens: 1200, outputTokens: 0, cacheReadTokens: null, cacheWrite5mTokens: 5, cacheWrite1hTokens: 7 },
      metadata: { mode: 'agent', attachments: ['src/a.ts'] },
    }
    replaceSession(db.sqlite, session({ messages: [failed] }))
    expect(getSession(db.sqlite, 's-1').messages[0]).toMatchObject(expected)
    const stage = createStage(db.sqlite)
    stageMessages(db.sqlite, stage, [failed])
    replaceSession(db.sqlite, session({ id: 's-2', messages: [{ role: 'user', content: 'hi', timestamp: null, model: null }] }), stage)
    expect(getSession(db.sqlite, 's-2').messages.map(({ state, error, hidden, usage, metadata }) => ({ state, error, hidden, usage, metadata }))).toEqual([
      expected,
      { state: 'complete', error: null, hidden: false, usage: null, metadata: null },
    ])
  })

  test('replacing a session swaps its messages and keeps counts right', () => {
    using db = openTestDb()
    replaceSession(db.sqlite, session())
    replaceSession(db.sqlite, session({ messages: [{ role: 'user', content: 'only one', timestamp: null, model: null }] }))
    expect(getSession(db.sqlite, 's-1').messages.map((m) => m.content)).toEqual(['only one'])
    const stats = getStats(db.sqlite, db.path)
    expect(stats).toMatchObject({ totalSessions: 1, totalMessages: 1, totalWorkspaces: 1, totalToolInvocations: 0 })
    const count = db.sqlite.query<{ n: number }, []>("SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH 'cookie'").get()!
    expect(count.n).toBe(0)
  })

  test('lone surrogates are repaired, never rejected', () => {
    using db = openTestDb()
    replaceSession(db.sqlite, session({ title: 'bad \ud800 title', messages: [{ role: 'user', content: 'x\udc00y', timestamp: null, model: null }] }))
    expect(getSession(db.sqlite, 's-1').messages[0]!.content).toBe('x\ufffdy')
  })

  test('lists sessions newest first with deep offsets', () => {
    using db = openTestDb()
    for (let i = 0; i < 30; i++) replaceSession(db.sqlite, session({ id: `s-${i}`, updated: 1_700_000_000_000 + i * 1000 }))
    const page = listSessions(db.sqlite, {}, { limit: 5, offset: 10 })
    expect(page.meta).toEqual({ total: 30, limit: 5, offset: 10 })
    expect(page.items.map((s) => s.id)).toEqual(['s-19', 's-18', 's-17', 's-16', 's-15'])
  })
})
