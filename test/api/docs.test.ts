import { expect, test } from 'bun:test'
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
