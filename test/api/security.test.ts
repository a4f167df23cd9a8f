import { describe, expect, test } from 'bun:test'
import { OriginPolicy } from '../../src/api/origins'
import { hostName, isDataPath, pathOf } from '../../src/api/request-target'
import { guardRequest, type Guard } from '../../src/api/security'
import { checkJsonDepth } from '../../src/shared/json'
import { maskSecrets, streamLogger } from '../../src/shared/log'
import { isLoopbackAddress } from '../../src/shared/net'
import { DEFAULT_SECURITY, testApp } from '../support/app'

const TOKEN = 's3cret-token'

describe('loopback trust and host guard', () => {
  test('loopback clients with a loopback Host need no token', async () => {
    using t = testApp()
    for (const host of ['localhost:8787', '127.0.0.1:8787', '[::1]:8787', 'LOCALHOST']) {
      expect((await t.request('/api/stats', { headers: { host } })).status).toBe(200)
    }
  })

  test('a foreign Host without a token is refused (DNS rebinding)', async () => {
    using t = testApp()
    expect(await t.json('/api/stats', { headers: { host: 'evil.example:8787' } })).toMatchObject({
      status: 403,
      body: { success: false, error: { code: 'FORBIDDEN', message: "Host 'evil.example' is not allowed without a token (see --allow-host)" } },
    })
  })

  test('--allow-host admits that Host', async () => {
    using t = testApp({ security: { allowHosts: ['chasm.lan'] } })
    expect((await t.request('/api/stats', { headers: { host: 'chasm.lan:8787' } })).status).toBe(200)
  })
})

