import { describe, expect, test } from 'bun:test'
import { existsSync, readFileSync, realpathSync } from 'node:fs'
import { join } from 'node:path'
import { createAgency, type RunProgress, type RunStep } from '../../../src/agency'
import { FINAL_ITERATION_NOTE } from '../../../src/agency/run/plan'
import { ChasmError } from '../../../src/shared/errors'
import { tempDir } from '../../support/temp'
import { latch, scriptByModel, startFakeModels, type ScriptedReply } from '../support/fake-models'
import { ISO0, memoryRecorder, testAgency } from '../support/agency'

type TestAgency = ReturnType<typeof testAgency>

/** A coordinator on Anthropic and two workers on OpenAI and Gemini: every wire format in one run. */
function team(t: TestAgency, workerTools: { backend?: string[]; tester?: string[] } = {}) {
  t.agency.createAgent({ name: 'tech-lead', instruction: 'You lead the team.', role: 'coordinator', model: 'claude-lead', provider: 'anthropic' })
  t.agency.createAgent({
    name: 'backend-dev', description: 'Builds APIs', instruction: 'You write backend code.', role: 'coder', model: 'gpt-backend', provider: 'openai',
    tools: (workerTools.backend ?? ['file_write', 'file_read']) as never,
  })
  t.agency.createAgent({
    name: 'tester', description: 'Checks the work', instruction: 'You test things.', role: 'tester', model: 'gemini-tester', provider: 'google',
    tools: (workerTools.tester ?? ['calculator', 'file_read']) as never,
  })
  return t.agency.createSwarm({ name: 'dev-team', coordinator: 'tech-lead', workers: ['backend-dev', 'tester'] })
}

const PLAN = JSON.stringify({ assignments: [{ worker: 'backend-dev', task: 'Write api.ts' }, { worker: 'tester', task: 'Check 6*7' }] })
const errorCode = async (fn: () => unknown) => {
  try {
    await fn()
  } catch (error) {
    return (error as ChasmError).code
  }
  return 'none'
}

/** Steps of one agent without index and times, in order. */
const stepsOf = (steps: RunStep[], agent: string) =>
  steps.filter((s) => s.agent === agent).map(({ index: _i, startedAt: _s, endedAt: _e, agent: _a, ...rest }) => rest)

