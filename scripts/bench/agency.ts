/**
 * Orchestration overhead per run step: everything a step costs except waiting for the model.
 * A swarm with one worker makes N sequential tool-calling rounds against the loopback fake model
 * server; each step's wall time minus its time inside `fetch` is its overhead. Prints the median.
 *
 *   bun scripts/bench/agency.ts [--rounds 200]
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createAgency, type RunProgress } from '../../src/agency'
import { openDatabase } from '../../src/db'
import { createRecorder } from '../../src/recording'
import { scriptByModel, startFakeModels, type ScriptedReply } from '../../test/agency/support/fake-models'
import { ms, percentile } from './stats'

const roundsFlag = process.argv.indexOf('--rounds')
const rounds = roundsFlag === -1 ? 200 : Number(process.argv[roundsFlag + 1])

const calc: ScriptedReply = { toolCalls: [{ name: 'calculator', arguments: { expression: '(1 + 2) * 3 ^ 2' } }] }
const fake = startFakeModels(
  scriptByModel({
    lead: [{ text: JSON.stringify({ assignments: [{ worker: 'worker', task: 'compute' }] }) }, { text: 'done' }],
    worker: [...Array.from({ length: rounds - 1 }, () => calc), { text: 'finished' }],
  }),
)
const dir = mkdtempSync(join(tmpdir(), 'chasm-bench-agency-'))
const db = openDatabase(join(dir, 'chasm.db'))
const recorder = createRecorder(db)

// Time spent inside fetch (request out → response headers in) is model time; the rest is ours.
const fetchTimes: number[] = []
const timedFetch = async (input: string | URL | Request, init?: RequestInit) => {
  const started = performance.now()
  const response = await fetch(input, init)
  fetchTimes.push(performance.now() - started)
  return response
}

const agency = createAgency({
  sqlite: db.sqlite,
  env: fake.env(),
  dataDir: dir,
  // The run is recorded as a live session, as in `chasm api serve`.
  recorder: { record: (events) => recorder.submit({ events }, { origin: 'agency' }) },
  http: { fetch: timedFetch },
  limits: { maxIterations: rounds + 1 },
})
agency.createAgent({ name: 'lead', instruction: 'Lead.', model: 'lead', provider: 'openai' })
agency.createAgent({ name: 'worker', instruction: 'Work.', model: 'worker', provider: 'openai', tools: ['calculator'] })
const swarm = agency.createSwarm({ name: 'bench', coordinator: 'lead', workers: ['worker'] })

const ends: Array<{ at: number; model: boolean }> = []
const onProgress = (event: RunProgress) => {
  if (event.type === 'step-end') ends.push({ at: performance.now(), model: event.kind !== 'tool' })
}
const started = performance.now()
const outcome = await agency.startRun(swarm.id, { prompt: 'Compute.' }, { onProgress }).done
const total = performance.now() - started
if (outcome.status !== 'completed') throw new Error(`bench run ended ${outcome.status}: ${outcome.error}`)

let modelIndex = 0
let previous = started
const overheads = ends.map((end) => {
  const wall = end.at - previous
  previous = end.at
  return end.model ? wall - fetchTimes[modelIndex++]! : wall
})
const median = percentile(overheads, 50)

console.log(`agency: ${ends.length} steps (${rounds} model rounds of one worker + plan + synthesis) in ${ms(total)}`)
console.log(`orchestration overhead per step: median ${ms(median)}, p90 ${ms(percentile(overheads, 90))}, max ${ms(Math.max(...overheads))} (budget: median ≤ 5 ms)`)

await agency.close()
db.close()
fake.stop()
rmSync(dir, { recursive: true, force: true })
if (median > 5) process.exitCode = 1
