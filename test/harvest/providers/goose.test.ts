import { Database } from 'bun:sqlite'
import { describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { workspaceIdFor, type SessionDetail } from '../../../src/db'
import { goose } from '../../../src/harvest/providers/goose'
import { openTestDb } from '../../support/db'
import { fixtureText, sqliteBytes, withFiles } from '../../support/fixture-db'
import { dumpDb, harvestHome } from '../../support/harvest'
import { discoveredPaths } from '../../support/parts'
import { MESSAGE_DEFAULTS, usage } from '../../support/sessions'
import { fixtureTree, tempDir, tempHome, type Tree } from '../../support/temp'
import { providerContract } from '../provider-contract'
import { runChasm } from '../../support/cli'
import { harvestThroughCli } from './harvest-cli'

const SQL = fixtureText('goose', 'sessions.sql')
const SCHEMA = SQL.slice(0, SQL.indexOf('INSERT INTO'))
const DB = '.local/share/goose/sessions/sessions.db'
const LEGACY = 'AppData/Roaming/Block/goose/data/sessions/20250612_101500.jsonl'
const fixture = withFiles(fixtureTree('goose'), { [DB]: sqliteBytes(SQL) })

const BAD_ROWS = `${SCHEMA}
INSERT INTO sessions (id, name, working_dir) VALUES ('bad_1', 'Bad rows', '/home/dev/bad');
INSERT INTO messages (session_id, role, content_json, created_timestamp) VALUES
 ('bad_1', 'system', '[]', 1767607205),
 ('bad_1', 'user', '{"type":"text"}', 1767607206),
 ('bad_1', 'assistant', '[{"type":"hologram"}]', 1767607207),
 ('bad_1', 'user', '[{"type":"text","text":"kept"}]', 1767607208);
`

const garbage: Tree = withFiles(
  {},
  {
    '.local/share/goose/sessions/sessions.db': sqliteBytes(BAD_ROWS),
    'AppData/Roaming/Block/goose/data/sessions/sessions.db': new Uint8Array(Array.from({ length: 8192 }, (_, i) => (i * 7919) % 251)),
  },
)
const legacyGarbage: Tree = withFiles(
  {},
  {
    '.local/share/goose/sessions/cut.jsonl': '{"working_dir":"/home/dev/x","description":"Cut short","message_count":1}\n{"role":"user","created":1749723300,"content":[{"type":"te',
    '.local/share/goose/sessions/empty.jsonl': '',
    '.local/share/goose/sessions/odd.jsonl': '{"working_dir":"/home/dev/x","description":"","message_count":2}\n{"role":"tool","created":1,"content":[]}\n{"role":"user","created":1749723300,"content":[{"type":"text","text":"fine"}]}\n',
  },
)

providerContract(goose, { fixture, garbage })

const iso = (text: string) => new Date(text).toISOString()
const seconds = (n: number) => new Date(n * 1000).toISOString()

describe('goose', () => {
  test('reads sessions.db where it exists and the legacy JSONL files only where it does not', async () => {
    using home = tempHome(withFiles(fixture, { '.local/share/goose/sessions/20250101_000000.jsonl': '{"description":"imported long ago"}\n' }))
    expect(await discoveredPaths(goose, home.path)).toEqual([DB, DB, DB, LEGACY])
  })

  test('a legacy session file is harvested exactly', async () => {
    using home = tempHome(fixture)
    using db = openTestDb()
    await harvestHome(db, [goose], home.path)
    const base = { ...MESSAGE_DEFAULTS, model: null, toolInvocations: [] }
    expect(dumpDb(db).sessions.find((s) => s.id === '20250612_101500')).toEqual({
      id: '20250612_101500',
      workspaceId: workspaceIdFor('goose', 'C:\\Users\\dev\\src\\billing'),
      provider: 'goose',
      title: 'Invoice rounding',
      model: null,
      messageCount: 4,
      created: seconds(1749723300),
      updated: seconds(1749723330),
      origin: 'harvest',
      sourceDeleted: false,
      messages: [
        { ...base, id: 'msg-0', index: 0, role: 'user', content: 'Why are invoice totals off by a cent?', timestamp: seconds(1749723300) },
        {
          ...base,
          id: 'msg-1',
          index: 1,
          role: 'assistant',
          content: 'Checking the rounding helper.',
          timestamp: seconds(1749723310),
          toolInvocations: [
            {
              id: 'call_91',
              name: 'developer__text_editor',
              input: { command: 'view', path: 'C:\\Users\\dev\\src\\billing\\round.py' },
              output: 'def round2(x): return int(x * 100) / 100',
              status: 'success',
            },
          ],
        },
        { ...base, id: 'msg-2', index: 2, role: 'assistant', content: '`int()` truncates; use `Decimal.quantize` with `ROUND_HALF_UP`.', timestamp: seconds(1749723330) },
        // The metadata line's accumulated tokens, at the last message's time (the file records no model).
        {
          ...base,
          id: 'accumulated-usage',
          index: 3,
          role: 'assistant',
          content: '',
          timestamp: seconds(1749723330),
          hidden: true,
          usage: usage({ inputTokens: 3650, outputTokens: 330 }),
          metadata: { tokenUsage: 'session' },
        },
      ],
    } satisfies SessionDetail)
  })

  test('database sessions: tool requests pair with responses, models per message, hidden and notice messages', async () => {
    using home = tempHome(fixture)
    using db = openTestDb()
    await harvestHome(db, [goose], home.path)
    const sessions = dumpDb(db).sessions
    const upload = sessions.find((s) => s.id === '20260105_1')!
    expect(upload).toMatchObject({
      workspaceId: workspaceIdFor('goose', '/home/dev/projects/uploader'),
      title: 'Fix flaky upload test',
      model: 'claude-sonnet-4-5',
      created: iso('2026-01-05T10:00:00Z'),
      updated: iso('2026-01-05T10:04:10Z'),
    })
    expect(upload.messages.map((m) => [m.id, m.role, m.model, m.hidden])).toEqual([
      ['msg_0f1e2d3c-1', 'user', null, false],
      ['msg_0f1e2d3c-2', 'assistant', 'claude-sonnet-4-5-20250929', false],
      ['msg_0f1e2d3c-4', 'assistant', 'claude-sonnet-4-5', false],
      ['msg_0f1e2d3c-6', 'system', null, false],
      ['msg_0f1e2d3c-7', 'user', null, true],
      ['msg_0f1e2d3c-8', 'user', null, false],
      ['msg_0f1e2d3c-9', 'assistant', 'claude-sonnet-4-5', false],
      ['accumulated-usage', 'assistant', 'claude-sonnet-4-5', true],
    ])
    expect(upload.messages[1]!.toolInvocations).toEqual([
      { id: 'toolu_011', name: 'developer__shell', input: { command: 'for i in 1 2 3; do bun test test/upload.test.ts; done' }, output: 'pass\npass\nfail: timeout after 5000ms', status: 'success' },
    ])
    expect(upload.messages[2]).toMatchObject({
      metadata: { reasoning: 'A 5 s timeout on a real upload is racy.' },
      toolInvocations: [{ id: 'toolu_012', name: 'invalid_tool_call', input: { error: 'Tool developer__shel not found' }, output: '-32602: Tool developer__shel not found', status: 'error' }],
    })
    expect(upload.messages[3]).toMatchObject({ content: "Context compacted to stay within the model's limit", metadata: { agentVisible: false } })
    expect(upload.messages[5]!.content).toBe('Ok, switch it to the fake server — und danke!')
    expect(sessions.find((s) => s.id === '20260106_1')).toMatchObject({
      title: 'Nightly dependency audit',
      model: 'gpt-5-mini',
      created: iso('2026-01-06T02:00:00.412Z'),
      messages: [
        { id: '10', role: 'user' },
        { id: '11', role: 'assistant', model: 'gpt-5-mini', content: '2 packages have advisories: `lodash@4.17.20`, `axios@0.21.1`.\n\n[image]' },
        { id: 'accumulated-usage', hidden: true },
      ],
    })
    expect(sessions.find((s) => s.id === '20260107_1')).toMatchObject({ title: null, messageCount: 0 })
    const metadata = JSON.parse(db.sqlite.query<{ metadata: string }, []>(`SELECT metadata FROM sessions WHERE id = '20260105_1'`).get()!.metadata)
    expect(metadata).toEqual({ sessionType: 'user', provider: 'anthropic' })
  })

  test("a session's accumulated tokens are one hidden message at its last update, under its model, counted once", async () => {
    using home = tempHome(fixture)
    using db = openTestDb()
    await harvestHome(db, [goose], home.path)
    const accumulated = (id: string) => dumpDb(db).sessions.find((s) => s.id === id)!.messages.filter((m) => m.id === 'accumulated-usage')
    expect(accumulated('20260105_1').map(({ timestamp, model, hidden, usage, content }) => ({ timestamp, model, hidden, usage, content }))).toEqual([
      { timestamp: iso('2026-01-05T10:04:10Z'), model: 'claude-sonnet-4-5', hidden: true, usage: usage({ inputTokens: 40110, outputTokens: 1120 }), content: '' },
    ])
    expect(accumulated('20260106_1').map(({ model, usage }) => ({ model, usage }))).toEqual([{ model: 'gpt-5-mini', usage: usage({ inputTokens: 5000, outputTokens: 210 }) }])
    // No tokens recorded, no usage message.
    expect(accumulated('20260107_1')).toEqual([])
    // The session changes in Goose (a new message, more tokens): read again whole, its usage replaced, not added.
    const source = new Database(join(home.path, DB))
    source.run(`INSERT INTO messages (session_id, role, content_json, created_timestamp) VALUES ('20260106_1', 'user', '[{"type":"text","text":"and fix them"}]', 1767664900)`)
    source.run(`UPDATE sessions SET accumulated_input_tokens = 6000, accumulated_output_tokens = 300, updated_at = '2026-01-06 02:05:00' WHERE id = '20260106_1'`)
    source.close()
    await harvestHome(db, [goose], home.path)
    expect(accumulated('20260106_1').map(({ timestamp, usage }) => ({ timestamp, usage }))).toEqual([{ timestamp: iso('2026-01-06T02:05:00Z'), usage: usage({ inputTokens: 6000, outputTokens: 300 }) }])
    const total = db.sqlite.query<{ input: number; output: number }, []>(`SELECT sum(input_tokens) AS input, sum(output_tokens) AS output FROM usage_rollup WHERE provider = 'goose'`).get()
    expect(total).toEqual({ input: 40110 + 6000 + 3650, output: 1120 + 300 + 330 })
  })

  test('bad databases and rows are reported; what parses is kept', async () => {
    using home = tempHome(garbage)
    using db = openTestDb()
    const summary = await harvestHome(db, [goose], home.path)
    expect(summary.providers[0]!.problems.map((p) => `${p.source.replace(home.path, '~')}: ${p.message}`).sort()).toEqual([
      '~/.local/share/goose/sessions/sessions.db: message 1: unknown role "system"',
      '~/.local/share/goose/sessions/sessions.db: message 2: content is not a list',
      '~/.local/share/goose/sessions/sessions.db: message 3: unknown content type "hologram"',
      '~/AppData/Roaming/Block/goose/data/sessions/sessions.db: cannot read database: file is not a database',
    ])
    expect(dumpDb(db).sessions.map((s) => [s.id, s.messages.map((m) => m.content)])).toEqual([['bad_1', ['kept']]])
  })

  test('bad legacy files are reported line by line', async () => {
    using home = tempHome(legacyGarbage)
    using db = openTestDb()
    const summary = await harvestHome(db, [goose], home.path)
    expect(summary.providers[0]!.problems.map((p) => `${p.source.split('/').pop()}: ${p.message}`).sort()).toEqual([
      'cut.jsonl: line 2: incomplete last line (the file is still being written?)',
      'empty.jsonl: empty file',
      'odd.jsonl: line 2: unknown role "tool"',
    ])
    expect(dumpDb(db).sessions.map((s) => [s.id, s.title, s.messageCount])).toEqual([
      ['cut', 'Cut short', 0],
      ['odd', 'fine', 1],
    ])
  })

  test('a second harvest skips unchanged sessions; a new message re-reads only its session', async () => {
    using home = tempHome(fixture)
    using db = openTestDb()
    await harvestHome(db, [goose], home.path)
    expect((await harvestHome(db, [goose], home.path)).providers[0]).toMatchObject({ harvested: 0, skipped: 4 })
    const source = new Database(join(home.path, DB))
    source.run(`INSERT INTO messages (session_id, role, content_json, created_timestamp) VALUES ('20260106_1', 'user', '[{"type":"text","text":"and fix them"}]', 1767664900)`)
    source.close()
    expect((await harvestHome(db, [goose], home.path)).providers[0]).toMatchObject({ harvested: 1, skipped: 3 })
    expect(dumpDb(db).sessions.find((s) => s.id === '20260106_1')!.messages.filter((m) => !m.hidden).at(-1)!.content).toBe('and fix them')
  })

  test('GOOSE_PATH_ROOT is honoured for the real home and ignored under an overridden home', async () => {
    using home = tempHome({})
    using root = tempHome({ data: { sessions: { 'sessions.db': sqliteBytes(SQL) } } })
    const real = { home: home.path, homeOverridden: false, platform: process.platform, env: { GOOSE_PATH_ROOT: root.path } }
    expect(await goose.locate(real)).toEqual([join(root.path, 'data', 'sessions', 'sessions.db')])
    expect(await goose.locate({ ...real, homeOverridden: true })).toEqual([])
  })

  test('chasm harvest run --home harvests the fixture home', async () => {
    using home = tempHome(fixture)
    const { summary, sessions } = await harvestThroughCli(home.path, 'goose')
    expect(summary).toMatchObject({ provider: 'goose', sessions: 4, messages: 15, problems: [] })
    expect(sessions.map((s) => [s.id, s.title, s.messageCount])).toEqual([
      ['20250612_101500', 'Invoice rounding', 4],
      ['20260105_1', 'Fix flaky upload test', 8],
      ['20260106_1', 'Nightly dependency audit', 3],
      ['20260107_1', null, 0],
    ])
  })

  test('chasm usage counts the sessions\' tokens, by model and day', async () => {
    using home = tempHome(fixture)
    using dir = tempDir()
    const db = join(dir.path, 'chasm.db')
    expect((await runChasm(['harvest', 'run', '--home', home.path, '--db', db, '--provider', 'goose'])).code).toBe(0)
    const rows = async (by: string) =>
      (JSON.parse((await runChasm(['usage', '--db', db, '--by', by, '--provider', 'goose', '--json'])).stdout).data as { key: string | null; sessions: number; inputTokens: number; outputTokens: number; costUsd: number | null }[])
        .map(({ key, sessions, inputTokens, outputTokens }) => ({ key, sessions, inputTokens, outputTokens }))
    expect(await rows('model')).toEqual([
      { key: 'claude-sonnet-4-5', sessions: 1, inputTokens: 40110, outputTokens: 1120 },
      { key: 'gpt-5-mini', sessions: 1, inputTokens: 5000, outputTokens: 210 },
      // The older file records no model.
      { key: null, sessions: 1, inputTokens: 3650, outputTokens: 330 },
    ])
    expect(await rows('day')).toEqual([
      { key: '2025-06-12', sessions: 1, inputTokens: 3650, outputTokens: 330 },
      { key: '2026-01-05', sessions: 1, inputTokens: 40110, outputTokens: 1120 },
      { key: '2026-01-06', sessions: 1, inputTokens: 5000, outputTokens: 210 },
    ])
  })
})