describe('a swarm run', () => {
  test('plans, runs workers with tools over all three wire formats, synthesises, and records everything', async () => {
    using fake = startFakeModels(
      scriptByModel({
        'claude-lead': [{ text: `Plan:\n${PLAN}`, usage: { input: 100, output: 20 } }, { text: 'Done: api.ts exists and 6*7 = 42.', usage: { input: 300, output: 12 } }],
        'gpt-backend': [
          { toolCalls: [{ id: 'call_w', name: 'file_write', arguments: { path: 'api.ts', content: 'export const api = 1\n' } }] },
          { text: 'Wrote api.ts.' },
        ],
        'gemini-tester': [
          { toolCalls: [{ name: 'calculator', arguments: { expression: '6*7' } }, { name: 'file_read', arguments: { path: '../secret.txt' } }] },
          { text: '6*7 is 42; the secret is out of reach.' },
        ],
      }),
    )
    await using t = testAgency(fake.env())
    const swarm = team(t)
    const progress: RunProgress[] = []
    const { run, done } = t.agency.startRun(swarm.id, { prompt: 'Build a todo API' }, { onProgress: (e) => progress.push(e) })
    expect(run).toEqual({ runId: 'id-5', sessionId: 'id-5', status: 'running' })
    expect(await done).toEqual({ status: 'completed', result: 'Done: api.ts exists and 6*7 = 42.', error: null })

    const workspace = realpathSync(join(t.db.dir, 'data', 'workspaces', 'id-5'))
    expect(readFileSync(join(workspace, 'api.ts'), 'utf8')).toBe('export const api = 1\n')
    expect(t.agency.getSwarm(swarm.id)).toMatchObject({
      status: 'completed',
      lastRun: { id: 'id-5', status: 'completed', prompt: 'Build a todo API', startedAt: ISO0, endedAt: ISO0 },
    })

    const detail = t.agency.getRun(swarm.id, 'id-5')
    const { steps, ...header } = detail
    expect(header).toEqual({
      id: 'id-5', swarmId: swarm.id, sessionId: 'id-5', status: 'completed', prompt: 'Build a todo API', workspace,
      result: 'Done: api.ts exists and 6*7 = 42.', error: null, startedAt: ISO0, endedAt: ISO0,
    })
    expect(steps.map((s) => s.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8])
    expect([steps[0]!.kind, steps[8]!.kind]).toEqual(['plan', 'synthesis'])
    expect(steps.every((s) => s.startedAt === ISO0 && s.endedAt === ISO0)).toBe(true)
    const planPrompt = fake.requests[0]!.messages[0]!
    expect(stepsOf(steps, 'tech-lead')).toEqual([
      {
        kind: 'plan', status: 'completed', tokens: { input: 100, output: 20 },
        input: [{ role: 'system', content: 'You lead the team.' }, planPrompt],
        output: { text: `Plan:\n${PLAN}`, toolCalls: [], plan: { assignments: [{ worker: 'backend-dev', task: 'Write api.ts' }, { worker: 'tester', task: 'Check 6*7' }], fallback: false } },
      },
      {
        kind: 'synthesis', status: 'completed', tokens: { input: 300, output: 12 },
        input: [fake.requests.at(-1)!.messages[0]!],
        output: { text: 'Done: api.ts exists and 6*7 = 42.', toolCalls: [] },
      },
    ])
    const backendTask = 'Overall task (for context):\nBuild a todo API\n\nYour subtask:\nWrite api.ts\n\nDo your subtask and reply with its result.'
    expect(stepsOf(steps, 'backend-dev')).toEqual([
      {
        kind: 'work', status: 'completed', tokens: { input: 10, output: 5 },
        input: [{ role: 'system', content: 'You write backend code.' }, { role: 'user', content: backendTask }],
        output: { text: '', toolCalls: [{ id: 'call_w', name: 'file_write', arguments: { path: 'api.ts', content: 'export const api = 1\n' } }] },
      },
      {
        kind: 'tool', status: 'completed', tokens: null,
        input: { tool: 'file_write', callId: 'call_w', arguments: { path: 'api.ts', content: 'export const api = 1\n' } },
        output: { text: 'wrote 21 bytes to api.ts', isError: false },
      },
      {
        kind: 'work', status: 'completed', tokens: { input: 10, output: 5 },
        input: [{ role: 'tool', callId: 'call_w', name: 'file_write', content: 'wrote 21 bytes to api.ts', isError: false }],
        output: { text: 'Wrote api.ts.', toolCalls: [] },
      },
    ])
    expect(stepsOf(steps, 'tester').map((s) => [s.kind, s.status, s.output])).toEqual([
      ['work', 'completed', { text: '', toolCalls: [{ id: 'call_0', name: 'calculator', arguments: { expression: '6*7' } }, { id: 'call_1', name: 'file_read', arguments: { path: '../secret.txt' } }] }],
      ['tool', 'completed', { text: '42', isError: false }],
      ['tool', 'failed', { text: "'..' is not allowed in paths ('../secret.txt'); use a path inside the workspace", isError: true }],
      ['work', 'completed', { text: '6*7 is 42; the secret is out of reach.', toolCalls: [] }],
    ])

    // What the models saw: the team in the plan prompt, tool errors flagged, both results in the synthesis.
    expect(planPrompt.role === 'user' && planPrompt.content).toContain('- backend-dev (coder): Builds APIs [tools: file_write, file_read]\n- tester (tester): Checks the work [tools: calculator, file_read]')
    const testerSecond = fake.requests.filter((r) => r.model === 'gemini-tester')[1]!
    expect(testerSecond.messages.slice(-2)).toEqual([
      { role: 'tool', callId: '', name: 'calculator', content: '42', isError: false },
      { role: 'tool', callId: '', name: 'file_read', content: "'..' is not allowed in paths ('../secret.txt'); use a path inside the workspace", isError: true },
    ])
    expect(testerSecond.tools.map((tool) => tool.name)).toEqual(['calculator', 'file_read'])
    const synthesisPrompt = fake.requests.at(-1)!.messages[0]!
    expect(synthesisPrompt.role === 'user' && synthesisPrompt.content).toBe(
      'Task:\nBuild a todo API\n\nYour team\'s results:\n\n## backend-dev\nSubtask: Write api.ts\n\nResult:\nWrote api.ts.\n\n## tester\nSubtask: Check 6*7\n\nResult:\n6*7 is 42; the secret is out of reach.\n\nWrite the final answer to the task for the user, using these results.',
    )

    // The recorded session: start, prompt, plan, assignments, every call and result, the answer, end.
    const events = t.recorder.events
    expect(events.every((e) => e.session_id === 'id-5' && e.timestamp === ISO0)).toBe(true)
    expect(events.map((e) => e.event_id)).toEqual(events.map((_, i) => `id-5:${i}`))
    expect(events[0]).toEqual({
      session_id: 'id-5', event_id: 'id-5:0', timestamp: ISO0, event_type: 'session_start',
      data: { provider: 'agency', title: 'dev-team: Build a todo API', workspace_path: workspace, model: 'claude-lead', swarm_id: swarm.id, swarm: 'dev-team' },
    })
    expect(events.slice(1, 5).map((e) => e.data)).toEqual([
      { message_id: 'prompt', role: 'user', content: 'Build a todo API' },
      { message_id: 'step-0', role: 'assistant', content: `Plan:\n${PLAN}`, model: 'claude-lead', agent: 'tech-lead', kind: 'plan', step: 0 },
      { message_id: 'assign-backend-dev', role: 'user', content: 'Write api.ts', agent: 'tech-lead', to: 'backend-dev', kind: 'assignment', fallback: false },
      { message_id: 'assign-tester', role: 'user', content: 'Check 6*7', agent: 'tech-lead', to: 'tester', kind: 'assignment', fallback: false },
    ])
    const byType = (type: string) => events.filter((e) => e.event_type === type).map((e) => e.data)
    expect(byType('tool_call').length).toBe(3)
    expect(byType('tool_result').map((d) => [d.output, d.status])).toEqual(
      expect.arrayContaining([['wrote 21 bytes to api.ts', 'ok'], ['42', 'ok'], ["'..' is not allowed in paths ('../secret.txt'); use a path inside the workspace", 'error']]),
    )
    const messageIds = new Set(byType('message').map((d) => d.message_id))
    expect(byType('tool_call').every((d) => messageIds.has(d.message_id))).toBe(true)
    expect(byType('message').some((d) => 'tool_calls' in d)).toBe(false)
    const callIds = byType('tool_call').map((d) => d.call_id)
    expect(new Set(callIds).size).toBe(3)
    expect(byType('tool_result').map((d) => d.call_id).sort()).toEqual([...callIds].sort())
    expect(events.slice(-2).map((e) => [e.event_type, e.data.content ?? null])).toEqual([
      ['message', 'Done: api.ts exists and 6*7 = 42.'],
      ['session_end', null],
    ])

    // Live progress names the agent and what it does.
    expect(progress.filter((p) => p.type === 'step-start' && p.agent === 'backend-dev').map((p) => p.type === 'step-start' && p.detail)).toEqual([
      'asking gpt-backend',
      'file_write {"path":"api.ts","content":"export const api = 1\\n"}',
      'asking gpt-backend',
    ])
    expect(progress.at(-1)).toEqual({ type: 'end', status: 'completed', result: 'Done: api.ts exists and 6*7 = 42.', error: null })
  })

  test('an unparseable plan gives every worker the whole task', async () => {
    using fake = startFakeModels(
      scriptByModel({
        'claude-lead': [{ text: 'I would start with the database, then the UI.' }, { text: 'Final.' }],
        'gpt-backend': [{ text: 'backend done' }],
        'gemini-tester': [{ text: 'tests done' }],
      }),
    )
    await using t = testAgency(fake.env())
    const swarm = team(t)
    const { done } = t.agency.startRun(swarm.id, { prompt: 'Build a todo app' })
    expect(await done).toEqual({ status: 'completed', result: 'Final.', error: null })
    const firstWorkerMessages = fake.requests.filter((r) => r.model !== 'claude-lead').map((r) => [r.model, r.messages])
    expect(firstWorkerMessages.sort()).toEqual([
      ['gemini-tester', [{ role: 'user', content: 'Build a todo app' }]],
      ['gpt-backend', [{ role: 'user', content: 'Build a todo app' }]],
    ])
    expect((t.agency.getRun(swarm.id, 'id-5').steps[0]!.output as { plan: unknown }).plan).toEqual({
      assignments: [{ worker: 'backend-dev', task: 'Build a todo app' }, { worker: 'tester', task: 'Build a todo app' }],
      fallback: true,
    })
  })

  test('a 500 from the model is retried and the run goes on', async () => {
    using fake = startFakeModels(
      scriptByModel({
        'claude-lead': [{ status: 500, text: 'upstream hiccup' }, { text: PLAN }, { status: 529, text: 'overloaded' }, { text: 'Final.' }],
        'gpt-backend': [{ text: 'ok' }],
        'gemini-tester': [{ status: 503, text: 'unavailable' }, { text: 'ok' }],
      }),
    )
    await using t = testAgency(fake.env())
    const swarm = team(t)
    expect(await t.agency.startRun(swarm.id, { prompt: 'Go' }).done).toEqual({ status: 'completed', result: 'Final.', error: null })
    expect(t.agency.getRun(swarm.id, 'id-5').steps.map((s) => [s.kind, s.status])).toEqual([
      ['plan', 'completed'],
      ['work', 'completed'],
      ['work', 'completed'],
      ['synthesis', 'completed'],
    ])
    expect(fake.requests.length).toBe(7)
  })

  test('a model failing for good fails the run, aborting the other workers', async () => {
    const slow = latch()
    using fake = startFakeModels(
      scriptByModel({
        'claude-lead': [{ text: PLAN }],
        'gpt-backend': [{ text: 'never', hold: slow.promise }],
        'gemini-tester': [{ status: 400, text: 'API key not valid' }],
      }),
    )
    await using t = testAgency(fake.env())
    const swarm = team(t)
    const outcome = await t.agency.startRun(swarm.id, { prompt: 'Go' }).done
    slow.release()
    expect(outcome).toEqual({ status: 'failed', result: null, error: 'gemini: HTTP 400: API key not valid' })
    const run = t.agency.getRun(swarm.id, 'id-5')
    expect([run.status, run.error, t.agency.getSwarm(swarm.id).status]).toEqual(['failed', 'gemini: HTTP 400: API key not valid', 'failed'])
    expect(run.steps.map((s) => [s.agent, s.status]).sort()).toEqual([
      ['backend-dev', 'stopped'],
      ['tech-lead', 'completed'],
      ['tester', 'failed'],
    ])
    expect(t.recorder.events.slice(-2).map((e) => [e.event_type, e.data])).toEqual([
      ['message', { message_id: 'run-end', role: 'system', content: 'Run failed: gemini: HTTP 400: API key not valid' }],
      ['session_end', {}],
    ])
  })

  test('a worker that keeps calling tools is cut off after its iteration limit', async () => {
    const calc: ScriptedReply = { toolCalls: [{ name: 'calculator', arguments: { expression: '1+1' } }] }
    using fake = startFakeModels(
      scriptByModel({
        'claude-lead': [{ text: JSON.stringify({ assignments: [{ worker: 'tester', task: 'loop' }] }) }, { text: 'Final.' }],
        'gemini-tester': [calc, calc, { ...calc, text: 'still going' }],
      }),
    )
    await using t = testAgency(fake.env(), { limits: { maxIterations: 3 } })
    const swarm = team(t)
    expect(await t.agency.startRun(swarm.id, { prompt: 'Go' }).done).toMatchObject({ status: 'completed' })
    const tester = fake.requests.filter((r) => r.model === 'gemini-tester')
    expect(tester.length).toBe(3)
    expect(tester[2]!.messages.at(-1)).toEqual({ role: 'user', content: FINAL_ITERATION_NOTE })
    const synthesis = fake.requests.at(-1)!.messages[0]!
    expect(synthesis.role === 'user' && synthesis.content).toContain('Result:\nstill going\n\n(stopped after 3 model calls without a final answer)')
  })

  test('tools the agent lacks or the server forbids come back to the model as tool errors', async () => {
    using fake = startFakeModels(
      scriptByModel({
        'claude-lead': [{ text: JSON.stringify({ assignments: [{ worker: 'backend-dev', task: 'try' }] }) }, { text: 'Final.' }],
        'gpt-backend': [
          { toolCalls: [{ id: 'a', name: 'terminal', arguments: { command: 'id' } }, { id: 'b', name: 'http_request', arguments: { url: 'http://x' } }, { id: 'c', name: 'rm_rf', arguments: {} }] },
          { text: 'Could not.' },
        ],
      }),
    )
    await using t = testAgency(fake.env())
    const swarm = team(t, { backend: ['terminal'] })
    await t.agency.startRun(swarm.id, { prompt: 'Go' }).done
    expect(t.agency.getRun(swarm.id, 'id-5').steps.filter((s) => s.kind === 'tool').map((s) => [s.status, s.output])).toEqual([
      ['failed', { text: 'the terminal tool is disabled on this server (start it with --allow-terminal)', isError: true }],
      ['failed', { text: "tool 'http_request' is not available to agent 'backend-dev'", isError: true }],
      ['failed', { text: "tool 'rm_rf' is not available to agent 'backend-dev'", isError: true }],
    ])
  })

  test.skipIf(process.platform === 'win32')('with --allow-terminal the terminal tool runs in the workspace given', async () => {
    using workspace = tempDir()
    using fake = startFakeModels(
      scriptByModel({
        'claude-lead': [{ text: JSON.stringify({ assignments: [{ worker: 'backend-dev', task: 'touch' }] }) }, { text: 'Final.' }],
        'gpt-backend': [{ toolCalls: [{ id: 'a', name: 'terminal', arguments: { command: 'echo made > made.txt && pwd' } }] }, { text: 'ok' }],
      }),
    )
    await using t = testAgency(fake.env(), { allowTerminal: true })
    const swarm = team(t, { backend: ['terminal'] })
    await t.agency.startRun(swarm.id, { prompt: 'Go', workspace: workspace.path }).done
    const real = realpathSync(workspace.path)
    expect(t.agency.getRun(swarm.id, 'id-5').steps.find((s) => s.kind === 'tool')!.output).toEqual({ text: `exit code: 0\n--- stdout ---\n${real}\n`, isError: false })
    expect(readFileSync(join(real, 'made.txt'), 'utf8')).toBe('made\n')
  })
})

