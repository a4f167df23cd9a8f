import { describe, expect, test } from 'bun:test'
import { ChasmError } from '../../src/shared/errors'
import { ISO0, testAgency } from './support/agency'

const page = { limit: 50, offset: 0 }

/** The code and message of what `fn` throws. */
async function failure(fn: () => unknown): Promise<{ code: string; message: string }> {
  try {
    await fn()
  } catch (error) {
    if (error instanceof ChasmError) return { code: error.code, message: error.message }
    throw error
  }
  throw new Error('expected a ChasmError')
}

describe('agents', () => {
  test("the seed's example agent is created with every default filled in", async () => {
    await using t = testAgency({})
    const agent = t.agency.createAgent({
      name: 'code-assistant',
      instruction: 'You are a helpful coding assistant specializing in Rust.',
      role: 'coder',
      model: 'gemini-2.0-flash',
      temperature: 0.3,
      tools: ['file_read', 'file_write', 'terminal'],
    })
    expect(agent).toEqual({
      id: 'id-1',
      name: 'code-assistant',
      description: '',
      instruction: 'You are a helpful coding assistant specializing in Rust.',
      role: 'coder',
      model: 'gemini-2.0-flash',
      provider: 'google',
      temperature: 0.3,
      maxTokens: null,
      tools: ['file_read', 'file_write', 'terminal'],
      createdAt: ISO0,
      updatedAt: ISO0,
    })
    expect(t.agency.getAgent('id-1')).toEqual(agent)
    expect(t.agency.listAgents(page)).toEqual({ items: [agent], meta: { total: 1, limit: 50, offset: 0 } })
  })

  test('names are unique (409), also on rename; unknown ids are 404', async () => {
    await using t = testAgency({})
    t.agency.createAgent({ name: 'alpha', instruction: 'x', model: 'gpt-4o' })
    const beta = t.agency.createAgent({ name: 'beta', instruction: 'x', model: 'gpt-4o' })
    expect([
      await failure(() => t.agency.createAgent({ name: 'alpha', instruction: 'y', model: 'claude-sonnet-4-5' })),
      await failure(() => t.agency.updateAgent(beta.id, { name: 'alpha' })),
      await failure(() => t.agency.updateAgent('nope', { name: 'gamma' })),
      await failure(() => t.agency.getAgent('nope')),
      await failure(() => t.agency.deleteAgent('nope')),
      await failure(() => t.agency.cloneAgent('nope')),
    ]).toEqual([
      { code: 'CONFLICT', message: "an agent named 'alpha' already exists" },
      { code: 'CONFLICT', message: "an agent named 'alpha' already exists" },
      { code: 'NOT_FOUND', message: 'Agent not found: nope' },
      { code: 'NOT_FOUND', message: 'Agent not found: nope' },
      { code: 'NOT_FOUND', message: 'Agent not found: nope' },
      { code: 'NOT_FOUND', message: 'Agent not found: nope' },
    ])
    expect(t.agency.listAgents(page).items.map((a) => a.name)).toEqual(['alpha', 'beta'])
  })

  test('update is partial and returns the updated agent', async () => {
    await using t = testAgency({})
    const agent = t.agency.createAgent({ name: 'dev', instruction: 'x', model: 'gpt-4o', maxTokens: 100 })
    expect(t.agency.updateAgent(agent.id, { model: 'claude-sonnet-4-5', maxTokens: null, tools: ['calculator'] })).toEqual({
      ...agent,
      model: 'claude-sonnet-4-5',
      provider: 'anthropic',
      maxTokens: null,
      tools: ['calculator'],
    })
  })

  test('clones get <name>-copy, -copy-2, … or the name given', async () => {
    await using t = testAgency({})
    const lead = t.agency.createAgent({ name: 'tech-lead', instruction: 'Lead.', model: 'claude-sonnet-4-5', tools: ['file_read'] })
    const copies = [t.agency.cloneAgent(lead.id), t.agency.cloneAgent(lead.id), t.agency.cloneAgent(lead.id, { name: 'lead-b' })]
    expect(copies.map((c) => [c.id, c.name])).toEqual([
      ['id-2', 'tech-lead-copy'],
      ['id-3', 'tech-lead-copy-2'],
      ['id-4', 'lead-b'],
    ])
    expect(copies[0]).toEqual({ ...lead, id: 'id-2', name: 'tech-lead-copy' })
    expect(await failure(() => t.agency.cloneAgent(lead.id, { name: 'lead-b' }))).toEqual({ code: 'CONFLICT', message: "an agent named 'lead-b' already exists" })
  })

  test('an agent a swarm uses cannot be deleted (409) until the swarm is gone', async () => {
    await using t = testAgency({})
    const lead = t.agency.createAgent({ name: 'lead', instruction: 'x', model: 'gpt-4o' })
    const worker = t.agency.createAgent({ name: 'worker', instruction: 'x', model: 'gpt-4o' })
    const swarm = t.agency.createSwarm({ name: 'team', coordinator: 'lead', workers: ['worker'] })
    expect([await failure(() => t.agency.deleteAgent(lead.id)), await failure(() => t.agency.deleteAgent(worker.id))]).toEqual([
      { code: 'CONFLICT', message: "agent 'lead' is used by swarm 'team'; remove it from the swarm first" },
      { code: 'CONFLICT', message: "agent 'worker' is used by swarm 'team'; remove it from the swarm first" },
    ])
    await t.agency.deleteSwarm(swarm.id)
    t.agency.deleteAgent(lead.id)
    t.agency.deleteAgent(worker.id)
    expect(t.agency.listAgents(page).meta.total).toBe(0)
  })
})

