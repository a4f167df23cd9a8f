#!/usr/bin/env bun
/**
 * Load and soak (issue: hardening). Drives mixed traffic at the compiled binary over loopback for a
 * bounded time (and a bounded number of operations), as fast as it answers: reads, searches,
 * recording over REST and over WebSocket, and live subscribers watching the recorded sessions.
 * Afterwards: zero errors, every acknowledged event present in the database (read after a clean
 * stop), every subscriber received every event of its session, and the server's RSS grew ≤ 20 %
 * between the 20th second and the end.
 *   bun scripts/bench/soak.ts [--seconds 60] [--max-ops 20000000] [--readers 6] [--searchers 1]
 *                             [--rest 2] [--sockets 3] [--subscribers 3] [--binary PATH]
 */
import { Database } from 'bun:sqlite'
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { build, outfileFor } from '../build'
import { benchDatabase, COMMON_TERM, RARE_TERM } from './corpus'
import { median, ms, percentile } from './stats'

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    'max-ops': { type: 'string', default: '20000000' },
    readers: { type: 'string', default: '6' },
    searchers: { type: 'string', default: '1' },
    rest: { type: 'string', default: '2' },
    sockets: { type: 'string', default: '3' },
    subscribers: { type: 'string', default: '3' },
    /** Another build (e.g. main's) to soak instead of this one's, for figures measured beside it. */
    binary: { type: 'string' },
  },
})
const seconds = Number(values.seconds)
const maxOps = Number(values['max-ops'])
const counts = { readers: Number(values.readers), searchers: Number(values.searchers), rest: Number(values.rest), sockets: Number(values.sockets), subscribers: Number(values.subscribers) }
const REST_BATCH = 25
const SOCKET_WINDOW = 64
const WORDS = ['session', 'token', 'error', 'build', 'auth*', '"return value"', 'config', RARE_TERM, COMMON_TERM, 'websocket handler']

console.log(`# chasm soak: ${seconds} s of mixed traffic over loopback (at most ${maxOps} operations)`)
console.log(`clients: ${counts.readers} readers, ${counts.searchers} searchers, ${counts.rest} REST recorders (batches of ${REST_BATCH}), ${counts.sockets} WebSocket recorders (window ${SOCKET_WINDOW}), ${counts.subscribers} live subscribers`)

// A copy of the 100k-message corpus, so the recorded events never land in the shared bench database.
const corpus = benchDatabase('read-10000x10', { sessions: 10_000, messagesPerSession: 10 })
const work = mkdtempSync(join(tmpdir(), 'chasm-soak-'))
const dbPath = join(work, 'soak.db')
copyFileSync(corpus, dbPath)
const ids = (() => {
  const raw = new Database(dbPath, { readonly: true })
  const rows = raw.query<{ id: string }, []>('SELECT id FROM sessions ORDER BY random() LIMIT 2000').all().map((row) => row.id)
  const workspaces = raw.query<{ id: string }, []>('SELECT id FROM workspaces ORDER BY random() LIMIT 200').all().map((row) => row.id)
  raw.close()
  return { sessions: rows, workspaces }
})()

const binary = values.binary ?? outfileFor(null)
if (!values.binary) await build(null)
const server = Bun.spawn([binary, 'api', 'serve', '--port', '0', '--db', dbPath, '--no-harvest'], { stdout: 'pipe', stderr: 'pipe' })
let serverErr = ''
void (async () => {
  for await (const chunk of server.stderr) serverErr += new TextDecoder().decode(chunk)
})()
const reader = server.stdout.getReader()
let out = ''
while (!out.includes('listening on')) out += new TextDecoder().decode((await reader.read()).value)
const base = /listening on (\S+)/.exec(out)![1]!
const wsBase = base.replace('http', 'ws')

/** Per kind of operation: how many, their latencies (sampled), and errors with a few examples. */
const stats = new Map<string, { ops: number; latencies: number[]; errors: number; examples: string[] }>()
const note = (kind: string, latency: number | null, error?: string) => {
  let entry = stats.get(kind)
  if (!entry) stats.set(kind, (entry = { ops: 0, latencies: [], errors: 0, examples: [] }))
  entry.ops++
  if (latency !== null && entry.latencies.length < 200_000) entry.latencies.push(latency)
  if (error !== undefined) {
    entry.errors++
    if (entry.examples.length < 3) entry.examples.push(error)
  }
}
let totalOps = 0
const started = performance.now()
const deadline = started + seconds * 1000
const running = () => performance.now() < deadline && totalOps < maxOps
const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)]!

async function timedGet(kind: string, path: string): Promise<void> {
  const t0 = performance.now()
  try {
    const response = await fetch(base + path)
    const body = (await response.json()) as { success?: boolean }
    totalOps++
    note(kind, performance.now() - t0, response.status === 200 && body.success === true ? undefined : `${path} → ${response.status}`)
  } catch (error) {
    note(kind, null, `${path}: ${(error as Error).message}`)
  }
}

