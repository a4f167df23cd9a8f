import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import fc from 'fast-check'
import { createAgency, discardRecorder } from '../../src/agency'
import { replaceSession } from '../../src/db'
import { scriptByModel, startFakeModels } from '../agency/support/fake-models'
import { testApp } from '../support/app'
import { sampleSession } from '../support/sessions'
import { requestFor, type FuzzRequest, type KnownIds } from './requests'
import { dbDigest, expectEnvelope, FUZZ_RUNS, fuzzParams } from './support'

// Models are never reachable from the fuzzed app: a run that started would fail, not call out.
const offline = (async () => {
  throw new Error('network disabled in fuzz tests')
}) as unknown as typeof fetch

let t: ReturnType<typeof testApp>
let ids: KnownIds

/** A database with something behind every kind of id: harvested and recorded sessions, agents, a swarm with a finished run. */
beforeAll(async () => {
  t = testApp({ agency: { http: { fetch: offline } } })
  replaceSession(t.db.sqlite, sampleSession({ id: 'harvested-1' }))
  replaceSession(t.db.sqlite, sampleSession({ id: 'harvested-2', provider: 'copilot', title: 'Token refresh "quoted" * stars' }))
  t.deps.recorder.apply({
    events: [
      { session_id: 'recorded-1', event_type: 'session_start', event_id: 'e1', data: { title: 'Live', workspace_path: '/home/me/live' } },
      { session_id: 'recorded-1', event_type: 'message', event_id: 'e2', data: { message_id: 'm1', role: 'assistant', content: 'Use a token.' } },
      { session_id: 'recorded-1', event_type: 'tool_call', event_id: 'e3', data: { message_id: 'm1', call_id: 'c1', name: 'Read', input: {} } },
    ],
  })
  t.agency.createAgent({ name: 'lead', instruction: 'Lead.', model: 'claude-lead', provider: 'anthropic' })
  t.agency.createAgent({ name: 'dev', instruction: 'Code.', model: 'gpt-dev', provider: 'openai', tools: ['calculator'] })
  const swarm = t.agency.createSwarm({ name: 'team', coordinator: 'lead', workers: ['dev'] })
  // One finished run, made by a second agency that can reach a fake model server.
  using fake = startFakeModels(scriptByModel({ 'claude-lead': [{ text: '{"assignments": []}' }, { text: 'done' }], 'gpt-dev': [{ text: 'ok' }] }))
  const runner = createAgency({ sqlite: t.db.sqlite, env: fake.env(), dataDir: t.db.dir, recorder: discardRecorder })
  const started = runner.startRun(swarm.id, { prompt: 'Warm up' })
  expect((await started.done).status).toBe('completed')
  await runner.close()
  ids = {
    sessions: ['harvested-1', 'harvested-2', 'recorded-1'],
    workspaces: (await t.json('/api/workspaces')).body.data.map((w: { id: string }) => w.id),
    agents: ['lead', 'dev', t.agency.findAgent('lead').id],
    swarms: [swarm.id, 'team'],
    runs: [started.run.runId],
  }
})

/** How often each route answered each status: printed on long runs, to show what the fuzzing reached. */
const statuses: Record<string, number> = {}
afterAll(async () => {
  if (process.env.CHASM_FUZZ_RUNS) console.log(Object.entries(statuses).map(([key, n]) => `${key}: ${n}`).join('\n'))
  await t[Symbol.asyncDispose]()
})

/** Sends a generated request through the app; the answer's status and parsed body (null for HEAD and 204). */
async function send(request: FuzzRequest): Promise<{ status: number; body: unknown }> {
  const response = await t.request(request.path, { method: request.method, headers: request.headers, body: request.body as BodyInit | null })
  const text = await response.text()
  if (request.method === 'HEAD' || response.status === 204) return { status: response.status, body: null }
  // The docs (Swagger UI, its assets, the OpenAPI document) and the web app's pages and assets are
  // the only answers that are not the envelope; nothing under /api, /ws or /mcp is a page.
  const page = request.path.startsWith('/swagger') || (!/^\/(?:api|ws|mcp)(?:[/?]|$)/.test(request.path) && !(response.headers.get('content-type') ?? '').startsWith('application/json'))
  if (page && (response.status === 200 || response.status === 304)) return { status: response.status, body: { success: true, data: text.length } }
  if (response.status === 200 && response.headers.get('content-disposition')?.startsWith('attachment; filename="')) {
    return { status: 200, body: { success: true, data: text.length } }
  }
  // The MCP transport answers in JSON-RPC; what reaches it must never fail it.
  if (new URL(request.path, 'http://localhost').pathname.replace(/\/+$/, '') === '/mcp' && response.status < 500 && isJsonRpc(text)) {
    return { status: response.status, body: null }
  }
  try {
    return { status: response.status, body: JSON.parse(text) }
  } catch {
    throw new Error(`${request.method} ${request.path} → ${response.status} with a non-JSON body: ${text.slice(0, 200)}`)
  }
}

