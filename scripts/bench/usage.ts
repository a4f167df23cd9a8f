#!/usr/bin/env bun
/**
 * Usage report benchmark (issue: formats, tokens and cost). On the 1M-message corpus (every assistant
 * message records tokens), for every grouping over the whole range, one month and 30 days across a
 * month's end:
 * 1. CPU time per report in-process (`usageReport` called directly): workspaces and sessions against
 *    providers in the same run (target: at most twice their CPU and ≤ 50 ms);
 * 2. `GET /api/usage` p50/p95 through the compiled binary, beside the same sums taken straight from
 *    `messages` with raw bun:sqlite and `GET /api/stats` in the same run.
 * The machine is shared: its load (printed) moves every wall time; CPU time moves less.
 *   bun scripts/bench/usage.ts [--sessions 100000] [--messages 10]
 */
import { Database } from 'bun:sqlite'
import { loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import { openDatabase, type UsageGroup } from '../../src/db'
import { EMBEDDED_PRICES, usageReport } from '../../src/usage'
import { build, outfileFor } from '../build'
import { benchDatabase } from './corpus'
import { median, ms, percentile, timeRuns } from './stats'

const TARGET_P95_MS = 50
const TARGET_CPU_MS = 50
const TARGET_CPU_RATIO = 2
const GROUPINGS: UsageGroup[] = ['day', 'model', 'provider', 'workspace', 'session']
const RANGES = [
  ['whole range', {}],
  ['January 2025', { from: '2025-01-01', to: '2025-01-31' }],
  ['30 days across a month end', { from: '2025-01-15', to: '2025-02-13' }],
] as const
const load = () => `load average ${loadavg().map((n) => n.toFixed(1)).join(' / ')}`

const { values } = parseArgs({ options: { sessions: { type: 'string', default: '100000' }, messages: { type: 'string', default: '10' } } })
const sessions = Number(values.sessions)
const perSession = Number(values.messages)

console.log(`# chasm usage report benchmark (${sessions} sessions × ${perSession} messages)`)
const dbPath = benchDatabase(`read-${sessions}x${perSession}`, { sessions, messagesPerSession: perSession })
// Migrations a newer chasm adds are applied first, so the figures are of the current schema.
openDatabase(dbPath).close()
const raw = new Database(dbPath, { readonly: true })
const counts = raw
  .query<{ m: number; u: number; r: number }, []>(
    'SELECT (SELECT count(*) FROM messages) AS m, (SELECT count(*) FROM messages WHERE output_tokens IS NOT NULL) AS u, (SELECT count(*) FROM usage_rollup) AS r',
  )
  .get()!
console.log(`database: ${counts.m} messages, ${counts.u} with token usage, ${counts.r} rollup rows`)

const direct = await timeRuns(10, () =>
  raw
    .query(
      `SELECT m.model, count(DISTINCT m.session_pk), count(*), sum(m.input_tokens), sum(m.output_tokens), sum(m.cache_read_tokens),
         sum(coalesce(m.cache_write_5m_tokens, 0) + coalesce(m.cache_write_1h_tokens, 0))
       FROM messages m WHERE m.output_tokens IS NOT NULL GROUP BY m.model`,
    )
    .all(), 1)
console.log(`the same sums straight from messages (raw bun:sqlite, by model, no prices): p50 ${ms(median(direct))}, p95 ${ms(percentile(direct, 95))}`)

// CPU per report in-process: the first page (1000 rows) of each grouping, 20 reports after 3 unmeasured.
console.log(`\n## CPU per report, in-process (${load()})`)
const cpuPerReport = (request: Parameters<typeof usageReport>[1]) => {
  for (let i = 0; i < 3; i++) usageReport(raw, request, EMBEDDED_PRICES)
  const used = process.cpuUsage()
  for (let i = 0; i < 20; i++) usageReport(raw, request, EMBEDDED_PRICES)
  const { user, system } = process.cpuUsage(used)
  return (user + system) / 1000 / 20
}
for (const [range, query] of RANGES) {
  const cpu = new Map(GROUPINGS.map((groupBy) => [groupBy, cpuPerReport({ groupBy, limit: 1000, offset: 0, ...query })]))
  const provider = cpu.get('provider')!
  for (const [groupBy, spent] of cpu) {
    const ratio = spent / provider
    const judged = groupBy === 'workspace' || groupBy === 'session' ? ` = ${ratio.toFixed(2)} × provider (target ≤ ${TARGET_CPU_RATIO} × and ≤ ${TARGET_CPU_MS} ms) ${ratio <= TARGET_CPU_RATIO && spent <= TARGET_CPU_MS ? 'OK' : 'MISSED'}` : ''
    console.log(`groupBy=${groupBy}, ${range}: ${ms(spent)} CPU${judged}`)
  }
}
raw.close()

const binary = outfileFor(null)
await build(null)
const server = Bun.spawn([binary, 'api', 'serve', '--port', '0', '--db', dbPath, '--no-harvest'], { stdout: 'pipe', stderr: 'ignore' })
const reader = server.stdout.getReader()
let out = ''
while (!out.includes('listening on')) out += new TextDecoder().decode((await reader.read()).value)
const base = /listening on (\S+)/.exec(out)![1]!

const timed = async (path: string) =>
  timeRuns(100, async () => {
    const response = await fetch(base + path)
    if (!response.ok) throw new Error(`${path} → ${response.status}`)
    return (await response.json()) as { meta?: { total: number } }
  })
// Another whole-database summary through the same server, as a same-run reference for the machine's load.
const stats = await timed('/api/stats')
console.log(`reference: GET /api/stats p50 ${ms(median(stats))}, p95 ${ms(percentile(stats, 95))}`)

console.log(`\n## GET /api/usage through the binary (${load()})`)
for (const groupBy of GROUPINGS) {
  for (const [range, query] of RANGES) {
    const path = `/api/usage?groupBy=${groupBy}${Object.entries(query).map(([name, value]) => `&${name}=${value}`).join('')}`
    const rows = ((await (await fetch(base + path)).json()) as { meta: { total: number } }).meta.total
    const times = await timed(path)
    const p95 = percentile(times, 95)
    console.log(`groupBy=${groupBy}, ${range} (${rows} rows): p50 ${ms(median(times))}, p95 ${ms(p95)} (target ≤ ${TARGET_P95_MS} ms) ${p95 <= TARGET_P95_MS ? 'OK' : 'MISSED'}`)
  }
}
server.kill('SIGTERM')
await server.exited
console.log(`(${load()})`)
