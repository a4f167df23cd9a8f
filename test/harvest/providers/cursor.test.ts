import { Database } from 'bun:sqlite'
import { describe, expect, test } from 'bun:test'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { workspaceIdFor, type Message, type SessionDetail } from '../../../src/db'
import type { Provider } from '../../../src/harvest'
import { cursor } from '../../../src/harvest/providers/cursor'
import { openTestDb } from '../../support/db'
import { fixtureText, kvStoreBytes, withFiles } from '../../support/fixture-db'
import { dumpDb, harvestHome } from '../../support/harvest'
import { fixtureTree, tempHome, type Tree } from '../../support/temp'
import { providerContract } from '../provider-contract'
import { MESSAGE_DEFAULTS, usage } from '../../support/sessions'

const USER = '.config/Cursor/User'
const GLOBAL = `${USER}/globalStorage/state.vscdb`
const WORKSPACES = {
  todo: '9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b',
  cafe: '1a2b3c4d5e6f708192a3b4c5d6e7f809',
  mono: '3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c',
  remote: '4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d',
  win: '5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e',
}
const wsDb = (id: string) => `${USER}/workspaceStorage/${id}/state.vscdb`
const kvFixture = (name: string) => kvStoreBytes(JSON.parse(fixtureText('cursor', name)))

const fixture = withFiles(fixtureTree('cursor'), {
  [GLOBAL]: kvFixture('global.json'),
  [wsDb(WORKSPACES.todo)]: kvFixture('workspace-todo-api.json'),
  [wsDb(WORKSPACES.cafe)]: kvFixture('workspace-cafe-app.json'),
  [wsDb(WORKSPACES.mono)]: kvFixture('workspace-mono.json'),
  [wsDb(WORKSPACES.remote)]: kvFixture('workspace-remote.json'),
  [wsDb(WORKSPACES.win)]: kvFixture('workspace-win.json'),
})

const garbage: Tree = withFiles(
  {},
  {
    [GLOBAL]: kvStoreBytes({
      ItemTable: {},
      cursorDiskKV: {
        'composerData:g1': '{"name":"broken',
        'bubbleId:g1:x1': { type: 1, bubbleId: 'x1', text: 'survivor' },
        'bubbleId:g1:x2': '{"type":2,"text":"cut',
        'composerData:g2': { composerId: 'g2', name: 42, fullConversationHeadersOnly: [{ bubbleId: 'y1' }, { type: 2 }, { bubbleId: 'y2' }, { bubbleId: 'y3' }] },
        'bubbleId:g2:y1': { type: 3, bubbleId: 'y1', text: '?' },
        'bubbleId:g2:y2': { type: 1, bubbleId: 'y2', text: 42, richText: 7, unknown: true },
        'bubbleId:g2:y3': [1, 2, 3],
      },
    }),
    [`${USER}/workspaceStorage/aaaa/workspace.json`]: 'not json',
    [wsDb('aaaa')]: kvStoreBytes({
      ItemTable: { 'workbench.panel.aichat.view.aichat.chatdata': '{"tabs": [', 'composer.composerData': { allComposers: 'nope' } },
    }),
    [wsDb('bbbb')]: new Uint8Array(Array.from({ length: 4096 }, (_, i) => (i * 31 + 7) % 256)),
    [wsDb('cccc')]: '',
  },
)

providerContract(cursor, { fixture, garbage })

const message = (id: string, index: number, role: Message['role'], content: string, extra: Partial<Message> = {}): Message => ({
  id,
  index,
  role,
  content,
  timestamp: null,
  model: null,
  ...MESSAGE_DEFAULTS, toolInvocations: [],
  ...extra,
})
const iso = (ms: number) => new Date(ms).toISOString()
const ws = (key: string) => workspaceIdFor('cursor', key)
const C = (n: number) => `c0ffee00-0000-4000-8000-00000000000${n}`

const longPlan =
  'Hier ist der vollständige Plan — 完全な計画:\n\n' +
  Array.from({ length: 80 }, (_, i) => `${i + 1}. \`E${String(i + 1).padStart(3, '0')}\`: Fehler ${i + 1} → エラー${i + 1} (проверено ✅)`).join('\n')