describe('bearer token', () => {
  test('with --token every route but health needs it, from any peer', async () => {
    using t = testApp({ security: { token: TOKEN } })
    expect((await t.request('/api/health')).status).toBe(200)
    expect(await t.json('/api/stats')).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHORIZED', message: 'Missing bearer token (Authorization: Bearer <token>)' } } })
    expect(await t.json('/api/stats', { headers: { authorization: 'Bearer wrong' } })).toMatchObject({ status: 401, body: { error: { message: 'Invalid bearer token' } } })
    expect((await t.request('/api/stats', { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200)
    expect((await t.request('/api/nope', { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404)
    expect((await t.request('/api/nope')).status).toBe(401)
  })

  test('a valid token admits any Host (LAN clients of a 0.0.0.0 server)', async () => {
    using t = testApp({ security: { token: TOKEN }, peer: '192.168.1.20' })
    expect((await t.request('/api/stats', { headers: { host: '192.168.1.5:8787', authorization: `Bearer ${TOKEN}` } })).status).toBe(200)
  })

  test('a generated token is required from remote peers only', async () => {
    using remote = testApp({ security: { token: TOKEN, tokenGenerated: true }, peer: '10.0.0.7' })
    expect((await remote.request('/api/stats', { headers: { host: '10.0.0.2:8787' } })).status).toBe(401)
    expect((await remote.request('/api/stats', { headers: { host: '10.0.0.2:8787', authorization: `Bearer ${TOKEN}` } })).status).toBe(200)
    using local = testApp({ security: { token: TOKEN, tokenGenerated: true }, peer: '127.0.0.1' })
    expect((await local.request('/api/stats')).status).toBe(200)
  })

  test('WebSocket upgrades may pass the token as ?token=', () => {
    const guard: Guard = {
      config: { ...DEFAULT_SECURITY, token: TOKEN },
      origins: () => new OriginPolicy({ port: 80, bindHost: null, allowHosts: [], corsOrigins: [] }),
      peer: () => '127.0.0.1',
    }
    const upgrade = (url: string) => new Request(url, { headers: { upgrade: 'websocket', host: 'localhost' } })
    expect(guardRequest(guard, upgrade(`http://localhost/ws/recording?token=${TOKEN}`))).toBeNull()
    expect(guardRequest(guard, upgrade('http://localhost/ws/recording?token=nope'))?.status).toBe(401)
    expect(guardRequest(guard, new Request(`http://localhost/api/stats?token=${TOKEN}`))?.status).toBe(401)
  })
})

describe('CORS', () => {
  test('off by default: no CORS headers, preflight refused', async () => {
    using t = testApp()
    const response = await t.request('/api/stats', { headers: { origin: 'http://app.example' } })
    expect(response.headers.get('access-control-allow-origin')).toBeNull()
    const preflight = await t.request('/api/stats', { method: 'OPTIONS', headers: { origin: 'http://app.example', 'access-control-request-method': 'GET' } })
    expect(preflight.status).toBe(403)
  })

  test('--cors-origin allows exactly that origin', async () => {
    using t = testApp({ security: { corsOrigins: ['http://app.example'] } })
    const ok = await t.request('/api/stats', { headers: { origin: 'http://app.example' } })
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://app.example')
    const preflight = await t.request('/api/stats', { method: 'OPTIONS', headers: { origin: 'http://app.example', 'access-control-request-method': 'GET' } })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization')
    const other = await t.request('/api/stats', { headers: { origin: 'http://other.example' } })
    expect(other.headers.get('access-control-allow-origin')).toBeNull()
  })
})

test('bodies over the limit get 413 in the envelope', async () => {
  using t = testApp({ security: { maxBodyBytes: 1024 } })
  expect(await t.json('/api/stats', { method: 'POST', body: 'x'.repeat(2048), headers: { 'content-type': 'application/json', 'content-length': '2048' } })).toMatchObject({
    status: 413,
    body: { success: false, error: { code: 'PAYLOAD_TOO_LARGE', message: 'Request body exceeds 1024 bytes; send less per request' } },
  })
})

test('address and host parsing', () => {
  expect(['127.0.0.1', '127.9.9.9', '::1', '::ffff:127.0.0.1'].map(isLoopbackAddress)).toEqual([true, true, true, true])
  expect(['10.0.0.1', '::ffff:10.0.0.1', '', null, '1270.0.0.1'].map(isLoopbackAddress)).toEqual([false, false, false, false, false])
  expect(['localhost:8787', '[::1]:80', '[::1]', 'Example.COM', null].map(hostName)).toEqual(['localhost', '::1', '::1', 'example.com', null])
})

describe('issue 9: the pieces the guard decides with', () => {
  test('a Host header is a name or address with an optional port, nothing else', () => {
    expect(['a/b', 'user@127.0.0.1', '127.0.0.1, evil', '127.0.0.1:80:90', '', ' localhost', '[::1', 'localhost:123456'].map(hostName)).toEqual(Array(8).fill(null))
    expect(['127.0.0.1:8787', 'chasm.lan', 'xn--bcher-kva.example:80', '[fe80::1%25eth0]'.replace('%25eth0', '')].map(hostName)).toEqual(['127.0.0.1', 'chasm.lan', 'xn--bcher-kva.example', 'fe80::1'])
  })

  test('the path comes from an absolute URL only, and ends at ? or #', () => {
    expect(pathOf('http://localhost:1/api/sessions/x?y=//a/api/health')).toBe('/api/sessions/x')
    expect(pathOf('http://localhost/api/health#x')).toBe('/api/health')
    expect(pathOf('http://localhost')).toBe('/')
    expect(pathOf('/api/sessions/x?y=//a/api/health')).toBeNull()
  })

  test('every spelling of a data path is data; the app and the docs are not', () => {
    const data = ['/api', '/api/sessions', '/ws/recording', '/mcp', '/mcp/x', '/%61pi/sessions', '/API/stats', '//api/x', '/%2Fapi/x', '/\\api/x', '/Mcp']
    const publicPaths = ['/', '/sessions/abc', '/search', '/swagger', '/swagger/json', '/assets/app.js', '/apis', '/wsx', '/mcpx', '/%zz']
    expect(data.filter((path) => !isDataPath(path))).toEqual([])
    expect(publicPaths.filter(isDataPath)).toEqual([])
  })

  test('origins: the server own ones on its port, --allow-host names, --cors-origin; nothing else', () => {
    const policy = new OriginPolicy({ port: 8787, bindHost: '192.168.1.5', allowHosts: ['chasm.lan'], corsOrigins: ['https://app.example'] })
    const allowed = ['http://127.0.0.1:8787', 'http://localhost:8787', 'http://[::1]:8787', 'HTTP://LOCALHOST:8787', 'http://chasm.lan:8787', 'http://192.168.1.5:8787', 'https://app.example']
    const refused = ['http://127.0.0.1:8788', 'http://localhost', 'https://localhost:8787', 'null', 'http://evil.example', 'http://localhost:8787.evil.example', 'file://', 'chrome-extension://abc', 'https://app.example:444']
    expect(allowed.filter((origin) => !policy.allows(origin))).toEqual([])
    expect(refused.filter((origin) => policy.allows(origin))).toEqual([])
    // A wildcard bind is not an origin of its own.
    expect(new OriginPolicy({ port: 80, bindHost: '0.0.0.0', allowHosts: [], corsOrigins: [] }).allows('http://0.0.0.0')).toBe(false)
  })

  test('JSON nesting is counted outside strings, before parsing', () => {
    expect(() => checkJsonDepth(`${'['.repeat(64)}${']'.repeat(64)}`)).not.toThrow()
    expect(() => checkJsonDepth(`${'['.repeat(65)}${']'.repeat(65)}`)).toThrow('JSON nests deeper than 64 levels')
    expect(() => checkJsonDepth(JSON.stringify({ text: '['.repeat(1000), escaped: '\\"[[[[' }))).not.toThrow()
  })

  test('logs never show a token', () => {
    expect(maskSecrets('GET http://h/ws/recording?token=s3cret&x=1 Authorization: Bearer abc.def')).toBe('GET http://h/ws/recording?token=***&x=1 Authorization: Bearer ***')
    const lines: string[] = []
    streamLogger((line) => lines.push(line)).error('unhandled error on GET http://h/api/x?api_key=k&token=t')
    expect(lines[0]).toEndWith('unhandled error on GET http://h/api/x?api_key=***&token=***\n')
  })
})
