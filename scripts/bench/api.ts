#!/usr/bin/env bun
/**
 * Foundation benchmarks (issue: read API). Prints every figure; compares against baselines
 * measured in the same run. Needs `wrk` for the throughput part (apt-get install wrk).
 *   bun scripts/bench/api.ts [--sessions 100000] [--messages 10]
 */
import { Database } from 'bun:sqlite'
import { parseArgs } from 'node:util'
import { openDatabase } from '../../src/db'
import { build, outfileFor } from '../build'
import { benchDatabase, COMMON_TERM, LONG_SESSION_ID, RARE_TERM } from './corpus'
import { median, ms, percentile, processCpuMs, throughputVsBare, timeRuns } from './stats'

const { values } = parseArgs({ options: { sessions: { type: 'string', default: '100000' }, messages: { type: 'string', default: '10' } } })
const sessions = Number(values.sessions)
const perSession = Number(values.messages)

console.log(`# chasm read API benchmark (${sessions} sessions × ${perSession} messages)`)
const dbPath = benchDatabase(`read-${sessions}x${perSession}`, { sessions, messagesPerSession: perSession })
// Migrations a newer chasm adds are applied first, so startup and reads are measured on the current schema.
openDatabase(dbPath).close()
const raw = new Database(dbPath, { readonly: true })
const counts = raw.query<{ s: number; m: number }, []>('SELECT (SELECT count(*) FROM sessions) AS s, (SELECT count(*) FROM messages) AS m').get()!
const hits = (term: string) => raw.query<{ n: number }, [string]>('SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH ?').get(`"${term}"`)!.n
console.log(`database: ${counts.s} sessions, ${counts.m} messages; '${RARE_TERM}' in ${hits(RARE_TERM)} messages, '${COMMON_TERM}' in ${hits(COMMON_TERM)} (${((hits(COMMON_TERM) / counts.m) * 100).toFixed(1)} %)`)

const naive = await timeRuns(20, () =>
  raw.query('SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rank LIMIT 20').all(`"${COMMON_TERM}"`), 2)
console.log(`naive FTS5 'ORDER BY rank LIMIT 20' for the common term: p50 ${ms(median(naive))}, p95 ${ms(percentile(naive, 95))}`)
const naivePair = await timeRuns(20, () =>
  raw.query('SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rank LIMIT 20').all('"return" "error"'), 2)
console.log(`naive FTS5 'ORDER BY rank LIMIT 20' for 'return error' ('return' in ${hits('return')}, 'error' in ${hits('error')} messages): p50 ${ms(median(naivePair))}, p95 ${ms(percentile(naivePair, 95))}`)
raw.close()

const binary = outfileFor(null)
await build(null)

// Startup: spawn → first /api/health response, median of 11, on the big database. The client
// waits for the server's "listening" line on stdout (its readiness signal), then sends the request.
const startups: number[] = []
let rssKb = 0
for (let i = 0; i < 11; i++) {
  const started = performance.now()
  const proc = Bun.spawn([binary, 'api', 'serve', '--port', '0', '--db', dbPath, '--no-harvest'], { stdout: 'pipe', stderr: 'ignore' })
  const reader = proc.stdout.getReader()
  let out = ''
  while (!out.includes('listening on')) out += new TextDecoder().decode((await reader.read()).value)
  const url = /listening on (\S+)/.exec(out)![1]
  await (await fetch(`${url}/api/health`)).json()
  startups.push(performance.now() - started)
  if (i === 10) {
    await Bun.sleep(1000)
    rssKb = Number(/VmRSS:\s+(\d+)/.exec(await Bun.file(`/proc/${proc.pid}/status`).text())?.[1] ?? 0)
  }
  proc.kill('SIGTERM')
  await proc.exited
}
console.log(`binary start → first response: median ${ms(median(startups))} (target ≤ 100 ms); idle RSS ${(rssKb / 1024).toFixed(1)} MB (target ≤ 80 MB)`)

const server = Bun.spawn([binary, 'api', 'serve', '--port', '18787', '--db', dbPath, '--no-harvest'], { stdout: 'pipe', stderr: 'ignore' })
const reader = server.stdout.getReader()
while (!new TextDecoder().decode((await reader.read()).value).includes('listening')) {}
const base = 'http://127.0.0.1:18787'
const get = async (path: string) => {
  const response = await fetch(base + path)
  if (!response.ok) throw new Error(`${path} → ${response.status}`)
  return response.json()
}
const report = async (label: string, path: string, target: number) => {
  const cpuBefore = await processCpuMs(server.pid)
  const times = await timeRuns(100, () => get(path))
  // Server CPU per request (timeRuns warms up with 5): the cost whatever else the machine runs.
  const cpu = ((await processCpuMs(server.pid)) - cpuBefore) / (times.length + 5)
  const p95 = percentile(times, 95)
  console.log(`${label}: p50 ${ms(median(times))}, p95 ${ms(p95)} (target ≤ ${target} ms) ${p95 <= target ? 'OK' : 'MISSED'}, server CPU ${Number.isNaN(cpu) ? '?' : ms(cpu)} a request`)
}
await report(`search rare term '${RARE_TERM}'`, `/api/sessions/search?q=${RARE_TERM}`, 5)
await report(`search common term '${COMMON_TERM}'`, `/api/sessions/search?q=${COMMON_TERM}`, 50)
await report(`search two common terms 'return error'`, `/api/sessions/search?q=return%20error`, 50)
await report(`search common term, sort=recent`, `/api/sessions/search?q=${COMMON_TERM}&sort=recent`, 50)
await report('GET /api/sessions/:id (500 messages)', `/api/sessions/${LONG_SESSION_ID}`, 10)
await report('GET /api/sessions?limit=50&offset=99000', `/api/sessions?limit=50&offset=${Math.max(0, Math.min(99_000, sessions - 50))}`, 10)

// Throughput: the full stack's /api/health against a bare Bun.serve JSON route, same machine, same run.
const ratio = await throughputVsBare(`${base}/api/health`, server.pid, { label: '/api/health' })
console.log(ratio === null ? 'throughput: wrk not installed (apt-get install wrk)' : `throughput: median ${(ratio.throughput * 100).toFixed(0)} % of bare Bun.serve (target ≥ 75 %)${ratio.cpu === null ? '' : `; CPU per request ${(ratio.cpu * 100).toFixed(0)} % of bare's`}`)
server.kill('SIGTERM')
await server.exited
