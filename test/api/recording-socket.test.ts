import { describe, expect, test } from 'bun:test'
import type { ServerMessage } from '../../src/recording'
import { event } from '../recording/support'
import { RecordingClient, testServer } from '../support/socket'

const acks = (client: RecordingClient) => client.ofType('ack')
const replies = (client: RecordingClient) => client.messages.filter((m) => m.type !== 'connected' && m.type !== 'event')

describe('recording WebSocket over a real socket', () => {
  test('acks after commit, precise errors for bad messages, and the socket stays open', async () => {
    await using t = await testServer()
    const client = await RecordingClient.open(`${t.wsUrl}/ws/recording`)
    expect(client.messages).toEqual([{ type: 'connected', clientId: expect.stringMatching(/^[0-9a-f-]{36}$/), version: 1 }])
    const tooMany = { events: Array.from({ length: 2000 }, (_, i) => event('s', 'heartbeat', {}, { event_id: `h${i}` })) }
    client.send(event('s', 'message', { message_id: 'm', role: 'user', content: 'hello' }, { event_id: 'e1' }))
    client.send('{"session_id": "s"')
    client.send(new Uint8Array([123, 125]))
    client.send(JSON.stringify(event('s', 'message', { role: 'user', content: 'x'.repeat(4 * 1024 * 1024) })))
    client.send(event('s', 'chat'))
    client.send({ session_id: 's', event_type: 'message', data: { role: 'user' } })
    client.send(tooMany)
    client.send(event('s', 'message_delta', { message_id: 'ghost', content: '!' }, { event_id: 'e2' }))
    client.send({ type: 'ping' })
    await client.until((messages) => messages.some((m) => m.type === 'pong'))
    const bad = (code: string, message: string | ReturnType<typeof expect.stringMatching>, event_id: string | null = null) => ({ type: 'error', code, message, event_id })
    expect<unknown>(replies(client)).toEqual([
      { type: 'ack', event_id: 'e1', session_id: 's', status: 'recorded', seq: 1 },
      bad('BAD_REQUEST', expect.stringMatching(/^Invalid JSON: /)),
      bad('BAD_REQUEST', 'Binary frames are not supported: send each message as JSON text'),
      bad('PAYLOAD_TOO_LARGE', 'Message exceeds 4194304 bytes (4 MiB); send smaller batches'),
      bad('BAD_REQUEST', `Invalid parameter 'event_type': must be one of "session_start", "message", "message_delta", "message_update", "tool_call", "tool_result", "session_update", "heartbeat", "session_end"`),
      bad('BAD_REQUEST', "Invalid parameter 'data.content': is required"),
      bad('BAD_REQUEST', "Invalid parameter 'events': at most 1000 events per request (got 2000)"),
      bad('BAD_REQUEST', "Invalid parameter 'data.message_id': no message 'ghost' in session 's'", 'e2'),
      { type: 'pong', serverTime: expect.any(String) },
    ])
    expect(t.deps.recorder.getSession('s')).toMatchObject({ lastSeq: 1, messageCount: 1, messages: [{ content: 'hello' }] })
    expect(t.deps.recorder.status().connectedClients).toBe(1)
    await client.close()
  })

  test('several recorders and viewers at once: each viewer gets every event of its sessions once, in order', async () => {
    await using t = await testServer()
    const path = ['/ws/recording', '/api/recording/ws']
    const viewers = await Promise.all([0, 1, 2].map((i) => RecordingClient.open(`${t.wsUrl}${path[i % 2]}`)))
    const watched = [['a'], ['b'], ['a', 'b']]
    viewers.forEach((viewer, i) => watched[i]!.forEach((session) => viewer.send({ type: 'subscribe', session_id: session })))
    await Promise.all(viewers.map((viewer, i) => viewer.until((m) => m.filter((x) => x.type === 'subscribed').length === watched[i]!.length)))

    const recorders = await Promise.all([0, 1, 2, 3].map((i) => RecordingClient.open(`${t.wsUrl}${path[i % 2]}`)))
    const perRecorder = 300
    recorders.forEach((recorder, r) => {
      for (let i = 0; i < perRecorder; i++) {
        const session = i % 2 === 0 ? 'a' : 'b'
        // Single events and small batches, pipelined without waiting for acks.
        if (i % 10 === 9) recorder.send({ events: [event(session, 'heartbeat', { r, i }, { event_id: `r${r}-${i}` })] })
        else recorder.send(event(session, 'heartbeat', { r, i }, { event_id: `r${r}-${i}` }))
      }
    })
    await Promise.all(recorders.map((recorder) => recorder.until((m) => m.filter((x) => x.type === 'ack').length === perRecorder)))
    const total = (perRecorder * recorders.length) / 2
    await Promise.all(viewers.map((viewer, i) => viewer.until((m) => m.filter((x) => x.type === 'event').length === total * watched[i]!.length)))

    const seqs = (viewer: RecordingClient, session: string) => viewer.ofType('event').filter((m) => m.event.session_id === session).map((m) => m.event.seq)
    const oneToTotal = Array.from({ length: total }, (_, i) => i + 1)
    expect([seqs(viewers[0]!, 'a'), seqs(viewers[0]!, 'b')]).toEqual([oneToTotal, []])
    expect([seqs(viewers[1]!, 'a'), seqs(viewers[1]!, 'b')]).toEqual([[], oneToTotal])
    expect([seqs(viewers[2]!, 'a'), seqs(viewers[2]!, 'b')]).toEqual([oneToTotal, oneToTotal])
    // What viewers saw is exactly what was acked, event for event.
    const acked = new Map(recorders.flatMap((recorder) => acks(recorder).map((ack) => [`${ack.session_id}/${ack.seq}`, ack.event_id])))
    expect(acked.size).toBe(total * 2)
    for (const message of viewers[2]!.ofType('event')) expect(acked.get(`${message.event.session_id}/${message.event.seq}`)).toBe(message.event.event_id)
    // Each recorder's acks come back in the order it sent its events.
    for (const [r, recorder] of recorders.entries()) {
      expect(acks(recorder).map((ack) => ack.event_id)).toEqual(Array.from({ length: perRecorder }, (_, i) => `r${r}-${i}`))
    }
    expect(t.deps.recorder.status().connectedClients).toBe(7)
    await Promise.all([...viewers, ...recorders].map((client) => client.close()))
  })

  test('a client flooding 20,000 single-event messages is slowed, never loses an event', async () => {
    await using t = await testServer()
    const client = await RecordingClient.open(`${t.wsUrl}/ws/recording`)
    const count = 20_000
    for (let i = 0; i < count; i++) client.send(event('flood', 'message', { role: 'user', content: `event ${i}` }, { event_id: `f${i}` }))
    await client.until((messages) => messages.length === count + 1)
    expect(acks(client).map((ack) => ack.seq)).toEqual(Array.from({ length: count }, (_, i) => i + 1))
    expect(t.db.sqlite.query('SELECT count(*) AS n FROM messages').get()).toEqual({ n: count })
    await client.close()
  })

  test('REST and WebSocket recorders share one log per session', async () => {
    await using t = await testServer()
    const client = await RecordingClient.open(`${t.wsUrl}/ws/recording`)
    const rest: Promise<Response>[] = []
    for (let i = 0; i < 50; i++) {
      client.send(event('mixed', 'heartbeat', {}, { event_id: `ws${i}` }))
      rest.push(
        fetch(`${t.url}/api/recording/events`, {
          method: 'POST',
          // No pooled connection: a later test's server may get this port while the stopped one still holds it.
          keepalive: false,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ events: [event('mixed', 'heartbeat', {}, { event_id: `rest${i}` })] }),
        }),
      )
    }
    const restAcks = await Promise.all(rest.map(async (response) => ((await (await response).json()) as any).data.acks[0]))
    await client.until((messages) => messages.filter((m) => m.type === 'ack').length === 50)
    const allSeqs = [...restAcks, ...acks(client)].map((ack) => ack.seq).sort((a, b) => a - b)
    expect(allSeqs).toEqual(Array.from({ length: 100 }, (_, i) => i + 1))
    await client.close()
  })

  test('REST bodies over 10 MiB get 413; the WebSocket needs the token like every route', async () => {
    await using t = await testServer({ security: { token: 'secret' } })
    const huge = JSON.stringify(event('s', 'message', { role: 'user', content: 'x'.repeat(10 * 1024 * 1024) }))
    const response = await fetch(`${t.url}/api/recording/events`, {
      method: 'POST',
      keepalive: false,
      headers: { 'content-type': 'application/json', authorization: 'Bearer secret' },
      body: huge,
    })
    expect({ status: response.status, body: await response.json() }).toEqual({
      status: 413,
      body: { success: false, error: { code: 'PAYLOAD_TOO_LARGE', message: 'Request body exceeds 10 MiB (10485760 bytes); send less per request' } },
    })
    const refused = await RecordingClient.open(`${t.wsUrl}/ws/recording`).then(
      () => 'connected',
      (error: Error) => error.message,
    )
    expect(refused).toStartWith('socket closed')
    const allowed = await RecordingClient.open(`${t.wsUrl}/ws/recording?token=secret`)
    expect(allowed.messages.map((m: ServerMessage) => m.type)).toEqual(['connected'])
    await allowed.close()
    expect(t.db.sqlite.query('SELECT count(*) AS n FROM recording_events').get()).toEqual({ n: 0 })
  })
})