const SESSIONS: SessionDetail[] = [
  {
    id: C(1),
    workspaceId: ws('/home/dev/projects/todo-api'),
    provider: 'cursor',
    title: 'Refactor logger',
    model: 'claude-4.5-sonnet',
    messageCount: 5,
    created: iso(1767800000000),
    updated: iso(1767800090000),
    origin: 'harvest',
    sourceDeleted: false,
    messages: [
      message('b-user-1', 0, 'user', 'Replace console.log with our logger in src/', { timestamp: '2026-01-07T15:33:21.000Z' }),
      message('b-ai-1', 1, 'assistant', '', {
        timestamp: '2026-01-07T15:33:40.000Z',
        metadata: { thinking: 'Three call sites use console.log.' },
        model: 'claude-4.5-sonnet',
        usage: usage({ inputTokens: 5120, outputTokens: 210 }),
        toolInvocations: [
          {
            id: 'tc_1',
            name: 'edit_file',
            input: { target_file: 'src/app.ts', instructions: 'use logger' },
            output: '{"diff":"-console.log(x)\\n+logger.info(x)"}',
            status: 'completed',
          },
        ],
      }),
      message('b-ai-2', 2, 'assistant', 'Done: 3 call sites now use `logger.info`.', { timestamp: '2026-01-07T15:34:00.000Z', model: 'claude-4.5-sonnet' }),
      message('b-user-2', 3, 'user', 'Now add a test for it', { timestamp: iso(1767800080000) }),
      message('b-ai-3', 4, 'assistant', 'Added `test/logger.test.ts`.', {
        timestamp: iso(1767800085000),
        model: 'gpt-5',
        toolInvocations: [{ id: 'tc_2', name: 'run_terminal_cmd', input: { command: 'bun test' }, output: '{"output":"1 pass"}', status: 'completed' }],
      }),
    ],
  },
  {
    id: C(2),
    workspaceId: ws('/home/dev/projects/café-app'),
    provider: 'cursor',
    title: 'Übersetze die Fehlermeldungen ins Japanische 🇯🇵',
    model: 'gpt-5',
    messageCount: 4,
    created: iso(1767900000000),
    updated: iso(1767900500000),
    origin: 'harvest',
    sourceDeleted: false,
    messages: [
      message('c2-u1', 0, 'user', 'Übersetze die Fehlermeldungen ins Japanische 🇯🇵\nund prüfe die Tests', { timestamp: '2026-01-08T19:20:05.000Z' }),
      message('c2-a1', 1, 'assistant', longPlan, { timestamp: '2026-01-08T19:21:00.000Z', model: 'gpt-5' }),
      message('c2-a2', 2, 'assistant', "```typescript\nexport const E001 = 'エラー1'\n```\n\n```shell\nbun test\n```", {
        timestamp: '2026-01-08T19:22:00.000Z',
        model: 'gpt-5',
      }),
      message('c2-a3', 3, 'assistant', '', {
        model: 'gpt-5',
        toolInvocations: [{ id: 'tc_3', name: 'read_file', input: { target_file: 'locales/ja.json' }, output: '{"error":"File not found"}', status: 'error' }],
      }),
    ],
  },
  {
    id: C(3),
    workspaceId: ws('c:\\Users\\dev\\win-proj'),
    provider: 'cursor',
    title: 'Windows build fix',
    model: 'default',
    messageCount: 2,
    created: iso(1768000000000),
    updated: iso(1768000100000),
    origin: 'harvest',
    sourceDeleted: false,
    messages: [
      message('c3-u1', 0, 'user', 'why does `bun build` fail on Windows?', { timestamp: '2026-01-09T23:06:45.000Z' }),
      message('c3-a1', 1, 'assistant', 'Paths use `\\` there; normalise them with `path.posix`.', { timestamp: '2026-01-09T23:07:00.000Z', model: 'default' }),
    ],
  },
  {
    id: C(4),
    workspaceId: ws('(no folder)'),
    provider: 'cursor',
    title: 'hello from an old composer',
    model: null,
    messageCount: 2,
    created: iso(1766000000000),
    updated: iso(1766000060000),
    origin: 'harvest',
    sourceDeleted: false,
    messages: [
      message('c4-u1', 0, 'user', 'hello from an old composer'),
      message('c4-a1', 1, 'assistant', 'Hi! This composer predates bubble rows.'),
    ],
  },
  {
    id: C(6),
    workspaceId: ws('ssh-remote+buildbox:/srv/app'),
    provider: 'cursor',
    title: 'Remote deploy',
    model: 'claude-4.5-sonnet',
    messageCount: 2,
    created: iso(1768100000000),
    updated: iso(1768100030000),
    origin: 'harvest',
    sourceDeleted: false,
    messages: [
      message('c6-u1', 0, 'user', 'restart the service on the build box', { timestamp: '2026-01-11T02:53:25.000Z' }),
      message('c6-a1', 1, 'assistant', 'Restarted `app.service`; it is healthy.', { timestamp: '2026-01-11T02:53:50.000Z', model: 'claude-4.5-sonnet' }),
    ],
  },
  {
    id: 'legacy-inline-0007',
    workspaceId: ws('/home/dev/projects/café-app'),
    provider: 'cursor',
    title: 'Old inline composer',
    model: null,
    messageCount: 2,
    created: iso(1760000000000),
    updated: iso(1760000050000),
    origin: 'harvest',
    sourceDeleted: false,
    messages: [message('i7-u1', 0, 'user', 'Wie starte ich den Server?'), message('i7-a1', 1, 'assistant', 'Mit `bun run dev`.')],
  },
  {
    id: 'tab-5a5a',
    workspaceId: ws('/home/dev/projects/café-app'),
    provider: 'cursor',
    title: 'Chat about caching',
    model: 'gpt-4',
    messageCount: 2,
    created: iso(1755000000000),
    updated: iso(1755000000000),
    origin: 'harvest',
    sourceDeleted: false,
    messages: [message('lb-1', 0, 'user', 'How do I cache fetch calls?'), message('lb-2', 1, 'assistant', 'Use a Map keyed by URL.', { model: 'gpt-4' })],
  },
  {
    id: 'tab-mono',
    workspaceId: ws('/home/dev/work/mono.code-workspace'),
    provider: 'cursor',
    title: 'List the packages in this monorepo',
    model: 'claude-3.5-sonnet',
    messageCount: 2,
    created: iso(1754000000000),
    updated: iso(1754000000000),
    origin: 'harvest',
    sourceDeleted: false,
    messages: [
      message('msg-0', 0, 'user', 'List the packages in this monorepo'),
      message('msg-1', 1, 'assistant', 'There are 4 packages under `packages/`.', { model: 'claude-3.5-sonnet' }),
    ],
  },
]

