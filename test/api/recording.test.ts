import { describe, expect, test } from 'bun:test'
import { replaceSession } from '../../src/db'
import { testApp } from '../support/app'
import { MESSAGE_DEFAULTS, sampleSession } from '../support/sessions'
import { dumpTables, event, testClock } from '../recording/support'

const T0 = '2026-01-08T12:00:00.000Z'
const error = (code: string, message: string) => ({ success: false, error: { code, message } })
const post = (body: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: typeof body === 'string' ? body : JSON.stringify(body),
})

function recordingApp(options: Parameters<typeof testApp>[0] = {}) {
  const clock = testClock()
  const t = testApp({ ...options, recording: { clock, idleSeconds: 60 } })
  return Object.assign(t, { clock })
}

describe('recording REST API', () => {
  test("the seed's curl example works verbatim, and the session is ordinary at once", async () => {
    using t = recordingApp()
    // The exact body of the seed document's example, line breaks included.
    const seedBody = `{
"session_id": "abc123",
"event_type": "message",
"data": {
"role": "user",
"content": "How do I implement auth?"
}
}`
    expect(await t.json('/api/recording/events', post(seedBody))).toMatchObject({
      status: 200,
      body: { success: true, data: { accepted: 1, duplicates: 0, acks: [{ event_id: null, session_id: 'abc123', status: 'recorded', seq: 1 }] } },
    })
    const summary = { id: 'abc123', workspaceId: null, provider: 'api', title: 'How do I implement auth?', model: null, messageCount: 1, created: T0, updated: T0, origin: 'recording', sourceDeleted: false }
    expect((await t.json('/api/sessions')).body).toEqual({ success: true, data: [summary], meta: { total: 1, limit: 50, offset: 0 } })
    expect((await t.json('/api/sessions/abc123')).body.data).toEqual({
      ...summary,
      messages: [{ id: 'msg-0', index: 0, role: 'user', content: 'How do I implement auth?', timestamp: T0, model: null, ...MESSAGE_DEFAULTS, toolInvocations: [] }],
    })
    expect((await t.json('/api/sessions/search?q=implement')).body.data.map((r: any) => r.sessionId)).toEqual(['abc123'])
    expect((await t.json('/api/stats')).body.data).toMatchObject({ totalSessions: 1, totalMessages: 1, byProvider: { api: { sessions: 1, messages: 1 } } })
    expect((await t.json('/api/recording/sessions/abc123')).body.data).toMatchObject({ id: 'abc123', status: 'active', lastSeq: 1 })
  })

  test('batches are acknowledged per event; re-sends are duplicates; streaming updates search', async () => {
    using t = recordingApp()
    const batch = {
      events: [
        event('s', 'session_start', { title: 'Streaming', workspace_path: '/home/me/app' }, { event_id: 'e1' }),
        event('s', 'message', { message_id: 'a', role: 'assistant', content: 'Use ' }, { event_id: 'e2' }),
        event('s', 'message_delta', { message_id: 'a', content: 'websockets.' }, { event_id: 'e3' }),
      ],
    }
    const first = await t.json('/api/recording/events', post(batch))
    expect(first.body.data).toEqual({
      accepted: 3,
      duplicates: 0,
      acks: ['e1', 'e2', 'e3'].map((id, i) => ({ event_id: id, session_id: 's', status: 'recorded', seq: i + 1 })),
    })
    const again = await t.json('/api/recording/events', post(batch))
    expect(again.body.data).toEqual({
      accepted: 0,
      duplicates: 3,
      acks: ['e1', 'e2', 'e3'].map((id, i) => ({ event_id: id, session_id: 's', status: 'duplicate', seq: i + 1 })),
    })
    expect((await t.json('/api/sessions/search?q=websocket')).body.data.map((r: any) => r.sessionId)).toEqual(['s'])
    expect((await t.json('/api/sessions/s')).body.data.messages[0].content).toBe('Use websockets.')
  })

  test('bad input gets a precise error and changes nothing', async () => {
    using t = recordingApp()
    await t.json('/api/recording/events', post(event('s', 'message', { message_id: 'm', role: 'user', content: 'hi' }, { event_id: 'e1' })))
    const before = dumpTables(t.db.sqlite)
    const many = { events: Array.from({ length: 2000 }, (_, i) => event('s', 'heartbeat', {}, { event_id: `h${i}` })) }
    const cases: [string | object, number, ReturnType<typeof error>][] = [
      ['{"session_id": "s", ', 400, error('BAD_REQUEST', 'Malformed JSON in request body')],
      [event('s', 'chat'), 400, error('BAD_REQUEST', `Invalid parameter 'event_type': must be one of "session_start", "message", "message_delta", "message_update", "tool_call", "tool_result", "session_update", "heartbeat", "session_end"`)],
      [{ event_type: 'message', data: { role: 'user', content: 'x' } }, 400, error('BAD_REQUEST', "Invalid parameter 'session_id': is required")],
      [event('s', 'message', { role: 'user', content: ['x'] }), 400, error('BAD_REQUEST', "Invalid parameter 'data.content': expected string")],
      [many, 400, error('BAD_REQUEST', "Invalid parameter 'events': at most 1000 events per request (got 2000)")],
      [
        { events: [event('s', 'heartbeat', {}, { event_id: 'ok' }), event('s', 'message_delta', { message_id: 'ghost', content: 'x' })] },
        400,
        error('BAD_REQUEST', "Invalid parameter 'events[1].data.message_id': no message 'ghost' in session 's'"),
      ],
      [event('s', 'message', { message_id: 'm', role: 'user', content: 'again' }), 409, error('CONFLICT', "Conflict in 'data.message_id': message 'm' already exists in session 's'")],
      [{ session_id: 's', event_type: 'heartbeat', data: {}, extra: true }, 400, error('BAD_REQUEST', "Invalid parameter 'extra': is not a known field")],
    ]
    for (const [body, status, expected] of cases) {
      const response = await t.json('/api/recording/events', post(body))
      expect({ status: response.status, body: response.body }).toEqual({ status, body: expected })
      expect(dumpTables(t.db.sqlite)).toEqual(before)
    }
  })

  test('snapshots store a complete session', async () => {
    using t = recordingApp()
    const body = { session_id: 'snap', title: 'Snap', messages: [{ role: 'user', content: 'one' }, { message_id: 'a', role: 'assistant', content: 'two' }] }
    expect(await t.json('/api/recording/snapshot', post(body))).toEqual({
      status: 200,
      headers: expect.anything(),
      body: {
        success: true,
        data: { id: 'snap', workspaceId: null, provider: 'api', title: 'Snap', model: null, messageCount: 2, created: T0, updated: T0, origin: 'recording', sourceDeleted: false },
      },
    })
    const bad = await t.json('/api/recording/snapshot', post({ session_id: 'snap', messages: [{ role: 'robot', content: 'x' }] }))
    expect({ status: bad.status, body: bad.body }).toEqual({
      status: 400,
      body: error('BAD_REQUEST', `Invalid parameter 'messages[0].role': must be one of "user", "assistant", "system", "tool"`),
    })
    replaceSession(t.db.sqlite, sampleSession())
    const harvested = await t.json('/api/recording/snapshot', post({ session_id: 'sess-1', messages: [] }))
    expect(harvested.status).toBe(409)
  })

  test('sessions, detail, recovery and status', async () => {
    using t = recordingApp()
    await t.json('/api/recording/events', post({ events: [event('a', 'session_start', { title: 'A' }, { event_id: 'a1' }), event('b', 'session_end')] }))
    t.clock.advance(61_000)
    await t.json('/api/recording/events', post(event('c', 'heartbeat')))
    const listed = await t.json('/api/recording/sessions')
    expect(listed.body).toEqual({
      success: true,
      data: [
        { id: 'c', provider: 'api', title: null, workspacePath: null, messageCount: 0, startedAt: '2026-01-08T12:01:01.000Z', lastActivity: '2026-01-08T12:01:01.000Z', status: 'active' },
        { id: 'a', provider: 'api', title: 'A', workspacePath: null, messageCount: 0, startedAt: T0, lastActivity: T0, status: 'idle' },
      ],
      meta: { total: 2, limit: 100, offset: 0 },
    })
    expect((await t.json('/api/recording/sessions?status=all&limit=1&offset=2')).body).toMatchObject({ data: [{ id: 'a' }], meta: { total: 3, limit: 1, offset: 2 } })
    expect((await t.json('/api/recording/sessions?status=ended')).body.data.map((s: any) => s.id)).toEqual(['b'])
    const badStatus = await t.json('/api/recording/sessions?status=open')
    expect({ status: badStatus.status, body: badStatus.body }).toEqual({
      status: 400,
      body: error('BAD_REQUEST', `Invalid query parameter 'status': must be one of "active", "idle", "interrupted", "ended", "all" (got "open")`),
    })
    expect((await t.json('/api/recording/sessions?limit=0')).status).toBe(400)
    const missing = await t.json('/api/recording/sessions/nope')
    expect({ status: missing.status, body: missing.body }).toEqual({ status: 404, body: error('NOT_FOUND', 'Recorded session not found: nope') })
    expect((await t.json('/api/recording/recovery')).body).toEqual({ success: true, data: [] })
    t.deps.recorder.markInterruptedOnStart()
    expect((await t.json('/api/recording/recovery')).body.data).toEqual([
      { id: 'c', provider: 'api', title: null, messageCount: 0, lastEventId: null, lastMessageId: null, lastSeq: 1, lastActivity: '2026-01-08T12:01:01.000Z' },
      { id: 'a', provider: 'api', title: 'A', messageCount: 0, lastEventId: 'a1', lastMessageId: null, lastSeq: 1, lastActivity: T0 },
    ])
    expect((await t.json('/api/recording/status')).body).toEqual({
      success: true,
      data: { status: 'healthy', activeSessions: 0, idleSessions: 0, interruptedSessions: 2, totalRecordedSessions: 3, eventsReceived: 3, connectedClients: 0, uptimeSeconds: 61 },
    })
  })

  test('security applies to recording routes; wrong methods get 405; the upgrade route refuses plain GETs', async () => {
    using t = recordingApp({ security: { token: 'secret' } })
    const refused = await t.json('/api/recording/events', post(event('s', 'heartbeat')))
    expect(refused.status).toBe(401)
    const authorized = await t.json('/api/recording/events', { ...post(event('s', 'heartbeat')), headers: { 'content-type': 'application/json', authorization: 'Bearer secret' } })
    expect(authorized.status).toBe(200)
    const auth = { authorization: 'Bearer secret' }
    expect((await t.json('/api/recording/events', { headers: auth })).status).toBe(405)
    for (const path of ['/ws/recording', '/api/recording/ws']) {
      const plain = await t.json(path, { headers: auth })
      expect({ status: plain.status, body: plain.body }).toEqual({
        status: 400,
        body: error('BAD_REQUEST', 'Expected a WebSocket upgrade request (Upgrade: websocket)'),
      })
    }
  })

  test('the OpenAPI document describes the recording routes and their bodies', async () => {
    using t = recordingApp()
    const spec = (await t.json('/swagger/json')).body
    const bodySchema = (path: string) => spec.paths[path].post.requestBody.content['application/json'].schema
    expect(bodySchema('/api/recording/events').anyOf).toHaveLength(2)
    expect(Object.keys(bodySchema('/api/recording/snapshot').properties)).toEqual(['session_id', 'provider', 'title', 'workspace_path', 'model', 'messages'])
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/api/recording/sessions', '/api/recording/sessions/{id}', '/api/recording/recovery', '/api/recording/status', '/ws/recording']),
    )
  })
})
