import { describe, expect, test } from 'bun:test'
import { latch, scriptByModel, startFakeModels, type Script } from '../agency/support/fake-models'
import { testApp } from '../support/app'
import { until } from '../support/wait'

const post = (body?: unknown): RequestInit =>
  body === undefined ? { method: 'POST' } : { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) }
const error = (status: number, code: string, message: string) => ({ status, body: { success: false, error: { code, message } } })

type App = ReturnType<typeof testApp>

/** Polls a run over HTTP until it leaves running/paused (the API has no blocking wait). */
async function settledRun(t: App, swarmId: string, runId: string) {
  let run: any
  await until(async () => {
    run = (await t.json(`/api/v1/swarms/${swarmId}/runs/${runId}`)).body.data
    return run.status !== 'running' && run.status !== 'paused'
  }, `run ${runId} to settle`)
  return run
}

async function seedAgents(t: App) {
  const agents = [
    { name: 'tech-lead', model: 'claude-lead', role: 'coordinator' },
    { name: 'frontend-dev', model: 'gpt-frontend', role: 'coder' },
    { name: 'backend-dev', model: 'gemini-backend', role: 'coder' },
    { name: 'tester', model: 'ollama/tester', role: 'tester' },
  ]
  for (const agent of agents) {
    const response = await t.json('/api/v1/agents', post({ ...agent, instruction: `You are the ${agent.name}.` }))
    expect(response.status).toBe(201)
  }
}

// The seed's curl examples, byte for byte.
const SEED_SWARM = `{
"name": "dev-team",
"coordinator": "tech-lead",
"workers": ["frontend-dev", "backend-dev", "tester"],
"description": "Full-stack development team"
}`
const SEED_START = '{"prompt": "Build a todo app with user authentication"}'

