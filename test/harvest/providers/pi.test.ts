import { describe, expect, test } from 'bun:test'
import { appendFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { workspaceIdFor, type SessionDetail } from '../../../src/db'
import { pi } from '../../../src/harvest/providers/pi'
import { openTestDb } from '../../support/db'
import { dumpDb, harvestHome } from '../../support/harvest'
import { allParts, discoveredPaths } from '../../support/parts'
import { MESSAGE_DEFAULTS } from '../../support/sessions'
import { fixtureTree, tempHome, type Tree } from '../../support/temp'
import { providerContract } from '../provider-contract'
import { harvestThroughCli } from './harvest-cli'

const TODO_DIR = '.pi/agent/sessions/--home-dev-projects-todo-api--'
const TODO_FILE = `${TODO_DIR}/2026-01-10T09-00-00-000Z_0b6f3c1e-5d2a-4e8f-9a41-7c2d9e0f1a23.jsonl`
const NOTES_FILE = '.pi/agent/sessions/--C--Users-dev-src-notes--/2026-01-12T18-30-00-000Z_5e1d2c3b-0a9f-4b8e-8d7c-6b5a4f3e2d1c.jsonl'
const FIXTURE_DIR = join(import.meta.dir, '..', '..', 'fixtures', 'pi', 'home')

const header = (id: string) => JSON.stringify({ type: 'session', version: 3, id, timestamp: '2026-02-01T00:00:00.000Z', cwd: '/home/dev/broken' })
const userEntry = (id: string, text: string) =>
  JSON.stringify({ type: 'message', id, parentId: null, timestamp: '2026-02-01T00:00:01.000Z', message: { role: 'user', content: text, timestamp: 1769904001000 } })

const garbage: Tree = {
  '.pi': {
    agent: {
      sessions: {
        '--home-dev-broken--': {
          // Still being written: the last line stops mid-record.
          '2026-02-01T00-00-00-000Z_aaaa0001.jsonl': `${header('aaaa0001')}\n${userEntry('e1', 'first words')}\n{"type":"message","id":"e2","mess`,
          '2026-02-01T00-00-00-000Z_aaaa0002.jsonl': '',
          '2026-02-01T00-00-00-000Z_aaaa0003.jsonl': [
            header('aaaa0003'),
            '{"type":"hologram","id":"h1","parentId":null}',
            '{"type":"message","id":"h2","parentId":"h1","message":{"role":"narrator","content":"?"}}',
            '{"type":"message","id":"h3","parentId":"h2","message":{"role":"toolResult","content":[]}}',
            '[1,2]',
            userEntry('h4', 'the only good message'),
            '',
          ].join('\n'),
          '2026-02-01T00-00-00-000Z_aaaa0004.jsonl': new Uint8Array([0xef, 0xbb, 0xbf, 0x00, 0x01, 0x02, 0x0a, 0xc3, 0x28, 0x0a]),
        },
      },
    },
  },
}

providerContract(pi, { fixture: fixtureTree('pi'), garbage })

const iso = (text: string) => new Date(text).toISOString()
const todoWorkspace = workspaceIdFor('pi', '/home/dev/projects/todo-api')

describe('pi', () => {
  test('discovers every session file under ~/.pi/agent/sessions', async () => {
    using home = tempHome(fixtureTree('pi'))
    expect((await discoveredPaths(pi, home.path)).sort()).toEqual([NOTES_FILE, TODO_FILE].sort())
  })

  test('a session with a failed turn and an attachment is harvested exactly', async () => {
    using home = tempHome(fixtureTree('pi'))
    using db = openTestDb()
    await harvestHome(db, [pi], home.path)
    const notes = dumpDb(db).sessions.find((s) => s.id === '5e1d2c3b-0a9f-4b8e-8d7c-6b5a4f3e2d1c')
    expect(notes).toEqual({
      id: '5e1d2c3b-0a9f-4b8e-8d7c-6b5a4f3e2d1c',
      workspaceId: workspaceIdFor('pi', 'C:\\Users\\dev\\src\\notes'),
      provider: 'pi',
      title: 'Как переименовать все заметки по дате?',
      model: 'gemini-2.5-pro',
      messageCount: 2,
      created: iso('2026-01-12T18:30:00.000Z'),
      updated: iso('2026-01-12T18:30:06.000Z'),
      origin: 'harvest',
      sourceDeleted: false,
      messages: [
        {
          ...MESSAGE_DEFAULTS,
          id: 'b0000001',
          index: 0,
          role: 'user',
          content: 'Как переименовать все заметки по дате?\n\n[image]',
          timestamp: iso('2026-01-12T18:30:02.000Z'),
          model: null,
          toolInvocations: [],
        },
        {
          ...MESSAGE_DEFAULTS,
          id: 'b0000002',
          index: 1,
          role: 'assistant',
          content: '',
          timestamp: iso('2026-01-12T18:30:06.000Z'),
          model: 'gemini-2.5-pro',
          state: 'failed',
          error: '429 Resource has been exhausted (e.g. check quota).',
          usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: null },
          metadata: { provider: 'google', costUsd: 0 },
          toolInvocations: [],
        },
      ],
    } satisfies SessionDetail)
  })

  test('the branch tree: the path from the last entry is the conversation, an abandoned branch is kept hidden', async () => {
    using home = tempHome(fixtureTree('pi'))
    using db = openTestDb()
    await harvestHome(db, [pi], home.path)
    const todo = dumpDb(db).sessions.find((s) => s.id === '0b6f3c1e-5d2a-4e8f-9a41-7c2d9e0f1a23')!
    expect(todo).toMatchObject({ workspaceId: todoWorkspace, title: 'Empty todo list 500', model: 'gpt-5', created: iso('2026-01-10T09:00:00.000Z') })
    expect(todo.messages.map((m) => [m.id, m.role, m.hidden, m.state])).toEqual([
      ['a0000003', 'user', false, 'complete'],
      ['a0000004', 'assistant', false, 'complete'],
      ['a0000006', 'assistant', false, 'complete'],
      ['a0000007', 'user', true, 'complete'],
      ['a0000008', 'assistant', true, 'cancelled'],
      ['a0000009', 'system', false, 'complete'],
      ['a0000011', 'tool', false, 'complete'],
      ['a0000012', 'user', false, 'complete'],
      ['a0000013', 'assistant', false, 'complete'],
      ['a0000016', 'system', false, 'complete'],
      ['a0000018', 'system', true, 'complete'],
    ])
    const byId = Object.fromEntries(todo.messages.map((m) => [m.id, m]))
    expect(byId.a0000004).toMatchObject({
      content: 'Let me look at the handler.',
      model: 'claude-sonnet-4-5',
      usage: { inputTokens: 1200, outputTokens: 85, cacheReadTokens: 3400, cacheWrite5mTokens: 900, cacheWrite1hTokens: null },
      metadata: { reasoning: 'Probably the handler indexes the first row.', provider: 'anthropic', costUsd: 0.00927 },
      toolInvocations: [{ id: 'toolu_01', name: 'read', input: { path: 'src/routes/todos.ts' }, output: 'export const list = (rows) => rows[0].items', status: 'success' }],
    })
    expect(byId.a0000008).toMatchObject({ error: 'Request was aborted', content: 'Here is a loop ver' })
    expect(byId.a0000011!.toolInvocations).toEqual([{ id: 'a0000011', name: 'bash', input: { command: 'bun test test/todos.test.ts' }, output: '1 pass\n0 fail', status: 'success' }])
    expect(byId.a0000012!.content).toBe('Tests pass. Add a regression test for the empty list — 空のリストのテストも。')
    expect(byId.a0000013!.toolInvocations).toEqual([
      { id: 'call_7', name: 'write', input: { path: 'test/empty.test.ts', content: "test('empty list', async () => {})" }, output: 'Wrote 34 bytes to test/empty.test.ts', status: 'success' },
      { id: 'call_8', name: 'bash', input: { command: 'bun test test/empty.test.ts' }, output: 'error: expect(received).toEqual(expected)\n1 fail', status: 'error' },
    ])
    expect(byId.a0000013!.model).toBe('gpt-5')
    expect(byId.a0000016).toMatchObject({ content: 'Fixed GET /todos for empty tables; added a regression test that still fails.', metadata: { compaction: true } })
    expect(byId.a0000018).toMatchObject({ content: 'Open todos: make the regression test pass', metadata: { customType: 'todo-extension' } })
  })

  test('token usage equals an independent sum over the fixture files', async () => {
    using home = tempHome(fixtureTree('pi'))
    using db = openTestDb()
    await harvestHome(db, [pi], home.path)
    const expected = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 }
    for (const file of [TODO_FILE, NOTES_FILE]) {
      for (const line of readFileSync(join(FIXTURE_DIR, file), 'utf8').split('\n').filter(Boolean)) {
        const usage = JSON.parse(line).message?.usage
        if (!usage) continue
        for (const key of Object.keys(expected) as (keyof typeof expected)[]) expected[key] += usage[key]
      }
    }
    const stored = db.sqlite
      .query<Record<string, number>, []>(
        `SELECT sum(input_tokens) AS input, sum(output_tokens) AS output, sum(cache_read_tokens) AS cacheRead, sum(cache_write_5m_tokens) AS cacheWrite FROM messages`,
      )
      .get()
    expect(stored).toEqual(expected)
  })

  test('corrupt files are harvested as far as they parse and every problem is reported', async () => {
    using home = tempHome(garbage)
    using db = openTestDb()
    const summary = await harvestHome(db, [pi], home.path)
    const problems = summary.providers[0]!.problems.map((p) => `${p.source.split('/').pop()}: ${p.message}`).sort()
    expect(problems).toEqual([
      '2026-02-01T00-00-00-000Z_aaaa0001.jsonl: line 3: incomplete last line (the file is still being written?)',
      '2026-02-01T00-00-00-000Z_aaaa0002.jsonl: empty file',
      '2026-02-01T00-00-00-000Z_aaaa0003.jsonl: line 2: unknown entry type "hologram"',
      '2026-02-01T00-00-00-000Z_aaaa0003.jsonl: line 3: unknown message role "narrator"',
      '2026-02-01T00-00-00-000Z_aaaa0003.jsonl: line 4: toolResult message without a toolCallId',
      '2026-02-01T00-00-00-000Z_aaaa0003.jsonl: line 5: not a session entry',
      "2026-02-01T00-00-00-000Z_aaaa0004.jsonl: line 1: JSON Parse error: Unrecognized token '\u0000'",
      "2026-02-01T00-00-00-000Z_aaaa0004.jsonl: line 2: JSON Parse error: Unrecognized token '\uFFFD'",
    ].sort())
    const sessions = dumpDb(db).sessions
    expect(sessions.find((s) => s.id === 'aaaa0001')!.messages.map((m) => m.content)).toEqual(['first words'])
    expect(sessions.find((s) => s.id === 'aaaa0003')!.messages.map((m) => m.content)).toEqual(['the only good message'])
  })

  test('a second harvest skips unchanged files; an appended entry updates the session', async () => {
    using home = tempHome(fixtureTree('pi'))
    using db = openTestDb()
    await harvestHome(db, [pi], home.path)
    const again = await harvestHome(db, [pi], home.path)
    expect(again.providers[0]).toMatchObject({ harvested: 0, skipped: 2 })
    appendFileSync(join(home.path, NOTES_FILE), `${JSON.stringify({ type: 'session_info', id: 'b0000003', parentId: 'b0000002', timestamp: '2026-01-12T18:31:00.000Z', name: 'Rename notes' })}\n`)
    const third = await harvestHome(db, [pi], home.path)
    expect(third.providers[0]).toMatchObject({ harvested: 1, skipped: 1 })
    expect(dumpDb(db).sessions.find((s) => s.id === '5e1d2c3b-0a9f-4b8e-8d7c-6b5a4f3e2d1c')!.title).toBe('Rename notes')
  })

  test('PI_CODING_AGENT_DIR is honoured for the real home and ignored under an overridden home', async () => {
    using home = tempHome({})
    using agent = tempHome({ sessions: { '--x--': { 's.jsonl': `${header('cfg1')}\n${userEntry('u1', 'from the configured dir')}\n` } } })
    const env = { PI_CODING_AGENT_DIR: agent.path }
    const real = { home: home.path, homeOverridden: false, platform: process.platform, env }
    expect(await pi.locate(real)).toEqual([join(agent.path, 'sessions')])
    expect(await pi.locate({ ...real, homeOverridden: true })).toEqual([])
    expect((await allParts(pi, home.path)).length).toBe(0)
  })

  test('chasm harvest run --home harvests the fixture home', async () => {
    using home = tempHome(fixtureTree('pi'))
    const { summary, sessions } = await harvestThroughCli(home.path, 'pi')
    expect(summary).toMatchObject({ provider: 'pi', sessions: 2, messages: 13, problems: [] })
    expect(sessions.map((s) => [s.id, s.title, s.messageCount])).toEqual([
      ['0b6f3c1e-5d2a-4e8f-9a41-7c2d9e0f1a23', 'Empty todo list 500', 11],
      ['5e1d2c3b-0a9f-4b8e-8d7c-6b5a4f3e2d1c', 'Как переименовать все заметки по дате?', 2],
    ])
    expect(sessions[0]!.messages.filter((m) => m.usage !== null).map((m) => m.usage!.outputTokens)).toEqual([85, 40, 6, 130])
  })
})
