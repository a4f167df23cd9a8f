import { beforeAll, describe, expect, test } from 'bun:test'
import { statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { compiledBinary, serveBinary, type ServedBinary } from '../support/binary'
import { httpRequest, rawRequest, UPGRADE_HEADERS } from '../support/raw-http'
import { tempDir } from '../support/temp'

// Issue 9, tried as an attacker would, through the compiled binary and on raw sockets where an HTTP
// client would normalise the request away. docs/security.md says what each rule stops.

const TOKEN = 'secret-token-for-tests'
const portOf = (server: ServedBinary) => Number(new URL(server.url).port)
const json = (body: unknown) => JSON.stringify(body)

let binary: string
beforeAll(async () => {
  binary = await compiledBinary()
}, 180_000)

/** Records one conversation so there is something to steal. */
async function seed(server: ServedBinary, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}/api/recording/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: json({ session_id: 'private', event_type: 'message', data: { role: 'user', content: 'my AWS key is in here' } }),
  })
  expect(response.status).toBe(200)
}

describe('issue 9.1: the token cannot be bypassed', () => {
  test('a Host with a path, a missing Host, a joined Host and a health-looking query are 400 before any route; data needs the token', async () => {
    using dir = tempDir()
    const tokenFile = join(dir.path, 'token')
    writeFileSync(tokenFile, `${TOKEN}\n`)
    await using server = await serveBinary(binary, ['--db', join(dir.path, 'chasm.db'), '--no-harvest', '--token-file', tokenFile])
    await seed(server, { authorization: `Bearer ${TOKEN}` })
    const port = portOf(server)
    const malformed = { success: false, error: { code: 'BAD_REQUEST', message: 'Malformed request: the request target or Host header cannot be parsed' } }
    const attempts = [
      'GET /api/sessions/private?x=//a/api/health HTTP/1.1\r\nHost: a/b\r\nConnection: close\r\n\r\n',
      'GET /api/sessions/private?x=//a/api/health HTTP/1.0\r\n\r\n',
      'GET /api/sessions/private HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n',
      'GET /api/sessions/private HTTP/1.1\r\nHost: user@127.0.0.1\r\nConnection: close\r\n\r\n',
      httpRequest('GET', '/ws/recording?x=//a/api/health', [['Host', 'a/b'], ...UPGRADE_HEADERS]),
      httpRequest('GET', '/api/recording/ws?x=//a/api/health', [['Host', 'a/b'], ...UPGRADE_HEADERS]),
    ]
    for (const attempt of attempts) {
      const response = await rawRequest(port, attempt)
      expect({ attempt, status: response.status, json: response.json }).toEqual({ attempt, status: 400, json: malformed })
      expect(response.body).not.toContain('AWS key')
    }
    // Every spelling of a data path needs the token; health and the docs do not.
    const read = (target: string, extra: [string, string][] = []) => rawRequest(port, httpRequest('GET', target, [['Host', '127.0.0.1'], ['Connection', 'close'], ...extra]))
    for (const target of ['/api/sessions/private', '/%61pi/sessions/private', '/API/sessions/private', '//api/sessions/private', '/api/health/', '/mcp', '/ws/recording']) {
      expect({ target, status: (await read(target)).status }).toEqual({ target, status: 401 })
    }
    expect((await read('/api/health')).status).toBe(200)
    // Only the path decides: a query that looks like another path is still health.
    expect((await read('/api/health?x=1/../sessions/private')).json.data.status).toBe('healthy')
    expect((await read('/swagger/json')).status).toBe(200)
    const allowed = await read('/api/sessions/private', [['Authorization', `Bearer ${TOKEN}`]])
    expect(allowed.json.data.messages[0].content).toBe('my AWS key is in here')
    // The WebSocket needs the token too: no upgrade without it, one with it (header or ?token=).
    expect((await rawRequest(port, httpRequest('GET', '/ws/recording', [['Host', '127.0.0.1'], ...UPGRADE_HEADERS]))).status).toBe(401)
    expect((await rawRequest(port, httpRequest('GET', `/ws/recording?token=${TOKEN}`, [['Host', '127.0.0.1'], ...UPGRADE_HEADERS]))).status).toBe(101)
  })
})

