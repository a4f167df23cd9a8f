import { describe, expect, test } from 'bun:test'
import { getSession } from '../../src/db'
import { createRecorder, type CommittedEvent } from '../../src/recording'
import { scriptByModel, startFakeModels } from '../agency/support/fake-models'
import { testAgency } from '../agency/support/agency'

describe('agency runs through the recorder', () => {
  test('a swarm run is a recorded session (origin agency), every batch accepted, watched live in order', async () => {
    using fake = startFakeModels(
      scriptByModel({
        'claude-lead': [
          { text: JSON.stringify({ assignments: [{ worker: 'tester', task: 'Check 6*7' }] }) },
          { text: 'Done: 6*7 = 42.' },
        ],
        'gemini-tester': [{ toolCalls: [{ name: 'calculator', arguments: { expression: '6*7' } }] }, { text: '42' }],
      }),
    )
    const refused: unknown[] = []
    let recorder: ReturnType<typeof createRecorder> | null = null
    await using t = testAgency(fake.env(), {
      recorder: { record: (events) => recorder!.submit({ events }, { origin: 'agency' }).catch((error: unknown) => refused.push(error)) },
    })
    recorder = createRecorder(t.db)
    t.agency.createAgent({ name: 'tech-lead', instruction: 'Lead.', role: 'coordinator', model: 'claude-lead', provider: 'anthropic' })
    t.agency.createAgent({ name: 'tester', instruction: 'Test.', role: 'tester', model: 'gemini-tester', provider: 'google', tools: ['calculator'] })
    const swarm = t.agency.createSwarm({ name: 'qa', coordinator: 'tech-lead', workers: ['tester'] })
    const pushed: CommittedEvent[] = []
    // Ids are sequential in these tests: two agents and the swarm take id-1..id-3, the run (its session) is id-4.
    recorder.subscribe('id-4', (event) => pushed.push(event))
    const { run, done } = t.agency.startRun(swarm.id, { prompt: 'Is 6*7 42?' })
    expect(run.sessionId).toBe('id-4')
    expect(await done).toMatchObject({ status: 'completed', result: 'Done: 6*7 = 42.' })
    await t.agency.close()
    recorder.flush()

    expect(refused).toEqual([])
    const session = recorder.getSession('id-4')
    expect(session).toMatchObject({ origin: 'agency', provider: 'agency', title: 'qa: Is 6*7 42?', status: 'ended' })
    expect(getSession(t.db.sqlite, 'id-4').origin).toBe('agency')
    const calls = session.messages.flatMap((m) => m.toolInvocations)
    expect(calls.map(({ name, output, status }) => ({ name, output, status }))).toEqual([{ name: 'calculator', output: '42', status: 'ok' }])
    expect(session.messages.at(-1)).toMatchObject({ role: 'assistant', content: 'Done: 6*7 = 42.' })
    expect(pushed.map((event) => event.seq)).toEqual(Array.from({ length: session.lastSeq }, (_, i) => i + 1))
    expect(pushed.at(-1)!.event_type).toBe('session_end')
  })
})
