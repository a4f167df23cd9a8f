import { describe, expect, test } from 'bun:test'
import { claudeCode } from '../../src/harvest/providers/claude-code'
import { codex } from '../../src/harvest/providers/codex'
import { harvestHome } from '../support/harvest'
import { testApp } from '../support/app'
import { fixtureTree, tempHome } from '../support/temp'

async function harvestedApp() {
  const app = testApp()
  using home = tempHome({ ...fixtureTree('claude-code'), ...fixtureTree('codex') })
  await harvestHome(app.db, [claudeCode, codex], home.path)
  return app
}

describe('GET /api/usage', () => {
  test('rows per day by default, in the paginated envelope, with costs', async () => {
    await using t = await harvestedApp()
    const { status, body } = await t.json('/api/usage')
    expect(status).toBe(200)
    expect(body.success).toBe(true)
    expect(body.meta).toEqual({ total: body.data.length, limit: 1000, offset: 0 })
    expect(body.data[0]).toEqual({
      key: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      label: null,
      sessions: expect.any(Number),
      messages: expect.any(Number),
      inputTokens: expect.any(Number),
      outputTokens: expect.any(Number),
      cacheReadTokens: expect.any(Number),
      cacheWriteTokens: expect.any(Number),
      costUsd: expect.any(Number),
      unpricedModels: [],
    })
    const models = (await t.json('/api/usage?groupBy=model&provider=codex')).body.data.map((row: any) => row.key)
    // Most tokens first: 12,252, 9,308 and 6,793.
    expect(models).toEqual(['gpt-5.3-codex', 'gpt-5-codex', 'gpt-5.1-codex-max'])
    const sessions = (await t.json('/api/usage?groupBy=session&from=2026-02-07&to=2026-02-07')).body.data
    expect(sessions.map((row: any) => [row.key, row.label])).toEqual([['7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f', 'untested routes']])
  })

  test('bad parameters are a 400 naming them; unknown ones are ignored', async () => {
    await using t = await harvestedApp()
    const bad = async (query: string) => {
      const { status, body } = await t.json(`/api/usage?${query}`)
      return [status, body.error?.code, body.error?.message]
    }
    expect(await bad('groupBy=week')).toEqual([400, 'BAD_REQUEST', expect.stringContaining("'groupBy'")])
    expect(await bad('from=yesterday')).toEqual([400, 'BAD_REQUEST', expect.stringContaining("'from'")])
    expect(await bad('to=2026-02-30')).toEqual([400, 'BAD_REQUEST', "Invalid parameter 'to': must be a date as YYYY-MM-DD (got \"2026-02-30\")"])
    expect(await bad('from=2026-03-01&to=2026-02-01')).toEqual([400, 'BAD_REQUEST', "Invalid parameter 'from': 2026-03-01 is after to 2026-02-01"])
    expect(await bad('limit=0')).toEqual([400, 'BAD_REQUEST', expect.stringContaining("'limit'")])
    expect(await bad('limit=99999999999999999999')).toEqual([400, 'BAD_REQUEST', expect.stringContaining("'limit'")])
    expect(await bad('offset=-1')).toEqual([400, 'BAD_REQUEST', expect.stringContaining("'offset'")])
    expect(await bad('provider=')).toEqual([400, 'BAD_REQUEST', expect.stringContaining("'provider'")])
    expect((await t.json('/api/usage?nonsense=1&groupBy=provider')).status).toBe(200)
  })

  test('documented in OpenAPI with its parameters and row schema', async () => {
    await using t = testApp()
    const spec = (await (await t.request('/swagger/json')).json()) as any
    const operation = spec.paths['/api/usage'].get
    expect(operation.parameters.map((p: any) => p.name).sort()).toEqual(['from', 'groupBy', 'limit', 'offset', 'provider', 'to', 'workspace'])
    expect(JSON.stringify(operation.responses['200'])).toContain('costUsd')
  })
})
