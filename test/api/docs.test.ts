import { createConfig, lintFromString } from '@redocly/openapi-core'
import { describe, expect, test } from 'bun:test'
import { testApp } from '../support/app'

test('OpenAPI 3.1 describes every route with parameters and response schemas', async () => {
  using t = testApp()
  const spec = (await (await t.request('/swagger/json')).json()) as any
  expect(spec.openapi).toStartWith('3.1')
  const documented = Object.entries(spec.paths).flatMap(([path, ops]: [string, any]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
  const served = t.app.routes
    // The docs and the web app (its shell and assets) are pages, not API routes: hidden from the document.
    .filter((r) => !r.path.startsWith('/swagger') && !(r.hooks as { detail?: { hide?: boolean } }).detail?.hide)
    .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`)
  expect(documented.sort()).toEqual(served.sort())
  for (const [, ops] of Object.entries(spec.paths) as [string, any][]) {
    for (const op of Object.values(ops) as any[]) {
      // 200, or 201/202 for creations and run starts; WebSocket upgrades answer 101, then speak their own protocol.
      if (op.responses['101']) {
        expect(op.responses['400'].content['application/json'].schema).toBeDefined()
        continue
      }
      const success = Object.keys(op.responses).find((status) => status.startsWith('2'))!
      expect(op.responses[success].content['application/json'].schema).toBeDefined()
    }
  }
  const sessions = spec.paths['/api/sessions'].get
  expect(sessions.parameters.map((p: any) => p.name).sort()).toEqual(['from', 'limit', 'offset', 'origin', 'provider', 'to', 'workspace'])
})

test('Swagger UI is served with bundled assets only (no CDN)', async () => {
  using t = testApp()
  const html = await (await t.request('/swagger')).text()
  expect(html).toContain('/swagger/assets/swagger-ui-bundle.js')
  expect(html).not.toMatch(/https?:\/\/(?!localhost)[a-z0-9.-]+\//i)
  const js = await t.request('/swagger/assets/swagger-ui-bundle.js')
  expect(js.status).toBe(200)
  expect(js.headers.get('content-type')).toContain('javascript')
  expect((await js.text()).length).toBeGreaterThan(100_000)
  const css = await t.request('/swagger/assets/swagger-ui.css')
  expect(css.headers.get('content-type')).toContain('text/css')
})

describe('issue 15: an OpenAPI document that tools accept', () => {
  test('redocly (recommended rules) finds no error; the only warnings are the ones chasm has reasons for', async () => {
    using t = testApp()
    const source = await (await t.request('/swagger/json')).text()
    const config = await createConfig({ extends: ['recommended'] })
    const problems = await lintFromString({ source, absoluteRef: 'chasm-openapi.json', config })
    const found = problems.map((problem) => `${problem.severity} ${problem.ruleId}`)
    expect(found.filter((line) => line.startsWith('error'))).toEqual([])
    // No license file to point to; the server is this machine; the two WebSocket paths answer 101.
    expect(found.sort()).toEqual(['warn info-license', 'warn no-server-example.com', 'warn operation-2xx-response', 'warn operation-2xx-response'])
  })

  test('every operation has a unique id, its security, and the error envelope on its 4xx/5xx answers; the server is the one asked', async () => {
    using t = testApp()
    const spec = (await (await t.request('/swagger/json', { headers: { host: 'localhost:8787' } })).json()) as any
    expect(spec.servers).toEqual([{ url: 'http://localhost', description: 'this chasm server' }])
    expect(spec.security).toEqual([{ bearer: [] }, {}])
    const operations = Object.entries(spec.paths).flatMap(([path, ops]: [string, any]) => Object.entries(ops).map(([method, op]: [string, any]) => ({ path, method, op })))
    const ids = operations.map(({ op }) => op.operationId)
    expect(new Set(ids).size).toBe(operations.length)
    expect(ids).toContain('getApiSessionsById')
    expect(ids).toContain('postApiV1SwarmsByIdStart')
    for (const { path, method, op } of operations) {
      for (const status of ['400', '401', '403', '500']) {
        expect({ path, method, status, ref: op.responses[status]?.content['application/json'].schema.$ref }).toEqual({ path, method, status, ref: '#/components/schemas/ErrorBody' })
      }
    }
    expect(spec.paths['/api/health'].get.security).toEqual([])
    expect(spec.components.schemas.ErrorBody.properties.error.properties.code.anyOf.map((c: any) => c.const)).toContain('UNSUPPORTED_MEDIA_TYPE')
  })

  test('Swagger UI loads the document by an absolute URL, so /swagger/ works too; in token mode the docs are public', async () => {
    using t = testApp({ security: { token: 'tok' } })
    for (const path of ['/swagger', '/swagger/']) {
      const page = await t.request(path)
      expect({ path, status: page.status }).toEqual({ path, status: 200 })
      expect(await page.text()).toContain('"url":"/swagger/json"')
    }
    expect((await t.request('/swagger/json')).status).toBe(200)
    expect((await t.request('/api/stats')).status).toBe(401)
  })
})