describe('/api/v1/swarms', () => {
  test("the seed's create and start examples work as written, and the run is readable step by step", async () => {
    using fake = startFakeModels(
      scriptByModel({
        'claude-lead': [
          { text: '{"assignments": [{"worker": "frontend-dev", "task": "login form"}, {"worker": "backend-dev", "task": "auth API"}, {"worker": "tester", "task": "test login"}]}' },
          { text: 'The todo app is ready.' },
        ],
        'gpt-frontend': [{ text: 'form done' }],
        'gemini-backend': [{ text: 'API done' }],
        tester: [{ text: 'tests pass' }],
      }),
    )
    await using t = testApp({ agency: { env: fake.env() } })
    await seedAgents(t)
    const created = await t.json('/api/v1/swarms', post(SEED_SWARM))
    const swarm = structuredClone(created.body.data)
    expect(created).toMatchObject({
      status: 201,
      body: {
        success: true,
        data: {
          name: 'dev-team',
          description: 'Full-stack development team',
          coordinator: 'tech-lead',
          workers: ['frontend-dev', 'backend-dev', 'tester'],
          status: 'idle',
          lastRun: null,
        },
      },
    })
    const started = await t.json(`/api/v1/swarms/${swarm.id}/start`, post(SEED_START))
    expect(started.status).toBe(202)
    const { runId } = started.body.data
    expect(started.body).toEqual({ success: true, data: { runId, sessionId: runId, status: 'running' } })

    const run = await settledRun(t, swarm.id, runId)
    expect([run.status, run.result, run.prompt, run.error]).toEqual(['completed', 'The todo app is ready.', 'Build a todo app with user authentication', null])
    expect(run.steps.map((s: { kind: string; agent: string; status: string }) => `${s.kind}:${s.agent}:${s.status}`).sort()).toEqual([
      'plan:tech-lead:completed',
      'synthesis:tech-lead:completed',
      'work:backend-dev:completed',
      'work:frontend-dev:completed',
      'work:tester:completed',
    ])
    expect(run.steps[0]).toEqual({
      index: 0, agent: 'tech-lead', kind: 'plan', status: 'completed', tokens: { input: 10, output: 5 },
      input: expect.any(Array), output: expect.objectContaining({ plan: expect.objectContaining({ fallback: false }) }),
      startedAt: expect.any(String), endedAt: expect.any(String),
    })
    const runs = await t.json(`/api/v1/swarms/${swarm.id}/runs`)
    const { steps: _steps, ...summary } = run
    expect(runs.body).toEqual({ success: true, data: [summary], meta: { total: 1, limit: 50, offset: 0 } })
    expect((await t.json(`/api/v1/swarms/${swarm.id}`)).body.data).toMatchObject({ status: 'completed', lastRun: { id: runId, status: 'completed' } })
    expect((await t.json('/api/v1/swarms')).body.meta.total).toBe(1)
  })

  test('bad input: unknown agents 400, duplicate names 409, unknown fields 400, unknown ids 404', async () => {
    await using t = testApp()
    await seedAgents(t)
    const swarm = (await t.json('/api/v1/swarms', post({ name: 'team', coordinator: 'tech-lead', workers: ['tester'] }))).body.data
    const cases: Array<[string, RequestInit, ReturnType<typeof error>]> = [
      ['/api/v1/swarms', post({ name: 'x', coordinator: 'ghost', workers: ['tester'] }), error(400, 'BAD_REQUEST', "Invalid parameter 'coordinator': no agent named 'ghost' (or with that id)")],
      ['/api/v1/swarms', post({ name: 'x', coordinator: 'tech-lead', workers: ['tester', 'phantom'] }), error(400, 'BAD_REQUEST', "Invalid parameter 'workers': no agent named 'phantom' (or with that id)")],
      ['/api/v1/swarms', post({ name: 'x', coordinator: 'tech-lead', workers: [] }), error(400, 'BAD_REQUEST', "Invalid body field 'workers': must have at least 1 item (got [])")],
      ['/api/v1/swarms', post({ name: 'x', coordinator: 'tech-lead' }), error(400, 'BAD_REQUEST', "Missing required body field 'workers'")],
      ['/api/v1/swarms', post({ name: 'team', coordinator: 'tech-lead', workers: ['tester'] }), error(409, 'CONFLICT', "a swarm named 'team' already exists")],
      ['/api/v1/swarms', post({ name: 'x', coordinator: 'tech-lead', workers: ['tester'], status: 'running' }), error(400, 'BAD_REQUEST', "Unknown body field 'status'")],
      [`/api/v1/swarms/${swarm.id}`, { ...post({ workers: ['nobody'] }), method: 'PUT' }, error(400, 'BAD_REQUEST', "Invalid parameter 'workers': no agent named 'nobody' (or with that id)")],
      [`/api/v1/swarms/${swarm.id}/start`, post({}), error(400, 'BAD_REQUEST', "Missing required body field 'prompt'")],
      [`/api/v1/swarms/${swarm.id}/start`, post({ prompt: ' ' }), error(400, 'BAD_REQUEST', `Invalid body field 'prompt': must not be empty (got " ")`)],
      [`/api/v1/swarms/${swarm.id}/start`, post('{"prompt":'), error(400, 'BAD_REQUEST', 'Malformed JSON in request body')],
      ['/api/v1/swarms/nope', { method: 'GET' }, error(404, 'NOT_FOUND', 'Swarm not found: nope')],
      ['/api/v1/swarms/nope/start', post({ prompt: 'x' }), error(404, 'NOT_FOUND', 'Swarm not found: nope')],
      ['/api/v1/swarms/nope/stop', post(), error(404, 'NOT_FOUND', 'Swarm not found: nope')],
      ['/api/v1/swarms/nope/runs', { method: 'GET' }, error(404, 'NOT_FOUND', 'Swarm not found: nope')],
      [`/api/v1/swarms/${swarm.id}/runs/nope`, { method: 'GET' }, error(404, 'NOT_FOUND', 'Run not found: nope')],
      ['/api/v1/swarms/nope', { method: 'DELETE' }, error(404, 'NOT_FOUND', 'Swarm not found: nope')],
    ]
    for (const [path, init, expected] of cases) {
      const { status, body } = await t.json(path, init)
      expect({ path, status, body }).toEqual({ path, ...expected })
    }
    expect((await t.json(`/api/v1/swarms/${swarm.id}`, { ...post({ description: 'QA' }), method: 'PUT' })).body.data).toEqual({ ...swarm, description: 'QA', updatedAt: expect.any(String) })
  })

  test('start without credentials for a model is 400 PROVIDER_NOT_CONFIGURED and changes nothing', async () => {
    await using t = testApp({ agency: { env: { ANTHROPIC_API_KEY: 'a' } } })
    await seedAgents(t)
    const swarm = (await t.json('/api/v1/swarms', post(SEED_SWARM))).body.data
    expect(await t.json(`/api/v1/swarms/${swarm.id}/start`, post(SEED_START))).toMatchObject(
      error(400, 'PROVIDER_NOT_CONFIGURED', "agent 'frontend-dev' uses openai model 'gpt-frontend', but OPENAI_API_KEY is not set in the server's environment"),
    )
    expect((await t.json(`/api/v1/swarms/${swarm.id}`)).body.data.status).toBe('idle')
    expect((await t.json(`/api/v1/swarms/${swarm.id}/runs`)).body.meta.total).toBe(0)
  })

  test('a workspace must be an absolute, existing directory', async () => {
    using fake = startFakeModels(scriptByModel({}))
    await using t = testApp({ agency: { env: fake.env() } })
    await seedAgents(t)
    const swarm = (await t.json('/api/v1/swarms', post(SEED_SWARM))).body.data
    expect(await t.json(`/api/v1/swarms/${swarm.id}/start`, post({ prompt: 'x', workspace: 'src' }))).toMatchObject(error(400, 'BAD_REQUEST', "Invalid parameter 'workspace': must be an absolute path"))
    expect(await t.json(`/api/v1/swarms/${swarm.id}/start`, post({ prompt: 'x', workspace: '/definitely/not/here' }))).toMatchObject(
      error(400, 'BAD_REQUEST', "Invalid parameter 'workspace': not an existing directory: /definitely/not/here"),
    )
  })

  test('every illegal transition is 409, through idle, running, paused, stopped, completed and failed', async () => {
    const gate = latch()
    let planCalls = 0
    const script: Script = (request) => {
      if (request.model !== 'claude-lead') return { text: 'worker result' }
      planCalls++
      // Run 1: held plan (pause/stop). Run 2: completes. Run 3: the coordinator fails.
      if (planCalls === 1) return { text: 'plan', hold: gate.promise }
      if (planCalls <= 3) return { text: 'fine' }
      return { status: 401, text: 'invalid x-api-key' }
    }
    using fake = startFakeModels(script)
    await using t = testApp({ agency: { env: fake.env(), http: { baseDelayMs: 1, maxDelayMs: 2 } } })
    await seedAgents(t)
    const swarm = (await t.json('/api/v1/swarms', post(SEED_SWARM))).body.data
    const action = (name: string) => t.json(`/api/v1/swarms/${swarm.id}/${name}`, name === 'start' ? post({ prompt: 'Go' }) : post())
    const refused = async (status: string, names: string[]) => {
      for (const name of names) {
        const response = await action(name)
        expect({ name, status: response.status, code: response.body.error?.code, message: response.body.error?.message }).toEqual({
          name,
          status: 409,
          code: 'CONFLICT',
          message: expect.stringContaining(`cannot ${name} swarm 'dev-team' while it is ${status}`),
        })
      }
    }

    await refused('idle', ['pause', 'resume', 'stop'])
    const first = (await action('start')).body.data
    await fake.received(1)
    await refused('running', ['start', 'resume'])
    expect(await action('pause')).toMatchObject({ status: 200, body: { data: { status: 'paused' } } })
    await refused('paused', ['start', 'pause'])
    expect(await action('resume')).toMatchObject({ status: 200, body: { data: { status: 'running' } } })
    expect(await action('pause')).toMatchObject({ status: 200, body: { data: { status: 'paused' } } })
    expect(await action('stop')).toMatchObject({ status: 200, body: { data: { status: 'stopped', lastRun: { id: first.runId, status: 'stopped' } } } })
    gate.release()
    await refused('stopped', ['pause', 'resume', 'stop'])

    const second = (await action('start')).body.data
    expect((await settledRun(t, swarm.id, second.runId)).status).toBe('completed')
    await refused('completed', ['pause', 'resume', 'stop'])

    const third = (await action('start')).body.data
    expect(await settledRun(t, swarm.id, third.runId)).toMatchObject({ status: 'failed', error: 'anthropic: HTTP 401: invalid x-api-key' })
    await refused('failed', ['pause', 'resume', 'stop'])
    expect((await action('start')).status).toBe(202)
  })

  test('DELETE stops a live run first', async () => {
    const never = latch()
    using fake = startFakeModels(() => ({ text: 'late', hold: never.promise }))
    await using t = testApp({ agency: { env: fake.env() } })
    await seedAgents(t)
    const swarm = (await t.json('/api/v1/swarms', post(SEED_SWARM))).body.data
    await t.json(`/api/v1/swarms/${swarm.id}/start`, post(SEED_START))
    await fake.received(1)
    expect(await t.json(`/api/v1/swarms/${swarm.id}`, { method: 'DELETE' })).toMatchObject({ status: 200, body: { data: { id: swarm.id, deleted: true } } })
    expect((await t.json(`/api/v1/swarms/${swarm.id}`)).status).toBe(404)
    never.release()
  })
})
