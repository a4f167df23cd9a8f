import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { openDatabase, replaceSession } from '../../src/db'
import { exportFixture, PLANTED } from '../export/fixture'
import { sampleSession } from '../support/sessions'
import { tempDir } from '../support/temp'

/** A connected MCP client and how to let it go. */
export interface Connection {
  client: Client
  close(): Promise<void>
}

const GOLDEN_MD = join(import.meta.dir, '..', 'fixtures', 'export', 'session.md')
const FIXTURE_ID = 'export-fixture-0001'
const SECRET_FRAGMENTS = Object.values(PLANTED).flatMap((secret) => secret.split('\n').filter((line) => line.length >= 8))

/** How often the oldest, a middle and the newest plain session say `idempotency`: the best match is the oldest. */
const IDEMPOTENCY: Record<number, number> = { 0: 3, 15: 2, 29: 1 }

/** A database holding the export fixture (planted secrets included) and 30 plain sessions, one an hour. */
export function seededDatabase() {
  const dir = tempDir('chasm-mcp-')
  const path = join(dir.path, 'chasm.db')
  const chasm = openDatabase(path)
  replaceSession(chasm.sqlite, exportFixture())
  for (let i = 0; i < 30; i++) {
    const session = sampleSession({
      id: `plain-${String(i).padStart(2, '0')}`,
      provider: i % 2 ? 'copilot' : 'claude-code',
      title: `Plain session ${i}`,
      updated: Date.parse('2026-01-01T00:00:00Z') + i * 3_600_000,
    })
    const [question, ...rest] = session.messages
    const extra = ' idempotency'.repeat(IDEMPOTENCY[i] ?? 0)
    replaceSession(chasm.sqlite, { ...session, messages: [{ ...question!, content: question!.content + extra }, ...rest] })
  }
  chasm.close()
  return { path, [Symbol.dispose]: () => dir[Symbol.dispose]() }
}

/**
 * What every way of reaching chasm's MCP server must do (in memory, stdio from the compiled
 * binary, Streamable HTTP from `api serve`): the same tools, results, resource and errors, and no
 * planted secret in anything it returns.
 */
