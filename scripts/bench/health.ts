#!/usr/bin/env bun
/**
 * What the security guard costs: `GET /api/health` through the compiled binary (the full stack:
 * target and Host parsing, origin rule, Elysia) as a share of a bare `Bun.serve` JSON route, in
 * the same run; then a data route with a bearer token (the guard's longest path). Needs `wrk`.
 *   bun scripts/bench/health.ts [--rounds 5] [--seconds 5]
 */
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { build } from '../build'
import { throughputVsBare } from './stats'

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, seconds: { type: 'string', default: '5' } } })
const rounds = Number(values.rounds)
const seconds = Number(values.seconds)
const binary = await build(null)
const dir = mkdtempSync(join(tmpdir(), 'chasm-bench-health-'))
const token = 'bench-token'
const server = Bun.spawn([binary, 'api', 'serve', '--port', '0', '--no-harvest', '--db', join(dir, 'chasm.db')], {
  stdout: 'pipe',
  stderr: 'ignore',
  env: { PATH: process.env.PATH ?? '', CHASM_API_TOKEN: token },
})
const reader = server.stdout.getReader()
let banner = ''
while (!/listening on (\S+)/.test(banner)) banner += new TextDecoder().decode((await reader.read()).value)
const base = /listening on (\S+)/.exec(banner)![1]!

const share = (value: number | null) => (value === null ? 'n/a' : `${(value * 100).toFixed(0)} %`)
console.log(`GET /api/health (public path: target, Host and path checks only), ${rounds} rounds of ${seconds} s:`)
const health = await throughputVsBare(`${base}/api/health`, server.pid, { rounds, seconds, label: '/api/health' })
console.log(`GET /api/stats with a bearer token (origin, token, Host checks, then a query), ${rounds} rounds:`)
const stats = await throughputVsBare(`${base}/api/stats`, server.pid, { rounds, seconds, headers: [`Authorization: Bearer ${token}`], label: '/api/stats' })
if (health === null || stats === null) console.log('wrk not installed (apt-get install wrk)')
else {
  console.log(`health: median throughput ${share(health.throughput)}, median CPU ${share(health.cpu)} of bare Bun.serve (target ≥ 75 %)`)
  console.log(`stats with token: median throughput ${share(stats.throughput)}, median CPU ${share(stats.cpu)} of bare Bun.serve (no target; the guard's longest path)`)
}
server.kill('SIGTERM')
await server.exited
rmSync(dir, { recursive: true, force: true })
