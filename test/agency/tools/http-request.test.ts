import { afterAll, describe, expect, test } from 'bun:test'
import { PUBLIC_DESTINATIONS, runTool, TOOLS, type Destinations } from '../../../src/agency/tools'
import { HTTP_MAX_REDIRECTS, HTTP_RESPONSE_LIMIT } from '../../../src/agency/tools/http-request'
import { toolContext } from '../support/tools'

/** Every request the loopback test server received, as `METHOD path`. */
const received: string[] = []
const server = Bun.serve({
  port: 0,
  hostname: '127.0.0.1',
  fetch: async (req) => {
    const url = new URL(req.url)
    received.push(`${req.method} ${url.pathname}`)
    if (url.pathname === '/big') return new Response('z'.repeat(HTTP_RESPONSE_LIMIT * 2), { headers: { 'content-type': 'text/plain' } })
    if (url.pathname === '/echo') {
      return Response.json({ method: req.method, body: await req.text(), header: req.headers.get('x-test'), auth: req.headers.get('authorization'), host: req.headers.get('host') })
    }
    if (url.pathname === '/redirect') return new Response(null, { status: Number(url.searchParams.get('status') ?? 302), headers: { location: url.searchParams.get('to')! } })
    if (url.pathname === '/loop') return new Response(null, { status: 302, headers: { location: '/loop' } })
    if (url.pathname === '/hang') return new Promise<Response>(() => {})
    return new Response('nope', { status: 404, statusText: 'Not Found' })
  },
})
afterAll(() => server.stop(true))
const port = server.port

/**
 * The test server stands in for a public host: `public.test` and `other.test` resolve to it, and its
 * address (127.0.0.1) is admitted; every other address is judged exactly as in production.
 */
const resolutions: string[] = []
const testDestinations: Destinations = {
  async resolve(hostname) {
    resolutions.push(hostname)
    if (hostname === 'public.test' || hostname === 'other.test') return [{ address: '127.0.0.1', family: 4 }]
    return await PUBLIC_DESTINATIONS.resolve(hostname)
  },
  refusal: (address) => (address === '127.0.0.1' ? null : PUBLIC_DESTINATIONS.refusal(address)),
}
const allowed = toolContext('.', { allowHttp: true, destinations: testDestinations })
const production = toolContext('.', { allowHttp: true })
const request = (args: Record<string, unknown>, ctx = allowed) => runTool(TOOLS.http_request, args, ctx)

