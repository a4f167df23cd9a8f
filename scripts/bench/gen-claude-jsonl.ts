/**
 * Writes a Claude Code transcript of a requested size, in a home layout
 * (`<out>/.claude/projects/-bench-project/<session>.jsonl`), for memory and speed tests of the harvest.
 *
 * @example
 * bun scripts/bench/gen-claude-jsonl.ts --mb 1024 --out /tmp/bench-home           # write only
 * bun scripts/bench/gen-claude-jsonl.ts --mb 1024 --out /tmp/bench-home --harvest # then harvest it, report time and peak RSS
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'

/** What was written: enough to check a harvest of the file. */
export interface GeneratedTranscript {
  path: string
  sessionId: string
  bytes: number
  turns: number
  /** Messages a harvest must produce: per turn a prompt, an assistant message with a tool call, and a reply. */
  messages: number
  toolInvocations: number
}

const SESSION_ID = '0e0e0e0e-b0b0-4c4c-8d8d-123456789abc'
const CWD = '/bench/project'
const BASE_TIME = Date.parse('2026-01-01T00:00:00.000Z')

/** Writes lines until the file reaches `bytes`; each turn is a prompt, a split assistant message with a Bash call, its result and a reply. */
export async function writeClaudeTranscript(home: string, bytes: number, toolOutputChars = 8 * 1024): Promise<GeneratedTranscript> {
  const dir = join(home, '.claude', 'projects', '-bench-project')
  mkdirSync(dir, { recursive: true })
  const path = join(dir, `${SESSION_ID}.jsonl`)
  const writer = Bun.file(path).writer({ highWaterMark: 1024 * 1024 })
  const output = 'build step ok — ✓ '.repeat(Math.ceil(toolOutputChars / 18)).slice(0, toolOutputChars)
  let written = 0
  let turns = 0
  let clock = BASE_TIME
  let parent: string | null = null
  const line = (record: Record<string, unknown>) => {
    const uuid = `u-${turns}-${written}`
    clock += 250
    const text = `${JSON.stringify({
      parentUuid: parent,
      isSidechain: false,
      userType: 'external',
      cwd: CWD,
      sessionId: SESSION_ID,
      version: '2.1.40',
      gitBranch: 'main',
      ...record,
      uuid,
      timestamp: new Date(clock).toISOString(),
    })}\n`
    parent = uuid
    written += Buffer.byteLength(text)
    writer.write(text)
  }
  const assistant = (id: string, block: Record<string, unknown>) => ({
    type: 'assistant',
    requestId: `req_${turns}`,
    message: { id, type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [block], usage: { input_tokens: 900, output_tokens: 120 } },
  })
  while (written < bytes) {
    const call = `toolu_${turns}`
    line({ type: 'user', message: { role: 'user', content: `Turn ${turns}: run the build again and tell me what changed since the last run.` } })
    line(assistant(`msg_${turns}_a`, { type: 'thinking', thinking: 'Run the build, then compare the output.', signature: 'c2lnbmF0dXJl' }))
    line(assistant(`msg_${turns}_a`, { type: 'text', text: `Running the build (turn ${turns}).` }))
    line(assistant(`msg_${turns}_a`, { type: 'tool_use', id: call, name: 'Bash', input: { command: 'npm run build', description: 'Build' } }))
    line({ type: 'user', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: call, content: output }] } })
    line(assistant(`msg_${turns}_b`, { type: 'text', text: `The build passed; nothing changed in turn ${turns}.` }))
    turns += 1
    if (turns % 256 === 0) await writer.flush()
  }
  await writer.end()
  return { path, sessionId: SESSION_ID, bytes: written, turns, messages: turns * 3, toolInvocations: turns }
}

async function main() {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { mb: { type: 'string', default: '64' }, out: { type: 'string' }, harvest: { type: 'boolean', default: false } },
  })
  const mb = Number(values.mb)
  if (!Number.isFinite(mb) || mb <= 0) throw new Error('--mb must be a positive number')
  const home = values.out ?? join(process.cwd(), 'bench-home')
  const generated = await writeClaudeTranscript(home, Math.round(mb * 1024 * 1024))
  console.log(`wrote ${generated.path}: ${(generated.bytes / 1048576).toFixed(1)} MiB, ${generated.turns} turns, ${generated.messages} messages`)
  if (!values.harvest) return
  const { openDatabase } = await import('../../src/db')
  const { PROVIDERS, runHarvest } = await import('../../src/harvest')
  const db = openDatabase(join(home, 'bench.db'))
  let peak = process.memoryUsage.rss()
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20)
  const started = performance.now()
  const summary = await runHarvest(db, PROVIDERS.filter((p) => p.id === 'claude-code'), { home, homeOverridden: true, platform: process.platform, env: {} })
  clearInterval(sampler)
  peak = Math.max(peak, process.memoryUsage.rss())
  db.close()
  const provider = summary.providers[0]
  console.log(
    `harvested ${provider?.messages ?? 0} messages in ${((performance.now() - started) / 1000).toFixed(1)} s; peak RSS ${(peak / 1048576).toFixed(0)} MiB; problems: ${summary.problemCount}`,
  )
}

if (import.meta.main) await main()
