import { describe, expect, test } from 'bun:test'
import { replaceSession } from '../../src/db'
import { toEpochMs, toIso } from '../../src/shared/time'
import { testApp } from '../support/app'
import { sampleSession } from '../support/sessions'

// Bugs the fuzzing found, pinned as plain tests.

const post = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

describe('times beyond what a Date can hold', () => {
  test('toEpochMs refuses them; toIso renders them as null instead of throwing', () => {
    expect([1e308, '1e308', 8.65e21, 1e300, '99999999999999999999999'].map(toEpochMs)).toEqual([null, null, null, null, null])
    expect([8.64e15, 1e17, 1.7e9].map(toEpochMs)).toEqual([8.64e12, 1e11, 1.7e12])
    expect([8.64e15 + 1, -8.64e15 - 1, 1e302, Number.POSITIVE_INFINITY].map(toIso)).toEqual([null, null, null, null])
    expect(toIso(8.64e15)).toBe('+275760-09-13T00:00:00.000Z')
  })

  test('a recording event with such a timestamp is refused, and the session list stays readable', async () => {
    await using t = testApp()
    const response = await t.json(
      '/api/recording/events',
      post({ session_id: 's', event_type: 'message', timestamp: 1e308, data: { role: 'user', content: 'x' } }),
    )
    expect(response.body).toEqual({
      success: false,
      error: { code: 'BAD_REQUEST', message: "Invalid parameter 'timestamp': expected an ISO-8601 time or epoch seconds/milliseconds" },
    })
    expect((await t.json('/api/sessions')).body).toEqual({ success: true, data: [], meta: { total: 0, limit: 50, offset: 0 } })
  })

  test('rows that already hold such times (older versions, other writers) read back with null times', async () => {
    await using t = testApp()
    replaceSession(t.db.sqlite, sampleSession({ id: 'far' }))
    t.db.sqlite.run('UPDATE sessions SET created_at = 1e302, updated_at = -1e302')
    t.db.sqlite.run('UPDATE messages SET timestamp = 1e300')
    t.db.sqlite.run('UPDATE workspaces SET updated_at = 1e300')
    const list = await t.json('/api/sessions')
    expect([list.status, list.body.data[0].created, list.body.data[0].updated]).toEqual([200, null, null])
    const detail = await t.json('/api/sessions/far')
    expect([detail.status, detail.body.data.messages.map((m: { timestamp: string | null }) => m.timestamp)]).toEqual([200, [null, null]])
    expect((await t.json('/api/workspaces')).body.data[0].updated).toBeNull()
    expect((await t.json('/api/sessions/search?q=authentication')).body.data[0].updated).toBeNull()
  })
})

describe("recorded session ids that a URL cannot carry ('.' and '..')", () => {
  test('are refused by events and snapshots, which change nothing', async () => {
    await using t = testApp()
    for (const id of ['.', '..']) {
      const message = `Invalid parameter 'session_id': '${id}' cannot be used as an id in a URL path; choose another id`
      expect((await t.json('/api/recording/events', post({ session_id: id, event_type: 'heartbeat', data: {} }))).body).toEqual({
        success: false,
        error: { code: 'BAD_REQUEST', message },
      })
      expect((await t.json('/api/recording/snapshot', post({ session_id: id, messages: [] }))).body).toEqual({ success: false, error: { code: 'BAD_REQUEST', message } })
    }
    expect((await t.json('/api/recording/events', post({ session_id: '...', event_type: 'heartbeat', data: {} }))).status).toBe(200)
    expect((await t.json('/api/recording/sessions/...')).status).toBe(200)
    expect((await t.json('/api/sessions')).body.meta.total).toBe(1)
  })
})

describe('control characters in search text', () => {
  test('NUL and other controls separate words instead of ending the FTS5 query early', async () => {
    await using t = testApp()
    replaceSession(t.db.sqlite, sampleSession({ id: 'auth' }))
    for (const q of ['a%00b', '%00a', 'authentication%00', 'session%01cookie', '%22session%00cookie%22', 'auth%00*']) {
      const { status, body } = await t.json(`/api/sessions/search?q=${q}`)
      expect({ q, status, success: body.success }).toEqual({ q, status: 200, success: true })
    }
    expect((await t.json('/api/sessions/search?q=session%00cookie')).body.data.map((r: { sessionId: string }) => r.sessionId)).toEqual(['auth'])
  })
})

describe("objects with their own 'toString' or 'valueOf' where Elysia validates the body", () => {
  test('are a 400 naming the field, not a 500 from building the validation message', async () => {
    await using t = testApp()
    const agent = { name: 'a', instruction: 'x', model: 'gpt-4o' }
    const cases: [string, unknown, string][] = [
      ['/api/v1/agents', { ...agent, name: { toString: 1 } }, "Invalid body field 'name': expected a value of its documented type, not an object with a 'toString' field"],
      ['/api/v1/agents', { ...agent, tools: ['calculator', { valueOf: [] }] }, "Invalid body field 'tools.1': expected a value of its documented type, not an object with a 'valueOf' field"],
      ['/api/v1/agents', { ...agent, toString: 'x' }, "Unknown body field 'toString'"],
      ['/api/v1/swarms', { name: 's', coordinator: { toString: 'lead' }, workers: ['dev'] }, "Invalid body field 'coordinator': expected a value of its documented type, not an object with a 'toString' field"],
      ['/api/v1/swarms/any/start', { prompt: { toString: 878770663 } }, "Invalid body field 'prompt': expected a value of its documented type, not an object with a 'toString' field"],
    ]
    for (const [path, body, message] of cases) {
      expect({ path, ...(await t.json(path, post(body))) }).toMatchObject({ path, status: 400, body: { success: false, error: { code: 'BAD_REQUEST', message } } })
    }
    expect((await t.json('/api/v1/agents')).body.meta.total).toBe(0)
    // Recorded data may carry such keys: the recorder keeps them as metadata.
    const recorded = await t.json('/api/recording/events', post({ session_id: 's', event_type: 'message', data: { role: 'user', content: 'x', toString: 1 } }))
    expect(recorded.status).toBe(200)
  })
})

describe('unknown query parameters are ignored (docs/api.md)', () => {
  test.each([
    '/api/sessions?utm_source=x',
    '/api/sessions/search?q=login&foo=1',
    '/api/workspaces?__proto__=1',
    '/api/recording/sessions?constructor=1',
    '/api/v1/agents?x=1',
    '/api/v1/swarms?page=2',
    '/api/stats?verbose',
  ])('%s → 200', async (path) => {
    await using t = testApp()
    const { status, body } = await t.json(path)
    expect([status, body.success]).toEqual([200, true])
  })

  test('known parameters are still checked beside unknown ones', async () => {
    await using t = testApp()
    expect((await t.json('/api/sessions?foo=1&limit=0')).body).toEqual({
      success: false,
      error: { code: 'BAD_REQUEST', message: `Invalid query parameter 'limit': must be an integer from 1 to 500 (got "0")` },
    })
  })
})
