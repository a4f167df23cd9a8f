import { describe, expect, test } from 'bun:test'
import type { ServerWebSocket } from 'bun'
import { socketHandlers, type SocketData } from '../../src/api/ws/recording'
import { event, testRecorder } from '../recording/support'

/** A stand-in for Bun's socket whose peer reads nothing until told to: its send buffer only grows. */
function stalledSocket() {
  const sent: any[] = []
  const calls: string[] = []
  let buffered = 0
  const ws = {
    send(text: string) {
      sent.push(JSON.parse(text))
      buffered += text.length
      return -1
    },
    getBufferedAmount: () => buffered,
    pause: () => calls.push('pause'),
    resume: () => calls.push('resume'),
    cork: (fn: () => void) => fn(),
    close: (code: number) => calls.push(`close ${code}`),
  }
  return {
    ws: ws as unknown as ServerWebSocket<SocketData>,
    sent,
    calls,
    peerReadsAll() {
      buffered = 0
    },
  }
}

const committed = () => new Promise((resolve) => setImmediate(() => setImmediate(resolve)))

describe('recording socket flow control', () => {
  test('a peer that stops reading is paused, resumed once it drains, and loses nothing', async () => {
    using t = testRecorder()
    const handlers = socketHandlers({ recorder: t.recorder })
    const socket = stalledSocket()
    handlers.open(socket.ws)
    // 15 batches of 1,000 events: ~1.3 MB of acks, more than the 1 MiB we let queue up unread.
    for (let batch = 0; batch < 15; batch++) {
      const events = Array.from({ length: 1000 }, (_, i) => event('s', 'heartbeat', {}, { event_id: `b${batch}-${i}` }))
      handlers.message(socket.ws, JSON.stringify({ events }))
    }
    await committed()
    expect(socket.calls).toEqual(['pause'])
    expect(socket.sent.filter((m) => m.type === 'ack')).toHaveLength(15_000)
    socket.peerReadsAll()
    handlers.drain(socket.ws)
    expect(socket.calls).toEqual(['pause', 'resume'])
    expect(t.recorder.getSession('s').lastSeq).toBe(15_000)
  })

  test('binary and oversized frames get errors without being parsed', () => {
    using t = testRecorder()
    const handlers = socketHandlers({ recorder: t.recorder })
    const socket = stalledSocket()
    handlers.open(socket.ws)
    handlers.message(socket.ws, Buffer.from('{}'))
    handlers.message(socket.ws, `"${'é'.repeat(2 * 1024 * 1024)}"`)
    expect(socket.sent.slice(1)).toEqual([
      { type: 'error', code: 'BAD_REQUEST', message: 'Binary frames are not supported: send each message as JSON text', event_id: null },
      { type: 'error', code: 'PAYLOAD_TOO_LARGE', message: 'Message exceeds 4194304 bytes (4 MiB); send smaller batches', event_id: null },
    ])
  })

  test('server shutdown commits what is queued, sends its acks, then closes with 1001', async () => {
    using t = testRecorder()
    const handlers = socketHandlers({ recorder: t.recorder })
    const socket = stalledSocket()
    handlers.open(socket.ws)
    handlers.message(socket.ws, JSON.stringify(event('s', 'heartbeat', {}, { event_id: 'last' })))
    await t.recorder.shutdown()
    expect(socket.sent.slice(1)).toEqual([{ type: 'ack', event_id: 'last', session_id: 's', status: 'recorded', seq: 1 }])
    expect(socket.calls).toEqual(['close 1001'])
    expect(t.recorder.status().connectedClients).toBe(0)
  })
})
