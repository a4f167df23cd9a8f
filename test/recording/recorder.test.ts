import { describe, expect, test } from 'bun:test'
import { getSession, getStats, getWorkspace, listSessions, replaceSession, workspaceIdFor } from '../../src/db'
import { createRecorder, EventError, type CommittedEvent } from '../../src/recording'
import { searchSessions } from '../../src/search'
import { dumpTables, event, testRecorder } from './support'
import { MESSAGE_DEFAULTS } from '../support/sessions'

const T0 = '2026-01-08T12:00:00.000Z'

function refusal(fn: () => unknown) {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(EventError)
    const { code, message, eventId } = error as EventError
    return { code, message, eventId }
  }
  throw new Error('expected a refusal')
}

describe('recording events', () => {
  test('the seed example starts a session implicitly; it is an ordinary, searchable session', () => {
    using t = testRecorder()
    const result = t.recorder.apply(event('abc123', 'message', { role: 'user', content: 'How do I implement auth?' }))
    expect(result).toEqual({ accepted: 1, duplicates: 0, acks: [{ event_id: null, session_id: 'abc123', status: 'recorded', seq: 1 }] })
    expect(getSession(t.db.sqlite, 'abc123')).toEqual({
      id: 'abc123',
      workspaceId: null,
      provider: 'api',
      // Issue 15: no title was given, so the first user message's first line is the title.
      title: 'How do I implement auth?',
      model: null,
      messageCount: 1,
      created: T0,
      updated: T0,
      origin: 'recording',
      sourceDeleted: false,
      messages: [
        { id: 'msg-0', index: 0, role: 'user', content: 'How do I implement auth?', timestamp: T0, model: null, ...MESSAGE_DEFAULTS, toolInvocations: [] },
      ],
    })
    expect(listSessions(t.db.sqlite, {}, { limit: 10, offset: 0 }).items.map((s) => s.id)).toEqual(['abc123'])
    expect(searchSessions(t.db.sqlite, 'implementing auth', { limit: 10 }).map((r) => r.sessionId)).toEqual(['abc123'])
    expect(getStats(t.db.sqlite, t.db.path)).toMatchObject({ totalSessions: 1, totalMessages: 1, totalToolInvocations: 0 })
  })

  test('a whole conversation: start, stream, tools, update, end', () => {
    using t = testRecorder()
    const s = 'conv'
    t.recorder.apply({
      events: [
        event(s, 'session_start', { provider: 'claude-code', title: 'Login bug', workspace_path: '/home/me/app', model: 'claude-sonnet-4-5', editor: 'vim' }, { event_id: 'e1' }),
        event(s, 'message', { message_id: 'u1', role: 'user', content: 'Why does login fail?' }, { event_id: 'e2', timestamp: '2026-01-08T11:59:00Z' }),
      ],
    })
    t.clock.advance(1000)
    t.recorder.apply(event(s, 'message', { message_id: 'a1', role: 'assistant', content: 'Let me ', tokens: 3 }, { event_id: 'e3' }))
    t.recorder.apply({
      events: [
        event(s, 'message_delta', { message_id: 'a1', content: 'look at ' }, { event_id: 'e4' }),
        event(s, 'message_delta', { message_id: 'a1', content: 'the cookie.' }, { event_id: 'e5' }),
        event(s, 'tool_call', { call_id: 'c1', name: 'Read', input: { path: 'src/auth.ts' } }, { event_id: 'e6' }),
      ],
    })
    t.clock.advance(1000)
    t.recorder.apply({
      events: [
        event(s, 'tool_result', { call_id: 'c1', output: 'export {}', duration_ms: 12 }, { event_id: 'e7' }),
        event(s, 'tool_call', { message_id: 'u1', call_id: 'c2', name: 'Grep', input: 'cookie' }, { event_id: 'e8' }),
        event(s, 'tool_result', { call_id: 'c2', output: { hits: 2 }, status: 'error' }, { event_id: 'e9' }),
        event(s, 'session_update', { title: 'Login cookie bug' }, { event_id: 'e10' }),
        event(s, 'heartbeat', {}, { event_id: 'e11' }),
        event(s, 'session_end', {}, { event_id: 'e12' }),
      ],
    })
    const workspaceId = workspaceIdFor('claude-code', '/home/me/app')
    const messages = [
      {
        id: 'u1', index: 0, role: 'user', content: 'Why does login fail?', timestamp: '2026-01-08T11:59:00.000Z', model: null,
        ...MESSAGE_DEFAULTS, toolInvocations: [{ id: 'c2', name: 'Grep', input: 'cookie', output: '{"hits":2}', status: 'error' }],
      },
      {
        id: 'a1', index: 1, role: 'assistant', content: 'Let me look at the cookie.', timestamp: '2026-01-08T12:00:01.000Z', model: null,
        ...MESSAGE_DEFAULTS, metadata: { tokens: 3, duration_ms: 12 }, toolInvocations: [{ id: 'c1', name: 'Read', input: { path: 'src/auth.ts' }, output: 'export {}', status: 'completed' }],
      },
    ]
    expect<unknown>(t.recorder.getSession(s)).toEqual({
      id: s,
      provider: 'claude-code',
      title: 'Login cookie bug',
      workspacePath: '/home/me/app',
      messageCount: 2,
      startedAt: T0,
      lastActivity: '2026-01-08T12:00:02.000Z',
      status: 'ended',
      origin: 'recording',
      model: 'claude-sonnet-4-5',
      workspaceId,
      lastSeq: 12,
      lastEventId: 'e12',
      lastMessageId: 'a1',
      messages,
    })
    expect(getSession(t.db.sqlite, s)).toMatchObject({ updated: '2026-01-08T12:00:02.000Z', messageCount: 2, workspaceId })
    expect(getStats(t.db.sqlite, t.db.path)).toMatchObject({ totalSessions: 1, totalMessages: 2, totalToolInvocations: 2, totalWorkspaces: 1 })
    expect(getWorkspace(t.db.sqlite, workspaceId)).toMatchObject({ name: 'app', provider: 'claude-code', sessions: 1, updated: '2026-01-08T12:00:02.000Z' })
    // Extra data fields are kept as metadata of the session or message they describe.
    const metadata = t.db.sqlite
      .query<{ metadata: string | null }, []>("SELECT metadata FROM messages UNION ALL SELECT metadata FROM sessions WHERE id = 'conv'")
      .all()
      .map((row) => (row.metadata === null ? null : JSON.parse(row.metadata)))
    expect(metadata).toEqual([null, { tokens: 3, duration_ms: 12 }, { editor: 'vim' }])
    expect(searchSessions(t.db.sqlite, 'cookie', { limit: 5 })[0]?.matches.map((m) => m.messageId)).toEqual(['a1'])
  })

  test('a tool call without message_id opens an empty assistant message when the latest is not the assistant’s', () => {
    using t = testRecorder()
    t.recorder.apply({
      events: [
        event('s', 'message', { role: 'user', content: 'list files' }),
        event('s', 'tool_call', { call_id: 'c1', name: 'ls', input: {} }),
        event('s', 'tool_call', { call_id: 'c2', name: 'cat', input: null }),
      ],
    })
    expect(t.recorder.getSession('s').messages).toEqual([
      { id: 'msg-0', index: 0, role: 'user', content: 'list files', timestamp: T0, model: null, ...MESSAGE_DEFAULTS, toolInvocations: [] },
      {
        id: 'msg-1', index: 1, role: 'assistant', content: '', timestamp: T0, model: null,
        ...MESSAGE_DEFAULTS, toolInvocations: [
          { id: 'c1', name: 'ls', input: {}, output: null, status: 'pending' },
          { id: 'c2', name: 'cat', input: null, output: null, status: 'pending' },
        ],
      },
    ])
  })

  test('message_delta and message_update keep the search index in step', () => {
    using t = testRecorder()
    t.recorder.apply(event('s', 'message', { message_id: 'm', role: 'assistant', content: 'Use a ' }))
    expect(searchSessions(t.db.sqlite, 'mutex', { limit: 5 })).toEqual([])
    t.recorder.apply(event('s', 'message_delta', { message_id: 'm', content: 'mutex here.' }))
    expect(searchSessions(t.db.sqlite, 'mutex', { limit: 5 }).map((r) => r.sessionId)).toEqual(['s'])
    t.recorder.apply(event('s', 'message_update', { message_id: 'm', content: 'Use a channel.' }))
    expect(searchSessions(t.db.sqlite, 'mutex', { limit: 5 })).toEqual([])
    expect(searchSessions(t.db.sqlite, 'channel', { limit: 5 }).map((r) => r.sessionId)).toEqual(['s'])
  })

  test('re-sending events applies nothing twice: duplicates are acked with their original seq', () => {
    using t = testRecorder()
    const batch = {
      events: [
        event('s', 'message', { message_id: 'm', role: 'assistant', content: 'a' }, { event_id: 'e1' }),
        event('s', 'message_delta', { message_id: 'm', content: 'b' }, { event_id: 'e2' }),
        event('s', 'tool_call', { call_id: 'c', name: 'x', input: 1 }, { event_id: 'e3' }),
      ],
    }
    t.recorder.apply(batch)
    const before = dumpTables(t.db.sqlite)
    t.clock.advance(5000)
    expect(t.recorder.apply(batch)).toEqual({
      accepted: 0,
      duplicates: 3,
      acks: [
        { event_id: 'e1', session_id: 's', status: 'duplicate', seq: 1 },
        { event_id: 'e2', session_id: 's', status: 'duplicate', seq: 2 },
        { event_id: 'e3', session_id: 's', status: 'duplicate', seq: 3 },
      ],
    })
    expect(dumpTables(t.db.sqlite)).toEqual(before)
    // A batch mixing old and new events applies only the new ones; a repeat inside one batch is a duplicate too.
    expect(
      t.recorder.apply({
        events: [
          event('s', 'message_delta', { message_id: 'm', content: 'b' }, { event_id: 'e2' }),
          event('s', 'message_delta', { message_id: 'm', content: 'c' }, { event_id: 'e4' }),
          event('s', 'message_delta', { message_id: 'm', content: 'c' }, { event_id: 'e4' }),
        ],
      }).acks,
    ).toEqual([
      { event_id: 'e2', session_id: 's', status: 'duplicate', seq: 2 },
      { event_id: 'e4', session_id: 's', status: 'recorded', seq: 4 },
      { event_id: 'e4', session_id: 's', status: 'duplicate', seq: 4 },
    ])
    expect(t.recorder.getSession('s').messages[0]!.content).toBe('abc')
    // event_id is unique per session, not globally.
    expect(t.recorder.apply(event('other', 'heartbeat', {}, { event_id: 'e1' })).acks[0]!.status).toBe('recorded')
  })

  test('a request with one bad event changes nothing, not even the implicit session start', () => {
    using t = testRecorder()
    t.recorder.apply(event('s', 'message', { message_id: 'm', role: 'user', content: 'hi' }, { event_id: 'e1' }))
    const before = dumpTables(t.db.sqlite)
    const cases: [unknown, { code: string; message: string; eventId: string | null }][] = [
      [
        { events: [event('new', 'message', { role: 'user', content: 'x' }, { event_id: 'n1' }), event('new', 'message_delta', { message_id: 'nope', content: 'x' }, { event_id: 'n2' })] },
        { code: 'BAD_REQUEST', message: "Invalid parameter 'events[1].data.message_id': no message 'nope' in session 'new'", eventId: 'n2' },
      ],
      [
        event('s', 'message', { message_id: 'm', role: 'user', content: 'again' }, { event_id: 'e2' }),
        { code: 'CONFLICT', message: "Conflict in 'data.message_id': message 'm' already exists in session 's'", eventId: 'e2' },
      ],
      [
        event('s', 'tool_result', { call_id: 'ghost', output: '' }),
        { code: 'BAD_REQUEST', message: "Invalid parameter 'data.call_id': no tool call 'ghost' in session 's'", eventId: null },
      ],
      [
        { events: [event('s', 'tool_call', { call_id: 'c', name: 'x', input: 1 }), event('s', 'tool_call', { call_id: 'c', name: 'x', input: 2 })] },
        { code: 'CONFLICT', message: "Conflict in 'events[1].data.call_id': tool call 'c' already exists in session 's'", eventId: null },
      ],
      [
        event('s', 'message', { role: 'user', content: 'x', tool_calls: [{ call_id: 'k', name: 'a' }, { call_id: 'k', name: 'b' }] }),
        { code: 'CONFLICT', message: "Conflict in 'data.tool_calls[1].call_id': tool call 'k' already exists in session 's'", eventId: null },
      ],
    ]
    for (const [body, expected] of cases) {
      expect<unknown>(refusal(() => t.recorder.apply(body))).toEqual(expected)
      expect(dumpTables(t.db.sqlite)).toEqual(before)
    }
  })

  test('harvested sessions do not accept events or snapshots', () => {
    using t = testRecorder()
    replaceSession(t.db.sqlite, {
      id: 'h', provider: 'codex', origin: 'harvest', title: null, model: null, created: 1, updated: 1, workspace: null, messages: [],
    })
    expect(refusal(() => t.recorder.apply(event('h', 'heartbeat')))).toEqual({
      code: 'CONFLICT',
      message: "Conflict in 'session_id': session 'h' was harvested from codex; only recorded sessions accept events",
      eventId: null,
    })
    expect(refusal(() => t.recorder.snapshot({ session_id: 'h', messages: [] })).code).toBe('CONFLICT')
  })

  test('trusted callers may start sessions with another origin', () => {
    using t = testRecorder()
    t.recorder.apply(event('run-1', 'session_start', { provider: 'agency', title: 'swarm run' }), { origin: 'agency' })
    expect(getSession(t.db.sqlite, 'run-1')).toMatchObject({ origin: 'agency', provider: 'agency', title: 'swarm run' })
    // The public event format has no way to set it: an `origin` data field is just metadata.
    t.recorder.apply(event('pub', 'session_start', { origin: 'agency' }))
    expect(getSession(t.db.sqlite, 'pub').origin).toBe('recording')
  })

  test('moving a session to another workspace keeps both workspaces’ aggregates right', () => {
    using t = testRecorder()
    t.recorder.apply(event('a', 'session_start', { workspace_path: '/w/one' }))
    t.recorder.apply(event('b', 'session_start', { workspace_path: '/w/one' }))
    t.clock.advance(1000)
    t.recorder.apply(event('b', 'session_start', { workspace_path: 'C:\\w\\two' }))
    const one = workspaceIdFor('api', '/w/one')
    const two = workspaceIdFor('api', 'C:\\w\\two')
    expect(getWorkspace(t.db.sqlite, one)).toMatchObject({ sessions: 1, updated: T0 })
    expect(getWorkspace(t.db.sqlite, two)).toMatchObject({ name: 'two', sessions: 1, updated: '2026-01-08T12:00:01.000Z' })
  })

  test('text with lone surrogates is repaired, never refused', () => {
    using t = testRecorder()
    t.recorder.apply(event('s', 'message', { message_id: 'm', role: 'user', content: 'a\ud800' }))
    t.recorder.apply(event('s', 'message_delta', { message_id: 'm', content: '\udc00b' }))
    expect(t.recorder.getSession('s').messages[0]!.content).toBe('a\ufffd\ufffdb')
  })
})