export function mcpContract(transport: string, connect: (dbPath: string) => Promise<Connection>) {
  describe(`MCP over ${transport}`, () => {
    let db: ReturnType<typeof seededDatabase>
    let connection: Connection
    const seen: string[] = []
    const call = async (name: string, args: Record<string, unknown>) => {
      const result = (await connection.client.callTool({ name, arguments: args })) as {
        content: { type: string; text: string }[]
        structuredContent?: any
        isError?: boolean
      }
      seen.push(JSON.stringify(result))
      return result
    }

    beforeAll(async () => {
      db = seededDatabase()
      connection = await connect(db.path)
    })
    afterAll(async () => {
      await connection?.close()
      db?.[Symbol.dispose]()
    })

    test('introduces itself with instructions that name the tools', () => {
      expect(connection.client.getServerVersion()).toMatchObject({ name: 'chasm' })
      const instructions = connection.client.getInstructions()!
      for (const tool of ['search_sessions', 'get_session', 'list_sessions', 'list_workspaces', 'get_stats', 'chasm://session/{id}']) {
        expect(instructions).toContain(tool)
      }
    })

    test('lists five read-only tools with input and output schemas', async () => {
      const { tools } = await connection.client.listTools()
      expect(tools.map((tool) => tool.name)).toEqual(['search_sessions', 'get_session', 'list_sessions', 'list_workspaces', 'get_stats'])
      for (const tool of tools) {
        expect(tool.inputSchema.type).toBe('object')
        expect(tool.outputSchema?.type).toBe('object')
        expect(tool.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false, openWorldHint: false })
        expect(tool.description!.length).toBeGreaterThan(40)
      }
    })

    test('search_sessions: ranked sessions with plain-text snippets, secrets redacted', async () => {
      const result = await call('search_sessions', { query: 'database token' })
      expect(result.isError).toBeUndefined()
      const [hit] = result.structuredContent.results
      expect(hit).toMatchObject({ sessionId: FIXTURE_ID, provider: 'claude-code' })
      expect(hit.matches[0].snippet).toBe(
        'My **database** is postgres://app:[REDACTED:url-password]@db.internal:5432/shop and the CI **token** is [REDACTED:github-token].\n\nWhy does <details> swallow my page…',
      )
      expect(JSON.parse(result.content[0]!.text)).toEqual(result.structuredContent)
      const filtered = await call('search_sessions', { query: 'authentication', provider: 'copilot', limit: 3 })
      expect(filtered.structuredContent.results).toHaveLength(3)
      expect(filtered.structuredContent.results.every((r: { provider: string }) => r.provider === 'copilot')).toBe(true)
    })

    test('search_sessions: sort "recent" puts the newest last match first; relevance, the default, the best match', async () => {
      const { tools } = await connection.client.listTools()
      const input = tools.find((tool) => tool.name === 'search_sessions')!.inputSchema
      expect(input.properties?.sort).toMatchObject({ anyOf: [{ const: 'relevance' }, { const: 'recent' }], description: expect.stringContaining('recent:') })
      expect(input.required).toEqual(['query'])
      const order = async (sort?: string) =>
        (await call('search_sessions', { query: 'idempotency', ...(sort ? { sort } : {}) })).structuredContent.results.map((r: { sessionId: string }) => r.sessionId)
      expect(await order()).toEqual(['plain-00', 'plain-15', 'plain-29'])
      expect(await order('relevance')).toEqual(['plain-00', 'plain-15', 'plain-29'])
      expect(await order('recent')).toEqual(['plain-29', 'plain-15', 'plain-00'])
    })

    test('get_session: pages within the token budget and says exactly how to continue', async () => {
      const first = await call('get_session', { id: FIXTURE_ID, maxTokens: 600 })
      const page = first.structuredContent
      expect(page.totalMessages).toBe(8)
      expect(page.offset).toBe(0)
      expect(page.messages.length).toBeGreaterThan(0)
      expect(page.nextOffset).toBe(page.messages.length)
      expect(page.note).toContain(`get_session {"id":"${FIXTURE_ID}","offset":${page.nextOffset},"limit":50,"maxTokens":600}`)
      let offset: number | null = page.nextOffset
      const all = [...page.messages]
      while (offset !== null) {
        const next: any = (await call('get_session', { id: FIXTURE_ID, offset, maxTokens: 600 })).structuredContent
        all.push(...next.messages)
        offset = next.nextOffset
      }
      expect(all.map((m: { id: string }) => m.id)).toEqual([
        'm-system', 'm-user-1', 'm-assistant-1', 'm-assistant-2', 'm-tool-1', 'm-assistant-3', 'm-assistant-4', 'm-user-2',
      ])
      expect(all.find((m: { id: string }) => m.id === 'm-assistant-3')).toMatchObject({ state: 'failed', error: 'rate limited (429): retry after 30 s <b>' })
    })

    test('get_session: a message over the budget is cut, and the note says how to read it whole', async () => {
      const result = (await call('get_session', { id: FIXTURE_ID, offset: 2, limit: 1, maxTokens: 500 })).structuredContent
      expect(result.messages).toHaveLength(1)
      expect(result.truncated).toBe(true)
      expect(result.messages[0].content).toMatch(/^## The cause\n[\s\S]*… \[cut: \d+ more characters\]$/)
      expect(result.note).toMatch(/^Message 2 holds about \d+ tokens and was cut to fit maxTokens; read it whole with get_session \{"id":"export-fixture-0001","offset":2,"limit":1,"maxTokens":\d+\}\./)
      const whole = JSON.parse(/read it whole with get_session (\{.*?\})\./.exec(result.note)![1]!)
      const again = (await call('get_session', whole)).structuredContent
      expect(again.truncated).toBe(false)
      expect(again.messages[0].content).toBe(exportFixture().messages[2]!.content)
    })

    test('list_sessions, list_workspaces, get_stats', async () => {
      const recent = (await call('list_sessions', { limit: 5 })).structuredContent
      expect(recent.total).toBe(31)
      expect(recent.sessions.map((s: { id: string }) => s.id)).toEqual(['export-fixture-0001', 'plain-29', 'plain-28', 'plain-27', 'plain-26'])
      const since = (await call('list_sessions', { provider: 'copilot', since: '2026-01-02T00:00:00Z' })).structuredContent
      expect(since.sessions.map((s: { id: string }) => s.id)).toEqual(['plain-29', 'plain-27', 'plain-25'])
      const workspaces = (await call('list_workspaces', {})).structuredContent
      expect(workspaces.total).toBe(3)
      expect(workspaces.workspaces.map((w: { name: string }) => w.name).sort()).toEqual(['app', 'app', 'shop'])
      const stats = (await call('get_stats', {})).structuredContent
      expect(stats).toMatchObject({ totalSessions: 31, totalWorkspaces: 3, byProvider: { copilot: { sessions: 15 } } })
    })

    test('the session resource is the redacted Markdown export', async () => {
      const { resourceTemplates } = await connection.client.listResourceTemplates()
      expect(resourceTemplates).toEqual([expect.objectContaining({ uriTemplate: 'chasm://session/{id}', mimeType: 'text/markdown' })])
      const { contents } = await connection.client.readResource({ uri: `chasm://session/${FIXTURE_ID}` })
      expect(contents).toEqual([{ uri: `chasm://session/${FIXTURE_ID}`, mimeType: 'text/markdown', text: readFileSync(GOLDEN_MD, 'utf8') }])
      seen.push(JSON.stringify(contents))
      const listed = await connection.client.listResources()
      expect(listed.resources.map((r) => r.uri)).toContain(`chasm://session/${FIXTURE_ID}`)
    })

    test('an unknown id or bad arguments are tool errors that say what is wrong', async () => {
      expect(await call('get_session', { id: 'no-such-session' })).toEqual({ content: [{ type: 'text', text: 'Session not found: no-such-session' }], isError: true })
      const cases: [string, Record<string, unknown>, string][] = [
        ['search_sessions', {}, "Missing required argument 'query' for search_sessions"],
        ['search_sessions', { query: 'x', limit: 0 }, "Invalid argument 'limit'"],
        ['search_sessions', { query: '   ' }, "Invalid argument 'query': must not be blank"],
        ['search_sessions', { query: 'x', drop: 'tables' }, "Unknown argument 'drop' for search_sessions"],
        // The search API's own bound: 32 terms however they are spelled, a repeated one counted once.
        ['search_sessions', { query: Array.from({ length: 33 }, (_, i) => `w${i}*`).join(' ') }, "Invalid argument 'query': at most 32 terms (got 33)"],
        ['search_sessions', { query: 'x', sort: 'newest' }, 'Invalid argument \'sort\': must be one of "relevance", "recent" (got "newest")'],
        ['search_sessions', { query: 'x', sort: 1 }, 'Invalid argument \'sort\': must be one of "relevance", "recent" (got 1)'],
        ['get_session', { id: FIXTURE_ID, offset: 8 }, "Invalid argument 'offset': the session has 8 message(s)"],
        ['get_session', { id: FIXTURE_ID, maxTokens: 'lots' }, "Invalid argument 'maxTokens'"],
        ['list_sessions', { since: 'last tuesday' }, "Invalid argument 'since'"],
        ['list_workspaces', { any: 1 }, "Unknown argument 'any' for list_workspaces"],
      ]
      for (const [name, args, message] of cases) {
        const result = await call(name, args)
        expect({ name, args, isError: result.isError, text: result.content[0]!.text.slice(0, message.length) }).toEqual({ name, args, isError: true, text: message })
      }
    })

    test('an unknown tool or resource is a protocol error', async () => {
      await expect(connection.client.callTool({ name: 'drop_tables', arguments: {} })).rejects.toMatchObject({ code: -32602 })
      await expect(connection.client.readResource({ uri: 'chasm://session/no-such-session' })).rejects.toMatchObject({ code: -32002 })
      await expect(connection.client.readResource({ uri: 'file:///etc/passwd' })).rejects.toMatchObject({ code: -32602 })
    })

    test('no planted secret appears in anything the server returned', () => {
      expect(seen.length).toBeGreaterThan(10)
      const everything = seen.join('\n')
      expect(SECRET_FRAGMENTS.filter((fragment) => everything.includes(fragment))).toEqual([])
    })
  })
}
