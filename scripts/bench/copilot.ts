#!/usr/bin/env bun
/**
 * Copilot re-harvest benchmark (issue 17: session titles come from VS Code's index in `state.vscdb`).
 *   bun scripts/bench/copilot.ts [--workspaces 200] [--sessions 50] [--runs 5]
 * A generated VS Code home of `workspaces` × `sessions` chat files, each workspace with a
 * `state.vscdb` holding the session index (every tenth also a legacy `interactive.sessions` row),
 * and a twin home without the `state.vscdb` files. Figures, each the median of `runs`:
 * - baseline: list every chat folder and stat every file (the least an unchanged harvest must do);
 * - chasm's unchanged re-harvest of the twin (no index to read) and of the home (one index per workspace).
 */
import { Database } from 'bun:sqlite'
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { openDatabase } from '../../src/db'
import { runHarvest } from '../../src/harvest'
import { copilotProvider } from '../../src/harvest/providers/copilot'

const { values } = parseArgs({
  options: {
    workspaces: { type: 'string', default: '200' },
    sessions: { type: 'string', default: '50' },
    runs: { type: 'string', default: '5' },
  },
})
const workspaces = Number(values.workspaces)
const perWorkspace = Number(values.sessions)
const runs = Number(values.runs)
const benchDir = join(import.meta.dir, '..', '..', '.bench')
const context = (home: string) => ({ home, homeOverridden: true, platform: process.platform, env: {} })
const storageRoot = (home: string) => join(home, '.config', 'Code', 'User', 'workspaceStorage')

function session(id: string, created: number): string {
  const request = (n: number) => ({
    requestId: `request_${id}_${n}`,
    timestamp: created + n * 60_000,
    modelId: 'copilot/gpt-4.1',
    message: { text: `question ${n} about ${id}`, parts: [] },
    variableData: { variables: [] },
    response: [{ value: `answer ${n}: use a map keyed by id.` }],
    responseId: `response_${id}_${n}`,
    result: { timings: { firstProgress: 400, totalElapsed: 2000 } },
    modelState: { value: 1, completedAt: created + n * 60_000 + 2000 },
  })
  return JSON.stringify({ version: 3, sessionId: id, creationDate: created, initialLocation: 'panel', requests: [request(0), request(1)] })
}

function stateDb(path: string, index: object, legacy: boolean): void {
  const db = new Database(path, { create: true })
  db.run('CREATE TABLE ItemTable (key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB)')
  const put = db.prepare('INSERT INTO ItemTable (key, value) VALUES (?, ?)')
  for (let n = 0; n < 40; n++) put.run(`workbench.view.${n}`, JSON.stringify({ collapsed: n % 2 === 0, size: n * 10 }))
  put.run('chat.ChatSessionStore.index', JSON.stringify(index))
  if (legacy) put.run('interactive.sessions', JSON.stringify([{ sessionId: 'legacy', creationDate: 1700000000000, requests: [] }]))
  db.close()
}

/** Writes the home and its twin without `state.vscdb` (reused once complete). */
function generate(home: string, twin: string): void {
  if (existsSync(join(home, '.done')) && existsSync(join(twin, '.done'))) return
  for (const dir of [home, twin]) rmSync(dir, { recursive: true, force: true })
  const base = Date.parse('2026-03-01T00:00:00Z')
  for (let w = 0; w < workspaces; w++) {
    const name = w.toString(16).padStart(32, '0')
    const entries: Record<string, object> = {}
    for (const root of [home, twin]) {
      const dir = join(storageRoot(root), name)
      mkdirSync(join(dir, 'chatSessions'), { recursive: true })
      writeFileSync(join(dir, 'workspace.json'), JSON.stringify({ folder: `file:///home/dev/project-${w}` }))
    }
    for (let s = 0; s < perWorkspace; s++) {
      const id = `${w.toString(16).padStart(8, '0')}-0000-4000-8000-${s.toString(16).padStart(12, '0')}`
      const created = base + (w * perWorkspace + s) * 3_600_000
      const text = session(id, created)
      for (const root of [home, twin]) writeFileSync(join(storageRoot(root), name, 'chatSessions', `${id}.json`), text)
      entries[id] = { sessionId: id, title: `Session ${s} of project ${w}`, lastMessageDate: created + 62_000, isEmpty: false, lastResponseState: 1 }
    }
    stateDb(join(storageRoot(home), name, 'state.vscdb'), { version: 1, entries }, w % 10 === 0)
  }
  for (const root of [home, twin]) writeFileSync(join(root, '.done'), '')
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

async function timed(run: () => Promise<unknown> | unknown): Promise<number> {
  const samples: number[] = []
  for (let n = 0; n < runs; n++) {
    const started = performance.now()
    await run()
    samples.push(performance.now() - started)
  }
  return median(samples)
}

function statWalk(home: string): number {
  let files = 0
  for (const name of readdirSync(storageRoot(home))) {
    const dir = join(storageRoot(home), name, 'chatSessions')
    for (const file of readdirSync(dir)) {
      statSync(join(dir, file))
      files += 1
    }
  }
  return files
}

/** A harvested database of `home`, ready for unchanged re-harvests. */
async function harvestedDb(home: string, dbName: string) {
  const dbPath = join(benchDir, dbName)
  for (const suffix of ['', '-wal', '-shm']) rmSync(dbPath + suffix, { force: true })
  const chasm = openDatabase(dbPath)
  await runHarvest(chasm, [copilotProvider], context(home))
  return chasm
}

/** Unchanged re-harvests of two homes, alternating so both see the same machine load; medians in ms. */
async function alternating(homes: [string, string]): Promise<{ ms: [number, number]; skipped: [number, number] }> {
  const dbs = [await harvestedDb(homes[0], 'copilot-a.db'), await harvestedDb(homes[1], 'copilot-b.db')]
  const samples: [number[], number[]] = [[], []]
  const skipped: [number, number] = [0, 0]
  for (let n = 0; n < runs; n++) {
    for (const i of [0, 1] as const) {
      const started = performance.now()
      const summary = await runHarvest(dbs[i]!, [copilotProvider], context(homes[i]))
      samples[i].push(performance.now() - started)
      skipped[i] = summary.providers[0]!.skipped
    }
  }
  for (const db of dbs) db.close()
  return { ms: [median(samples[0]), median(samples[1])], skipped }
}

console.log('# chasm Copilot re-harvest benchmark')
const home = join(benchDir, `copilot-home-${workspaces}x${perWorkspace}`)
const twin = `${home}-no-index`
generate(home, twin)
console.log(`home: ${workspaces} workspaces × ${perWorkspace} sessions = ${statWalk(home)} chat files; each workspace has a state.vscdb with its index`)
const baseline = await timed(() => statWalk(home))
const { ms: [plain, indexed], skipped } = await alternating([twin, home])
console.log(`baseline (list + stat every chat file): ${baseline.toFixed(1)} ms`)
console.log(`unchanged re-harvest without state.vscdb: ${plain.toFixed(1)} ms (${skipped[0]} skipped) = ${(plain / baseline).toFixed(1)}× baseline`)
console.log(`unchanged re-harvest reading every index: ${indexed.toFixed(1)} ms (${skipped[1]} skipped) = ${(indexed / baseline).toFixed(1)}× baseline, ${((indexed / plain - 1) * 100).toFixed(0)} % over the run without indexes`)
console.log(`target: unchanged re-harvest of 10k files < 2 s: ${indexed < 2000 ? 'OK' : 'MISSED'}`)