describe('recording states', () => {
  test('active → idle → active → ended; interrupted after a restart; listed and counted by state', () => {
    using t = testRecorder({ idleSeconds: 60 })
    t.recorder.apply(event('a', 'message', { role: 'user', content: 'one' }, { event_id: 'a1' }))
    t.recorder.apply(event('b', 'session_start', { title: 'B' }))
    t.recorder.apply(event('c', 'session_end'))
    t.clock.advance(61_000)
    t.recorder.apply(event('b', 'heartbeat'))
    const states = () => t.recorder.listSessions({ status: 'all' }).items.map((s) => [s.id, s.status])
    expect(states()).toEqual([['b', 'active'], ['c', 'ended'], ['a', 'idle']])
    expect(t.recorder.listSessions().items.map((s) => s.id)).toEqual(['b', 'a'])
    expect(t.recorder.listSessions({ status: 'idle' })).toEqual({
      items: [
        { id: 'a', provider: 'api', title: 'one', workspacePath: null, messageCount: 1, startedAt: T0, lastActivity: T0, status: 'idle' },
      ],
      meta: { total: 1, limit: 100, offset: 0 },
    })
    expect(t.recorder.status()).toEqual({
      status: 'healthy',
      activeSessions: 1,
      idleSessions: 1,
      interruptedSessions: 0,
      totalRecordedSessions: 3,
      eventsReceived: 4,
      connectedClients: 0,
      uptimeSeconds: 61,
    })

    // A restart: whatever was not ended is interrupted, with what a client needs to resume.
    const restarted = createRecorder(t.db, { clock: t.clock, idleSeconds: 60 })
    expect(restarted.markInterruptedOnStart()).toBe(2)
    expect(restarted.recovery()).toEqual([
      { id: 'b', provider: 'api', title: 'B', messageCount: 0, lastEventId: null, lastMessageId: null, lastSeq: 2, lastActivity: '2026-01-08T12:01:01.000Z' },
      { id: 'a', provider: 'api', title: 'one', messageCount: 1, lastEventId: 'a1', lastMessageId: 'msg-0', lastSeq: 1, lastActivity: T0 },
    ])
    expect(restarted.listSessions({ status: 'interrupted' }).meta.total).toBe(2)
    t.clock.advance(1000)
    restarted.apply(event('a', 'message', { role: 'assistant', content: 'two' }, { event_id: 'a2' }))
    expect(restarted.recovery().map((r) => r.id)).toEqual(['b'])
    expect(restarted.getSession('a')).toMatchObject({ status: 'active', lastSeq: 2, lastEventId: 'a2', lastMessageId: 'msg-1', messageCount: 2 })
    expect(restarted.status()).toMatchObject({ activeSessions: 1, idleSessions: 0, interruptedSessions: 1, totalRecordedSessions: 3, eventsReceived: 1, uptimeSeconds: 1 })
    // An ended session that gets new events is recording again.
    restarted.apply(event('c', 'heartbeat'))
    expect(restarted.getSession('c').status).toBe('active')
  })

  test('lists page and validate their parameters', () => {
    using t = testRecorder()
    for (let i = 0; i < 5; i++) {
      t.recorder.apply(event(`s${i}`, 'heartbeat'))
      t.clock.advance(1000)
    }
    expect(t.recorder.listSessions({ limit: 2, offset: 1 })).toMatchObject({ meta: { total: 5, limit: 2, offset: 1 } })
    expect(t.recorder.listSessions({ limit: 2, offset: 1 }).items.map((s) => s.id)).toEqual(['s3', 's2'])
    expect(() => t.recorder.getSession('nope')).toThrow('Recorded session not found: nope')
  })
})

