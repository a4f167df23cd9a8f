import { describe, expect, test } from 'bun:test'
import { appendFileSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { workspaceIdFor, type SessionDetail } from '../../../src/db'
import { qwenCode } from '../../../src/harvest/providers/qwen-code'
import { openTestDb } from '../../support/db'
import { withFiles } from '../../support/fixture-db'
import { dumpDb, harvestHome } from '../../support/harvest'
import { discoveredPaths } from '../../support/parts'
import { MESSAGE_DEFAULTS } from '../../support/sessions'
import { fixtureTree, tempDir, tempHome, type Tree } from '../../support/temp'
import { providerContract } from '../provider-contract'
import { harvestThroughCli } from './harvest-cli'

const SHOP = '.qwen/projects/-home-dev-projects-shop/chats/7c1f4e2a-9b3d-4c5e-8f6a-1b2c3d4e5f60.jsonl'
const API = '.qwen/tmp/5f2d8c7b0a4e6d1c9b3a2f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c/chats/2b9e8d7c-6f5a-4b3c-9d2e-1f0a9b8c7d6e.jsonl'
const FIXTURE_DIR = join(import.meta.dir, '..', '..', 'fixtures', 'qwen-code', 'home')

const record = (uuid: string, parentUuid: string | null, fields: Record<string, unknown>) =>
  JSON.stringify({ uuid, parentUuid, sessionId: `broken-${uuid}`, timestamp: '2026-02-01T00:00:00.000Z', cwd: '/home/dev/broken', version: '0.24.4', ...fields })
const user = (uuid: string, parentUuid: string | null, text: string) => record(uuid, parentUuid, { type: 'user', message: { role: 'user', parts: [{ text }] } })

const garbage: Tree = {
  '.qwen': {
    projects: {
      '-home-dev-broken': {
        chats: {
          'aaaaaaaa-0000-4000-8000-000000000001.jsonl': `${user('g1', null, 'first words')}\n{"uuid":"g2","type":"assist`,
          'aaaaaaaa-0000-4000-8000-000000000002.jsonl': '',
          'aaaaaaaa-0000-4000-8000-000000000003.jsonl': [
            record('h1', null, { type: 'hologram' }),
            '{"uuid":5}',
            '"text"',
            user('h2', null, 'the only good message'),
            '',
          ].join('\n'),
          'aaaaaaaa-0000-4000-8000-000000000004.jsonl': new Uint8Array([0x00, 0x01, 0x02, 0x0a, 0xc3, 0x28, 0x0a]),
          'aaaaaaaa-0000-4000-8000-000000000001.ledger.jsonl': '{"not":"a chat"}\n',
        },
      },
    },
  },
}

providerContract(qwenCode, { fixture: fixtureTree('qwen-code'), garbage })

const iso = (text: string) => new Date(text).toISOString()

describe('qwen-code', () => {
  test('discovers chats of the projects layout and of the older tmp layout, not their sidecar ledgers', async () => {
    using home = tempHome(withFiles(fixtureTree('qwen-code'), { [SHOP.replace('.jsonl', '.ledger.jsonl')]: '{"promptId":"p-1"}\n' }))
    expect(await discoveredPaths(qwenCode, home.path)).toEqual([SHOP, API])
  })

  test('a session of the older layout with its token summary is harvested exactly', async () => {
    using home = tempHome(fixtureTree('qwen-code'))
    using db = openTestDb()
    await harvestHome(db, [qwenCode], home.path)
    expect(dumpDb(db).sessions.find((s) => s.id === '2b9e8d7c-6f5a-4b3c-9d2e-1f0a9b8c7d6e')).toEqual({
      id: '2b9e8d7c-6f5a-4b3c-9d2e-1f0a9b8c7d6e',
      workspaceId: workspaceIdFor('qwen-code', 'C:\\Users\\dev\\code\\api'),
      provider: 'qwen-code',
      title: 'Explain the retry middleware',
      model: 'qwen3-coder-plus',
      messageCount: 2,
      created: iso('2025-11-20T08:00:00.000Z'),
      updated: iso('2025-11-20T08:00:05.000Z'),
      origin: 'harvest',
      sourceDeleted: false,
      messages: [
        { ...MESSAGE_DEFAULTS, id: 'r-01', index: 0, role: 'user', content: 'Explain the retry middleware', timestamp: iso('2025-11-20T08:00:00.000Z'), model: null, toolInvocations: [] },
        {
          ...MESSAGE_DEFAULTS,
          id: 'r-02',
          index: 1,
          role: 'assistant',
          content: 'It retries idempotent requests three times with exponential backoff.',
          timestamp: iso('2025-11-20T08:00:05.000Z'),
          model: 'qwen3-coder-plus',
          usage: { inputTokens: 2400, outputTokens: 22, cacheReadTokens: 0, cacheWrite5mTokens: null, cacheWrite1hTokens: null },
          toolInvocations: [],
        },
      ],
    } satisfies SessionDetail)
  })

  test('rewound turns stay hidden, tool calls pair with their results, a cancelled turn is marked, the custom title wins', async () => {
    using home = tempHome(fixtureTree('qwen-code'))
    using db = openTestDb()
    await harvestHome(db, [qwenCode], home.path)
    const shop = dumpDb(db).sessions.find((s) => s.id === '7c1f4e2a-9b3d-4c5e-8f6a-1b2c3d4e5f60')!
    expect(shop).toMatchObject({ workspaceId: workspaceIdFor('qwen-code', '/home/dev/projects/shop'), title: 'Cart total rounding', model: 'qwen3-coder-plus' })
    expect(shop.messages.map((m) => [m.id, m.role, m.hidden, m.state])).toEqual([
      ['q-02', 'user', false, 'complete'],
      ['q-03', 'assistant', false, 'complete'],
      ['q-05', 'assistant', false, 'complete'],
      ['q-07', 'user', true, 'complete'],
      ['q-08', 'assistant', true, 'complete'],
      ['q-11', 'user', false, 'complete'],
      ['q-12', 'assistant', false, 'cancelled'],
    ])
    const byId = Object.fromEntries(shop.messages.map((m) => [m.id, m]))
    expect(byId['q-03']).toMatchObject({
      content: '',
      metadata: { reasoning: 'The user wants the rounding site.' },
      // promptTokenCount includes the cached tokens; thoughts are billed as output.
      usage: { inputTokens: 1120, outputTokens: 60, cacheReadTokens: 8000, cacheWrite5mTokens: null, cacheWrite1hTokens: null },
      toolInvocations: [{ id: 'call_a1', name: 'grep_search', input: { pattern: 'Math.round', path: 'src' }, output: 'src/cart.ts:42: return Math.round(total * 100) / 100', status: 'success' }],
    })
    expect(byId['q-08']!.toolInvocations[0]).toMatchObject({ id: 'call_b1', output: '[Operation Cancelled] Reason: User did not allow tool call', status: 'cancelled' })
    expect(byId['q-11']!.content).toBe('四捨五入をテストで確認して\n\n[attachment]')
  })

  test('token usage equals an independent sum over the fixture files', async () => {
    using home = tempHome(fixtureTree('qwen-code'))
    using db = openTestDb()
    await harvestHome(db, [qwenCode], home.path)
    const expected = { input: 0, output: 0, cacheRead: 0 }
    for (const file of [SHOP, API]) {
      for (const line of readFileSync(join(FIXTURE_DIR, file), 'utf8').split('\n').filter(Boolean)) {
        const usage = JSON.parse(line).usageMetadata
        if (!usage) continue
        const cached = usage.cachedContentTokenCount ?? usage.cached ?? 0
        expected.input += (usage.promptTokenCount ?? usage.input) - cached
        expected.output += (usage.candidatesTokenCount ?? usage.output) + (usage.thoughtsTokenCount ?? usage.thoughts ?? 0)
        expected.cacheRead += cached
      }
    }
    const stored = db.sqlite
      .query<Record<string, number>, []>('SELECT sum(input_tokens) AS input, sum(output_tokens) AS output, sum(cache_read_tokens) AS cacheRead FROM messages')
      .get()
    expect(stored).toEqual(expected)
  })

  test('corrupt chats are harvested as far as they parse and every problem is reported', async () => {
    using home = tempHome(garbage)
    using db = openTestDb()
    const summary = await harvestHome(db, [qwenCode], home.path)
    const problems = summary.providers[0]!.problems.map((p) => `${p.source.split('/').pop()!.slice(-9)}: ${p.message}`).sort()
    expect(problems).toEqual([
      '001.jsonl: line 2: incomplete last line (the file is still being written?)',
      '002.jsonl: empty file',
      '003.jsonl: line 1: unknown record type "hologram"',
      '003.jsonl: line 2: not a chat record',
      '003.jsonl: line 3: not a chat record',
      "004.jsonl: line 1: JSON Parse error: Unrecognized token '\u0000'",
      "004.jsonl: line 2: JSON Parse error: Unrecognized token '\uFFFD'",
    ])
    const sessions = dumpDb(db).sessions
    expect(sessions.map((s) => [s.id, s.messages.map((m) => m.content)])).toEqual([
      ['broken-g1', ['first words']],
      ['broken-h2', ['the only good message']],
    ])
  })

  test('a second harvest skips unchanged chats; an appended record updates the session', async () => {
    using home = tempHome(fixtureTree('qwen-code'))
    using db = openTestDb()
    await harvestHome(db, [qwenCode], home.path)
    expect((await harvestHome(db, [qwenCode], home.path)).providers[0]).toMatchObject({ harvested: 0, skipped: 2 })
    appendFileSync(
      join(home.path, API),
      `${JSON.stringify({ uuid: 'r-03', parentUuid: 'r-02', sessionId: '2b9e8d7c-6f5a-4b3c-9d2e-1f0a9b8c7d6e', timestamp: '2025-11-20T08:01:00.000Z', type: 'system', subtype: 'custom_title', cwd: 'C:\\Users\\dev\\code\\api', version: '0.2.1', systemPayload: { customTitle: 'Retry middleware' } })}\n`,
    )
    expect((await harvestHome(db, [qwenCode], home.path)).providers[0]).toMatchObject({ harvested: 1, skipped: 1 })
    expect(dumpDb(db).sessions.find((s) => s.id === '2b9e8d7c-6f5a-4b3c-9d2e-1f0a9b8c7d6e')!.title).toBe('Retry middleware')
  })

  test('a chats folder that is a symbolic link out of ~/.qwen is not followed', async () => {
    using outside = tempDir()
    using home = tempHome({})
    await Bun.write(join(outside.path, 'cccccccc-0000-4000-8000-000000000001.jsonl'), `${user('o1', null, 'outside')}\n`)
    mkdirSync(join(home.path, '.qwen', 'projects', '-linked'), { recursive: true })
    symlinkSync(outside.path, join(home.path, '.qwen', 'projects', '-linked', 'chats'))
    expect(await discoveredPaths(qwenCode, home.path)).toEqual([])
  })

  test('QWEN_HOME and QWEN_RUNTIME_DIR are honoured for the real home and ignored under an overridden home', async () => {
    using home = tempHome({})
    using runtime = tempHome({ projects: { '-x': { chats: { 'bbbbbbbb-0000-4000-8000-000000000001.jsonl': `${user('c1', null, 'configured')}\n` } } } })
    const real = { home: home.path, homeOverridden: false, platform: process.platform, env: { QWEN_RUNTIME_DIR: runtime.path } }
    expect(await qwenCode.locate(real)).toEqual([join(runtime.path, 'projects', '-x', 'chats')])
    expect(await qwenCode.locate({ ...real, homeOverridden: true })).toEqual([])
  })

  test('chasm harvest run --home harvests the fixture home', async () => {
    using home = tempHome(fixtureTree('qwen-code'))
    const { summary, sessions } = await harvestThroughCli(home.path, 'qwen-code')
    expect(summary).toMatchObject({ provider: 'qwen-code', sessions: 2, messages: 9, problems: [] })
    expect(sessions.map((s) => [s.title, s.messageCount, s.messages.filter((m) => !m.hidden).length])).toEqual([
      ['Explain the retry middleware', 2, 2],
      ['Cart total rounding', 7, 5],
    ])
  })
})
