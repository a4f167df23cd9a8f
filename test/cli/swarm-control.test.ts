import { beforeAll, describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { createAgency, discardRecorder } from '../../src/agency'
import { openDatabase } from '../../src/db'
import { latch, scriptByModel, startFakeModels } from '../agency/support/fake-models'
import { compiledBinary, serveBinary } from '../support/binary'
import { runChasm } from '../support/cli'
import { tempDir } from '../support/temp'
import { until } from '../support/wait'

let binary: string
beforeAll(async () => {
  binary = await compiledBinary()
}, 180_000)

/** A database with swarm `dev-team`: `tech-lead` (Anthropic) coordinating `backend-dev` (OpenAI). */
function teamDb(dir: string): { db: string; swarmId: string } {
  const db = join(dir, 'chasm.db')
  const chasm = openDatabase(db)
  const agency = createAgency({ sqlite: chasm.sqlite, env: {}, dataDir: dir, recorder: discardRecorder })
  agency.createAgent({ name: 'tech-lead', instruction: 'Lead.', model: 'claude-lead' })
  agency.createAgent({ name: 'backend-dev', instruction: 'Code.', model: 'gpt-backend' })
  const swarmId = agency.createSwarm({ name: 'dev-team', coordinator: 'tech-lead', workers: ['backend-dev'] }).id
  chasm.close()
  return { db, swarmId }
}

const PLAN = '{"assignments": [{"worker": "backend-dev", "task": "write the API"}]}'

/** `chasm swarm run … --json` in its own process, with its JSON Lines collected as they come. */
function foregroundRun(db: string, env: Record<string, string>) {
  const proc = Bun.spawn([binary, 'swarm', 'run', 'dev-team', 'Build the API', '--db', db, '--json'], {
    stdout: 'pipe',
    stderr: 'pipe',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
  })
  const events: Array<{ type: string; [key: string]: unknown }> = []
  let partial = ''
  const reading = (async () => {
    for await (const chunk of proc.stdout) {
      partial += new TextDecoder().decode(chunk)
      const lines = partial.split('\n')
      partial = lines.pop()!
      for (const line of lines) events.push(JSON.parse(line).data)
    }
  })()
  const types = () => events.map((event) => event.type)
  return {
    proc,
    events,
    types,
    /** Resolves once the run has reported an event of this type. */
    reported: (type: string) => until(() => types().includes(type), `the run to report '${type}'`),
    async finished() {
      const code = await proc.exited
      await reading
      return { code, stderr: await new Response(proc.stderr).text() }
    },
    [Symbol.dispose]: () => proc.kill('SIGKILL'),
  }
}

describe('issue 15: swarm pause|resume|stop act on a run another process owns', () => {
  test('a foreground `swarm run` pauses at its next step boundary and resumes, as told from another process', async () => {
    using dir = tempDir()
    const { db } = teamDb(dir.path)
    const work = latch()
    using fake = startFakeModels(
      scriptByModel({ 'claude-lead': [{ text: PLAN }, { text: 'The API is done.' }], 'gpt-backend': [{ text: 'written', hold: work.promise }] }),
    )
    using run = foregroundRun(db, fake.env())
    await fake.received(2)

    const paused = await runChasm(['swarm', 'pause', 'dev-team', '--db', db, '--json'])
    expect([paused.code, JSON.parse(paused.stdout).data.status]).toEqual([0, 'paused'])
    // The owner saw the stored pause; the worker's call in flight finishes, then the run holds.
    await run.reported('pausing')
    work.release()
    await run.reported('paused')
    expect(fake.requests.map((r) => r.model)).toEqual(['claude-lead', 'gpt-backend'])
    const stepEnded = run.events.find((e) => e.type === 'step-end' && e.agent === 'backend-dev')
    expect(stepEnded).toMatchObject({ status: 'completed', detail: 'written' })

    const resumed = await runChasm(['swarm', 'resume', 'dev-team', '--db', db, '--json'])
    expect([resumed.code, JSON.parse(resumed.stdout).data.status]).toEqual([0, 'running'])
    expect(await run.finished()).toMatchObject({ code: 0 })
    expect(run.types().filter((type) => ['pausing', 'paused', 'resumed', 'end'].includes(type))).toEqual(['pausing', 'paused', 'resumed', 'end'])
    expect(run.events.at(-1)).toEqual({ type: 'end', status: 'completed', result: 'The API is done.', error: null })
    expect(fake.requests.map((r) => r.model)).toEqual(['claude-lead', 'gpt-backend', 'claude-lead'])
  }, 60_000)

  test('stop from another process aborts the call in flight and ends the foreground run', async () => {
    using dir = tempDir()
    const { db } = teamDb(dir.path)
    const never = latch()
    using fake = startFakeModels(scriptByModel({ 'claude-lead': [{ text: PLAN }], 'gpt-backend': [{ text: 'too late', hold: never.promise }] }))
    using run = foregroundRun(db, fake.env())
    await fake.received(2)
    const stopped = await runChasm(['swarm', 'stop', 'dev-team', '--db', db])
    expect(stopped).toEqual({ code: 0, stdout: 'Stopped swarm dev-team\n', stderr: '' })
    const { code, stderr } = await run.finished()
    expect([code, stderr]).toEqual([1, 'chasm: run stopped\n'])
    expect(run.events.at(-1)).toEqual({ type: 'end', status: 'stopped', result: null, error: null })
    const runs = JSON.parse((await runChasm(['swarm', 'runs', 'dev-team', '--db', db, '--json'])).stdout).data
    expect(runs.map((r: { status: string }) => r.status)).toEqual(['stopped'])
    const shown = await runChasm(['swarm', 'show', 'dev-team', '--db', db])
    expect(shown.stdout).toContain('status:      stopped\n')
  }, 60_000)

  test("the server's run stops when the CLI says so; pause on a swarm that is not running is refused", async () => {
    using dir = tempDir()
    const { db, swarmId } = teamDb(dir.path)
    const never = latch()
    using fake = startFakeModels(scriptByModel({ 'claude-lead': [{ text: PLAN }], 'gpt-backend': [{ text: 'too late', hold: never.promise }] }))
    await using server = await serveBinary(binary, ['--db', db, '--no-harvest'], fake.env())
    const started = await fetch(`${server.url}/api/v1/swarms/${swarmId}/start`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"prompt": "Go"}' })
    expect(started.status).toBe(202)
    const { runId } = ((await started.json()) as { data: { runId: string } }).data
    await fake.received(2)
    const get = async (path: string) => ((await (await fetch(`${server.url}${path}`)).json()) as { data: any }).data

    const stopped = await runChasm(['swarm', 'stop', 'dev-team', '--db', db, '--json'])
    expect([stopped.code, JSON.parse(stopped.stdout).data.status]).toEqual([0, 'stopped'])
    // Only the server can end the run's recorded session, and only once it aborted the call held forever.
    const lastMessage = async () => (await get(`/api/sessions/${runId}`)).messages.at(-1)
    await until(async () => (await lastMessage()).content === 'Run stopped.', 'the server to abort the run and record its end')
    const run = await get(`/api/v1/swarms/${swarmId}/runs/${runId}`)
    expect([run.status, run.steps.at(-1)]).toMatchObject(['stopped', { agent: 'backend-dev', kind: 'work', status: 'stopped' }])

    const again = await runChasm(['swarm', 'pause', 'dev-team', '--db', db, '--json'])
    expect([again.code, JSON.parse(again.stdout).error]).toEqual([
      1,
      { code: 'CONFLICT', message: "cannot pause swarm 'dev-team' while it is stopped (allowed from: running)" },
    ])
  }, 60_000)
})
