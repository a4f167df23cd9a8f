import { describe, expect, test } from 'bun:test'
import { testApp } from '../support/app'

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: typeof body === 'string' ? body : JSON.stringify(body),
})
const put = (body: unknown): RequestInit => ({ ...json(body), method: 'PUT' })
const error = (status: number, code: string, message: string) => ({ status, body: { success: false, error: { code, message } } })
const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)

// The seed's curl example, byte for byte.
const SEED_AGENT = `{
"name": "code-assistant",
"instruction": "You are a helpful coding assistant specializing in Rust.",
"role": "coder",
"model": "gemini-2.0-flash",
"temperature": 0.3,
"tools": ["file_read", "file_write", "terminal"]
}`

describe('/api/v1/agents', () => {
  test("the seed's create example answers 201 with the whole agent", async () => {
    await using t = testApp()
    const created = await t.json('/api/v1/agents', json(SEED_AGENT))
    // A copy: bun's matchers may write the asymmetric matchers into the object they inspect.
    const agent = structuredClone(created.body.data)
    expect(created).toMatchObject({
      status: 201,
      body: {
        success: true,
        data: {
          id: expect.any(String),
          name: 'code-assistant',
          description: '',
          instruction: 'You are a helpful coding assistant specializing in Rust.',
          role: 'coder',
          model: 'gemini-2.0-flash',
          provider: 'google',
          temperature: 0.3,
          maxTokens: null,
          tools: ['file_read', 'file_write', 'terminal'],
          createdAt: ISO,
          updatedAt: ISO,
        },
      },
    })
    expect((await t.json(`/api/v1/agents/${agent.id}`)).body).toEqual({ success: true, data: agent })
    expect((await t.json('/api/v1/agents')).body).toEqual({ success: true, data: [agent], meta: { total: 1, limit: 50, offset: 0 } })
  })

  test('bad input is a 400 naming the field; nothing is stored', async () => {
    await using t = testApp()
    const base = { name: 'dev', instruction: 'Help.', model: 'gpt-4o' }
    const cases: Array<[unknown, string]> = [
      [{}, "Missing required body field 'name'"],
      [{ ...base, name: 'has space' }, `Invalid body field 'name': must be 1 to 64 letters, digits, '-', '_' or '.' (got "has space")`],
      [{ ...base, name: 'x'.repeat(65) }, `Invalid body field 'name': must be 1 to 64 letters, digits, '-', '_' or '.' (got "${'x'.repeat(65)}")`],
      [{ ...base, instruction: '  ' }, `Invalid body field 'instruction': must not be empty (got "  ")`],
      [{ name: 'dev', instruction: 'x' }, "Missing required body field 'model'"],
      [{ ...base, role: 'boss' }, `Invalid body field 'role': must be one of "assistant", "coordinator", "coder", "reviewer", "tester", "researcher", "writer", "analyst", "executor" (got "boss")`],
      [{ ...base, temperature: 2.5 }, "Invalid body field 'temperature': must be a number from 0 to 2 (got 2.5)"],
      [{ ...base, maxTokens: 0 }, "Invalid body field 'maxTokens': must be an integer ≥ 1 (got 0)"],
      [{ ...base, tools: ['rm_rf'] }, `Invalid body field 'tools.0': must be one of "file_read", "file_write", "terminal", "code_search", "http_request", "calculator" (got "rm_rf")`],
      [{ ...base, provider: 'azure' }, `Invalid body field 'provider': must be one of "openai", "anthropic", "google", "ollama", "openai-compatible" (got "azure")`],
      [{ ...base, model: 'mistral-large' }, "Invalid parameter 'provider': cannot infer the provider of model 'mistral-large'; set 'provider' to one of openai, anthropic, google, ollama, openai-compatible"],
      [{ ...base, apiKey: 'sk-123' }, "Unknown body field 'apiKey'"],
      ['{"name": "dev",', 'Malformed JSON in request body'],
    ]
    for (const [body, message] of cases) {
      expect({ body, response: await t.json('/api/v1/agents', json(body)) }).toEqual({ body, response: { ...error(400, 'BAD_REQUEST', message), headers: expect.anything() } })
    }
    expect((await t.json('/api/v1/agents')).body.meta.total).toBe(0)
  })

  test('duplicate names are 409, on create and on rename', async () => {
    await using t = testApp()
    await t.json('/api/v1/agents', json({ name: 'alpha', instruction: 'x', model: 'gpt-4o' }))
    const beta = (await t.json('/api/v1/agents', json({ name: 'beta', instruction: 'x', model: 'gpt-4o' }))).body.data
    expect(await t.json('/api/v1/agents', json({ name: 'alpha', instruction: 'y', model: 'o3' }))).toMatchObject(error(409, 'CONFLICT', "an agent named 'alpha' already exists"))
    expect(await t.json(`/api/v1/agents/${beta.id}`, put({ name: 'alpha' }))).toMatchObject(error(409, 'CONFLICT', "an agent named 'alpha' already exists"))
  })

  test('PUT is a validated partial update returning the agent; unknown ids are 404', async () => {
    await using t = testApp()
    const agent = (await t.json('/api/v1/agents', json({ name: 'dev', instruction: 'x', model: 'gpt-4o', maxTokens: 500 }))).body.data
    const updated = await t.json(`/api/v1/agents/${agent.id}`, put({ model: 'claude-sonnet-4-5', maxTokens: null, tools: ['code_search'] }))
    expect(updated).toMatchObject({
      status: 200,
      body: { success: true, data: { ...agent, model: 'claude-sonnet-4-5', provider: 'anthropic', maxTokens: null, tools: ['code_search'], updatedAt: ISO } },
    })
    expect(await t.json(`/api/v1/agents/${agent.id}`, put({ temperature: -1 }))).toMatchObject(
      error(400, 'BAD_REQUEST', "Invalid body field 'temperature': must be a number from 0 to 2 (got -1)"),
    )
    expect(await t.json(`/api/v1/agents/${agent.id}`, put({ id: 'other' }))).toMatchObject(error(400, 'BAD_REQUEST', "Unknown body field 'id'"))
    expect(await t.json('/api/v1/agents/nope', put({ name: 'x' }))).toMatchObject(error(404, 'NOT_FOUND', 'Agent not found: nope'))
    expect(await t.json('/api/v1/agents/nope')).toMatchObject(error(404, 'NOT_FOUND', 'Agent not found: nope'))
  })

  test('clone: 201 with <name>-copy, -copy-2 or the name given (with or without a body)', async () => {
    await using t = testApp()
    const agent = (await t.json('/api/v1/agents', json({ name: 'tech-lead', instruction: 'Lead.', model: 'claude-sonnet-4-5' }))).body.data
    const names = []
    names.push((await t.json(`/api/v1/agents/${agent.id}/clone`, { method: 'POST' })).body.data.name)
    names.push((await t.json(`/api/v1/agents/${agent.id}/clone`, json({}))).body.data.name)
    const named = await t.json(`/api/v1/agents/${agent.id}/clone`, json({ name: 'lead-2' }))
    expect(named.status).toBe(201)
    names.push(named.body.data.name)
    expect(names).toEqual(['tech-lead-copy', 'tech-lead-copy-2', 'lead-2'])
    expect(named.body.data).toEqual({ ...agent, id: expect.any(String), name: 'lead-2', createdAt: ISO, updatedAt: ISO })
    expect(await t.json(`/api/v1/agents/${agent.id}/clone`, json({ name: 'lead-2' }))).toMatchObject(error(409, 'CONFLICT', "an agent named 'lead-2' already exists"))
    expect(await t.json(`/api/v1/agents/${agent.id}/clone`, json({ title: 'x' }))).toMatchObject(error(400, 'BAD_REQUEST', "Unknown body field 'title'"))
    expect(await t.json('/api/v1/agents/nope/clone', { method: 'POST' })).toMatchObject(error(404, 'NOT_FOUND', 'Agent not found: nope'))
  })

  test('DELETE removes an agent; 409 while a swarm uses it', async () => {
    await using t = testApp()
    const lead = (await t.json('/api/v1/agents', json({ name: 'lead', instruction: 'x', model: 'gpt-4o' }))).body.data
    const dev = (await t.json('/api/v1/agents', json({ name: 'dev', instruction: 'x', model: 'gpt-4o' }))).body.data
    const swarm = (await t.json('/api/v1/swarms', json({ name: 'team', coordinator: 'lead', workers: ['dev'] }))).body.data
    expect(await t.json(`/api/v1/agents/${dev.id}`, { method: 'DELETE' })).toMatchObject(
      error(409, 'CONFLICT', "agent 'dev' is used by swarm 'team'; remove it from the swarm first"),
    )
    expect((await t.json(`/api/v1/swarms/${swarm.id}`, { method: 'DELETE' })).status).toBe(200)
    expect(await t.json(`/api/v1/agents/${dev.id}`, { method: 'DELETE' })).toMatchObject({ status: 200, body: { success: true, data: { id: dev.id, deleted: true } } })
    expect(await t.json(`/api/v1/agents/${dev.id}`, { method: 'DELETE' })).toMatchObject(error(404, 'NOT_FOUND', `Agent not found: ${dev.id}`))
    expect((await t.json('/api/v1/agents')).body.data.map((a: { id: string }) => a.id)).toEqual([lead.id])
  })

  test('pagination as sessions: limit/offset with meta; bad values are 400', async () => {
    await using t = testApp()
    for (const name of ['c', 'a', 'b']) await t.json('/api/v1/agents', json({ name, instruction: 'x', model: 'gpt-4o' }))
    const page = await t.json('/api/v1/agents?limit=2&offset=1')
    expect([page.body.data.map((a: { name: string }) => a.name), page.body.meta]).toEqual([['b', 'c'], { total: 3, limit: 2, offset: 1 }])
    expect(await t.json('/api/v1/agents?limit=501')).toMatchObject(error(400, 'BAD_REQUEST', `Invalid query parameter 'limit': must be an integer from 1 to 500 (got "501")`))
  })

  test('a token-protected server refuses agent routes without the token; wrong methods are 405', async () => {
    await using t = testApp({ security: { token: 'secret' } })
    expect(await t.json('/api/v1/agents', json({ name: 'x', instruction: 'x', model: 'gpt-4o' }))).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHORIZED' } } })
    expect((await t.json('/api/v1/agents', { headers: { authorization: 'Bearer secret' } })).status).toBe(200)
    expect(await t.json('/api/v1/agents/x', { method: 'PATCH', headers: { authorization: 'Bearer secret' } })).toMatchObject({ status: 405, body: { error: { code: 'METHOD_NOT_ALLOWED' } } })
  })
})
