import { Database } from 'bun:sqlite'
import { beforeAll, describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { compiledBinary, serveBinary } from '../support/binary'
import { NO_SIGTERM } from '../support/os'
import { tempDir } from '../support/temp'

let binary: string
beforeAll(async () => {
  binary = await compiledBinary()
}, 180_000)

const STREAM_LENGTH = 1500
const KILL_AFTER_ACKS = 2500

/** The i-th event of a session's stream: a message, a delta appended to it, a heartbeat, and again. */
function streamEvent(session: string, i: number) {
  const event_id = `${session}-${i}`
  const message_id = `m${Math.floor(i / 3)}`
  if (i % 3 === 0) return { session_id: session, event_type: 'message', event_id, data: { message_id, role: 'assistant', content: `part ${i}` } }
  if (i % 3 === 1) return { session_id: session, event_type: 'message_delta', event_id, data: { message_id, content: ` +${i}` } }
  return { session_id: session, event_type: 'heartbeat', event_id, data: {} }
}

/** What a session holds once its first `count` stream events are recorded. */
function expectedSession(count: number) {
  const messages = []
  for (let i = 0; i < count; i += 3) messages.push({ id: `m${i / 3}`, content: `part ${i}${i + 1 < count ? ` +${i + 1}` : ''}` })
  return messages
}

interface Ack {
  event_id: string
  seq: number
  status: string
}

/** Streams a session over a WebSocket with up to `window` unacknowledged events in flight, until stopped or closed. */
function webSocketRecorder(url: string, session: string, window: number, onAck: () => void) {
  const acked = new Map<string, number>()
  let sent = 0
  const socket = new WebSocket(`${url.replace('http', 'ws')}/ws/recording`)
  const pump = () => {
    while (socket.readyState === WebSocket.OPEN && sent < STREAM_LENGTH && sent - acked.size < window) {
      socket.send(JSON.stringify(streamEvent(session, sent++)))
    }
  }
  socket.onopen = pump
  socket.onmessage = (message) => {
    const reply = JSON.parse(message.data as string)
    if (reply.type === 'ack') {
      acked.set(reply.event_id, reply.seq)
      onAck()
      pump()
    } else if (reply.type === 'error') {
      throw new Error(`unexpected error reply: ${message.data}`)
    }
  }
  const closed = new Promise<void>((resolve) => socket.addEventListener('close', () => resolve()))
  return { session, acked, inFlight: () => sent - acked.size, closed }
}

/** Streams a session over REST in sequential batches of 25 until the server goes away. */
function restRecorder(url: string, session: string, onAck: () => void) {
  const acked = new Map<string, number>()
  let inFlight = 0
  const done = (async () => {
    for (let start = 0; start < STREAM_LENGTH; start += 25) {
      const events = Array.from({ length: Math.min(25, STREAM_LENGTH - start) }, (_, k) => streamEvent(session, start + k))
      inFlight = events.length
      let body: any
      try {
        const response = await fetch(`${url}/api/recording/events`, {
          method: 'POST',
          keepalive: false,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ events }),
        })
        body = await response.json()
      } catch {
        return
      }
      for (const ack of body.data.acks as Ack[]) acked.set(ack.event_id, ack.seq)
      inFlight = 0
      onAck()
    }
  })()
  return { session, acked, inFlight: () => inFlight, closed: done }
}

const getJson = async (url: string) => ((await (await fetch(url, { keepalive: false })).json()) as any).data