describe('swarms', () => {
  const seedTeam = (t: Awaited<ReturnType<typeof testAgency>>) => {
    for (const name of ['tech-lead', 'frontend-dev', 'backend-dev', 'tester']) t.agency.createAgent({ name, instruction: `You are ${name}.`, model: 'gpt-4o' })
  }

  test("the seed's example swarm: agents by name, status idle, no run yet", async () => {
    await using t = testAgency({})
    seedTeam(t)
    const swarm = t.agency.createSwarm({ name: 'dev-team', coordinator: 'tech-lead', workers: ['frontend-dev', 'backend-dev', 'tester'], description: 'Full-stack development team' })
    expect(swarm).toEqual({
      id: 'id-5',
      name: 'dev-team',
      description: 'Full-stack development team',
      coordinator: 'tech-lead',
      workers: ['frontend-dev', 'backend-dev', 'tester'],
      status: 'idle',
      createdAt: ISO0,
      updatedAt: ISO0,
      lastRun: null,
    })
    expect(t.agency.listSwarms(page)).toEqual({ items: [swarm], meta: { total: 1, limit: 50, offset: 0 } })
    expect(t.agency.findSwarm('dev-team')).toEqual(swarm)
  })

  test('agents may be given by id; a renamed agent shows its new name', async () => {
    await using t = testAgency({})
    seedTeam(t)
    const swarm = t.agency.createSwarm({ name: 'team', coordinator: 'id-1', workers: ['id-4', 'frontend-dev'] })
    expect([swarm.coordinator, swarm.workers]).toEqual(['tech-lead', ['tester', 'frontend-dev']])
    t.agency.updateAgent('id-4', { name: 'qa' })
    expect(t.agency.getSwarm(swarm.id).workers).toEqual(['qa', 'frontend-dev'])
  })

  test('unknown agents and repeated workers are 400; a taken name is 409; unknown swarms 404', async () => {
    await using t = testAgency({})
    seedTeam(t)
    const swarm = t.agency.createSwarm({ name: 'team', coordinator: 'tech-lead', workers: ['tester'] })
    expect([
      await failure(() => t.agency.createSwarm({ name: 'x', coordinator: 'ghost', workers: ['tester'] })),
      await failure(() => t.agency.createSwarm({ name: 'x', coordinator: 'tech-lead', workers: ['tester', 'phantom'] })),
      await failure(() => t.agency.createSwarm({ name: 'x', coordinator: 'tech-lead', workers: ['tester', 'id-4'] })),
      await failure(() => t.agency.createSwarm({ name: 'team', coordinator: 'tech-lead', workers: ['tester'] })),
      await failure(() => t.agency.updateSwarm(swarm.id, { workers: ['nobody'] })),
      await failure(() => t.agency.getSwarm('nope')),
      await failure(() => t.agency.deleteSwarm('nope')),
      await failure(() => t.agency.findSwarm('nope')),
    ]).toEqual([
      { code: 'BAD_REQUEST', message: "Invalid parameter 'coordinator': no agent named 'ghost' (or with that id)" },
      { code: 'BAD_REQUEST', message: "Invalid parameter 'workers': no agent named 'phantom' (or with that id)" },
      { code: 'BAD_REQUEST', message: "Invalid parameter 'workers': agent 'tester' is listed twice" },
      { code: 'CONFLICT', message: "a swarm named 'team' already exists" },
      { code: 'BAD_REQUEST', message: "Invalid parameter 'workers': no agent named 'nobody' (or with that id)" },
      { code: 'NOT_FOUND', message: 'Swarm not found: nope' },
      { code: 'NOT_FOUND', message: 'Swarm not found: nope' },
      { code: 'NOT_FOUND', message: 'Swarm not found: nope' },
    ])
    expect(t.agency.listSwarms(page).meta.total).toBe(1)
  })

  test('update is partial: workers are replaced only when given', async () => {
    await using t = testAgency({})
    seedTeam(t)
    const swarm = t.agency.createSwarm({ name: 'team', coordinator: 'tech-lead', workers: ['tester'] })
    expect(t.agency.updateSwarm(swarm.id, { description: 'QA only' })).toEqual({ ...swarm, description: 'QA only' })
    expect(t.agency.updateSwarm(swarm.id, { coordinator: 'backend-dev', workers: ['frontend-dev', 'tester'] })).toEqual({
      ...swarm,
      description: 'QA only',
      coordinator: 'backend-dev',
      workers: ['frontend-dev', 'tester'],
    })
  })

  test('every illegal transition of an idle swarm is a 409 naming the status', async () => {
    await using t = testAgency({})
    seedTeam(t)
    const swarm = t.agency.createSwarm({ name: 'team', coordinator: 'tech-lead', workers: ['tester'] })
    expect([
      await failure(() => t.agency.pause(swarm.id)),
      await failure(() => t.agency.resume(swarm.id)),
      await failure(() => t.agency.stop(swarm.id)),
      await failure(() => t.agency.pause('nope')),
    ]).toEqual([
      { code: 'CONFLICT', message: "cannot pause swarm 'team' while it is idle (allowed from: running)" },
      { code: 'CONFLICT', message: "cannot resume swarm 'team' while it is idle (allowed from: paused)" },
      { code: 'CONFLICT', message: "cannot stop swarm 'team' while it is idle (allowed from: running, paused)" },
      { code: 'NOT_FOUND', message: 'Swarm not found: nope' },
    ])
  })
})
