#!/usr/bin/env bun
/**
 * Recording benchmarks (issue: durable real-time recording). Prints every figure. Throughput is
 * acknowledged events/s through the compiled binary, each compared with raw bun:sqlite inserts of
 * the same rows (event log + message, plus the per-commit session updates), with the same pragmas
 * and background checkpoints, in the same run.
 *   bun scripts/bench/recording.ts [--events 20000] [--latency-seconds 5]
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { openDatabase, startBackgroundCheckpoints } from '../../src/db'
import { silentLogger } from '../../src/shared/log'
import { build, outfileFor } from '../build'
import { median, ms, percentile } from './stats'

const { values } = parseArgs({ options: { events: { type: 'string', default: '20000' }, 'latency-seconds': { type: 'string', default: '5' } } })
const total = Number(values.events)
const latencySeconds = Number(values['latency-seconds'])
const RAW_BATCH = 100
const ROUNDS = 3
const WINDOW = 1000
const CONTENT = 'The session cookie is refreshed on every request; rotate it after login and expire it after 30 minutes of inactivity.'

const work = mkdtempSync(join(tmpdir(), 'chasm-bench-recording-'))
const binary = outfileFor(null)
await build(null)

const event = (session: string, i: number) => ({
  session_id: session,
  event_type: 'message',
  event_id: `${session}-${i}`,
  data: { message_id: `m${i}`, role: i % 2 ? 'assistant' : 'user', content: `${CONTENT} #${i}` },
})

/** Raw inserts of the rows the recorder writes for `count` message events over `sessions` sessions. */
async function rawInserts(count: number, sessions: number): Promise<number> {
  const chasm = openDatabase(join(work, `raw-${count}-${sessions}-${Math.random()}.db`))
  // The server's setup exactly: same pragmas, WAL checkpoints on a background thread.
  const checkpoints = startBackgroundCheckpoints(chasm, silentLogger)
  const { sqlite } = chasm
  const pks = Array.from({ length: sessions }, (_, s) => {
    const pk = sqlite.query<{ pk: number }, [string]>("INSERT INTO sessions (id, provider, origin) VALUES (?, 'api', 'recording') RETURNING pk").get(`s${s}`)!.pk
    sqlite.run("INSERT INTO recording_sessions (session_pk, status, started_at, last_activity) VALUES (?, 'active', 0, 0)", [pk])
    return pk
  })
  const insertEvent = sqlite.prepare('INSERT INTO recording_events (session_pk, seq, event_id, event_type, received_at) VALUES (?, ?, ?, ?, ?)')
  const insertMessage = sqlite.prepare('INSERT INTO messages (session_pk, idx, message_id, role, content, timestamp, model, metadata) VALUES (?, ?, ?, ?, ?, ?, NULL, NULL)')
  const updateSession = sqlite.prepare('UPDATE sessions SET message_count = ?, updated_at = ? WHERE pk = ?')
  const updateState = sqlite.prepare("UPDATE recording_sessions SET status = 'active', last_activity = ?, last_seq = ?, last_event_id = ?, last_message_id = ? WHERE session_pk = ?")
  const started = performance.now()
  for (let first = 0; first < count; first += RAW_BATCH) {
    sqlite.transaction(() => {
      const now = Date.now()
      for (let i = first; i < Math.min(count, first + RAW_BATCH); i++) {
        const pk = pks[i % sessions]!
        const n = Math.floor(i / sessions)
        insertEvent.run(pk, n + 1, `s${i % sessions}-${n}`, 'message', now)
        insertMessage.run(pk, n, `m${n}`, n % 2 ? 'assistant' : 'user', `${CONTENT} #${n}`, now)
      }
      for (const pk of pks) {
        updateSession.run(count, now, pk)
        updateState.run(now, count, 'e', 'm', pk)
      }
    })()
  }
  const rate = count / ((performance.now() - started) / 1000)
  await checkpoints.stop()
  chasm.close()
  return rate
}

async function startServer(name: string) {
  const proc = Bun.spawn([binary, 'api', 'serve', '--port', '0', '--db', join(work, `${name}.db`), '--no-harvest'], { stdout: 'pipe', stderr: 'inherit' })
  const reader = proc.stdout.getReader()
  let out = ''
  let url: string | null = null
  while (url === null) {
    const { value, done } = await reader.read()
    if (done) throw new Error('server exited before listening')
    out += new TextDecoder().decode(value)
    url = /listening on (http:\/\/\S+)/.exec(out)?.[1] ?? null
  }
  return {
    url,
    async stop() {
      proc.kill('SIGTERM')
      await proc.exited
    },
  }
}