describe('issues 9.2 and 9.3: a web page cannot write into chasm or open its socket', () => {
  test('cross-site and non-JSON writes are refused before any handler runs, and nothing is stored', async () => {
    using dir = tempDir()
    await using server = await serveBinary(binary, ['--db', join(dir.path, 'chasm.db'), '--no-harvest'])
    const port = portOf(server)
    const own = `http://127.0.0.1:${port}`
    const agent = json({ name: 'x', model: 'gpt-4o', instruction: 'Do as the page says.', tools: ['terminal'] })
    const targets = ['/api/v1/agents', '/api/v1/swarms', '/api/recording/events', '/api/recording/snapshot']
    const refusals: Array<{ headers: [string, string][]; body: string; status: number; code: string }> = [
      { headers: [['Origin', 'http://evil.example'], ['Content-Type', 'application/json']], body: agent, status: 403, code: 'FORBIDDEN' },
      { headers: [['Origin', 'null'], ['Content-Type', 'application/json']], body: agent, status: 403, code: 'FORBIDDEN' },
      { headers: [['Origin', `http://localhost:${port + 1}`], ['Content-Type', 'application/json']], body: agent, status: 403, code: 'FORBIDDEN' },
      { headers: [['Sec-Fetch-Site', 'cross-site'], ['Content-Type', 'application/json']], body: agent, status: 403, code: 'FORBIDDEN' },
      { headers: [['Content-Type', 'application/x-www-form-urlencoded']], body: 'name=x&model=gpt-4o&instruction=i', status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
      { headers: [['Content-Type', 'text/plain']], body: agent, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
      { headers: [['Content-Type', 'multipart/form-data; boundary=b']], body: '--b\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--b--\r\n', status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
      { headers: [], body: agent, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
    ]
    for (const target of targets) {
      for (const { headers, body, status, code } of refusals) {
        const response = await rawRequest(port, httpRequest('POST', target, [['Host', `127.0.0.1:${port}`], ['Connection', 'close'], ...headers], body))
        expect({ target, headers, status: response.status, code: response.json?.error?.code }).toEqual({ target, headers, status, code })
      }
    }
    const total = async (path: string) => ((await (await fetch(`${server.url}${path}`)).json()) as { meta: { total: number } }).meta.total
    const counts = async () => ({ agents: await total('/api/v1/agents'), swarms: await total('/api/v1/swarms'), sessions: await total('/api/sessions') })
    expect(await counts()).toEqual({ agents: 0, swarms: 0, sessions: 0 })
    // The app's own origin may write; an action without a body needs no content type.
    const created = await fetch(`${server.url}/api/v1/agents`, { method: 'POST', headers: { origin: own, 'content-type': 'application/json; charset=utf-8' }, body: agent })
    expect(created.status).toBe(201)
    const { id } = ((await created.json()) as { data: { id: string } }).data
    const clone = await rawRequest(port, httpRequest('POST', `/api/v1/agents/${id}/clone`, [['Host', `127.0.0.1:${port}`], ['Origin', own], ['Content-Length', '0'], ['Connection', 'close']]))
    expect({ status: clone.status, name: clone.json.data.name }).toEqual({ status: 201, name: 'x-copy' })
    expect(await counts()).toEqual({ agents: 2, swarms: 0, sessions: 0 })
  })

  test('a WebSocket upgrade from another origin is refused on both paths; the own origin and non-browser clients connect', async () => {
    using dir = tempDir()
    await using server = await serveBinary(binary, ['--db', join(dir.path, 'chasm.db'), '--no-harvest'])
    const port = portOf(server)
    for (const path of ['/ws/recording', '/api/recording/ws']) {
      const upgrade = (headers: [string, string][]) => rawRequest(port, httpRequest('GET', path, [['Host', `127.0.0.1:${port}`], ...UPGRADE_HEADERS, ...headers]))
      const refused = await upgrade([['Origin', 'http://evil.example']])
      expect({ path, status: refused.status, code: refused.json?.error?.code }).toEqual({ path, status: 403, code: 'FORBIDDEN' })
      expect((await upgrade([['Origin', 'https://127.0.0.1.evil.example']])).status).toBe(403)
      expect((await upgrade([['Origin', `http://localhost:${port}`]])).status).toBe(101)
      expect((await upgrade([])).status).toBe(101)
    }
  })
})

describe('issue 9.7: search cannot be used to freeze the server', () => {
  test('a query of thousands of prefixes, or too many terms, is refused at once; a cross-site <img> is refused', async () => {
    using dir = tempDir()
    await using server = await serveBinary(binary, ['--db', join(dir.path, 'chasm.db'), '--no-harvest'])
    const search = (q: string, headers: Record<string, string> = {}) => fetch(`${server.url}/api/sessions/search?q=${encodeURIComponent(q)}`, { headers }).then(async (r) => ({ status: r.status, body: await r.json() }))
    expect(await search(Array(400).fill('a*').join(' '))).toEqual({
      status: 400,
      body: { success: false, error: { code: 'BAD_REQUEST', message: expect.stringContaining("Invalid query parameter 'q': must be at most 1000 characters") } },
    })
    expect(await search(Array.from({ length: 33 }, (_, i) => `w${i}`).join(' '))).toEqual({
      status: 400,
      body: { success: false, error: { code: 'BAD_REQUEST', message: "Invalid query parameter 'q': at most 32 terms (got 33)" } },
    })
    expect((await search(Array.from({ length: 32 }, (_, i) => `w${i}*`).join(' '))).status).toBe(200)
    expect((await search('a*', { 'sec-fetch-site': 'cross-site', 'sec-fetch-dest': 'image' })).status).toBe(403)
  })
})

describe('issue 9.10: bad input gets a clear error in the envelope', () => {
  test('integers however written, bodies over the limit with or without a length, deep JSON, many subscriptions', async () => {
    using dir = tempDir()
    await using server = await serveBinary(binary, ['--db', join(dir.path, 'chasm.db'), '--no-harvest'])
    const port = portOf(server)
    for (const route of ['/api/sessions', '/api/workspaces', '/api/v1/agents', '/api/v1/swarms', '/api/recording/sessions']) {
      for (const value of ['99999999999999999999', '1e20', '-0', '0x10', '007', '1.5', '-1', '']) {
        const response = await fetch(`${server.url}${route}?limit=${value}`)
        const body = (await response.json()) as { error?: { message: string } }
        expect({ route, value, status: response.status, message: body.error?.message }).toEqual({
          route, value, status: 400, message: expect.stringMatching(/^Invalid query parameter 'limit': must be an integer from 1 to \d+ \(got /),
        })
      }
      expect((await fetch(`${server.url}${route}?offset=-0`)).status).toBe(400)
    }
    for (const value of ['0', '-5', '101']) expect((await fetch(`${server.url}/api/sessions/search?q=x&limit=${value}`)).status).toBe(400)

    const limit = 10 * 1024 * 1024
    const tooLarge = { success: false, error: { code: 'PAYLOAD_TOO_LARGE', message: 'Request body exceeds 10 MiB (10485760 bytes); send less per request' } }
    const declared = await rawRequest(port, `POST /api/recording/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${limit + 64 * 1024 + 1}\r\n\r\n{"session_id":`)
    expect({ status: declared.status, json: declared.json }).toEqual({ status: 413, json: tooLarge })
    // Chunked: no length to refuse up front, so it is counted as it arrives.
    const piece = new TextEncoder().encode(`"${'x'.repeat(1024 * 1024 - 2)}"`)
    let sent = 0
    const chunked = await fetch(`${server.url}/api/recording/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new ReadableStream({
        pull(controller) {
          if (sent++ < 12) controller.enqueue(piece)
          else controller.close()
        },
      }),
    })
    expect({ status: chunked.status, body: await chunked.json() }).toEqual({ status: 413, body: tooLarge })

    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`
    const nested = await fetch(`${server.url}/api/recording/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: deep })
    expect({ status: nested.status, body: await nested.json() }).toEqual({ status: 400, body: { success: false, error: { code: 'BAD_REQUEST', message: 'JSON nests deeper than 64 levels' } } })

    const socket = new WebSocket(`ws://127.0.0.1:${port}/ws/recording`)
    const replies: any[] = []
    const answered = (count: number) =>
      new Promise<void>((resolve) => {
        const check = () => (replies.length >= count ? resolve() : undefined)
        socket.addEventListener('message', (event) => {
          replies.push(JSON.parse(event.data as string))
          check()
        })
        check()
      })
    const all = answered(1 + 300 + 1)
    await new Promise((resolve) => socket.addEventListener('open', resolve))
    for (let i = 0; i < 300; i++) socket.send(json({ type: 'subscribe', session_id: `s${i}` }))
    socket.send(deep)
    await all
    expect(replies.filter((reply) => reply.type === 'subscribed').length).toBe(256)
    expect(replies.filter((reply) => reply.type === 'error').map((reply) => reply.message)).toEqual([
      ...Array(44).fill('At most 256 subscriptions per socket: unsubscribe from one first, or open another socket'),
      'JSON nests deeper than 64 levels',
    ])
    socket.close()
  })

  test.skipIf(process.platform === 'win32')('the database, its WAL and the data directory are private (0600 / 0700)', async () => {
    using dir = tempDir()
    const data = join(dir.path, 'data', 'chasm')
    {
      await using server = await serveBinary(binary, ['--db', join(data, 'chasm.db'), '--no-harvest'])
      await seed(server)
      for (const file of ['chasm.db', 'chasm.db-wal', 'chasm.db-shm']) expect({ file, mode: (statSync(join(data, file)).mode & 0o777).toString(8) }).toEqual({ file, mode: '600' })
      expect((statSync(data).mode & 0o777).toString(8)).toBe('700')
    }
  })
})

describe('issue 9.12: CLI edges', () => {
  test('a reader that stops early ends the command quietly, with exit code 0', async () => {
    using dir = tempDir()
    const db = join(dir.path, 'chasm.db')
    {
      await using server = await serveBinary(binary, ['--db', db, '--no-harvest'])
      const events = Array.from({ length: 400 }, (_, i) => ({ session_id: `s${i}`, event_type: 'message', data: { role: 'user', content: `hello ${i}` } }))
      expect((await fetch(`${server.url}/api/recording/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: json({ events }) })).status).toBe(200)
    }
    const listing = Bun.spawn([binary, 'list', 'sessions', '--db', db, '--limit', '500', '--json'], { stdout: 'pipe', stderr: 'pipe' })
    // Read the first bytes, then close the pipe, as `| head -c 1` does; the rest (≈100 KB) no longer fits the pipe.
    const reader = listing.stdout.getReader()
    const first = await reader.read()
    await reader.cancel()
    expect({ first: new TextDecoder().decode(first.value).slice(0, 1), code: await listing.exited, stderr: await new Response(listing.stderr).text() }).toEqual({ first: '{', code: 0, stderr: '' })
  })
})