const readPaths = () => {
  const r = Math.random()
  if (r < 0.35) return ['read: session', `/api/sessions/${encodeURIComponent(pick(ids.sessions))}`]
  if (r < 0.65) return ['read: session list', `/api/sessions?limit=50&offset=${Math.floor(Math.random() * 9950)}`]
  if (r < 0.8) return ['read: workspaces', `/api/workspaces?limit=50&offset=${Math.floor(Math.random() * 1900)}`]
  if (r < 0.9) return ['read: workspace', `/api/workspaces/${encodeURIComponent(pick(ids.workspaces))}`]
  return ['read: stats + health', Math.random() < 0.5 ? '/api/stats' : '/api/health']
}

async function readerLoop() {
  while (running()) {
    const [kind, path] = readPaths()
    await timedGet(kind!, path!)
  }
}

async function searcherLoop() {
  while (running()) await timedGet('search', `/api/sessions/search?q=${encodeURIComponent(pick(WORDS))}&limit=20`)
}

/** Every event acknowledged, per session: event ids with their seq. */
const acked = new Map<string, Map<string, number>>()
const ackedIn = (session: string) => {
  let map = acked.get(session)
  if (!map) acked.set(session, (map = new Map()))
  return map
}
const CONTENT = 'The session cookie is refreshed on every request; rotate it after login and expire it after 30 minutes.'
const event = (session: string, i: number) =>
  i % 4 === 3
    ? { session_id: session, event_type: 'message_delta', event_id: `${session}-${i}`, data: { message_id: `m${i - 1}`, content: ' (edited)' } }
    : { session_id: session, event_type: 'message', event_id: `${session}-${i}`, data: { message_id: `m${i}`, role: i % 2 ? 'assistant' : 'user', content: `${CONTENT} #${i}` } }

