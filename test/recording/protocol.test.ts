import { describe, expect, test } from 'bun:test'
import { HIGH_WATER, type ServerMessage } from '../../src/recording'
import { event, testRecorder } from './support'

/** Waits until the recorder's group commit (scheduled with setImmediate) and the replies after it have run. */
const committed = () => new Promise((resolve) => setImmediate(() => setImmediate(resolve)))

function fakeSocket(recorder: ReturnType<typeof testRecorder>['recorder']) {
  const sent: ServerMessage[] = []
  const pressure: boolean[] = []
  const connection = recorder.connect({ send: (m) => sent.push(m), pressure: (high) => pressure.push(high) })
  return { connection, sent, pressure }
}

describe('recording WebSocket protocol', () => {
  test('greets, then answers every message in the order sent, acks only after the commit', async () => {
    using t = testRecorder()
    const { connection, sent } = fakeSocket(t.recorder)
    expect(sent).toEqual([{ type: 'connected', clientId: connection.clientId, version: 1 }])
    expect(connection.clientId).toMatch(/^[0-9a-f-]{36}$/)
    sent.length = 0
    connection.receiveText(JSON.stringify(event('s', 'message', { message_id: 'm', role: 'user', content: 'x' }, { event_id: 'e1' })))
    connection.receiveText('{"session_id": ')
    connection.receive({ type: 'ping' })
    connection.receive({ type: 'subscribe', session_id: 's' })
    connection.receive({ events: [event('s', 'message_delta', { message_id: 'm', content: 'y' }, { event_id: 'e2' }), event('s', 'heartbeat', {}, { event_id: 'e3' })] })
    connection.receive(event('s', 'message_delta', { message_id: 'nope', content: 'z' }, { event_id: 'e4' }))
    connection.reject('PAYLOAD_TOO_LARGE', 'message exceeds 4 MiB')
    // Nothing leaves before the first event is committed: the replies behind it wait their turn.
    expect(sent).toEqual([])
    expect(connection.pending).toBe(7)
    await committed()
    expect(connection.pending).toBe(0)
    const T0 = '2026-01-08T12:00:00.000Z'
    const pushed = (seq: number, event_type: string, event_id: string, data: Record<string, unknown>): ServerMessage => ({
      type: 'event',
      event: { session_id: 's', event_type, event_id, seq, timestamp: T0, data },
    })
    expect(sent).toEqual([
      { type: 'ack', event_id: 'e1', session_id: 's', status: 'recorded', seq: 1 },
      { type: 'error', code: 'BAD_REQUEST', message: expect.stringMatching(/^Invalid JSON: ./), event_id: null },
      { type: 'pong', serverTime: T0 },
      { type: 'subscribed', session_id: 's' },
      { type: 'ack', event_id: 'e2', session_id: 's', status: 'recorded', seq: 2 },
      { type: 'ack', event_id: 'e3', session_id: 's', status: 'recorded', seq: 3 },
      { type: 'error', code: 'BAD_REQUEST', message: "Invalid parameter 'data.message_id': no message 'nope' in session 's'", event_id: 'e4' },
      { type: 'error', code: 'PAYLOAD_TOO_LARGE', message: 'message exceeds 4 MiB', event_id: null },
      // e1 was committed after the subscription began; pushes are generated at commit, behind replies already due.
      pushed(1, 'message', 'e1', { message_id: 'm', role: 'user', content: 'x' }),
      pushed(2, 'message_delta', 'e2', { message_id: 'm', content: 'y' }),
      pushed(3, 'heartbeat', 'e3', {}),
    ])
    sent.length = 0
    connection.receive({ type: 'unsubscribe', session_id: 's' })
    t.recorder.apply(event('s', 'heartbeat'))
    expect(sent).toEqual([{ type: 'unsubscribed', session_id: 's' }])
    expect(t.recorder.getSession('s').messages[0]!.content).toBe('xy')
  })

  test('control messages are validated like events', () => {
    using t = testRecorder()
    const { connection, sent } = fakeSocket(t.recorder)
    sent.length = 0
    connection.receive({ type: 'hello' })
    connection.receive({ type: 'subscribe' })
    connection.receive({ type: 'ping', extra: 1 })
    connection.receive(42)
    expect(sent.map((m) => (m.type === 'error' ? m.message : m.type))).toEqual([
      `Invalid parameter 'type': must be one of "subscribe", "unsubscribe", "ping" (an event has no "type")`,
      "Invalid parameter 'session_id': expected a session id (1..256 characters)",
      "Invalid parameter 'extra': is not a known field",
    ])
  })

  test('viewers get every event of their session exactly once, from every recorder', async () => {
    using t = testRecorder()
    const viewer = fakeSocket(t.recorder)
    const other = fakeSocket(t.recorder)
    const recorders = [fakeSocket(t.recorder), fakeSocket(t.recorder)]
    viewer.connection.receive({ type: 'subscribe', session_id: 's' })
    viewer.connection.receive({ type: 'subscribe', session_id: 's' })
    other.connection.receive({ type: 'subscribe', session_id: 'other' })
    for (let i = 0; i < 50; i++) {
      recorders[i % 2]!.connection.receive(event('s', 'heartbeat', { n: i }, { event_id: `e${i}` }))
      recorders[i % 2]!.connection.receive(event('s', 'heartbeat', { n: i }, { event_id: `e${i}` }))
    }
    await committed()
    const pushed = viewer.sent.flatMap((m) => (m.type === 'event' ? [m.event.seq] : []))
    expect(pushed).toEqual(Array.from({ length: 50 }, (_, i) => i + 1))
    expect(other.sent.filter((m) => m.type === 'event')).toEqual([])
    expect(t.recorder.status().connectedClients).toBe(4)
    viewer.connection.close()
    viewer.connection.close()
    expect(t.recorder.status().connectedClients).toBe(3)
    recorders[0]!.connection.receive(event('s', 'heartbeat'))
    await committed()
    expect(viewer.sent.filter((m) => m.type === 'event')).toHaveLength(50)
  })

  test(`asks the transport to stop reading above ${HIGH_WATER} outstanding replies and to resume once they drained`, async () => {
    using t = testRecorder()
    const { connection, pressure, sent } = fakeSocket(t.recorder)
    for (let i = 0; i <= HIGH_WATER; i++) connection.receive(event('s', 'heartbeat', {}, { event_id: `e${i}` }))
    expect(pressure).toEqual([true])
    await committed()
    expect(pressure).toEqual([true, false])
    expect(sent.filter((m) => m.type === 'ack')).toHaveLength(HIGH_WATER + 1)
    expect(t.recorder.getSession('s').lastSeq).toBe(HIGH_WATER + 1)
  })
})