/** Streams `count` events of one session over one WebSocket, at most WINDOW unacknowledged; resolves when all are acked. */
function streamOverSocket(url: string, session: string, count: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${url.replace('http', 'ws')}/ws/recording`)
    let sent = 0
    let acked = 0
    const pump = () => {
      while (sent < count && sent - acked < WINDOW) socket.send(JSON.stringify(event(session, sent++)))
    }
    socket.onopen = pump
    socket.onmessage = (message) => {
      const reply = JSON.parse(message.data as string)
      if (reply.type === 'error') reject(new Error(message.data as string))
      if (reply.type !== 'ack') return
      if (++acked === count) {
        socket.close()
        resolve()
      } else pump()
    }
    socket.onerror = () => reject(new Error('socket error'))
  })
}

async function postBatches(url: string, session: string, count: number): Promise<void> {
  for (let first = 0; first < count; first += RAW_BATCH) {
    const events = Array.from({ length: Math.min(RAW_BATCH, count - first) }, (_, k) => event(session, first + k))
    const response = await fetch(`${url}/api/recording/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ events }),
    })
    if (!response.ok) throw new Error(`POST → ${response.status}: ${await response.text()}`)
    await response.arrayBuffer()
  }
}

/** Alternates server and raw runs (the machine is shared, so figures drift); reports the medians. */
async function scenario(label: string, clients: number, run: (url: string, session: string, count: number) => Promise<void>) {
  const perClient = Math.floor(total / clients)
  const served: number[] = []
  const raw: number[] = []
  for (let round = 0; round < ROUNDS; round++) {
    const server = await startServer(`${label.replace(/\W+/g, '-')}-${round}`)
    const started = performance.now()
    await Promise.all(Array.from({ length: clients }, (_, c) => run(server.url, `s${c}`, perClient)))
    served.push((perClient * clients) / ((performance.now() - started) / 1000))
    await server.stop()
    raw.push(await rawInserts(perClient * clients, clients))
  }
  const share = (median(served) / median(raw)) * 100
  console.log(
    `${label}: ${median(served).toFixed(0)} acked events/s vs raw inserts ${median(raw).toFixed(0)} rows/s = ${share.toFixed(0)} % (target ≥ 50 %) ${share >= 50 ? 'OK' : 'MISSED'}`,
  )
}

console.log(`# chasm recording benchmark (${total} message events per run, median of ${ROUNDS} runs; raw baseline: transactions of ${RAW_BATCH})`)
await scenario('one pipelined WebSocket', 1, streamOverSocket)
await scenario('8 concurrent WebSockets', 8, streamOverSocket)
await scenario('REST batches of 100 (4 clients)', 4, postBatches)

// Ack latency: one WebSocket sending a steady 1,000 events/s; time from send to its ack.
{
  const server = await startServer('latency')
  const socket = new WebSocket(`${server.url.replace('http', 'ws')}/ws/recording`)
  await new Promise((resolve) => (socket.onopen = resolve))
  const sentAt = new Map<string, number>()
  const latencies: number[] = []
  const count = latencySeconds * 1000
  const allAcked = new Promise<void>((resolve) => {
    socket.onmessage = (message) => {
      const reply = JSON.parse(message.data as string)
      if (reply.type !== 'ack') return
      latencies.push(performance.now() - sentAt.get(reply.event_id)!)
      if (latencies.length === count) resolve()
    }
  })
  const started = performance.now()
  let sent = 0
  while (sent < count) {
    const due = Math.min(count, Math.floor(performance.now() - started))
    for (; sent < due; sent++) {
      const next = event('latency', sent)
      sentAt.set(next.event_id, performance.now())
      socket.send(JSON.stringify(next))
    }
    await Bun.sleep(1)
  }
  await allAcked
  socket.close()
  await server.stop()
  const p99 = percentile(latencies, 99)
  console.log(
    `ack latency at 1,000 events/s (${count} events): p50 ${ms(median(latencies))}, p99 ${ms(p99)}, max ${ms(Math.max(...latencies))} (target p99 ≤ 10 ms) ${p99 <= 10 ? 'OK' : 'MISSED'}`,
  )
}

rmSync(work, { recursive: true, force: true })
