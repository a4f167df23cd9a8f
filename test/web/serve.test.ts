import { afterAll, describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { compiledBinary, serveBinary } from '../support/binary'
import { testApp } from '../support/app'
import { tempDir } from '../support/temp'

const t = testApp()
afterAll(() => t[Symbol.asyncDispose]())

const CSP_DIRECTIVES = ["default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "object-src 'none'"]

/** The asset URLs the shell references. */
const assetsOf = (html: string) => [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!)

const expectHardened = (response: Response) => {
  const csp = response.headers.get('content-security-policy') ?? ''
  for (const directive of CSP_DIRECTIVES) expect(csp).toContain(directive)
  expect(csp).not.toContain('unsafe-inline')
  expect(csp).not.toContain('unsafe-eval')
  expect(response.headers.get('x-content-type-options')).toBe('nosniff')
  expect(response.headers.get('referrer-policy')).toBe('no-referrer')
}

describe('the web app is served by the API server', () => {
  test('the shell at / is hardened, revalidated on every load, and loads only its own assets', async () => {
    const response = await t.request('/')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toStartWith('text/html')
    expect(response.headers.get('cache-control')).toBe('no-cache')
    expectHardened(response)
    expect(response.headers.get('content-security-policy')).toContain("connect-src 'self' ws://localhost")
    const html = await response.text()
    expect(html).not.toMatch(/<script>|<style>|\son\w+=|https?:\/\//)
    const assets = assetsOf(html)
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true)
    expect(assets.some((a) => a.endsWith('.css'))).toBe(true)
    for (const asset of assets) {
      const file = await t.request(asset)
      expect({ asset, status: file.status }).toEqual({ asset, status: 200 })
      expect(file.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
      expectHardened(file)
    }
  }, 30_000)

  test('every other path outside the API answers the shell (history-API deep links)', async () => {
    const shell = await (await t.request('/')).text()
    for (const path of ['/sessions', '/sessions/some%20id', '/search?q=x', '/workspaces/w1', '/swarms/s1?run=r', '/usage', '/no/such/page']) {
      const response = await t.request(path)
      expect({ path, status: response.status, type: response.headers.get('content-type') }).toEqual({ path, status: 200, type: 'text/html;charset=utf-8' })
      expect(await response.text()).toBe(shell)
    }
  })

  test('API, socket and docs paths are never answered with the app', async () => {
    for (const path of ['/api/nope', '/api', '/ws/nope', '/swagger/nope']) {
      const response = await t.request(path)
      expect({ path, status: response.status }).toEqual({ path, status: 404 })
      expect(await response.json()).toEqual({ success: false, error: { code: 'NOT_FOUND', message: `Route not found: GET ${path}` } })
    }
    // The MCP endpoint takes POST only.
    expect(await t.json('/mcp')).toMatchObject({ status: 405, body: { success: false, error: { code: 'METHOD_NOT_ALLOWED' } } })
    expect((await t.request('/swagger')).headers.get('content-type')).toStartWith('text/html')
    expect((await t.json('/api/health')).body.success).toBe(true)
  })

  test('other methods on app paths and unknown API paths stay 404, not 405', async () => {
    for (const path of ['/sessions', '/api/nope']) {
      const response = await t.request(path, { method: 'POST' })
      expect({ path, status: response.status }).toEqual({ path, status: 404 })
    }
    expect((await t.request('/api/stats', { method: 'POST' })).status).toBe(405)
  })

  test('a missing asset is the 404 envelope, still hardened', async () => {
    const response = await t.request('/assets/nope.js')
    expect(response.status).toBe(404)
    expectHardened(response)
    expect(await response.json()).toMatchObject({ success: false, error: { code: 'NOT_FOUND' } })
  })

  test('assets are sent gzipped when asked, and 304 when unchanged', async () => {
    const [script] = assetsOf(await (await t.request('/')).text()).filter((a) => a.endsWith('.js'))
    const plain = await t.request(script!)
    const body = new Uint8Array(await plain.arrayBuffer())
    const zipped = await t.request(script!, { headers: { 'accept-encoding': 'gzip, br' } })
    expect(zipped.headers.get('content-encoding')).toBe('gzip')
    expect(Bun.gunzipSync(new Uint8Array(await zipped.arrayBuffer()))).toEqual(body)
    const again = await t.request(script!, { headers: { 'if-none-match': plain.headers.get('etag')! } })
    expect(again.status).toBe(304)
  })

  test('all assets of the first load weigh at most 250 KB gzipped', async () => {
    let total = 0
    for (const asset of assetsOf(await (await t.request('/')).text())) {
      total += (await (await t.request(asset, { headers: { 'accept-encoding': 'gzip' } })).arrayBuffer()).byteLength
    }
    expect(total).toBeLessThanOrEqual(250 * 1024)
  })
})

describe('the compiled binary carries the app', () => {
  test('run from another directory, it serves the shell and every asset from inside itself', async () => {
    using dir = tempDir()
    await using server = await serveBinary(await compiledBinary(), ['--db', join(dir.path, 'chasm.db'), '--no-harvest'], {}, dir.path)
    const shell = await fetch(`${server.url}/sessions/deep/link`)
    expect(shell.status).toBe(200)
    expectHardened(shell)
    const assets = assetsOf(await shell.text())
    expect(assets.length).toBeGreaterThanOrEqual(2)
    for (const asset of assets) expect({ asset, status: (await fetch(server.url + asset)).status }).toEqual({ asset, status: 200 })
  }, 120_000)
})
