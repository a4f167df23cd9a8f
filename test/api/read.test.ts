import { describe, expect, test } from 'bun:test'
import { replaceSession, workspaceIdFor } from '../../src/db'
import { testApp } from '../support/app'
import { MESSAGE_DEFAULTS, sampleSession } from '../support/sessions'

const error = (code: string, message: string | RegExp) => ({ success: false, error: { code, message: message instanceof RegExp ? expect.stringMatching(message) : message } })

describe('read API', () => {
  test('health reports version, database and harvest state', async () => {
    using t = testApp()
    expect(await t.json('/api/health')).toMatchObject({
      status: 200,
      body: { success: true, data: { status: 'healthy', version: 'test', uptimeSeconds: 0, database: 'ok', harvest: { state: 'idle', lastRunAt: null, lastError: null } } },
    })
  })

  test('workspaces, sessions and stats over a seeded database', async () => {
    using t = testApp()
    replaceSession(t.db.sqlite, sampleSession())
    replaceSession(t.db.sqlite, sampleSession({ id: 'sess-2', provider: 'codex', title: 'Codex chat', updated: Date.parse('2026-01-09T00:00:00Z') }))
    const workspaceId = workspaceIdFor('claude-code', '/home/me/app')

    const workspaces = await t.json('/api/workspaces')
    expect(workspaces.body.meta).toEqual({ total: 2, limit: 100, offset: 0 })
    expect(workspaces.body.data[1]).toEqual({ id: workspaceId, name: 'app', provider: 'claude-code', path: '/home/me/app', sessions: 1, updated: '2026-01-08T12:00:00.000Z' })
    expect((await t.json('/api/workspaces?provider=codex')).body.data.map((w: any) => w.provider)).toEqual(['codex'])
    expect((await t.json('/api/workspaces?q=%25')).body.data).toEqual([])
    expect((await t.json('/api/workspaces?q=me/ap')).body.meta.total).toBe(2)

    const detail = await t.json(`/api/workspaces/${workspaceId}`)
    expect(detail.body.data.sessionList.map((s: any) => s.id)).toEqual(['sess-1'])

    const sessions = await t.json('/api/sessions')
    expect(sessions.body).toEqual({
      success: true,
      data: [
        expect.objectContaining({ id: 'sess-2', provider: 'codex' }),
        { id: 'sess-1', workspaceId, provider: 'claude-code', title: 'Fix the login flow', model: 'claude-sonnet-4-5', messageCount: 2, created: '2026-01-08T10:00:00.000Z', updated: '2026-01-08T12:00:00.000Z', origin: 'harvest', sourceDeleted: false },
      ],
      meta: { total: 2, limit: 50, offset: 0 },
    })
    expect((await t.json(`/api/sessions?workspace=${workspaceId}`)).body.data.map((s: any) => s.id)).toEqual(['sess-1'])
    expect((await t.json('/api/sessions?provider=codex&limit=1&offset=0')).body.meta).toEqual({ total: 1, limit: 1, offset: 0 })

    const full = await t.json('/api/sessions/sess-1')
    expect(full.body.data.messages[1]).toEqual({
      id: 'sess-1-a1',
      index: 1,
      role: 'assistant',
      content: 'Use a session cookie and rotate the refresh token.',
      timestamp: '2026-01-08T12:00:00.000Z',
      model: 'claude-sonnet-4-5',
      ...MESSAGE_DEFAULTS,
      toolInvocations: [{ id: 'sess-1-call-1', name: 'Read', input: { path: 'src/auth.ts' }, output: 'export {}', status: 'ok' }],
    })

    const stats = await t.json('/api/stats')
    expect(stats.body.data).toMatchObject({
      totalSessions: 2,
      totalMessages: 4,
      totalWorkspaces: 2,
      totalToolInvocations: 2,
      byProvider: { 'claude-code': { workspaces: 1, sessions: 1, messages: 2 }, codex: { workspaces: 1, sessions: 1, messages: 2 } },
      lastHarvestAt: null,
    })
    expect(stats.body.data.databaseBytes).toBeGreaterThan(0)
  })

  test.each([
    ['/api/sessions?limit=0', "Invalid query parameter 'limit': must be an integer from 1 to 500 (got \"0\")"],
    ['/api/sessions?limit=abc', "Invalid query parameter 'limit': must be an integer from 1 to 500 (got \"abc\")"],
    ['/api/sessions?limit=501', "Invalid query parameter 'limit': must be an integer from 1 to 500 (got \"501\")"],
    ['/api/sessions?limit=1.5', "Invalid query parameter 'limit': must be an integer from 1 to 500 (got \"1.5\")"],
    ['/api/sessions?offset=-1', "Invalid query parameter 'offset': must be an integer ≥ 0 (got \"-1\")"],
    ['/api/workspaces?limit=1001', "Invalid query parameter 'limit': must be an integer from 1 to 1000 (got \"1001\")"],
    ['/api/sessions/search?q=', "Invalid query parameter 'q': must not be empty (got \"\")"],
    ['/api/sessions/search?q=%20%20', "Invalid query parameter 'q': must not be empty (got \"  \")"],
    ['/api/sessions/search', "Missing required query parameter 'q'"],
    ['/api/sessions/search?q=x&limit=101', "Invalid query parameter 'limit': must be an integer from 1 to 100 (got \"101\")"],
  ])('%s → 400 naming the parameter', async (path, message) => {
    using t = testApp()
    expect(await t.json(path)).toMatchObject({ status: 400, body: error('BAD_REQUEST', message) })
  })

  test('unknown routes, unknown ids and wrong methods get the envelope', async () => {
    using t = testApp()
    expect(await t.json('/api/nope')).toMatchObject({ status: 404, body: error('NOT_FOUND', 'Route not found: GET /api/nope') })
    expect(await t.json('/api/sessions/missing')).toMatchObject({ status: 404, body: error('NOT_FOUND', 'Session not found: missing') })
    expect(await t.json('/api/workspaces/missing')).toMatchObject({ status: 404, body: error('NOT_FOUND', 'Workspace not found: missing') })
    const wrong = await t.json('/api/sessions', { method: 'DELETE' })
    expect(wrong).toMatchObject({ status: 405, body: error('METHOD_NOT_ALLOWED', 'Method DELETE not allowed on /api/sessions') })
    expect(wrong.headers.get('allow')).toBe('GET, HEAD')
    expect(await t.json('/api/stats', { method: 'POST', body: '{' })).toMatchObject({ status: 405 })
  })

  test('an internal failure is a generic 500 envelope, details only in the log', async () => {
    const logged: string[] = []
    using t = testApp({ log: { info() {}, warn() {}, error: (message, detail) => logged.push(`${message} ${detail}`) } })
    t.db.sqlite.run('ALTER TABLE workspaces RENAME TO workspaces_gone')
    expect(await t.json('/api/workspaces')).toMatchObject({ status: 500, body: error('INTERNAL_ERROR', 'Internal server error') })
    expect(logged.join('\n')).toContain('no such table: workspaces')
  })
})