describe('snapshots', () => {
  test('store a complete session, replacing its messages; the same snapshot twice gives the same session', () => {
    using t = testRecorder()
    t.recorder.apply(event('s', 'session_start', { title: 'Kept title', model: 'gpt-4o' }, { event_id: 'e1' }))
    const body = {
      session_id: 's',
      workspace_path: '/home/me/app',
      messages: [
        { role: 'user', content: 'hi', timestamp: '2026-01-08T11:00:00Z' },
        { message_id: 'a', role: 'assistant', content: 'hello', model: 'gpt-4o', tool_calls: [{ name: 'ls', input: {}, output: 'a.ts' }], mood: 'good' },
      ],
    }
    const summary = t.recorder.snapshot(body)
    expect(summary).toEqual({
      id: 's',
      workspaceId: workspaceIdFor('api', '/home/me/app'),
      provider: 'api',
      title: 'Kept title',
      model: 'gpt-4o',
      messageCount: 2,
      created: T0,
      updated: T0,
      origin: 'recording',
      sourceDeleted: false,
    })
    const once = dumpTables(t.db.sqlite)
    t.recorder.snapshot(body)
    const twice = dumpTables(t.db.sqlite)
    // Only the message/tool primary keys differ (rows are replaced).
    const withoutPks = (d: typeof once) => ({ ...d, messages: d.messages.map((m) => ({ ...(m as object), pk: 0 })), tools: d.tools.map((x) => ({ ...(x as object), pk: 0, message_pk: 0 })) })
    expect(withoutPks(twice)).toEqual(withoutPks(once))
    expect(t.recorder.getSession('s').messages).toEqual([
      { id: 'msg-0', index: 0, role: 'user', content: 'hi', timestamp: '2026-01-08T11:00:00.000Z', model: null, ...MESSAGE_DEFAULTS, toolInvocations: [] },
      {
        id: 'a', index: 1, role: 'assistant', content: 'hello', timestamp: null, model: 'gpt-4o',
        ...MESSAGE_DEFAULTS, metadata: { mood: 'good' }, toolInvocations: [{ id: 'a#0', name: 'ls', input: {}, output: 'a.ts', status: 'completed' }],
      },
    ])
    // Recording continues after a snapshot: deltas reach snapshot messages, seq goes on.
    expect(t.recorder.apply(event('s', 'message_delta', { message_id: 'a', content: ' again' }, { event_id: 'e2' })).acks[0]!.seq).toBe(2)
    expect(t.recorder.getSession('s')).toMatchObject({ lastMessageId: 'a', lastSeq: 2, lastEventId: 'e2', status: 'active' })
    expect(t.recorder.getSession('s').messages[1]!.content).toBe('hello again')
    // A shorter snapshot replaces the messages.
    t.recorder.snapshot({ session_id: 's', messages: [{ role: 'user', content: 'only' }] })
    expect(getSession(t.db.sqlite, 's')).toMatchObject({ messageCount: 1, title: 'Kept title' })
    expect(getStats(t.db.sqlite, t.db.path)).toMatchObject({ totalMessages: 1, totalToolInvocations: 0 })
  })
})

