import { Database } from 'bun:sqlite'
import { describe, expect, test } from 'bun:test'
import { mkdirSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { workspaceIdFor, type SessionDetail } from '../../../src/db'
import { ZED_THREAD_MAX_BYTES, zed } from '../../../src/harvest/providers/zed'
import { compiledBinary } from '../../support/binary'
import { openTestDb } from '../../support/db'
import { fixtureText, withFiles } from '../../support/fixture-db'
import { dumpDb, harvestHome } from '../../support/harvest'
import { MESSAGE_DEFAULTS } from '../../support/sessions'
import { tempDir, tempHome, type Tree } from '../../support/temp'
import { providerContract } from '../provider-contract'
import { harvestThroughCli } from './harvest-cli'

/** Zed creates `threads` with five columns and adds the other four with `ALTER TABLE` (crates/agent/src/db.rs). */
const FIRST_COLUMNS = 'id TEXT PRIMARY KEY, summary TEXT NOT NULL, updated_at TEXT NOT NULL, data_type TEXT NOT NULL, data BLOB NOT NULL'
const ADDED_COLUMNS = ', parent_id TEXT, folder_paths TEXT, folder_paths_order TEXT, created_at TEXT'

/** A `threads.db` with the given rows, in the current schema or the five-column one of older releases. */
function threadsDb(rows: unknown[][], current = true): Uint8Array {
  const db = new Database(':memory:')
  try {
    db.run(`CREATE TABLE threads (${FIRST_COLUMNS}${current ? ADDED_COLUMNS : ''})`)
    for (const row of rows) db.run(`INSERT INTO threads VALUES (${row.map(() => '?').join(', ')})`, row as never[])
    return new Uint8Array(db.serialize())
  } finally {
    db.close()
  }
}

const zstd = (text: string) => Bun.zstdCompressSync(new TextEncoder().encode(text))
const DEBOUNCE = '0c3f7a12-5e9b-4d2c-a8f1-6b4e2d9c7a51'
const LEGACY = '5a1b9c3d-2e4f-4a6b-8c0d-1e2f3a4b5c6d'
const LINUX_DB = '.local/share/zed/threads/threads.db'
const MAC_DB = 'Library/Application Support/Zed/threads/threads.db'

const fixture: Tree = withFiles(
  {},
  {
    [LINUX_DB]: threadsDb([
      [DEBOUNCE, 'Debounce the search box', '2026-01-14T15:22:10.123456+00:00', 'zstd', zstd(fixtureText('zed', 'thread-debounce.json')), null, '/home/dev/projects/shop-api\n/home/dev/projects/shop-ui', '1,0', '2026-01-14T15:20:00+00:00'],
    ]),
    [MAC_DB]: threadsDb([[LEGACY, 'Explain the borrow error', '2025-06-02T07:45:00+00:00', 'json', new TextEncoder().encode(fixtureText('zed', 'thread-legacy.json'))]], false),
  },
)

/** A zstd frame that inflates to more than a thread may hold, from a few KB. */
const bomb = () => Bun.zstdCompressSync(new Uint8Array(ZED_THREAD_MAX_BYTES + 1))

const garbage: Tree = withFiles(
  {},
  {
    [LINUX_DB]: threadsDb([
      ['t-bad-zstd', 'Bad zstd', '2026-02-01T00:00:00Z', 'zstd', new Uint8Array([1, 2, 3, 4]), null, null, null, null],
      ['t-bad-json', 'Bad JSON', '2026-02-01T00:00:01Z', 'json', new TextEncoder().encode('{"title": "x", "messages": ['), null, null, null, null],
      ['t-bad-type', 'Bad type', '2026-02-01T00:00:02Z', 'brotli', new Uint8Array([1]), null, null, null, null],
      ['t-bomb', 'Bomb', '2026-02-01T00:00:03Z', 'zstd', bomb(), null, null, null, null],
      [
        't-odd',
        'Odd messages',
        '2026-02-01T00:00:04Z',
        'json',
        new TextEncoder().encode(JSON.stringify({ title: 'Odd', version: '0.3.0', updated_at: '2026-02-01T00:00:04Z', messages: [{ Hologram: {} }, { User: { id: 'u', content: [{ Text: 'kept' }] } }] })),
        null,
        null,
        null,
        null,
      ],
    ]),
    [MAC_DB]: new Uint8Array(Array.from({ length: 8192 }, (_, i) => (i * 7919) % 251)),
  },
)

providerContract(zed, { fixture, garbage })

const iso = (text: string) => new Date(text).toISOString()

describe('zed', () => {
  test('a thread of the first agent (plain JSON row, five-column table) is harvested exactly', async () => {
    using home = tempHome(fixture)
    using db = openTestDb()
    await harvestHome(db, [zed], home.path)
    const usage = (input: number, output: number) => ({ inputTokens: input, outputTokens: output, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: null })
    expect(dumpDb(db).sessions.find((s) => s.id === LEGACY)).toEqual({
      id: LEGACY,
      workspaceId: workspaceIdFor('zed', '/Users/dev/code/kv'),
      provider: 'zed',
      title: 'Explain the borrow error',
      model: 'claude-3-7-sonnet-latest',
      messageCount: 3,
      created: iso('2025-06-02T07:45:00Z'),
      updated: iso('2025-06-02T07:45:00Z'),
      origin: 'harvest',
      sourceDeleted: false,
      messages: [
        { ...MESSAGE_DEFAULTS, id: '0', index: 0, role: 'user', content: 'Why does `cargo build` say `cannot borrow *self as mutable`?', timestamp: null, model: null, toolInvocations: [] },
        {
          ...MESSAGE_DEFAULTS,
          id: '1',
          index: 1,
          role: 'assistant',
          content: 'Let me open the file.',
          timestamp: null,
          model: 'claude-3-7-sonnet-latest',
          usage: usage(1500, 90),
          metadata: { reasoning: 'The iterator holds an immutable borrow.' },
          toolInvocations: [{ id: 'toolu_A', name: 'read_file', input: { path: 'core/src/cache.rs' }, output: 'for k in self.keys.iter() { self.evict(k) }', status: 'success' }],
        },
        {
          ...MESSAGE_DEFAULTS,
          id: '2',
          index: 2,
          role: 'assistant',
          content: '`self.keys.iter()` borrows `self` while `evict` needs `&mut self`; collect the keys first.',
          timestamp: null,
          model: 'claude-3-7-sonnet-latest',
          usage: usage(1600, 150),
          toolInvocations: [],
        },
      ],
    } satisfies SessionDetail)
  })

  test('a current thread (zstd row): mentions, tool results inline, resume, per-turn usage, the first folder as workspace', async () => {
    using home = tempHome(fixture)
    using db = openTestDb()
    await harvestHome(db, [zed], home.path)
    const thread = dumpDb(db).sessions.find((s) => s.id === DEBOUNCE)!
    expect(thread).toMatchObject({
      // folder_paths is sorted; folder_paths_order says shop-ui was the first folder of the workspace.
      workspaceId: workspaceIdFor('zed', '/home/dev/projects/shop-ui'),
      title: 'Debounce the search box',
      model: 'claude-sonnet-4-5',
      created: iso('2026-01-14T15:20:00Z'),
      updated: iso('2026-01-14T15:22:10.123Z'),
    })
    expect(thread.messages.map((m) => [m.id, m.role, m.usage?.outputTokens ?? null])).toEqual([
      ['4f0c2a9e-7b1d-4e3a-9c5f-2a8b6d1e0f33', 'user', null],
      ['4f0c2a9e-7b1d-4e3a-9c5f-2a8b6d1e0f33#1', 'assistant', null],
      ['4f0c2a9e-7b1d-4e3a-9c5f-2a8b6d1e0f33#2', 'assistant', 310],
      ['9d3e1b7c-2f4a-4c6e-8b0d-5e7f9a1c3b24', 'user', null],
      ['9d3e1b7c-2f4a-4c6e-8b0d-5e7f9a1c3b24#4', 'assistant', null],
      ['resume#5', 'user', null],
      ['9d3e1b7c-2f4a-4c6e-8b0d-5e7f9a1c3b24#6', 'assistant', 96],
    ])
    const [user, read, edit, , retry] = thread.messages
    expect(user).toMatchObject({ content: 'Debounce the search box in @/home/dev/projects/shop-ui/src/Search.tsx', metadata: { mentions: ['/home/dev/projects/shop-ui/src/Search.tsx'] } })
    expect(read).toMatchObject({
      content: "I'll read the component first.",
      metadata: { reasoning: 'Read the component before editing.' },
      toolInvocations: [{ id: 'toolu_01', name: 'read_file', input: { path: 'shop-ui/src/Search.tsx' }, output: 'export function Search() { return <input onChange={search} /> }', status: 'success' }],
    })
    expect(edit!.toolInvocations[0]).toMatchObject({ id: 'toolu_02', output: 'Permission to run tool denied by user', status: 'error' })
    expect(edit!.usage).toEqual({ inputTokens: 2400, outputTokens: 310, cacheReadTokens: 0, cacheWrite5mTokens: 4100, cacheWrite1hTokens: null })
    expect(retry!.toolInvocations[0]!.output).toBe('Edited shop-ui/src/Search.tsx:\n\n```diff\n-onChange={search}\n+onChange={debounce(search, 200)}\n```')
    const metadata = JSON.parse(db.sqlite.query<{ metadata: string }, [string]>('SELECT metadata FROM sessions WHERE id = ?').get(DEBOUNCE)!.metadata)
    expect(metadata).toEqual({
      provider: 'anthropic',
      cumulativeTokenUsage: { inputTokens: 6120, outputTokens: 912, cacheReadTokens: 18300, cacheWrite5mTokens: 4100, cacheWrite1hTokens: null },
    })
  })

  test('token usage equals an independent sum over the fixture threads', async () => {
    using home = tempHome(fixture)
    using db = openTestDb()
    await harvestHome(db, [zed], home.path)
    const expected = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 }
    const add = (usage: Record<string, number>) => {
      expected.input += usage.input_tokens!
      expected.output += usage.output_tokens!
      expected.cacheRead += usage.cache_read_input_tokens!
      expected.cacheWrite += usage.cache_creation_input_tokens!
    }
    for (const usage of Object.values(JSON.parse(fixtureText('zed', 'thread-debounce.json')).request_token_usage)) add(usage as Record<string, number>)
    // The first agent recorded usage per message; the user message's entry is all zeros.
    for (const usage of JSON.parse(fixtureText('zed', 'thread-legacy.json')).request_token_usage) add(usage)
    const stored = db.sqlite
      .query<Record<string, number>, []>(
        'SELECT sum(input_tokens) AS input, sum(output_tokens) AS output, sum(cache_read_tokens) AS cacheRead, sum(cache_write_5m_tokens) AS cacheWrite FROM messages',
      )
      .get()
    expect(stored).toEqual(expected)
  })

  test('bad rows, a zstd bomb and a broken database are reported; what parses is kept', async () => {
    using home = tempHome(garbage)
    using db = openTestDb()
    const summary = await harvestHome(db, [zed], home.path)
    expect(summary.providers[0]!.problems.map((p) => `${p.source.replace(home.path, '~')}: ${p.message}`).sort()).toEqual([
      '~/.local/share/zed/threads/threads.db: thread t-bad-json: JSON Parse error: Unexpected EOF',
      '~/.local/share/zed/threads/threads.db: thread t-bad-type: unknown data_type "brotli"',
      '~/.local/share/zed/threads/threads.db: thread t-bad-zstd: Unknown frame descriptor',
      `~/.local/share/zed/threads/threads.db: thread t-bomb: Cannot create a Buffer larger than ${ZED_THREAD_MAX_BYTES} bytes`,
      '~/.local/share/zed/threads/threads.db: thread t-odd, message 0: unknown message kind "Hologram"',
      '~/Library/Application Support/Zed/threads/threads.db: cannot read database: file is not a database',
    ])
    expect(dumpDb(db).sessions.map((s) => [s.id, s.messages.map((m) => m.content)])).toEqual([['t-odd', ['kept']]])
  })

  test('a second harvest skips unchanged threads; a saved thread is re-read', async () => {
    using home = tempHome(fixture)
    using db = openTestDb()
    await harvestHome(db, [zed], home.path)
    expect((await harvestHome(db, [zed], home.path)).providers[0]).toMatchObject({ harvested: 0, skipped: 2 })
    const thread = JSON.parse(fixtureText('zed', 'thread-legacy.json'))
    thread.summary = 'Borrow error in the cache'
    const source = new Database(join(home.path, MAC_DB))
    source.run('UPDATE threads SET summary = ?, updated_at = ?, data = ? WHERE id = ?', [thread.summary, '2025-06-03T08:00:00+00:00', new TextEncoder().encode(JSON.stringify(thread)), LEGACY])
    source.close()
    expect((await harvestHome(db, [zed], home.path)).providers[0]).toMatchObject({ harvested: 1, skipped: 1 })
    expect(dumpDb(db).sessions.find((s) => s.id === LEGACY)!.title).toBe('Borrow error in the cache')
  })

  test('a database with the threads table but no rows is an empty history; one without it (a changed format) is reported', async () => {
    using home = tempHome(withFiles({}, { [LINUX_DB]: threadsDb([]) }))
    using db = openTestDb()
    expect((await harvestHome(db, [zed], home.path)).providers[0]).toMatchObject({ sources: 0, harvested: 0, problems: [] })
    const drifted = new Database(':memory:')
    drifted.run('CREATE TABLE conversations (id TEXT)')
    using changed = tempHome(withFiles({}, { [LINUX_DB]: new Uint8Array(drifted.serialize()) }))
    drifted.close()
    const summary = await harvestHome(db, [zed], changed.path)
    expect(summary.providers[0]!.problems.map((p) => p.message)).toEqual([expect.stringMatching(/^cannot read database: no such table: threads/)])
  })

  test('a threads.db that is a symbolic link is not opened', async () => {
    using outside = tempDir()
    using home = tempHome({})
    await Bun.write(join(outside.path, 'threads.db'), threadsDb([]))
    mkdirSync(join(home.path, '.local', 'share', 'zed', 'threads'), { recursive: true })
    symlinkSync(join(outside.path, 'threads.db'), join(home.path, LINUX_DB))
    expect(await zed.locate({ home: home.path, homeOverridden: true, platform: process.platform, env: {} })).toEqual([])
  })

  test('XDG_DATA_HOME is honoured for the real home on Linux and ignored under an overridden home', async () => {
    using home = tempHome({})
    using data = tempHome(withFiles({}, { 'zed/threads/threads.db': threadsDb([]) }))
    const real = { home: home.path, homeOverridden: false, platform: 'linux' as const, env: { XDG_DATA_HOME: data.path } }
    expect(await zed.locate(real)).toEqual([join(data.path, 'zed', 'threads', 'threads.db')])
    expect(await zed.locate({ ...real, homeOverridden: true })).toEqual([])
  })

  test('chasm harvest run --home harvests the fixture home', async () => {
    using home = tempHome(fixture)
    const { summary, sessions } = await harvestThroughCli(home.path, 'zed')
    expect(summary).toMatchObject({ provider: 'zed', sessions: 2, messages: 10, problems: [] })
    expect(sessions.map((s) => [s.id, s.title, s.model, s.messageCount])).toEqual([
      [DEBOUNCE, 'Debounce the search box', 'claude-sonnet-4-5', 7],
      [LEGACY, 'Explain the borrow error', 'claude-3-7-sonnet-latest', 3],
    ])
  })

  test('the compiled binary inflates zstd threads too', async () => {
    using home = tempHome(fixture)
    using dir = tempDir()
    const binary = await compiledBinary()
    const run = Bun.spawnSync([binary, 'harvest', 'run', '--home', home.path, '--db', join(dir.path, 'chasm.db'), '--provider', 'zed', '--json'], {
      env: { PATH: process.env.PATH ?? '', HOME: dir.path },
    })
    expect(run.exitCode).toBe(0)
    expect(JSON.parse(run.stdout.toString()).data.providers[0]).toMatchObject({ provider: 'zed', sessions: 2, messages: 10, problems: [] })
  }, 180_000)
})
