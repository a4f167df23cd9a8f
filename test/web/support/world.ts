import { scriptByModel, startFakeModels, type FakeModels } from '../../agency/support/fake-models'
import { until } from '../../support/wait'
import { demoSessions } from './data'
import { serveSeeded } from './served'

/** Sends JSON to the served API and returns the answer's `data` (throws on an error envelope). */
export async function api<T = any>(base: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const init: RequestInit = body === undefined ? { headers } : { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }
  const answer = (await (await fetch(base + path, init)).json()) as { success: boolean; data: T; error?: unknown }
  if (!answer.success) throw new Error(`${path}: ${JSON.stringify(answer.error)}`)
  return answer.data
}

/** Records one event through the REST API. */
export const record = (base: string, event: Record<string, unknown>, headers: Record<string, string> = {}) =>
  api(base, '/api/recording/events', event, headers)

/**
 * A server with something on every page: demo conversations, two agents, a swarm with a finished
 * run (against the fake model server), and a conversation being recorded.
 */
export async function populatedServer() {
  const fake: FakeModels = startFakeModels(
    scriptByModel({
      'claude-lead': [
        { text: '{"assignments": [{"worker": "dev", "task": "Write the migration"}]}', usage: { input: 420, output: 38 } },
        { text: 'Done: the migration adds `users.email_verified` with a default of **false**.', usage: { input: 910, output: 64 } },
      ],
      'gpt-dev': [{ text: 'ALTER TABLE users ADD COLUMN email_verified INTEGER NOT NULL DEFAULT 0;', usage: { input: 300, output: 25 } }],
    }),
  )
  const app = await serveSeeded(demoSessions(), [], fake.env())
  const base = app.url
  await api(base, '/api/v1/agents', { name: 'lead', model: 'claude-lead', role: 'coordinator', instruction: 'Plan the work and merge the results.' })
  await api(base, '/api/v1/agents', { name: 'dev', model: 'gpt-dev', role: 'coder', instruction: 'Write the code you are asked for.', tools: ['file_read', 'file_write'] })
  const swarm = await api(base, '/api/v1/swarms', { name: 'schema-team', description: 'Database changes, planned and written', coordinator: 'lead', workers: ['dev'] })
  const run = await api(base, `/api/v1/swarms/${swarm.id}/start`, { prompt: 'Add an email_verified flag to users' })
  await until(async () => (await api(base, `/api/v1/swarms/${swarm.id}/runs/${run.runId}`)).status === 'completed', 'the demo run to complete')
  await record(base, { session_id: 'live-demo', event_type: 'session_start', data: { provider: 'my-editor', title: 'Pairing on the release notes' } })
  await record(base, { session_id: 'live-demo', event_type: 'message', data: { message_id: 'l1', role: 'user', content: 'Draft the release notes for 0.2.' } })
  return {
    app,
    fake,
    swarmId: swarm.id as string,
    async [Symbol.asyncDispose]() {
      await app[Symbol.asyncDispose]()
      fake.stop()
    },
  }
}
