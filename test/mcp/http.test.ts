import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { compiledBinary, serveBinary, type ServedBinary } from '../support/binary'
import { mcpContract, seededDatabase } from './contract'

let binary: string
beforeAll(async () => {
  binary = await compiledBinary()
}, 120_000)

const TOKEN = 'mcp-test-token-0123456789abcdef'
const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
}
const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }

async function connect(url: string, headers: Record<string, string> = {}) {
  const client = new Client({ name: 'chasm-test', version: '1' })
  await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', url), { requestInit: { headers } }))
  return client
}

mcpContract('Streamable HTTP from api serve', async (dbPath) => {
  const server = await serveBinary(binary, ['--db', dbPath, '--no-harvest'], { HOME: '/nonexistent' })
  const client = await connect(server.url)
  return {
    client,
    async close() {
      await client.close()
      await server[Symbol.asyncDispose]()
    },
  }
})

describe('/mcp behind the API security', () => {
  // One server per database: the token-mode server gets a database of its own.
  let db: ReturnType<typeof seededDatabase>
  let tokenDb: ReturnType<typeof seededDatabase>
  let open: ServedBinary
  let guarded: ServedBinary
  beforeAll(async () => {
    db = seededDatabase()
    tokenDb = seededDatabase()
    open = await serveBinary(binary, ['--db', db.path, '--no-harvest'], { HOME: '/nonexistent' })
  })
  afterAll(async () => {
    await open?.[Symbol.asyncDispose]()
    await guarded?.[Symbol.asyncDispose]()
    db?.[Symbol.dispose]()
    tokenDb?.[Symbol.dispose]()
  })

  test('a request from a foreign web page (Origin) is refused before the server sees it', async () => {
    const response = await fetch(`${open.url}/mcp`, { method: 'POST', headers: { ...MCP_HEADERS, origin: 'https://evil.example' }, body: JSON.stringify(INITIALIZE) })
    expect(response.status).toBe(403)
    expect(await response.json()).toMatchObject({ success: false, error: { code: 'FORBIDDEN' } })
  })

  test('a request naming another Host is refused (DNS rebinding)', async () => {
    const response = await fetch(`${open.url}/mcp`, { method: 'POST', headers: { ...MCP_HEADERS, host: 'attacker.example' }, body: JSON.stringify(INITIALIZE) })
    expect(response.status).toBe(403)
  })

  test('GET (an event stream) is not offered', async () => {
    const response = await fetch(`${open.url}/mcp`, { headers: { accept: 'text/event-stream' } })
    expect(response.status).toBe(405)
    expect(response.headers.get('allow')).toBe('POST')
  })

  test('malformed JSON is the API error envelope; JSON that is no JSON-RPC a JSON-RPC error; never a crash', async () => {
    const malformed = await fetch(`${open.url}/mcp`, { method: 'POST', headers: MCP_HEADERS, body: '{"jsonrpc": "2.0", "id": 1, "method":' })
    expect(malformed.status).toBe(400)
    expect(await malformed.json()).toEqual({ success: false, error: { code: 'BAD_REQUEST', message: 'Malformed JSON in request body' } })
    const notRpc = await fetch(`${open.url}/mcp`, { method: 'POST', headers: MCP_HEADERS, body: '{"hello": "world"}' })
    expect(notRpc.status).toBe(400)
    expect(await notRpc.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32700 } })
    const form = await fetch(`${open.url}/mcp`, { method: 'POST', headers: { ...MCP_HEADERS, 'content-type': 'text/plain' }, body: '{}' })
    expect(form.status).toBe(415)
    expect((await fetch(`${open.url}/api/health`)).status).toBe(200)
  })

  test('with a token, /mcp needs it: 401 without, the full protocol with it', async () => {
    guarded = await serveBinary(binary, ['--db', tokenDb.path, '--no-harvest', '--token', TOKEN], { HOME: '/nonexistent' })
    const anonymous = await fetch(`${guarded.url}/mcp`, { method: 'POST', headers: MCP_HEADERS, body: JSON.stringify(INITIALIZE) })
    expect(anonymous.status).toBe(401)
    await expect(connect(guarded.url)).rejects.toThrow()
    const client = await connect(guarded.url, { authorization: `Bearer ${TOKEN}` })
    try {
      const { tools } = await client.listTools()
      expect(tools).toHaveLength(5)
    } finally {
      await client.close()
    }
  })
})
