import { describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { createAgency } from '../../src/agency'
import { getSession } from '../../src/db'
import { createRecorder } from '../../src/recording'
import { openTestDb } from '../support/db'
import { scriptByModel, startFakeModels } from './support/fake-models'

describe("a swarm run's recorded session", () => {
  test("every message says which agent wrote it (metadata.agent); the user's prompt has none", async () => {
    using fake = startFakeModels(
      scriptByModel({
        'claude-lead': [{ text: '{"assignments": [{"worker": "coder", "task": "add"}]}' }, { text: 'It is 2.' }],
        'gpt-coder': [{ toolCalls: [{ id: 'c', name: 'calculator', arguments: { expression: '1+1' } }] }, { text: '2' }],
      }),
    )
    using db = openTestDb()
    const recorder = createRecorder(db)
    const agency = createAgency({
      sqlite: db.sqlite,
      env: fake.env(),
      dataDir: join(db.dir, 'data'),
      recorder: { record: (events) => recorder.submit({ events }, { origin: 'agency' }) },
    })
    agency.createAgent({ name: 'lead', instruction: 'Lead.', model: 'claude-lead' })
    agency.createAgent({ name: 'coder', instruction: 'Code.', model: 'gpt-coder', tools: ['calculator'] })
    const swarm = agency.createSwarm({ name: 'team', coordinator: 'lead', workers: ['coder'] })
    const { run, done } = agency.startRun(swarm.id, { prompt: 'What is 1+1?' })
    expect((await done).status).toBe('completed')
    await recorder.shutdown()
    // What GET /api/sessions/:id shows for each message.
    const messages = getSession(db.sqlite, run.sessionId).messages.map((m) => [m.id, m.role, m.metadata?.agent ?? null])
    expect(messages).toEqual([
      ['prompt', 'user', null],
      ['step-0', 'assistant', 'lead'],
      ['assign-coder', 'user', 'lead'],
      ['step-1', 'assistant', 'coder'],
      ['step-3', 'assistant', 'coder'],
      ['step-4', 'assistant', 'lead'],
    ])
  })
})