describe('HTTP fuzzing: every route, hostile paths, queries, headers and bodies', () => {
  // Listed now: the property per route is declared before the app exists, so read them from a throwaway app.
  const routes = (() => {
    using probe = testApp()
    return probe.app.routes.map((route) => ({ method: route.method, path: route.path }))
  })()

  test('the route table is covered (every method and path of the app)', () => {
    expect(routes.length).toBeGreaterThanOrEqual(37)
  })

  for (const route of routes) {
    const name = `${route.method} ${route.path}: never a 500, always the envelope, a refused request changes nothing`
    test(name, async () => {
      await fc.assert(fc.asyncProperty(requestFor(route, ids), (request) => checkOne(request, `${route.method} ${route.path}`)), fuzzParams(name))
    })
  }

  const mixed = 'mixed sequences across all routes: writes never break later reads'
  test(mixed, async () => {
    const anyRequest = fc.constantFrom(...routes).chain((route) => requestFor(route, ids))
    await fc.assert(
      fc.asyncProperty(fc.array(anyRequest, { minLength: 1, maxLength: 12 }), async (requests) => {
        for (const request of requests) await checkOne(request, 'mixed')
      }),
      fuzzParams(mixed, Math.max(1, Math.round(FUZZ_RUNS / 4))),
    )
  })

  test('afterwards every stored entity still reads back: no request poisoned the database', async () => {
    const sessions = (await t.json('/api/sessions?limit=500')).body
    expect(sessions.success).toBe(true)
    for (const { id } of sessions.data as { id: string }[]) {
      expect((await t.json(`/api/sessions/${encodeURIComponent(id)}`)).status).toBe(200)
    }
    const recorded = (await t.json('/api/recording/sessions?status=all&limit=1000')).body
    for (const { id } of recorded.data as { id: string }[]) {
      expect((await t.json(`/api/recording/sessions/${encodeURIComponent(id)}`)).status).toBe(200)
    }
    const workspaces = (await t.json('/api/workspaces?limit=1000')).body
    for (const { id } of workspaces.data as { id: string }[]) {
      expect((await t.json(`/api/workspaces/${encodeURIComponent(id)}`)).status).toBe(200)
    }
    for (const path of ['/api/stats', '/api/recording/recovery', '/api/recording/status', '/api/v1/agents?limit=500', '/api/v1/swarms?limit=500', '/api/sessions/search?q=token']) {
      expect({ path, status: (await t.json(path)).status }).toEqual({ path, status: 200 })
    }
    expect(dbIntegrity()).toBe('ok')
  })
})

/** Sends one request and checks the answer; a refused request must leave the database as it was. */
async function checkOne(request: FuzzRequest, label: string): Promise<void> {
  const before = dbDigest(t.db.sqlite)
  const { status, body } = await send(request)
  const context = `${request.method} ${request.path} ${JSON.stringify(request.headers)} ${typeof request.body === 'string' ? request.body.slice(0, 300) : String(request.body)}`
  if (body !== null) expectEnvelope(status, body, context)
  else expect(status).toBeLessThan(500)
  if (status >= 400) expect({ context, digest: dbDigest(t.db.sqlite) }).toEqual({ context, digest: before })
  const key = `${label} → ${status}`
  statuses[key] = (statuses[key] ?? 0) + 1
}

/** True for a JSON-RPC 2.0 message (or an empty body: the 202 a notification gets). */
function isJsonRpc(text: string): boolean {
  if (text === '') return true
  try {
    return (JSON.parse(text) as { jsonrpc?: unknown }).jsonrpc === '2.0'
  } catch {
    return false
  }
}

const dbIntegrity = () => t.db.sqlite.query<{ integrity_check: string }, []>('PRAGMA integrity_check').get()!.integrity_check