describe('starting, pausing, resuming, stopping', () => {
  test('start is refused with PROVIDER_NOT_CONFIGURED when a key is missing, leaving the swarm idle', async () => {
    using fake = startFakeModels(scriptByModel({}))
    const { GEMINI_API_KEY: _gemini, ...env } = fake.env()
    await using t = testAgency(env)
    const swarm = team(t)
    let error: ChasmError | null = null
    try {
      t.agency.startRun(swarm.id, { prompt: 'Go' })
    } catch (e) {
      error = e as ChasmError
    }
    expect([error?.code, error?.message]).toEqual([
      'PROVIDER_NOT_CONFIGURED',
      "agent 'tester' uses google model 'gemini-tester', but GEMINI_API_KEY (or GOOGLE_API_KEY) is not set in the server's environment",
    ])
    expect(t.agency.getSwarm(swarm.id).status).toBe('idle')
    expect(t.agency.listRuns(swarm.id, { limit: 10, offset: 0 }).meta.total).toBe(0)
    expect(existsSync(join(t.db.dir, 'data', 'workspaces'))).toBe(false)
    expect(fake.requests.length).toBe(0)
  })

  test('a workspace must be an existing absolute directory', async () => {
    using fake = startFakeModels(scriptByModel({}))
    await using t = testAgency(fake.env())
    const swarm = team(t)
    const codes = [await errorCode(() => t.agency.startRun(swarm.id, { prompt: 'Go', workspace: 'relative/dir' })), await errorCode(() => t.agency.startRun(swarm.id, { prompt: 'Go', workspace: '/no/such/dir' }))]
    expect(codes).toEqual(['BAD_REQUEST', 'BAD_REQUEST'])
    expect(t.agency.getSwarm(swarm.id).status).toBe('idle')
  })

  test('pause holds the run at the next step boundary (the in-flight answer is kept); resume goes on from there', async () => {
    const slow = latch()
    using fake = startFakeModels(
      scriptByModel({
        'claude-lead': [{ text: JSON.stringify({ assignments: [{ worker: 'backend-dev', task: 'write' }] }), hold: slow.promise }, { text: 'Final.' }],
        'gpt-backend': [{ text: 'written' }],
      }),
    )
    await using t = testAgency(fake.env())
    const swarm = team(t)
    const ended: RunProgress[] = []
    let planEnded!: () => void
    const planDone = new Promise<void>((resolve) => (planEnded = resolve))
    const { done } = t.agency.startRun(swarm.id, { prompt: 'Go' }, {
      onProgress: (e) => {
        ended.push(e)
        if (e.type === 'plan') planEnded()
      },
    })
    await fake.received(1)
    expect(t.agency.pause(swarm.id).status).toBe('paused')
    expect([await errorCode(() => t.agency.pause(swarm.id)), await errorCode(() => t.agency.startRun(swarm.id, { prompt: 'again' }))]).toEqual(['CONFLICT', 'CONFLICT'])
    slow.release()
    await planDone
    // Proving a negative needs a little time: nothing may be asked while paused.
    await Bun.sleep(50)
    expect(fake.requests.length).toBe(1)
    const paused = t.agency.getRun(swarm.id, 'id-5')
    expect([paused.status, paused.steps.map((s) => [s.kind, s.status])]).toEqual(['paused', [['plan', 'completed']]])
    expect(t.agency.resume(swarm.id).status).toBe('running')
    expect(await done).toEqual({ status: 'completed', result: 'Final.', error: null })
    expect(fake.requests.length).toBe(3)
  })

  test('stop aborts the in-flight model call at once', async () => {
    const never = latch()
    using fake = startFakeModels(
      scriptByModel({
        'claude-lead': [{ text: PLAN }],
        'gpt-backend': [{ text: 'too late', hold: never.promise }],
        'gemini-tester': [{ text: 'too late', hold: never.promise }],
      }),
    )
    await using t = testAgency(fake.env())
    const swarm = team(t)
    const { done } = t.agency.startRun(swarm.id, { prompt: 'Go' })
    await fake.received(3)
    const started = performance.now()
    expect((await t.agency.stop(swarm.id)).status).toBe('stopped')
    expect(performance.now() - started).toBeLessThan(1000)
    expect(await done).toEqual({ status: 'stopped', result: null, error: null })
    const run = t.agency.getRun(swarm.id, 'id-5')
    expect([run.status, run.endedAt, run.steps.map((s) => s.status)]).toEqual(['stopped', ISO0, ['completed', 'stopped', 'stopped']])
    expect(t.recorder.events.slice(-2).map((e) => e.event_type)).toEqual(['message', 'session_end'])
    expect([await errorCode(() => t.agency.stop(swarm.id)), await errorCode(() => t.agency.resume(swarm.id))]).toEqual(['CONFLICT', 'CONFLICT'])
    never.release()
  })

  test('stop works while paused, and a finished swarm can start again', async () => {
    const slow = latch()
    using fake = startFakeModels(
      scriptByModel({
        'claude-lead': [{ text: PLAN, hold: slow.promise }, { text: 'unparseable' }, { text: 'Second answer.' }],
        'gpt-backend': [{ text: 'b' }],
        'gemini-tester': [{ text: 't' }],
      }),
    )
    await using t = testAgency(fake.env())
    const swarm = team(t)
    const first = t.agency.startRun(swarm.id, { prompt: 'One' })
    await fake.received(1)
    t.agency.pause(swarm.id)
    expect((await t.agency.stop(swarm.id)).status).toBe('stopped')
    expect((await first.done).status).toBe('stopped')
    slow.release()
    const second = t.agency.startRun(swarm.id, { prompt: 'Two' })
    expect(await second.done).toEqual({ status: 'completed', result: 'Second answer.', error: null })
    expect(t.agency.listRuns(swarm.id, { limit: 10, offset: 0 }).items.map((r) => [r.prompt, r.status])).toEqual([
      ['Two', 'completed'],
      ['One', 'stopped'],
    ])
  })

  test('deleting a running swarm stops its run first', async () => {
    const never = latch()
    using fake = startFakeModels(scriptByModel({ 'claude-lead': [{ text: PLAN, hold: never.promise }] }))
    await using t = testAgency(fake.env())
    const swarm = team(t)
    const { done } = t.agency.startRun(swarm.id, { prompt: 'Go' })
    await fake.received(1)
    await t.agency.deleteSwarm(swarm.id)
    expect((await done).status).toBe('stopped')
    expect(await errorCode(() => t.agency.getSwarm(swarm.id))).toBe('NOT_FOUND')
    never.release()
  })

  test('a restart mid-run marks the run failed: "interrupted by restart"', async () => {
    const never = latch()
    using fake = startFakeModels(scriptByModel({ 'claude-lead': [{ text: PLAN, hold: never.promise }] }))
    await using t = testAgency(fake.env())
    const swarm = team(t)
    t.agency.startRun(swarm.id, { prompt: 'Go' })
    await fake.received(1)
    // A second process on the same database, as after a crash: it finds the run orphaned.
    const recorder = memoryRecorder()
    const restarted = createAgency({ sqlite: t.db.sqlite, env: {}, dataDir: t.db.dir, recorder, clock: () => Date.parse(ISO0) })
    expect(await restarted.recoverInterruptedRuns()).toEqual(['id-5'])
    const run = t.agency.getRun(swarm.id, 'id-5')
    expect([run.status, run.error, run.endedAt, run.steps.map((s) => s.status), t.agency.getSwarm(swarm.id).status]).toEqual([
      'failed', 'interrupted by restart', ISO0, ['failed'], 'failed',
    ])
    expect(recorder.events.map((e) => [e.session_id, e.event_type, e.data])).toEqual([
      ['id-5', 'message', { message_id: 'run-end', role: 'system', content: 'Run failed: interrupted by restart' }],
      ['id-5', 'session_end', {}],
    ])
    expect(await restarted.recoverInterruptedRuns()).toEqual([])
    never.release()
  })

  test('closing the agency (server shutdown) fails live runs as interrupted by restart', async () => {
    const never = latch()
    using fake = startFakeModels(scriptByModel({ 'claude-lead': [{ text: PLAN, hold: never.promise }] }))
    await using t = testAgency(fake.env())
    const swarm = team(t)
    const { done } = t.agency.startRun(swarm.id, { prompt: 'Go' })
    await fake.received(1)
    await t.agency.close()
    expect(await done).toEqual({ status: 'failed', result: null, error: 'interrupted by restart' })
    expect(t.agency.getRun(swarm.id, 'id-5').steps.map((s) => s.status)).toEqual(['stopped'])
    never.release()
  })
})

