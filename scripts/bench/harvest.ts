#!/usr/bin/env bun
/**
 * Harvest benchmarks (issue: harvest). Prints every figure beside a baseline measured in the same run.
 *   bun scripts/bench/harvest.ts [--sessions 5000] [--messages 50] [--files 10000] [--big-mb 1024]
 * 1. First harvest of a generated home (Claude Code + Codex files) vs a minimal ingest: read +
 *    JSON.parse every record, insert its text into one table + an FTS5 index, one transaction per file.
 * 2. Unchanged re-harvest of a home of `--files` files.
 * 3. Peak memory harvesting one `--big-mb` Claude Code file (0 skips it).
 */
import { Database } from 'bun:sqlite'
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { openDatabase } from '../../src/db'
import { PROVIDERS, runHarvest } from '../../src/harvest'
import { readJsonLines } from '../../src/harvest/read/jsonl'
import { textSource } from './corpus'

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

/** Writes `sessions` sessions, alternating Claude Code and Codex files, `messages` messages each. */
async function generateHome(home: string, sessions: number, messages: number): Promise<void> {
  if (existsSync(join(home, '.done'))) return
  rmSync(home, { recursive: true, force: true })
  const { pick, sentence, random } = textSource(7)
  const base = Date.parse('2026-03-01T00:00:00Z')
  for (let s = 0; s < sessions; s++) {
    const id = `${s.toString(16).padStart(8, '0')}-0000-4000-8000-${(s * 7919).toString(16).padStart(12, '0')}`
    const cwd = `/home/dev/project-${s % 200}`
    const lines: string[] = []
    let t = base + s * 3_600_000
    const time = () => new Date((t += 1500)).toISOString()
    if (s % 2 === 0) {
      const dir = join(home, '.claude', 'projects', cwd.replaceAll('/', '-'))
      mkdirSync(dir, { recursive: true })
      let parent: string | null = null
      for (let m = 0; m < messages; m++) {
        const uuid = `${id}-${m}`
        const common = { parentUuid: parent, isSidechain: false, userType: 'external', cwd, sessionId: id, version: '2.1.40', uuid, timestamp: time() }
        parent = uuid
        if (m % 2 === 0) lines.push(JSON.stringify({ ...common, type: 'user', message: { role: 'user', content: `${sentence(12 + Math.floor(random() * 20))}?` } }))
        else {
          const content: object[] = [{ type: 'text', text: `${sentence(30 + Math.floor(random() * 60))}.\n\n\`\`\`ts\nconst ${pick()} = ${pick()}()\n\`\`\`` }]
          lines.push(JSON.stringify({ ...common, type: 'assistant', message: { id: `msg_${uuid}`, type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content } }))
        }
      }
      await Bun.write(join(dir, `${id}.jsonl`), `${lines.join('\n')}\n`)
    } else {
      const day = new Date(t).toISOString().slice(0, 10).split('-')
      const dir = join(home, '.codex', 'sessions', ...day)
      mkdirSync(dir, { recursive: true })
      lines.push(JSON.stringify({ timestamp: time(), type: 'session_meta', payload: { id, timestamp: time(), cwd, originator: 'codex_cli_rs', cli_version: '0.60.1' } }))
      lines.push(JSON.stringify({ timestamp: time(), type: 'turn_context', payload: { cwd, model: 'gpt-5-codex' } }))
      for (let m = 0; m < messages; m++) {
        const user = m % 2 === 0
        const text = user ? `${sentence(12 + Math.floor(random() * 20))}?` : `${sentence(30 + Math.floor(random() * 60))}.`
        lines.push(JSON.stringify({ timestamp: time(), type: 'response_item', payload: { type: 'message', role: user ? 'user' : 'assistant', content: [{ type: user ? 'input_text' : 'output_text', text }] } }))
      }
      await Bun.write(join(dir, `rollout-${new Date(t).toISOString().slice(0, 19).replaceAll(':', '-')}-${id}.jsonl`), `${lines.join('\n')}\n`)
    }
  }
  await Bun.write(join(home, '.done'), '')
}

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith('.jsonl')).map((e) => join(e.parentPath, e.name))

/** Every string under `text`/`content` keys of a record: what a minimal ingest would index. */
function textOf(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) textOf(item, out)
  else if (value && typeof value === 'object') {
    for (const [key, field] of Object.entries(value)) {
      if ((key === 'text' || key === 'content') && typeof field === 'string') out.push(field)
      else if (typeof field === 'object') textOf(field, out)
    }
  }
  return out
}

/** The minimal ingest baseline: plain table + FTS5 (porter unicode61), one transaction per file, WAL. */
async function baseline(files: string[], dbPath: string): Promise<{ seconds: number; records: number }> {
  rmSync(dbPath, { force: true })
  const db = new Database(dbPath, { create: true })
  db.run('PRAGMA journal_mode = WAL')
  db.run('PRAGMA synchronous = NORMAL')
  db.run('CREATE TABLE texts (id INTEGER PRIMARY KEY, file TEXT, body TEXT)')
  db.run("CREATE VIRTUAL TABLE texts_fts USING fts5(body, content='texts', content_rowid='id', tokenize='porter unicode61')")
  db.run('CREATE TRIGGER texts_ai AFTER INSERT ON texts BEGIN INSERT INTO texts_fts(rowid, body) VALUES (new.id, new.body); END')
  const insert = db.prepare('INSERT INTO texts (file, body) VALUES (?, ?)')
  let records = 0
  const started = performance.now()
  for (const file of files) {
    const rows: string[] = []
    for await (const line of readJsonLines(file)) if ('value' in line) rows.push(textOf(line.value).join('\n'))
    db.transaction(() => {
      for (const body of rows) if (body) (insert.run(file, body), (records += 1))
    })()
  }
  const seconds = (performance.now() - started) / 1000
  db.close()
  return { seconds, records }
}

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
console.log(`chasm first harvest: ${seconds.toFixed(2)} s, ${harvested} messages, ${rate.toFixed(0)} messages/s, ${(megabytes / seconds).toFixed(1)} MiB/s = ${((rate / baseRate) * 100).toFixed(0)} % of baseline (target ≥ 70 %)`)
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
