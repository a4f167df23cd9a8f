#!/usr/bin/env bun
/**
 * Recording's own cost, measured so a busy machine does not blur it: events applied per CPU-second
 * of the process (not per wall-clock second), in-process (no HTTP), for this checkout and a baseline
 * checkout, alternating runs in the same session; prints each median and the ratio.
 *   bun scripts/bench/recording-cpu.ts [--base-ref main | --base DIR] [--rounds 5] [--events 20000]
 * Scenarios: single events through the group commit (as a WebSocket sends them), batches of 100
 * (as REST), and message_delta events one per transaction (streamed text).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { median } from './stats'

const { values } = parseArgs({
  options: {
    'base-ref': { type: 'string', default: 'main' },
    base: { type: 'string' },
    rounds: { type: 'string', default: '5' },
    events: { type: 'string', default: '20000' },
    child: { type: 'string' },
  },
})
const EVENTS = Number(values.events)
const CONTENT = 'The session cookie is refreshed on every request; rotate it after login and expire it after 30 minutes of inactivity.'
type Figures = { single: number; batch: number; delta: number }

/** In a child process: applies the scenarios with the recorder of checkout `root`, prints events per CPU-second. */
async function measure(root: string): Promise<Figures> {
  const { openDatabase } = await import(join(root, 'src/db/index.ts'))
  const { createRecorder } = await import(join(root, 'src/recording/index.ts'))
  const event = (session: string, i: number) => ({
    session_id: session,
    event_type: 'message',
    event_id: `${session}-${i}`,
    data: { message_id: `m${i}`, role: i % 2 ? 'assistant' : 'user', content: `${CONTENT} #${i}`, ...(i % 5 === 0 ? { tool_calls: [{ name: 'read', input: { path: 'a' }, output: 'x' }] } : {}) },
  })
  const dir = mkdtempSync(join(tmpdir(), 'chasm-bench-recording-cpu-'))
  const chasm = openDatabase(join(dir, 'bench.db'))
  const recorder = createRecorder(chasm, {})
  const cpuMs = () => {
    const usage = process.cpuUsage()
    return (usage.user + usage.system) / 1000
  }
  const rate = async (count: number, work: () => unknown) => {
    const started = cpuMs()
    await work()
    return Math.round(count / ((cpuMs() - started) / 1000))
  }
  const single = await rate(EVENTS, async () => {
    const pending: Promise<unknown>[] = []
    for (let i = 0; i < EVENTS; i++) {
      pending.push(recorder.submit(event(`s${i % 8}`, i)))
      if (pending.length >= 64) await Promise.all(pending.splice(0))
    }
    await Promise.all(pending)
  })
  const batch = await rate(EVENTS, () => {
    for (let i = 0; i < EVENTS; i += 100) recorder.apply({ events: Array.from({ length: 100 }, (_, k) => event(`b${(i / 100) % 4}`, i + k)) })
  })
  recorder.apply({ session_id: 'd', event_type: 'message', data: { message_id: 'm0', role: 'assistant', content: '' } })
  const deltas = EVENTS / 4
  const delta = await rate(deltas, () => {
    for (let i = 0; i < deltas; i++) recorder.apply({ session_id: 'd', event_type: 'message_delta', event_id: `d-${i}`, data: { message_id: 'm0', content: 'x' } })
  })
  chasm.close()
  rmSync(dir, { recursive: true, force: true })
  return { single, batch, delta }
}

if (values.child) {
  console.log(JSON.stringify(await measure(values.child)))
} else {
  const here = join(import.meta.dir, '..', '..')
  let base = values.base
  let clone: string | null = null
  if (!base) {
    clone = mkdtempSync(join(tmpdir(), 'chasm-bench-base-'))
    const run = (command: string[], cwd: string) => {
      const proc = Bun.spawnSync(command, { cwd, stdout: 'pipe', stderr: 'pipe' })
      if (proc.exitCode !== 0) throw new Error(`${command.join(' ')}: ${proc.stderr.toString()}`)
    }
    run(['git', 'clone', '--quiet', here, clone], here)
    run(['git', 'checkout', '--quiet', '--detach', values['base-ref']!], clone)
    run([process.execPath, 'install', '--frozen-lockfile'], clone)
    base = clone
  }
  const child = (root: string): Figures => {
    const proc = Bun.spawnSync([process.execPath, import.meta.path, '--child', root, '--events', String(EVENTS)], { stdout: 'pipe', stderr: 'inherit' })
    if (proc.exitCode !== 0) throw new Error(`measuring ${root} failed`)
    return JSON.parse(proc.stdout.toString()) as Figures
  }
  const runs: Record<'base' | 'here', Figures[]> = { base: [], here: [] }
  for (let round = 0; round < Number(values.rounds); round++) {
    runs.base.push(child(base))
    runs.here.push(child(here))
  }
  console.log(`# recording apply cost: events per CPU-second, median of ${values.rounds} alternating runs (${EVENTS} events each); baseline ${values.base ?? values['base-ref']}`)
  for (const [key, label] of [['single', 'single events, group commit'], ['batch', 'batches of 100'], ['delta', 'message_delta, one per transaction']] as const) {
    const b = median(runs.base.map((f) => f[key]))
    const h = median(runs.here.map((f) => f[key]))
    console.log(`${label}: ${h} vs baseline ${b} events/CPU-s = ${Math.round((h / b) * 100)} %`)
  }
  if (clone) rmSync(clone, { recursive: true, force: true })
}
