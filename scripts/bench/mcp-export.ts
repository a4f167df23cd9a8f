#!/usr/bin/env bun
/**
 * MCP and export benchmarks, each against a baseline measured in the same run:
 * - `search_sessions` over MCP (stdio round trip to the compiled binary) vs the same search called
 *   directly in this process, query by query (best of five each): the added latency (target p95 ≤ 20 ms);
 * - `chasm export --all` of every session to Markdown (target ≥ 2,000 sessions/s) vs a minimal
 *   export (one query per session, its text written to one file, nothing rendered or redacted);
 *   the unchanged re-export (target ≤ 5 s); peak RSS at 10k and at the full corpus (memory flat).
 *   bun scripts/bench/mcp-export.ts [--sessions 100000] [--messages 10] [--queries 200]
 */
import { Database } from 'bun:sqlite'
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js'
import { openDatabase } from '../../src/db'
import { createMcpServer } from '../../src/mcp'
import { searchSessions } from '../../src/search'
import { silentLogger } from '../../src/shared/log'
import { build, outfileFor } from '../build'
import { benchDatabase, COMMON_TERM, RARE_TERM, rng, textSource } from './corpus'
import { ms, percentile } from './stats'

const { values } = parseArgs({
  options: { sessions: { type: 'string', default: '100000' }, messages: { type: 'string', default: '10' }, queries: { type: 'string', default: '200' } },
})
const sessions = Number(values.sessions)
const perSession = Number(values.messages)
const queries = Number(values.queries)

console.log(`# chasm MCP and export benchmark (${sessions} sessions × ${perSession} messages)`)
const dbPath = benchDatabase(`read-${sessions}x${perSession}`, { sessions, messagesPerSession: perSession })
const smallDb = benchDatabase(`read-10000x${perSession}`, { sessions: 10_000, messagesPerSession: perSession })
const binary = outfileFor(null)
await build(null)

// --- search_sessions over MCP vs the search itself ------------------------------------------------
{
  const { pick } = textSource(7)
  const random = rng(11)
  const terms = Array.from({ length: queries }, (_, i) =>
    i % 10 === 0 ? RARE_TERM : i % 10 === 1 ? COMMON_TERM : random() < 0.5 ? pick() : `${pick()} ${pick()}`,
  )
  const chasm = openDatabase(dbPath)
  const client = new Client({ name: 'bench', version: '1' })
  await client.connect(new StdioClientTransport({ command: binary, args: ['mcp', '--db', dbPath, '--no-harvest'], stderr: 'ignore' }))
  const searchDirect = (query: string) => searchSessions(chasm.sqlite, query, { limit: 10 })
  const searchMcp = (query: string) => client.callTool({ name: 'search_sessions', arguments: { query, limit: 10 } })
  for (const query of terms.slice(0, 10)) {
    searchDirect(query)
    await searchMcp(query)
  }
  const directMs: number[] = []
  const mcpMs: number[] = []
  const added: number[] = []
  // Query by query, alternating which side goes first, each side's best of five: both see the same
  // machine load and warm caches, and a spike from another process on this shared machine is not
  // taken for the cost of MCP.
  for (const query of terms) {
    let a = Infinity
    let b = Infinity
    for (let round = 0; round < 5; round++) {
      const timeDirect = () => {
        const started = performance.now()
        searchDirect(query)
        a = Math.min(a, performance.now() - started)
      }
      if (round % 2 === 0) timeDirect()
      const started = performance.now()
      const result = await searchMcp(query)
      b = Math.min(b, performance.now() - started)
      if (result.isError) throw new Error(`search_sessions failed for ${query}`)
      if (round % 2 === 1) timeDirect()
    }
    directMs.push(a)
    mcpMs.push(b)
    added.push(b - a)
  }
  await client.close()
  // The same through an in-memory transport in this process: the protocol and the tool's own work
  // (validation, snippet redaction, JSON), without a second process competing for the CPU.
  const server = createMcpServer({ sqlite: chasm.sqlite, dbPath, version: 'bench', log: silentLogger })
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair()
  await server.connect(serverSide)
  const local = new Client({ name: 'bench', version: '1' })
  await local.connect(clientSide)
  const addedInProcess: number[] = []
  for (const query of terms) {
    let a = Infinity
    let b = Infinity
    for (let round = 0; round < 5; round++) {
      let started = performance.now()
      searchDirect(query)
      a = Math.min(a, performance.now() - started)
      started = performance.now()
      await local.callTool({ name: 'search_sessions', arguments: { query, limit: 10 } })
      b = Math.min(b, performance.now() - started)
    }
    addedInProcess.push(b - a)
  }
  await local.close()
  chasm.close()
  const p95 = percentile(added, 95)
  console.log(`search, direct call:          p50 ${ms(percentile(directMs, 50))}, p95 ${ms(percentile(directMs, 95))}  (${queries} queries)`)
  console.log(`search_sessions over MCP:     p50 ${ms(percentile(mcpMs, 50))}, p95 ${ms(percentile(mcpMs, 95))}  (stdio to the compiled binary)`)
  console.log(`added by MCP, per query:      p50 ${ms(percentile(added, 50))}, p95 ${ms(p95)}  (target p95 ≤ 20 ms: ${p95 <= 20 ? 'OK' : 'MISSED'})`)
  console.log(`added in process (in memory): p50 ${ms(percentile(addedInProcess, 50))}, p95 ${ms(percentile(addedInProcess, 95))}  (no process boundary)`)
}