async function restRecorderLoop(session: string) {
  let next = 0
  while (running()) {
    const events = Array.from({ length: REST_BATCH }, () => event(session, next++))
    const t0 = performance.now()
    try {
      const response = await fetch(`${base}/api/recording/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ events }) })
      const body = (await response.json()) as { success: boolean; data?: { acks: { event_id: string; seq: number; status: string }[] } }
      totalOps += events.length
      if (response.status !== 200 || !body.success) {
        note('record: REST batch', performance.now() - t0, `POST → ${response.status} ${JSON.stringify(body).slice(0, 200)}`)
        continue
      }
      for (const ack of body.data!.acks) ackedIn(session).set(ack.event_id, ack.seq)
      note('record: REST batch', performance.now() - t0)
    } catch (error) {
      note('record: REST batch', null, (error as Error).message)
    }
  }
}

/** Streams events on one socket with up to SOCKET_WINDOW unacknowledged; resolves once everything sent is acked. */
function socketRecorder(session: string): Promise<void> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`${wsBase}/ws/recording`)
    const sentAt = new Map<string, number>()
    let sent = 0
    let done = 0
    const pump = () => {
      while (running() && sent - done < SOCKET_WINDOW) {
        const next = event(session, sent++)
        sentAt.set(next.event_id, performance.now())
        socket.send(JSON.stringify(next))
        totalOps++
      }
      if (!running() && done === sent) {
        socket.close()
        resolve()
      }
    }
    socket.onopen = pump
    socket.onmessage = (message) => {
      const reply = JSON.parse(message.data as string)
      if (reply.type === 'connected') return
      done++
      if (reply.type === 'ack') {
        ackedIn(session).set(reply.event_id, reply.seq)
        note('record: WebSocket event', performance.now() - sentAt.get(reply.event_id)!)
        sentAt.delete(reply.event_id)
      } else note('record: WebSocket event', null, JSON.stringify(reply).slice(0, 200))
      pump()
    }
    socket.onclose = (close) => {
      if (done < sent) note('record: WebSocket event', null, `socket closed (${close.code}) with ${sent - done} unacknowledged`)
      resolve()
    }
  })
}

/** Watches one session; collects the seq of every event pushed to it. */
async function subscriber(session: string): Promise<{ session: string; seqs: Set<number>; close: () => Promise<void> }> {
  const socket = new WebSocket(`${wsBase}/ws/recording`)
  const seqs = new Set<number>()
  await new Promise<void>((resolve) => {
    socket.onopen = () => socket.send(JSON.stringify({ type: 'subscribe', session_id: session }))
    socket.onmessage = (message) => {
      const reply = JSON.parse(message.data as string)
      if (reply.type === 'subscribed') resolve()
      else if (reply.type === 'event') {
        seqs.add(reply.event.seq)
        note('live: pushed event', null)
      } else if (reply.type === 'error') note('live: pushed event', null, JSON.stringify(reply))
    }
  })
  const closed = new Promise<void>((resolve) => (socket.onclose = () => resolve()))
  return {
    session,
    seqs,
    close: async () => {
      socket.close()
      await closed
    },
  }
}

// RSS of the server each second.
const rss: number[] = []
const rssOf = async () => Number(/VmRSS:\s+(\d+)/.exec(await Bun.file(`/proc/${server.pid}/status`).text())?.[1] ?? 0) / 1024
const sampler = setInterval(async () => rss.push(await rssOf()), 1000)

const restSessions = Array.from({ length: counts.rest }, (_, i) => `soak-rest-${i}`)
const socketSessions = Array.from({ length: counts.sockets }, (_, i) => `soak-ws-${i}`)
const watched = [...socketSessions, ...restSessions]
// Subscribers first, so every event of their session comes after their subscription.
const subscribers = await Promise.all(Array.from({ length: counts.subscribers }, (_, i) => subscriber(watched[i % watched.length]!)))
await Promise.all([
  ...Array.from({ length: counts.readers }, readerLoop),
  ...Array.from({ length: counts.searchers }, searcherLoop),
  ...restSessions.map(restRecorderLoop),
  ...socketSessions.map(socketRecorder),
])
const elapsed = (performance.now() - started) / 1000
clearInterval(sampler)
// CPU seconds of each side: on a 2-core machine this shows whether the server or the load generator was the limit.
const serverCpu = (await Bun.file(`/proc/${server.pid}/stat`).text()).split(') ')[1]!.split(' ').slice(11, 13).reduce((sum, ticks) => sum + Number(ticks), 0) / 100
const clientCpu = (process.cpuUsage().user + process.cpuUsage().system) / 1e6
// Pushes follow commits: give the last ones a moment to arrive.
await Bun.sleep(300)
for (const sub of subscribers) await sub.close()

console.log(`\n${totalOps} operations in ${elapsed.toFixed(1)} s (${(totalOps / elapsed).toFixed(0)} ops/s; an event counts as one)`)
console.log(`CPU: server ${serverCpu.toFixed(1)} s (${((serverCpu / elapsed) * 100).toFixed(0)} % of a core), load generator ${clientCpu.toFixed(1)} s (${((clientCpu / elapsed) * 100).toFixed(0)} %)`)
let errors = 0
for (const [kind, entry] of [...stats.entries()].sort()) {
  errors += entry.errors
  const latency = entry.latencies.length > 0 ? `, p50 ${ms(median(entry.latencies))}, p99 ${ms(percentile(entry.latencies, 99))}` : ''
  console.log(`  ${kind}: ${entry.ops} (${(entry.ops / elapsed).toFixed(0)}/s)${latency}${entry.errors ? `, ${entry.errors} ERRORS e.g. ${entry.examples.join(' | ')}` : ''}`)
}

server.kill('SIGTERM')
const exitCode = await server.exited
const check = new Database(dbPath, { readonly: true })
const stored = check.query<{ event_id: string; seq: number }, [string]>(
  'SELECT event_id, seq FROM recording_events WHERE session_pk = (SELECT pk FROM sessions WHERE id = ?)',
)
let ackedTotal = 0
let missing = 0
let wrongSeq = 0
for (const [session, events] of acked) {
  const rows = new Map(stored.all(session).map((row) => [row.event_id, row.seq]))
  for (const [id, seq] of events) {
    ackedTotal++
    if (!rows.has(id)) missing++
    else if (rows.get(id) !== seq) wrongSeq++
  }
}
const integrity = check.query<{ integrity_check: string }, []>('PRAGMA integrity_check').get()!.integrity_check
check.close()
let unseen = 0
for (const sub of subscribers) for (const seq of acked.get(sub.session)?.values() ?? []) if (!sub.seqs.has(seq)) unseen++

const at20 = rss[19] ?? rss[0] ?? 0
const atEnd = rss.at(-1) ?? 0
const growth = ((atEnd - at20) / at20) * 100
console.log(`\nerrors: ${errors}; server exit code after SIGTERM: ${exitCode}; integrity_check: ${integrity}`)
console.log(`acknowledged events: ${ackedTotal}; missing from the database: ${missing}; stored under another seq: ${wrongSeq}`)
console.log(`live subscribers: ${subscribers.length} on ${new Set(subscribers.map((s) => s.session)).size} sessions; acknowledged events they never received: ${unseen}`)
console.log(`server RSS: ${rss.map((mb) => mb.toFixed(0)).join(' ')} MB (each second)`)
console.log(`RSS growth from second 20 (${at20.toFixed(1)} MB) to the end (${atEnd.toFixed(1)} MB): ${growth.toFixed(1)} % (target ≤ 20 %)`)
const ok = errors === 0 && missing === 0 && wrongSeq === 0 && unseen === 0 && exitCode === 0 && integrity === 'ok' && growth <= 20
console.log(ok ? 'SOAK OK' : 'SOAK FAILED')
if (serverErr.trim() && !ok) console.log(`server stderr:\n${serverErr.slice(0, 3000)}`)
rmSync(work, { recursive: true, force: true })
if (!ok) process.exitCode = 1