describe('http_request', () => {
  test('is refused unless the server allows it', async () => {
    expect(await request({ url: `http://public.test:${port}/echo` }, toolContext('.'))).toEqual({
      ok: false,
      output: 'the http_request tool is disabled on this server (start it with --allow-http-tool)',
    })
  })

  test('makes the request and reports status, type and body; an HTTP error status is not a tool error', async () => {
    expect([
      await request({ url: `http://public.test:${port}/echo`, method: 'POST', body: 'hi', headers: { 'x-test': 'yes', Host: 'evil.example' } }),
      await request({ url: `http://public.test:${port}/missing` }),
      await request({ url: 'file:///etc/passwd' }),
      await request({ url: 'not a url' }),
      await request({ url: `http://user:pw@public.test:${port}/echo` }),
      await request({ url: `http://public.test:${port}/echo`, headers: { 'bad name': 'x' } }),
      await request({ url: `http://public.test:${port}/echo`, headers: { 'x-test': 'a\r\nInjected: 1' } }),
    ]).toEqual([
      { ok: true, output: `HTTP 200 OK\ncontent-type: application/json;charset=utf-8\n\n{"method":"POST","body":"hi","header":"yes","auth":null,"host":"public.test:${port}"}` },
      { ok: true, output: 'HTTP 404 Not Found\ncontent-type: text/plain;charset=utf-8\n\nnope' },
      { ok: false, output: 'only http and https URLs are allowed, not file:' },
      { ok: false, output: 'not a valid URL: not a url' },
      { ok: false, output: 'URLs with credentials (user:password@) are not allowed; send an Authorization header instead' },
      { ok: false, output: 'invalid header name: "bad name"' },
      { ok: false, output: 'invalid value for header x-test: line breaks are not allowed' },
    ])
  })

  test('cuts a large response', async () => {
    const { output } = await request({ url: `http://public.test:${port}/big` })
    expect(output).toBe(`HTTP 200 OK\ncontent-type: text/plain\n\n${'z'.repeat(HTTP_RESPONSE_LIMIT)}\n… [response cut after ${HTTP_RESPONSE_LIMIT} bytes]`)
  })

  test('refuses this machine in every spelling, by name or after DNS, and never sends a byte there', async () => {
    const before = received.length
    const urls = [
      `http://127.0.0.1:${port}/echo`, `http://localhost:${port}/echo`, `http://LOCALHOST.:${port}/echo`, `http://app.localhost:${port}/echo`,
      `http://2130706433:${port}/echo`, `http://0x7f000001:${port}/echo`, `http://0x7f.1:${port}/echo`, `http://0177.0.0.1:${port}/echo`, `http://127.1:${port}/echo`,
      `http://0:${port}/echo`, `http://0.0.0.0:${port}/echo`, `http://[::1]:${port}/echo`, `http://[::ffff:127.0.0.1]:${port}/echo`, `http://[::ffff:7f00:1]:${port}/echo`,
      `http://[64:ff9b::7f00:1]:${port}/echo`, `http://[2002:7f00:1::]:${port}/echo`, `http://[::]:${port}/echo`,
      'http://169.254.169.254/latest/meta-data/', 'http://[fd00:ec2::254]/latest/meta-data/', 'http://metadata.google.internal/computeMetadata/v1/',
      'http://10.0.0.1/', 'http://192.168.1.1/', 'http://172.16.0.1/', 'http://100.64.0.1/', 'http://[fe80::1]/', 'http://224.0.0.1/',
    ]
    const outcomes = await Promise.all(urls.map((url) => request({ url, method: 'POST', body: '{"workspace":"/"}' }, production)))
    expect(outcomes.filter((o) => o.ok || !o.output.startsWith('refused: '))).toEqual([])
    expect(outcomes.slice(0, 3).map((o) => o.output)).toEqual([
      `refused: 127.0.0.1:${port} is a loopback address; http_request reaches public addresses only`,
      `refused: localhost:${port} is a loopback name; http_request reaches public addresses only`,
      `refused: localhost.:${port} is a loopback name; http_request reaches public addresses only`,
    ])
    expect(received.length).toBe(before)
  })

  test('checks what a name resolves to: one refused address refuses the name (DNS rebinding)', async () => {
    const resolving = (addresses: string[]): Destinations => ({
      resolve: async () => addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
      refusal: PUBLIC_DESTINATIONS.refusal,
    })
    expect([
      await request({ url: `http://evil.test:${port}/echo` }, toolContext('.', { allowHttp: true, destinations: resolving(['127.0.0.1']) })),
      await request({ url: 'http://evil.test/' }, toolContext('.', { allowHttp: true, destinations: resolving(['93.184.216.34', '10.1.2.3']) })),
      await request({ url: 'http://evil.test/' }, toolContext('.', { allowHttp: true, destinations: resolving(['::ffff:169.254.169.254']) })),
      await request({ url: 'http://evil.test/' }, toolContext('.', { allowHttp: true, destinations: resolving([]) })),
    ]).toEqual([
      { ok: false, output: `refused: evil.test:${port} is a loopback address (it resolves to 127.0.0.1); http_request reaches public addresses only` },
      { ok: false, output: 'refused: evil.test is a private address (it resolves to 10.1.2.3); http_request reaches public addresses only' },
      { ok: false, output: 'refused: evil.test is a cloud metadata address (169.254.169.254) in IPv4-mapped form (it resolves to ::ffff:a9fe:a9fe); http_request reaches public addresses only' },
      { ok: false, output: 'cannot resolve evil.test: no addresses' },
    ])
  })

  test('resolves once per hop and connects to the address it checked, whatever the name resolves to next', async () => {
    let calls = 0
    const rebinding: Destinations = {
      // First answer: the admitted test server; every later one: a private address.
      resolve: async () => [{ address: calls++ === 0 ? '127.0.0.1' : '10.9.9.9', family: 4 }],
      refusal: testDestinations.refusal,
    }
    const outcome = await request({ url: `http://rebind.test:${port}/echo` }, toolContext('.', { allowHttp: true, destinations: rebinding }))
    expect([outcome.ok, calls, JSON.parse(outcome.output.split('\n\n')[1]!).host]).toEqual([true, 1, `rebind.test:${port}`])
  })

  test('follows redirects by hand, checking every hop', async () => {
    const hop = (to: string, status = 302) => `http://public.test:${port}/redirect?status=${status}&to=${encodeURIComponent(to)}`
    resolutions.length = 0
    const outcomes = [
      await request({ url: hop(`http://other.test:${port}/echo`), headers: { Authorization: 'Bearer s3cret', 'x-test': 'kept' } }),
      await request({ url: hop('/echo', 307), method: 'POST', body: 'kept body' }),
      await request({ url: hop('/echo', 303), method: 'POST', body: 'dropped' }),
      await request({ url: hop(`http://localhost:${port}/echo`) }),
      await request({ url: hop('http://169.254.169.254/latest/meta-data/iam/', 307), method: 'PUT', body: 'x' }),
      await request({ url: hop('http://[::ffff:10.0.0.1]/', 308) }),
      await request({ url: hop('file:///etc/passwd') }),
      await request({ url: `http://public.test:${port}/loop` }),
    ]
    const body = (i: number) => JSON.parse(outcomes[i]!.output.split('\n\n')[1]!)
    expect([outcomes[0]!.output.split('\n')[1], body(0).auth, body(0).header, body(1).method, body(1).body, body(2).method, body(2).body]).toEqual([
      `url: http://other.test:${port}/echo (after 1 redirect)`, null, 'kept', 'POST', 'kept body', 'GET', '',
    ])
    expect(outcomes.slice(3).map((o) => o.output)).toEqual([
      `refused: localhost:${port} is a loopback name; http_request reaches public addresses only`,
      'refused: 169.254.169.254 is a cloud metadata address; http_request reaches public addresses only',
      'refused: [::ffff:a00:1] is a private address (10.0.0.1) in IPv4-mapped form; http_request reaches public addresses only',
      'only http and https URLs are allowed, not file:',
      `more than ${HTTP_MAX_REDIRECTS} redirects (the last one to /loop)`,
    ])
    expect(resolutions.filter((name) => name === 'other.test').length).toBe(1)
  })

  test('a redirect from an admitted host to this machine is refused with the production policy', async () => {
    // Only the first hop is admitted; the redirect's target is judged by the production rules.
    const pinnedFirst: Destinations = {
      resolve: testDestinations.resolve,
      refusal: (() => {
        let admitted = false
        return (address: string) => {
          if (!admitted && address === '127.0.0.1') {
            admitted = true
            return null
          }
          return PUBLIC_DESTINATIONS.refusal(address)
        }
      })(),
    }
    const before = received.length
    const outcome = await request(
      { url: `http://public.test:${port}/redirect?to=${encodeURIComponent(`http://127.0.0.1:${port}/echo`)}`, method: 'POST', body: '{}' },
      toolContext('.', { allowHttp: true, destinations: pinnedFirst }),
    )
    expect(outcome).toEqual({ ok: false, output: `refused: 127.0.0.1:${port} is a loopback address; http_request reaches public addresses only` })
    expect(received.slice(before)).toEqual(['POST /redirect'])
  })

  test('a stop of the run aborts a hanging request at once and is not a tool error', async () => {
    const controller = new AbortController()
    const pending = request({ url: `http://public.test:${port}/hang` }, toolContext('.', { allowHttp: true, destinations: testDestinations, signal: controller.signal })).catch((e) => e)
    while (!received.includes('GET /hang')) await Bun.sleep(1)
    controller.abort(new Error('stopped'))
    expect(((await pending) as Error).message).toBe('stopped')
  })
})