describe('group commit and live subscribers', () => {
  test('requests submitted together commit together; a bad one fails alone, replies keep request order', async () => {
    using t = testRecorder()
    const order: string[] = []
    const track = (name: string, promise: Promise<unknown>) =>
      promise.then(
        () => order.push(`${name} ok`),
        (error: EventError) => order.push(`${name} ${error.code}`),
      )
    const sessionCount = () => t.db.sqlite.query<{ n: number }, []>('SELECT count(*) AS n FROM sessions').get()!.n
    const done = Promise.all([
      track('1', t.recorder.submit(event('s', 'message', { message_id: 'm', role: 'user', content: 'x' }))),
      track('2', t.recorder.submit({ nonsense: true })),
      track('3', t.recorder.submit(event('s', 'message_delta', { message_id: 'missing', content: 'x' }))),
      track('4', t.recorder.submit(event('s', 'message_delta', { message_id: 'm', content: 'y' }))),
    ])
    expect(sessionCount()).toBe(0)
    await done
    expect(order).toEqual(['1 ok', '2 BAD_REQUEST', '3 BAD_REQUEST', '4 ok'])
    expect(t.recorder.getSession('s')).toMatchObject({ lastSeq: 2, messages: [{ content: 'xy' }] })
  })

  test('each subscriber gets every committed event of its session exactly once, in order', async () => {
    using t = testRecorder()
    const seen = { a: [] as CommittedEvent[], a2: [] as CommittedEvent[], b: [] as CommittedEvent[] }
    t.recorder.subscribe('a', (e) => seen.a.push(e))
    const stop = t.recorder.subscribe('a', (e) => seen.a2.push(e))
    t.recorder.subscribe('b', (e) => seen.b.push(e))
    t.recorder.apply(event('a', 'message', { message_id: 'm', role: 'user', content: 'x', extra: 1 }, { event_id: 'e1' }))
    await Promise.all([
      t.recorder.submit(event('a', 'message_delta', { message_id: 'm', content: 'y' }, { event_id: 'e2' })),
      t.recorder.submit(event('b', 'heartbeat', {}, { timestamp: 1767873600 })),
      t.recorder.submit(event('a', 'message_delta', { message_id: 'gone', content: 'z' })).catch(() => 'refused'),
      t.recorder.submit(event('a', 'message_delta', { message_id: 'm', content: 'y' }, { event_id: 'e2' })),
    ])
    stop()
    t.recorder.apply(event('a', 'session_end', {}, { event_id: 'e3' }))
    expect(seen.a).toEqual([
      { session_id: 'a', event_type: 'message', event_id: 'e1', seq: 1, timestamp: T0, data: { message_id: 'm', role: 'user', content: 'x', extra: 1 } },
      { session_id: 'a', event_type: 'message_delta', event_id: 'e2', seq: 2, timestamp: T0, data: { message_id: 'm', content: 'y' } },
      { session_id: 'a', event_type: 'session_end', event_id: 'e3', seq: 3, timestamp: T0, data: {} },
    ])
    expect(seen.a2).toEqual(seen.a.slice(0, 2))
    expect(seen.b).toEqual([
      { session_id: 'b', event_type: 'heartbeat', event_id: null, seq: 1, timestamp: T0, data: {} },
    ])
  })

  test('flush commits queued requests at once (graceful shutdown)', async () => {
    using t = testRecorder()
    const pending = t.recorder.submit(event('s', 'heartbeat'))
    t.recorder.flush()
    expect(t.recorder.getSession('s').lastSeq).toBe(1)
    expect(await pending).toMatchObject({ accepted: 1 })
  })
})