describe('cursor harvest', () => {
  test('composers, inline composers and old Chat panel tabs are harvested exactly, each in its workspace', async () => {
    using home = tempHome(fixture)
    using db = openTestDb()
    const summary = await harvestHome(db, [cursor], home.path)
    // Six composers (one of them empty) in the global database, two workspace databases with old-format chats.
    // The composer whose composerData is NULL (a tab that never got a message) is a source with nothing in it, not a problem.
    expect(summary.providers[0]).toMatchObject({ sources: 9, harvested: 9, sessions: 8, messages: 21, workspaces: 6, problems: [] })
    const workspace = (key: string, name: string, path: string | null, sessions: number, updated: number) => ({
      id: ws(key),
      name,
      provider: 'cursor',
      path,
      sessions,
      updated: iso(updated),
    })
    const dump = dumpDb(db)
    expect(dump.workspaces).toEqual(
      [
        workspace('/home/dev/projects/todo-api', 'todo-api', '/home/dev/projects/todo-api', 1, 1767800090000),
        workspace('/home/dev/projects/café-app', 'café-app', '/home/dev/projects/café-app', 3, 1767900500000),
        workspace('c:\\Users\\dev\\win-proj', 'win-proj', 'c:\\Users\\dev\\win-proj', 1, 1768000100000),
        workspace('(no folder)', 'Cursor', null, 1, 1766000060000),
        workspace('ssh-remote+buildbox:/srv/app', 'app', 'ssh-remote+buildbox:/srv/app', 1, 1768100030000),
        workspace('/home/dev/work/mono.code-workspace', 'mono', '/home/dev/work/mono.code-workspace', 1, 1754000000000),
      ].sort((a, b) => a.id.localeCompare(b.id)),
    )
    expect(dump.sessions).toEqual(SESSIONS)
    expect(JSON.stringify(dump)).not.toContain('FIXTURE-SECRET')
    expect(JSON.stringify(dump)).not.toContain('draft left in the input box')
  })

  test('an unchanged install skips every source; one changed composer is the only one re-read', async () => {
    using home = tempHome(fixture)
    using db = openTestDb()
    await harvestHome(db, [cursor], home.path)
    expect((await harvestHome(db, [cursor], home.path)).providers[0]).toMatchObject({ sources: 9, skipped: 9, harvested: 0, problems: [] })

    const store = new Database(join(home.path, GLOBAL))
    store.run(`INSERT INTO cursorDiskKV VALUES ('bubbleId:${C(3)}:c3-a1', ?)`, [
      JSON.stringify({ type: 2, bubbleId: 'c3-a1', text: 'Use `path.posix` everywhere.', createdAt: '2026-01-09T23:08:00.000Z' }),
    ])
    store.close()
    expect((await harvestHome(db, [cursor], home.path)).providers[0]).toMatchObject({ sources: 9, skipped: 8, harvested: 1 })
    expect(dumpDb(db).sessions.find((s) => s.id === C(3))?.messages[1]?.content).toBe('Use `path.posix` everywhere.')
  })

  test('a composer moved to another workspace is re-read into it', async () => {
    using home = tempHome(fixture)
    using db = openTestDb()
    await harvestHome(db, [cursor], home.path)
    const index = new Database(join(home.path, wsDb(WORKSPACES.remote)))
    index.run(`INSERT INTO ItemTable VALUES ('composer.composerData', ?)`, [JSON.stringify({ allComposers: [{ composerId: C(6) }, { composerId: C(4) }] })])
    index.close()
    const summary = await harvestHome(db, [cursor], home.path)
    expect(summary.providers[0]).toMatchObject({ harvested: 1, skipped: 8 })
    expect(dumpDb(db).sessions.find((s) => s.id === C(4))?.workspaceId).toBe(ws('ssh-remote+buildbox:/srv/app'))
  })

  test('corrupt values and databases are reported; what parses is kept', async () => {
    using home = tempHome(garbage)
    using db = openTestDb()
    const summary = await harvestHome(db, [cursor], home.path)
    const user = join(home.path, USER)
    const problems = summary.providers[0]!.problems.map((p) => `${p.source.slice(user.length + 1)}: ${p.message}`)
    expect(problems.sort()).toEqual([
      'globalStorage/state.vscdb: bubble is not an object',
      'globalStorage/state.vscdb: bubble y1 has unknown type 3',
      'globalStorage/state.vscdb: bubbleId:g1:x2: invalid JSON',
      'globalStorage/state.vscdb: composerData:g1: invalid JSON',
      'globalStorage/state.vscdb: conversation header without bubbleId',
      'workspaceStorage/aaaa/state.vscdb: workbench.panel.aichat.view.aichat.chatdata: invalid JSON',
      'workspaceStorage/bbbb/state.vscdb: cannot read workspace database: file is not a database',
      'workspaceStorage/cccc/state.vscdb: cannot read workspace database: no such table: ItemTable',
    ])
    const sessions = dumpDb(db).sessions.map(({ id, workspaceId, title, messages }) => ({ id, workspaceId, title, messages }))
    expect(sessions).toEqual([
      { id: 'g1', workspaceId: ws('(no folder)'), title: 'survivor', messages: [message('x1', 0, 'user', 'survivor')] },
      { id: 'g2', workspaceId: ws('(no folder)'), title: null, messages: [message('y2', 0, 'user', '')] },
    ])
  })

  test('a global database written in WAL mode by Cursor during the harvest is read without side files', async () => {
    using home = tempHome(withFiles(fixture, { [wsDb('bbbb')]: 'not a database' }))
    using db = openTestDb()
    const user = join(home.path, USER)
    const writer = new Database(join(home.path, GLOBAL))
    writer.run('PRAGMA journal_mode = WAL')
    const headers = [{ bubbleId: 'c6-u1', type: 1 }, { bubbleId: 'c6-a1', type: 2 }]
    const write = () => {
      const bubbleId = `c6-w${headers.length}`
      headers.push({ bubbleId, type: 2 })
      writer.run('INSERT INTO cursorDiskKV VALUES (?, ?)', [`bubbleId:${C(6)}:${bubbleId}`, JSON.stringify({ type: 2, bubbleId, text: `progress ${headers.length}` })])
      writer.run('INSERT INTO cursorDiskKV VALUES (?, ?)', [
        `composerData:${C(6)}`,
        JSON.stringify({ composerId: C(6), name: 'Remote deploy', createdAt: 1768100000000, lastUpdatedAt: 1768100030000 + headers.length, fullConversationHeadersOnly: headers }),
      ])
    }
    write()
    expect(existsSync(join(home.path, `${GLOBAL}-wal`)) && existsSync(join(home.path, `${GLOBAL}-shm`))).toBe(true)
    const writing: Provider = {
      ...cursor,
      async *read(source, ctx) {
        write()
        yield* cursor.read(source, ctx)
      },
    }
    try {
      const summary = await harvestHome(db, [writing], home.path)
      expect(summary.providers[0]).toMatchObject({ sources: 10, harvested: 10, sessions: 8 })
      expect(summary.providers[0]!.problems).toEqual([
        { source: join(user, 'workspaceStorage', 'bbbb', 'state.vscdb'), message: 'cannot read workspace database: file is not a database' },
      ])
      const again = await harvestHome(db, [cursor], home.path)
      expect(again.providers[0]).toMatchObject({ harvested: 2, skipped: 8 })
      expect(dumpDb(db).sessions.find((s) => s.id === C(6))?.messageCount).toBe(headers.length)
    } finally {
      writer.close()
    }
    for (const id of Object.values(WORKSPACES)) {
      expect(readdirSync(join(user, 'workspaceStorage', id)).sort()).toEqual(['state.vscdb', 'workspace.json'])
    }
  })
})