describe('recording durability through the compiled binary', () => {
  test('SIGKILL mid-stream: every acked event survives, re-sending applies nothing twice, sessions resume', async () => {
    using dir = tempDir()
    const db = join(dir.path, 'chasm.db')
    const first = await serveBinary(binary, ['--db', db, '--no-harvest'])
    let reached: () => void = () => {}
    const enoughAcks = new Promise<void>((resolve) => (reached = resolve))
    const onAck = () => {
      if (recorders.reduce((sum, r) => sum + r.acked.size, 0) >= KILL_AFTER_ACKS) reached()
    }
    const recorders = [
      webSocketRecorder(first.url, 'ws-a', 64, onAck),
      webSocketRecorder(first.url, 'ws-b', 64, onAck),
      webSocketRecorder(first.url, 'ws-c', 16, onAck),
      restRecorder(first.url, 'rest-d', onAck),
    ]
    await enoughAcks
    const inFlightAtKill = recorders.reduce((sum, r) => sum + r.inFlight(), 0)
    first.proc.kill('SIGKILL')
    await first.proc.exited
    await Promise.all(recorders.map((r) => r.closed))
    expect(inFlightAtKill).toBeGreaterThan(0)
    const acked = recorders.map((r) => r.acked)
    expect(acked.every((map) => map.size < STREAM_LENGTH)).toBe(true)

    await using second = await serveBinary(binary, ['--db', db, '--no-harvest'])

    // Every session that was open is listed for recovery, with exactly where it stopped.
    const recovery: any[] = await getJson(`${second.url}/api/recording/recovery`)
    expect(recovery.map((entry) => entry.id).sort()).toEqual(['rest-d', 'ws-a', 'ws-b', 'ws-c'])
    const recorded = new Map<string, number>()
    for (const entry of recovery) {
      const recorder = recorders.find((r) => r.session === entry.id)!
      const maxAcked = Math.max(...recorder.acked.values())
      expect(entry.lastSeq).toBeGreaterThanOrEqual(maxAcked)
      const last = entry.lastSeq - 1
      expect(entry).toEqual({
        id: entry.id,
        provider: 'api',
        title: null,
        messageCount: Math.floor(last / 3) + 1,
        lastEventId: `${entry.id}-${last}`,
        lastMessageId: `m${Math.floor(last / 3)}`,
        lastSeq: entry.lastSeq,
        lastActivity: expect.any(String),
      })
      recorded.set(entry.id, entry.lastSeq)
    }
    const listed: any[] = await getJson(`${second.url}/api/recording/sessions?status=interrupted`)
    expect(listed.map((s) => s.status)).toEqual(['interrupted', 'interrupted', 'interrupted', 'interrupted'])

    // Re-send every event, acked or not: the recorded ones are duplicates with their original seq, the rest apply once.
    for (const recorder of recorders) {
      const count = recorded.get(recorder.session)!
      for (let start = 0; start < STREAM_LENGTH; start += 500) {
        const events = Array.from({ length: 500 }, (_, k) => streamEvent(recorder.session, start + k))
        const response = await fetch(`${second.url}/api/recording/events`, {
          method: 'POST',
          keepalive: false,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ events }),
        })
        const { data } = (await response.json()) as any
        expect(data.acks).toEqual(
          events.map((event, k) => ({
            event_id: event.event_id,
            session_id: recorder.session,
            status: start + k < count ? 'duplicate' : 'recorded',
            seq: start + k + 1,
          })),
        )
        // Acked before the kill means recorded before the kill, under the same seq.
        for (const event of events) {
          const seq = recorder.acked.get(event.event_id)
          if (seq !== undefined) expect(seq).toBe(Number(event.event_id.split('-').at(-1)) + 1)
        }
      }
      const session = await getJson(`${second.url}/api/recording/sessions/${recorder.session}`)
      expect(session).toMatchObject({ status: 'active', lastSeq: STREAM_LENGTH, messageCount: STREAM_LENGTH / 3 })
      expect(session.messages.map((m: any) => ({ id: m.id, content: m.content }))).toEqual(expectedSession(STREAM_LENGTH))
    }
    expect(await getJson(`${second.url}/api/recording/recovery`)).toEqual([])
    expect(await getJson(`${second.url}/api/stats`)).toMatchObject({ totalSessions: 4, totalMessages: (4 * STREAM_LENGTH) / 3 })
    expect((await getJson(`${second.url}/api/sessions/search?q=part`)).length).toBe(4)

    // A clean stop where the OS can ask for one (see NO_SIGTERM); what was acked is stored either way.
    second.proc.kill(NO_SIGTERM === null ? 'SIGTERM' : 'SIGKILL')
    const code = await second.proc.exited
    if (NO_SIGTERM === null) expect(code).toBe(0)
    const check = new Database(db, { readonly: true })
    expect(check.query('SELECT count(*) AS n, count(DISTINCT event_id) AS ids FROM recording_events').get()).toEqual({ n: 4 * STREAM_LENGTH, ids: 4 * STREAM_LENGTH })
    check.close()
  }, 180_000)
})
