import { beforeAll, describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { latch, scriptByModel, startFakeModels } from '../agency/support/fake-models'
import { compiledBinary, serveBinary } from '../support/binary'
import { NO_SIGTERM, skipIf } from '../support/os'
import { tempDir } from '../support/temp'

let binary: string
beforeAll(async () => {
  binary = await compiledBinary()
}, 120_000)

const call = async (base: string, path: string, body?: unknown) => {
  const response = await fetch(`${base}${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  return { status: response.status, body: (await response.json()) as any }
}

describe('a server restart during a swarm run', () => {
  for (const stop of ['SIGKILL', 'SIGTERM'] as const) {
    const run = stop === 'SIGTERM' ? skipIf(NO_SIGTERM) : test
    run(`${stop} mid-run: after the restart the run is failed, "interrupted by restart", and the swarm can start again`, async () => {
      using dir = tempDir()
      const never = latch()
      using fake = startFakeModels(
        scriptByModel({
          'claude-lead': [{ text: '{"assignments": [{"worker": "dev", "task": "slow work"}]}' }, { text: 'plan' }, { text: 'second answer' }],
          'gpt-dev': [{ text: 'never arrives', hold: never.promise }, { text: 'quick work' }],
        }),
      )
      const env = { ...fake.env(), XDG_DATA_HOME: join(dir.path, 'xdg') }
      const args = ['--db', join(dir.path, 'chasm.db'), '--no-harvest']

      let swarmId: string
      let runId: string
      {
        await using first = await serveBinary(binary, args, env)
        expect((await call(first.url, '/api/v1/agents', { name: 'lead', instruction: 'Lead.', model: 'claude-lead' })).status).toBe(201)
        expect((await call(first.url, '/api/v1/agents', { name: 'dev', instruction: 'Code.', model: 'gpt-dev' })).status).toBe(201)
        swarmId = (await call(first.url, '/api/v1/swarms', { name: 'team', coordinator: 'lead', workers: ['dev'] })).body.data.id
        const started = await call(first.url, `/api/v1/swarms/${swarmId}/start`, { prompt: 'Work slowly' })
        expect(started.status).toBe(202)
        runId = started.body.data.runId
        await fake.received(2)
        first.proc.kill(stop)
        await first.proc.exited
      }

      await using second = await serveBinary(binary, args, env)
      const run = (await call(second.url, `/api/v1/swarms/${swarmId}/runs/${runId}`)).body.data
      expect([run.status, run.error, run.steps.map((s: { kind: string; status: string }) => `${s.kind}:${s.status}`)]).toEqual([
        'failed',
        'interrupted by restart',
        ['plan:completed', stop === 'SIGKILL' ? 'work:failed' : 'work:stopped'],
      ])
      expect((await call(second.url, `/api/v1/swarms/${swarmId}`)).body.data).toMatchObject({ status: 'failed', lastRun: { id: runId, status: 'failed' } })
      const again = await call(second.url, `/api/v1/swarms/${swarmId}/start`, { prompt: 'Again' })
      expect(again.status).toBe(202)
      never.release()
    }, 30_000)
  }
})