// --- export --all vs a minimal export ---------------------------------------------------------------
const work = join(tmpdir(), `chasm-bench-export-${process.pid}`)
rmSync(work, { recursive: true, force: true })

/** Without GNU time (macOS, a minimal image) the export's peak RSS is reported as unknown. */
const HAS_GNU_TIME = existsSync('/usr/bin/time')

/**
 * Runs `chasm export --all` from the binary; returns seconds, peak RSS (MB) and its report (the
 * `data` of the CLI's JSON envelope). The peak is GNU time's (`%M`, KiB) of that process alone: Bun's
 * `resourceUsage()` of a child reported the largest of every child so far (the MCP server's).
 */
async function exportAll(db: string, out: string) {
  const started = performance.now()
  const command = [binary, 'export', '--all', '--out', out, '--db', db, '--json']
  const proc = Bun.spawn(HAS_GNU_TIME ? ['/usr/bin/time', '-f', 'peak-rss-kib %M', ...command] : command, { stdout: 'pipe', stderr: 'pipe' })
  const [stdout, stderr] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()])
  if ((await proc.exited) !== 0) throw new Error(`export failed: ${stderr}`)
  const seconds = (performance.now() - started) / 1000
  const peakKib = Number(/peak-rss-kib (\d+)/.exec(stderr)?.[1] ?? Number.NaN)
  return { seconds, rssMb: peakKib / 1024, report: (JSON.parse(stdout) as { data: { sessions: number; written: number; unchanged: number } }).data }
}

/** The least an export can do: each session's messages by one prepared query, their text into one file. */
function minimalExport(db: string, out: string): number {
  const started = performance.now()
  const sqlite = new Database(db, { readonly: true })
  const messages = sqlite.prepare<{ role: string; content: string }, [number]>('SELECT role, content FROM messages WHERE session_pk = ? ORDER BY idx')
  const made = new Set<string>()
  for (const row of sqlite.prepare<{ pk: number; provider: string; workspace_id: string | null }, []>('SELECT pk, provider, workspace_id FROM sessions').iterate()) {
    const dir = join(out, row.provider, row.workspace_id ?? 'none')
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true })
      made.add(dir)
    }
    writeFileSync(join(dir, `${row.pk}.md`), messages.all(row.pk).map((m) => `## ${m.role}\n\n${m.content}\n`).join('\n'))
  }
  sqlite.close()
  return (performance.now() - started) / 1000
}

const baselineSeconds = minimalExport(dbPath, join(work, 'minimal'))
rmSync(join(work, 'minimal'), { recursive: true, force: true })
const small = await exportAll(smallDb, join(work, 'small'))
const first = await exportAll(dbPath, join(work, 'tree'))
const again = await exportAll(dbPath, join(work, 'tree'))
rmSync(work, { recursive: true, force: true })

const rate = first.report.sessions / first.seconds
const baselineRate = sessions / baselineSeconds
console.log(`minimal export (baseline):    ${sessions} sessions in ${baselineSeconds.toFixed(1)} s = ${baselineRate.toFixed(0)} sessions/s`)
console.log(
  `chasm export --all:           ${first.report.written} written in ${first.seconds.toFixed(1)} s = ${rate.toFixed(0)} sessions/s ` +
    `(${((rate / baselineRate) * 100).toFixed(0)} % of the baseline; target ≥ 2,000/s: ${rate >= 2000 ? 'OK' : 'MISSED'})`,
)
console.log(
  `unchanged re-export:          ${again.report.unchanged} unchanged, ${again.report.written} written in ${again.seconds.toFixed(2)} s ` +
    `(target ≤ 5 s: ${again.seconds <= 5 ? 'OK' : 'MISSED'})`,
)
if (HAS_GNU_TIME) {
  console.log(
    `peak RSS:                     ${small.rssMb.toFixed(0)} MB at ${small.report.sessions} sessions, ${first.rssMb.toFixed(0)} MB at ${first.report.sessions} ` +
      `(×${(first.rssMb / small.rssMb).toFixed(2)} for ×${(first.report.sessions / small.report.sessions).toFixed(0)} the sessions)`,
  )
} else console.log('peak RSS:                     unknown (needs GNU time at /usr/bin/time)')
