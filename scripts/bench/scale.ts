#!/usr/bin/env bun
/**
 * How cost grows with the database (issue: hardening). At 10k, 100k and 1M messages: database bytes
 * per message, the read endpoints' p50/p95 through the compiled binary, and the first harvest of a
 * generated home of the same size in messages/s beside the minimal ingest of the same files (the
 * harvest benchmark's baseline), measured in the same run.
 *   bun scripts/bench/scale.ts [--scales 10000,100000,1000000] [--no-harvest]
 */
import { Database } from 'bun:sqlite'
import { rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { openDatabase } from '../../src/db'
import { PROVIDERS, runHarvest } from '../../src/harvest'
import { build, outfileFor } from '../build'
import { benchDatabase, COMMON_TERM, LONG_SESSION_ID, RARE_TERM } from './corpus'
import { baseline, filesUnder, generateHome } from './harvest-home'
import { median, percentile, timeRuns } from './stats'

const { values } = parseArgs({ options: { scales: { type: 'string', default: '10000,100000,1000000' }, 'no-harvest': { type: 'boolean', default: false } } })
const scales = values.scales.split(',').map(Number)
const benchDir = join(import.meta.dir, '..', '..', '.bench')
const MESSAGES_PER_SESSION = 10
const HARVEST_MESSAGES_PER_SESSION = 50

const binary = outfileFor(null)
await build(null)

/** p50/p95 in ms of 100 requests to `path` on a server over `db`. */
async function readFigures(db: string, sessions: number) {
  const proc = Bun.spawn([binary, 'api', 'serve', '--port', '0', '--db', db, '--no-harvest'], { stdout: 'pipe', stderr: 'ignore' })
  const reader = proc.stdout.getReader()
  let out = ''
  while (!out.includes('listening on')) out += new TextDecoder().decode((await reader.read()).value)
  const base = /listening on (\S+)/.exec(out)![1]!
  const figure = async (path: string) => {
    const times = await timeRuns(100, async () => {
      const response = await fetch(base + path)
      if (!response.ok) throw new Error(`${path} → ${response.status}`)
      await response.arrayBuffer()
    })
    return `${median(times).toFixed(2)}/${percentile(times, 95).toFixed(2)}`
  }
  const figures = {
    rare: await figure(`/api/sessions/search?q=${RARE_TERM}`),
    common: await figure(`/api/sessions/search?q=${COMMON_TERM}`),
    detail: await figure(`/api/sessions/${LONG_SESSION_ID}`),
    deep: await figure(`/api/sessions?limit=50&offset=${Math.max(0, Math.floor(sessions * 0.99) - 50)}`),
    stats: await figure('/api/stats'),
  }
  proc.kill('SIGTERM')
  await proc.exited
  return figures
}

/** First harvest of a generated home with `messages` messages: chasm's rate and the minimal ingest's, same files. */
async function harvestFigures(messages: number) {
  const sessions = messages / HARVEST_MESSAGES_PER_SESSION
  const home = join(benchDir, `harvest-home-${sessions}x${HARVEST_MESSAGES_PER_SESSION}`)
  await generateHome(home, sessions, HARVEST_MESSAGES_PER_SESSION)
  const files = filesUnder(home)
  const base = await baseline(files, join(benchDir, `scale-baseline-${messages}.db`))
  rmSync(join(benchDir, `scale-baseline-${messages}.db`), { force: true })
  const dbPath = join(benchDir, `scale-harvest-${messages}.db`)
  for (const suffix of ['', '-wal', '-shm']) rmSync(dbPath + suffix, { force: true })
  const chasm = openDatabase(dbPath)
  const started = performance.now()
  const summary = await runHarvest(chasm, PROVIDERS, { home, homeOverridden: true, platform: process.platform, env: {} })
  const seconds = (performance.now() - started) / 1000
  chasm.close()
  const harvested = summary.providers.reduce((n, p) => n + p.messages, 0)
  const bytesPerMessage = statSync(dbPath).size / harvested
  for (const suffix of ['', '-wal', '-shm']) rmSync(dbPath + suffix, { force: true })
  return { seconds, rate: harvested / seconds, baselineRate: base.records / base.seconds, bytesPerMessage }
}

console.log('# chasm at scale: cost per message as the database grows')
console.log('read figures: p50/p95 ms of 100 requests through the compiled binary; harvest: first harvest of a generated home (Claude Code + Codex, 50 messages per file)')
const rows: string[][] = []
for (const messages of scales) {
  const sessions = messages / MESSAGES_PER_SESSION
  const db = benchDatabase(`read-${sessions}x${MESSAGES_PER_SESSION}`, { sessions, messagesPerSession: MESSAGES_PER_SESSION })
  // Migrations a newer chasm adds are applied first, so the figures are of the current schema.
  openDatabase(db).close()
  const raw = new Database(db, { readonly: true })
  const stored = raw.query<{ n: number }, []>('SELECT count(*) AS n FROM messages').get()!.n
  raw.close()
  const bytes = statSync(db).size
  const reads = await readFigures(db, sessions)
  const harvest = values['no-harvest'] ? null : await harvestFigures(messages)
  const row = [
    String(stored),
    (bytes / stored).toFixed(0),
    reads.rare,
    reads.common,
    reads.detail,
    reads.deep,
    reads.stats,
    harvest ? `${harvest.rate.toFixed(0)} (${((harvest.rate / harvest.baselineRate) * 100).toFixed(0)} % of ${harvest.baselineRate.toFixed(0)})` : '-',
    harvest ? harvest.bytesPerMessage.toFixed(0) : '-',
  ]
  rows.push(row)
  console.log(`${messages} messages: ${row.join(' | ')}`)
}
console.log('\n| messages | DB bytes/message (corpus) | search rare | search common | session of 500 | list at 99 % offset | stats | harvest messages/s (vs minimal ingest) | DB bytes/message (harvested) |')
console.log('|---|---|---|---|---|---|---|---|---|')
for (const row of rows) console.log(`| ${row.join(' | ')} |`)
