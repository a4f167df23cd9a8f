#!/usr/bin/env bun
/**
 * Smoke test of one release archive on the OS it is for (the release workflow runs it on each OS):
 * checks the archive against SHA256SUMS beside it, unpacks it, and runs the binary: `--version`, a
 * harvest of an empty home, `stats --json`, and `api serve` answering `/api/health` until stopped.
 *   bun scripts/smoke.ts dist/release/chasm-v1.2.3-linux-x64.tar.gz
 */
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import pkg from '../package.json'

const archive = process.argv[2]
if (!archive) throw new Error('usage: bun scripts/smoke.ts <archive>')

const fail = (message: string): never => {
  console.error(`smoke: ${basename(archive)}: ${message}`)
  process.exit(1)
}

const sums = readFileSync(join(dirname(archive), 'SHA256SUMS'), 'utf8')
const expected = sums.split('\n').find((line) => line.endsWith(`  ${basename(archive)}`))?.split('  ')[0]
const actual = createHash('sha256').update(readFileSync(archive)).digest('hex')
if (expected !== actual) fail(`SHA256 ${actual} is not the one in SHA256SUMS (${expected ?? 'missing'})`)

const work = mkdtempSync(join(tmpdir(), 'chasm-smoke-'))
try {
  // bsdtar (macOS, and Windows' own in System32, not Git's GNU tar) unpacks both formats.
  const tar = process.platform === 'win32' ? join(process.env.SystemRoot ?? 'C:\\Windows', 'System32', 'tar.exe') : 'tar'
  const unpacked = Bun.spawnSync([tar, '-xf', archive, '-C', work], { stderr: 'pipe' })
  if (unpacked.exitCode !== 0) fail(`cannot unpack: ${unpacked.stderr.toString()}`)
  const folder = join(work, basename(archive).replace(/\.(zip|tar\.gz)$/, ''))
  const binary = join(folder, process.platform === 'win32' ? 'chasm.exe' : 'chasm')
  const home = join(work, 'home')
  mkdirSync(home)
  const db = join(work, 'smoke.db')
  const env = { ...process.env, CHASM_HOME: home, CHASM_DB: db }

  const run = (args: string[]) => {
    const proc = Bun.spawnSync([binary, ...args], { env, stdout: 'pipe', stderr: 'pipe' })
    if (proc.exitCode !== 0) fail(`chasm ${args.join(' ')} exited ${proc.exitCode}: ${proc.stderr.toString()}`)
    return proc.stdout.toString()
  }
  const version = run(['--version']).trim()
  if (!version.includes(pkg.version)) fail(`--version says "${version}", expected ${pkg.version}`)
  run(['harvest', 'run', '--json'])
  const stats = JSON.parse(run(['stats', '--json'])) as { totalSessions?: unknown }
  if (stats.totalSessions !== 0) fail(`stats of an empty home: ${JSON.stringify(stats)}`)

  const server = Bun.spawn([binary, 'api', 'serve', '--port', '0', '--no-harvest'], { env, stdout: 'pipe', stderr: 'pipe' })
  let out = ''
  const reader = server.stdout.getReader()
  let url: string | null = null
  while (url === null) {
    const { value, done } = await reader.read()
    if (done) fail(`api serve exited before listening: ${await new Response(server.stderr).text()}`)
    out += new TextDecoder().decode(value)
    url = /listening on (http:\/\/\S+)/.exec(out)?.[1] ?? null
  }
  const health = (await (await fetch(`${url}/api/health`)).json()) as { data?: { status?: unknown; database?: unknown } }
  if (health.data?.status !== 'healthy' || health.data.database !== 'ok') fail(`/api/health: ${JSON.stringify(health)}`)
  // Windows has no SIGTERM (kill() ends the process at once); elsewhere the stop must be clean.
  server.kill(process.platform === 'win32' ? 'SIGKILL' : 'SIGTERM')
  const code = await server.exited
  if (process.platform !== 'win32' && code !== 0) fail(`api serve exited ${code} on SIGTERM`)
  console.log(`smoke: ${basename(archive)}: ok (${version})`)
} finally {
  rmSync(work, { recursive: true, force: true })
}
