#!/usr/bin/env bun
/**
 * Harvest benchmarks (issue: harvest). Prints every figure beside a baseline measured in the same run.
 *   bun scripts/bench/harvest.ts [--sessions 5000] [--messages 50] [--files 10000] [--big-mb 1024]
 * 1. First harvest of a generated home (Claude Code + Codex files) vs a minimal ingest: read +
 *    JSON.parse every record, insert its text into one table + an FTS5 index, one transaction per file.
 * 2. Unchanged re-harvest of a home of `--files` files.
 * 3. Peak memory harvesting one `--big-mb` Claude Code file (0 skips it).
 */
import { existsSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { openDatabase } from '../../src/db'
import { PROVIDERS, runHarvest } from '../../src/harvest'
import { baseline, filesUnder, generateHome } from './harvest-home'

const { values } = parseArgs({
  options: {
    sessions: { type: 'string', default: '5000' },
    messages: { type: 'string', default: '50' },
    files: { type: 'string', default: '10000' },
    'big-mb': { type: 'string', default: '1024' },
  },
})
const benchDir = join(import.meta.dir, '..', '..', '.bench')
const context = (home: string) => ({ home, homeOverridden: true, platform: process.platform, env: {} })

const sessions = Number(values.sessions)
const messages = Number(values.messages)
console.log(`# chasm harvest benchmark`)
const home = join(benchDir, `harvest-home-${sessions}x${messages}`)
await generateHome(home, sessions, messages)
const files = filesUnder(home)
const megabytes = files.reduce((sum, f) => sum + statSync(f).size, 0) / 1048576
console.log(`home: ${files.length} files, ${megabytes.toFixed(1)} MiB, ${sessions * messages} messages`)

const base = await baseline(files, join(benchDir, 'baseline.db'))
const baseRate = base.records / base.seconds
console.log(`baseline ingest: ${base.seconds.toFixed(2)} s, ${baseRate.toFixed(0)} records/s, ${(megabytes / base.seconds).toFixed(1)} MiB/s`)

const dbPath = join(benchDir, 'harvest.db')
for (const suffix of ['', '-wal', '-shm']) rmSync(dbPath + suffix, { force: true })
const chasm = openDatabase(dbPath)
const started = performance.now()
const summary = await runHarvest(chasm, PROVIDERS, context(home))
const seconds = (performance.now() - started) / 1000
const harvested = summary.providers.reduce((n, p) => n + p.messages, 0)
const rate = harvested / seconds
console.log(`chasm first harvest: ${seconds.toFixed(2)} s, ${harvested} messages, ${rate.toFixed(0)} messages/s, ${(megabytes / seconds).toFixed(1)} MiB/s = ${((rate / baseRate) * 100).toFixed(0)} % of baseline (target ≥ 100 %)`)
const again = performance.now()
await runHarvest(chasm, PROVIDERS, context(home))
console.log(`unchanged re-harvest of ${files.length} files: ${((performance.now() - again) / 1000).toFixed(2)} s`)
chasm.close()

const manyFiles = Number(values.files)
const manyHome = join(benchDir, `harvest-home-${manyFiles}x4`)
await generateHome(manyHome, manyFiles, 4)
const manyDb = join(benchDir, 'harvest-many.db')
for (const suffix of ['', '-wal', '-shm']) rmSync(manyDb + suffix, { force: true })
const many = openDatabase(manyDb)
await runHarvest(many, PROVIDERS, context(manyHome))
const unchanged = performance.now()
const rerun = await runHarvest(many, PROVIDERS, context(manyHome))
const rerunSeconds = (performance.now() - unchanged) / 1000
const skipped = rerun.providers.reduce((n, p) => n + p.skipped, 0)
console.log(`unchanged re-harvest of ${filesUnder(manyHome).length} files: ${rerunSeconds.toFixed(2)} s, ${skipped} skipped (target < 2 s) ${rerunSeconds < 2 ? 'OK' : 'MISSED'}`)
many.close()

const bigMb = Number(values['big-mb'])
if (bigMb > 0) {
  const bigHome = join(benchDir, `claude-${bigMb}mb`)
  if (!existsSync(bigHome)) {
    const { writeClaudeTranscript } = await import('./gen-claude-jsonl')
    await writeClaudeTranscript(bigHome, bigMb * 1024 * 1024)
  }
  const bigDb = join(benchDir, 'harvest-big.db')
  for (const suffix of ['', '-wal', '-shm']) rmSync(bigDb + suffix, { force: true })
  const root = join(import.meta.dir, '..', '..')
  const child = Bun.spawnSync(
    [process.execPath, '-e', `
      const { openDatabase } = await import('./src/db'); const { PROVIDERS, runHarvest } = await import('./src/harvest')
      const db = openDatabase(${JSON.stringify(bigDb)}); const t = performance.now()
      const s = await runHarvest(db, PROVIDERS, { home: ${JSON.stringify(bigHome)}, homeOverridden: true, platform: process.platform, env: {} }, { only: ['claude-code'] })
      console.log(JSON.stringify({ seconds: (performance.now() - t) / 1000, messages: s.providers[0].messages, maxRssKb: process.resourceUsage().maxRSS }))`],
    { cwd: root, stdout: 'pipe', stderr: 'inherit' },
  )
  const big = JSON.parse(child.stdout.toString().trim().split('\n').pop()!)
  console.log(`one ${bigMb} MiB Claude Code file: ${big.seconds.toFixed(1)} s, ${big.messages} messages, peak RSS ${(big.maxRssKb / 1024).toFixed(0)} MB (target < 300 MB)`)
  rmSync(bigDb, { force: true })
}
