import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import fc from 'fast-check'
import type { ServerMessage } from '../../src/recording'
import { ERROR_STATUS } from '../../src/shared/errors'
import { RecordingClient, testServer } from '../support/socket'
import { recordingBody, validOrBroken } from './requests'
import { dbDigest, FUZZ_RUNS, fuzzParams, hostileJson, hostileString } from './support'

const SESSIONS = ['ws-1', 'ws-2']

let server: Awaited<ReturnType<typeof testServer>>
let client: RecordingClient

beforeAll(async () => {
  server = await testServer()
  server.deps.recorder.apply({ session_id: 'ws-1', event_type: 'message', event_id: 'e0', data: { message_id: 'm1', role: 'assistant', content: 'hello' } })
  client = await RecordingClient.open(`${server.wsUrl}/ws/recording`)
})

afterAll(async () => {
  await client.close()
  await server[Symbol.asyncDispose]()
})

/** Any frame a client could send: events (valid or broken), control messages, any JSON, broken JSON, binary. */
const frame: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  { weight: 5, arbitrary: recordingBody(SESSIONS).map((body) => JSON.stringify(body)) },
  {
    weight: 2,
    arbitrary: validOrBroken({ type: fc.constantFrom('subscribe', 'unsubscribe', 'ping'), session_id: fc.oneof(fc.constantFrom(...SESSIONS), hostileString()) }).map((m) =>
      JSON.stringify(m),
    ),
  },
  { weight: 1, arbitrary: hostileJson().map((value) => JSON.stringify(value) ?? 'null') },
  { weight: 1, arbitrary: hostileString() },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }) },
)

const ERROR_CODES = Object.keys(ERROR_STATUS)

/** Checks one server message's shape; a refused message is a client error, never INTERNAL_ERROR. */
function expectWellFormed(message: ServerMessage, sent: unknown): void {
  switch (message.type) {
    case 'ack':
      expect({ sent, status: ['recorded', 'duplicate'].includes(message.status), seq: Number.isInteger(message.seq) && message.seq >= 1 }).toEqual({
        sent,
        status: true,
        seq: true,
      })
      return
    case 'error':
      expect({ sent, known: ERROR_CODES.includes(message.code), internal: message.code === 'INTERNAL_ERROR', message: typeof message.message }).toEqual({
        sent,
        known: true,
        internal: false,
        message: 'string',
      })
      return
    case 'subscribed':
    case 'unsubscribed':
    case 'pong':
    case 'event':
      return
    default:
      throw new Error(`unexpected server message ${JSON.stringify(message)} after ${JSON.stringify(sent)}`)
  }
}

let pongs = 0

/** True for a frame the server answers with a pong: exactly `{"type": "ping"}`. */
const isPing = (sent: string | Uint8Array) => {
  try {
    const parsed = typeof sent === 'string' ? JSON.parse(sent) : null
    return parsed !== null && typeof parsed === 'object' && JSON.stringify(Object.keys(parsed)) === '["type"]' && parsed.type === 'ping'
  } catch {
    return false
  }
}

/** Sends frames, then a ping; resolves with every reply that came before its pong (replies keep the order of messages). */
async function exchange(frames: (string | Uint8Array)[]): Promise<ServerMessage[]> {
  const from = client.messages.length
  for (const f of frames) client.send(f)
  client.send({ type: 'ping' })
  pongs += frames.filter(isPing).length + 1
  const want = pongs
  await client.until((messages) => messages.filter((m) => m.type === 'pong').length >= want)
  const replies = client.messages.slice(from)
  return replies.slice(0, replies.findLastIndex((m) => m.type === 'pong'))
}

describe('WebSocket fuzzing: hostile frames on one recording socket', () => {
  const single = 'every frame gets well-formed replies, never INTERNAL_ERROR; a refused frame changes nothing; the socket stays open'
  test(single, async () => {
    await fc.assert(
      fc.asyncProperty(frame, async (sent) => {
        const before = dbDigest(server.db.sqlite)
        const replies = (await exchange([sent])).filter((m) => m.type !== 'event')
        for (const reply of replies) expectWellFormed(reply, sent)
        expect(replies.length).toBeGreaterThanOrEqual(1)
        if (replies.every((reply) => reply.type === 'error')) expect({ sent, digest: dbDigest(server.db.sqlite) }).toEqual({ sent, digest: before })
      }),
      fuzzParams(single, FUZZ_RUNS * 4),
    )
    expect(client.socket.readyState).toBe(WebSocket.OPEN)
  })

  const pipelined = 'pipelined frames: replies come in the order sent, one per control or refused frame, one ack per event'
  test(pipelined, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(frame, { minLength: 1, maxLength: 8 }), async (frames) => {
        const replies = (await exchange(frames)).filter((m) => m.type !== 'event')
        for (const reply of replies) expectWellFormed(reply, frames)
        // Each frame's replies form one run: an ack per event, or exactly one other reply.
        let index = 0
        for (const sent of frames) {
          const first = replies[index]
          expect({ sent, first: first !== undefined }).toEqual({ sent, first: true })
          if (first!.type !== 'ack') {
            index += 1
            continue
          }
          const parsed = JSON.parse(sent as string) as { events?: unknown[] }
          index += parsed.events ? parsed.events.length : 1
        }
        expect(index).toBe(replies.length)
      }),
      fuzzParams(pipelined, FUZZ_RUNS),
    )
    expect(client.socket.readyState).toBe(WebSocket.OPEN)
  })

  test('oversized and binary frames and a batch over the limit are refused with the socket kept open', async () => {
    const before = dbDigest(server.db.sqlite)
    const huge = JSON.stringify({ session_id: 'ws-1', event_type: 'message', data: { role: 'user', content: 'x'.repeat(4 * 1024 * 1024) } })
    const tooMany = JSON.stringify({ events: Array.from({ length: 1001 }, (_, i) => ({ session_id: 'ws-1', event_type: 'heartbeat', event_id: `h${i}`, data: {} })) })
    const replies = await exchange([huge, new Uint8Array([0x7b, 0x7d]), tooMany])
    expect(replies.map((reply) => (reply.type === 'error' ? reply.code : reply.type))).toEqual(['PAYLOAD_TOO_LARGE', 'BAD_REQUEST', 'BAD_REQUEST'])
    expect(dbDigest(server.db.sqlite)).toBe(before)
  })

  test('afterwards every recorded session reads back and the server still answers', async () => {
    const sessions = (await (await fetch(`${server.url}/api/recording/sessions?status=all&limit=1000`)).json()) as { data: { id: string }[] }
    for (const { id } of sessions.data) {
      const response = await fetch(`${server.url}/api/recording/sessions/${encodeURIComponent(id)}`)
      expect({ id, status: response.status }).toEqual({ id, status: 200 })
      await response.arrayBuffer()
    }
    expect((await fetch(`${server.url}/api/sessions?limit=500`)).status).toBe(200)
    expect(server.db.sqlite.query<{ integrity_check: string }, []>('PRAGMA integrity_check').get()!.integrity_check).toBe('ok')
  })
})
