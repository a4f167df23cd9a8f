import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import fc from 'fast-check'
import { testServer } from '../support/socket'
import { until } from '../support/wait'
import { FUZZ_RUNS, fuzzParams } from './support'

// Below the app: malformed HTTP straight onto a TCP socket, as no HTTP client would send it.

let server: Awaited<ReturnType<typeof testServer>>
let port: number

beforeAll(async () => {
  server = await testServer()
  port = Number(new URL(server.url).port)
})

afterAll(async () => {
  await server[Symbol.asyncDispose]()
})

/** True once `answer` holds a whole first response: its head, and its body by length or final chunk. */
function responseComplete(answer: Buffer): boolean {
  const headEnd = answer.indexOf('\r\n\r\n')
  if (headEnd === -1) return false
  const head = answer.subarray(0, headEnd).toString('latin1')
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0)
  if ((status >= 100 && status < 200) || status === 204 || status === 304) return true
  const length = /\r\ncontent-length: (\d+)/i.exec(head)?.[1]
  if (length !== undefined) return answer.length >= headEnd + 4 + Number(length)
  if (/\r\ntransfer-encoding: chunked/i.test(head)) return answer.indexOf('\r\n0\r\n\r\n', headEnd) !== -1
  return false
}

/**
 * Writes bytes to a fresh connection; returns what came back once the server answered in full or
 * closed the connection, or, when it stays silent, once it has answered three requests sent after
 * ours on other connections: it has then read our bytes and run several turns of its event loop
 * (a commit queued with setImmediate included), so it is waiting for bytes that never come.
 * Nothing here depends on time, so a slow machine checks as much as a fast one.
 */
async function exchange(bytes: Uint8Array): Promise<Buffer> {
  const chunks: Buffer[] = []
  let closed = false
  const socket = await Bun.connect({
    hostname: '127.0.0.1',
    port,
    socket: {
      data: (_socket, chunk) => void chunks.push(Buffer.from(chunk)),
      close: () => void (closed = true),
      error: () => void (closed = true),
    },
  })
  socket.write(bytes)
  let laterRequests = 0
  await until(async () => {
    if (closed || responseComplete(Buffer.concat(chunks))) return true
    if (chunks.length > 0 || laterRequests === 3) return chunks.length === 0
    await (await fetch(`${server.url}/api/health`)).arrayBuffer()
    laterRequests += 1
    return false
  }, 'the server to answer a raw request, close it, or wait for more bytes')
  socket.end()
  return Buffer.concat(chunks)
}

/** The first response in `answer`: its status and, when it declares a JSON body with a length, that body parsed. */
function firstResponse(answer: Buffer): { status: number; json: unknown } {
  const headEnd = answer.indexOf('\r\n\r\n')
  const head = answer.subarray(0, headEnd === -1 ? answer.length : headEnd).toString('latin1')
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0)
  const length = /\r\ncontent-length: (\d+)/i.exec(head)?.[1]
  if (headEnd === -1 || length === undefined || !/\r\ncontent-type: application\/json/i.test(head)) return { status, json: null }
  return { status, json: JSON.parse(answer.subarray(headEnd + 4, headEnd + 4 + Number(length)).toString('utf8')) }
}

const TEMPLATES = [
  'GET /api/health HTTP/1.1\r\nHost: localhost\r\n\r\n',
  'GET /api/sessions?limit=5 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n',
  'POST /api/recording/events HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 79\r\n\r\n{"session_id":"raw","event_type":"message","data":{"role":"user","content":"x"}}',
  'POST /api/v1/agents HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"a":\r\n2\r\n1}\r\n0\r\n\r\n',
  'GET /ws/recording HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
]

/** A template request mutated: bytes flipped, inserted or deleted, cut short, or repeated. */
const mangled = fc
  .tuple(
    fc.constantFrom(...TEMPLATES),
    fc.array(fc.tuple(fc.nat(), fc.constantFrom('flip', 'insert', 'delete'), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
    fc.option(fc.nat(), { freq: 4 }),
  )
  .map(([template, edits, cut]) => {
    const bytes = [...new TextEncoder().encode(template)]
    for (const [at, how, value] of edits) {
      const index = at % (bytes.length + 1)
      if (how === 'insert') bytes.splice(index, 0, value)
      else if (how === 'delete') bytes.splice(index, 1)
      else if (index < bytes.length) bytes[index] = value
    }
    return new Uint8Array(cut === null ? bytes : bytes.slice(0, cut % (bytes.length + 1)))
  })

const anyBytes = fc.uint8Array({ minLength: 1, maxLength: 300 })

describe('raw HTTP fuzzing: malformed requests on a real socket', () => {
  const name = 'no server error from the app, JSON whenever the app answers, and the server keeps serving'
  test(name, async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof({ weight: 4, arbitrary: mangled }, { weight: 1, arbitrary: anyBytes }), async (bytes) => {
        const { status, json } = firstResponse(await exchange(bytes))
        const sent = new TextDecoder().decode(bytes).slice(0, 200)
        // 505 is Bun's parser refusing an unreadable request line before any app code runs.
        expect({ sent, serverError: status >= 500 && status !== 505 }).toEqual({ sent, serverError: false })
        if (json !== null) expect({ sent, envelope: typeof (json as { success?: unknown }).success }).toEqual({ sent, envelope: 'boolean' })
        const health = await fetch(`${server.url}/api/health`)
        expect(health.status).toBe(200)
        await health.arrayBuffer()
      }),
      fuzzParams(name, FUZZ_RUNS * 2),
    )
  }, Math.max(60_000, FUZZ_RUNS * 2 * 200))
})
