import { beforeAll, describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { compiledBinary } from '../support/binary'
import { fixtureText, kvStoreBytes, withFiles } from '../support/fixture-db'
import { fixtureTree, tempDir, tempHome, writeTree } from '../support/temp'
import { mcpContract, seededDatabase } from './contract'

let binary: string
beforeAll(async () => {
  binary = await compiledBinary()
}, 120_000)

/** `chasm mcp` from the compiled binary as an MCP client's child process. */
async function connectBinary(args: string[], home: string) {
  const transport = new StdioClientTransport({ command: binary, args: ['mcp', ...args], env: { PATH: process.env.PATH ?? '', HOME: home }, stderr: 'pipe' })
  const client = new Client({ name: 'chasm-test', version: '1' })
  await client.connect(transport)
  return { client, close: () => client.close() }
}

const emptyHome = tempDir('chasm-mcp-home-')
mcpContract('stdio from the compiled binary', (dbPath) => connectBinary(['--db', dbPath, '--no-harvest'], emptyHome.path))

describe('chasm mcp (stdio)', () => {
  test('stdout carries protocol messages only, and the server exits 0 when its input ends', async () => {
    using db = seededDatabase()
    const proc = Bun.spawn([binary, 'mcp', '--db', db.path, '--no-harvest'], {
      stdin: 'pipe',
      stdout: 'pipe',
      stderr: 'pipe',
      env: { PATH: process.env.PATH ?? '', HOME: emptyHome.path },
    })
    const send = (message: object) => proc.stdin.write(`${JSON.stringify(message)}\n`)
    send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } })
    send({ jsonrpc: '2.0', method: 'notifications/initialized' })
    send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'get_stats', arguments: {} } })
    send({ jsonrpc: '2.0', id: 3, method: 'no/such/method' })
    // Not JSON at all: the transport reports it on stderr and keeps serving.
    proc.stdin.write('this is not json\n')
    send({ jsonrpc: '2.0', id: 4, method: 'ping' })
    proc.stdin.end()
    expect(await proc.exited).toBe(0)
    const lines = (await new Response(proc.stdout).text()).trimEnd().split('\n')
    // Answers may come in any order; each is one JSON-RPC line.
    const messages = lines.map((line) => JSON.parse(line)).sort((a, b) => a.id - b.id)
    expect(messages.every((message) => message.jsonrpc === '2.0')).toBe(true)
    expect(messages.map((message) => message.id)).toEqual([1, 2, 3, 4])
    expect(messages[0].result.serverInfo.name).toBe('chasm')
    expect(messages[1].result.structuredContent.totalSessions).toBe(31)
    expect(messages[2].error.code).toBe(-32601)
    expect(messages[3].result).toEqual({})
  })

  test('harvests in the background at start: Copilot and Cursor history becomes searchable', async () => {
    using home = tempHome(fixtureTree('copilot'))
    writeTree(
      home.path,
      withFiles(fixtureTree('cursor'), { '.config/Cursor/User/globalStorage/state.vscdb': kvStoreBytes(JSON.parse(fixtureText('cursor', 'global.json'))) }),
    )
    using dir = tempDir()
    const connection = await connectBinary(['--db', join(dir.path, 'chasm.db'), '--home', home.path], home.path)
    try {
      const providersOf = async (query: string) => {
        const result = (await connection.client.callTool({ name: 'search_sessions', arguments: { query } })) as { structuredContent: any }
        return result.structuredContent.results.map((r: { provider: string }) => r.provider)
      }
      // The harvest runs while the server answers: wait until both assistants' sessions are in.
      while ((await providersOf('monad')).length === 0 || (await providersOf('logger')).length === 0) await Bun.sleep(50)
      expect(await providersOf('monad')).toContain('copilot')
      expect(await providersOf('logger')).toContain('cursor')
    } finally {
      await connection.close()
    }
  })
})
