import { Database } from 'bun:sqlite'
import { describe, expect, test } from 'bun:test'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { workspaceIdFor, type Message, type SessionDetail } from '../../../src/db'
import type { Provider } from '../../../src/harvest'
import { opencode } from '../../../src/harvest/providers/opencode'
import { openTestDb } from '../../support/db'
import { fixtureText, sqliteBytes, withFiles } from '../../support/fixture-db'
import { dumpDb, harvestHome } from '../../support/harvest'
import { fixtureTree, tempHome, type Tree } from '../../support/temp'
import { providerContract } from '../provider-contract'
import { MESSAGE_DEFAULTS, usage } from '../../support/sessions'

const ROOT = '.local/share/opencode'
const SQL = fixtureText('opencode', 'opencode.sql')
const SCHEMA = SQL.slice(0, SQL.indexOf('INSERT INTO'))
const fixture = withFiles(fixtureTree('opencode'), { [`${ROOT}/opencode.db`]: sqliteBytes(SQL) })

/** The fixture schema with rows of the wrong shape. */
const BAD_ROWS_SQL = `${SCHEMA}
INSERT INTO project VALUES ('p9', '/home/dev/projects/bad', NULL, NULL, 1, 1, NULL);
INSERT INTO session VALUES ('ses_bad', 'p9', NULL, 'odd-duck', '/home/dev/projects/bad', 'Bad rows', '1.16.0', NULL, NULL, NULL, 1768300000000, 1768300009000, NULL);
INSERT INTO message VALUES ('msg_b1', 'ses_bad', 1768300001000, 1768300001000, '{"role":"user","time":{"created":');
INSERT INTO message VALUES ('msg_b2', 'ses_bad', 1768300002000, 1768300002000, '{"role":"system","time":{"created":1768300002000}}');
INSERT INTO message VALUES ('msg_b3', 'ses_bad', 1768300003000, 1768300003000, '{"role":"user","time":"yesterday","unknown":[1,2]}');
INSERT INTO part VALUES ('prt_b3a', 'msg_b3', 'ses_bad', 1768300003000, 1768300003000, 'not json');
INSERT INTO part VALUES ('prt_b3b', 'msg_b3', 'ses_bad', 1768300003000, 1768300003000, '{"type":"text","text":"kept"}');
INSERT INTO part VALUES ('prt_b3c', 'msg_b3', 'ses_bad', 1768300003000, 1768300003000, '{"type":"hologram","beam":true}');
INSERT INTO part VALUES ('prt_b3d', 'msg_b3', 'ses_bad', 1768300003000, 1768300003000, '{"type":"tool","tool":7,"state":null}');
`

const validDb = sqliteBytes(SQL)
const garbage: Tree = {
  '.local': {
    share: {
      opencode: {
        'opencode.db': new Uint8Array(Array.from({ length: 8192 }, (_, i) => (i * 7919) % 251)),
        'opencode-empty.db': '',
        'opencode-trunc.db': validDb.slice(0, 6000),
        'opencode-bad.db': sqliteBytes(BAD_ROWS_SQL),
      },
    },
  },
}

providerContract(opencode, { fixture, garbage })

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

const longReply =
  'Here is how the notes are organised — Вот как устроены заметки:\n\n' +
  Array.from({ length: 40 }, (_, i) => `${i + 1}. Раздел ${i + 1}: ideas about topic ${i + 1} with a longer explanation so the message grows well past a screen ✅`).join('\n')

const todo = workspaceIdFor('opencode', '/home/dev/projects/todo-api')
const notes = workspaceIdFor('opencode', '/home/dev/Документы/notes')

const DB_SESSIONS: SessionDetail[] = [
  {
    id: 'ses_01',
    workspaceId: todo,
    provider: 'opencode',
    title: 'Add request logging',
    model: 'claude-sonnet-4-5',
    messageCount: 2,
    created: iso(1768000000000),
    updated: iso(1768000300000),
    origin: 'harvest',
    sourceDeleted: false,
    messages: [
      message('msg_01', 0, 'user', 'log every request with its duration', { timestamp: iso(1768000001000) }),
      message('msg_02', 1, 'assistant', 'Added a `timing` middleware before auth.', {
        timestamp: iso(1768000004000),
        metadata: { reasoning: 'A middleware before auth can time every request.' },
        model: 'claude-sonnet-4-5',
        usage: usage({ inputTokens: 12, outputTokens: 318, cacheReadTokens: 14210, cacheWrite5mTokens: 3012 }),
        toolInvocations: [
          {
            id: 'call_1',
            name: 'edit',
            input: { filePath: 'src/app.ts', oldString: 'app.use(auth);', newString: 'app.use(timing);\napp.use(auth);' },
            output: 'Edited src/app.ts',
            status: 'completed',
          },
        ],
      }),
    ],
  },
  {
    id: 'ses_02',
    workspaceId: todo,
    provider: 'opencode',
    title: 'Find the logger tests (@explore subagent)',
    model: 'claude-haiku-4-5',
    messageCount: 2,
    created: iso(1768000005000),
    updated: iso(1768000007000),
    origin: 'harvest',
    sourceDeleted: false,
    messages: [
      message('msg_10', 0, 'user', 'Find tests that cover the logger', { timestamp: iso(1768000005000) }),
      message('msg_11', 1, 'assistant', 'No logger tests exist yet.', {
        timestamp: iso(1768000006000),
        model: 'claude-haiku-4-5',
        usage: usage({ inputTokens: 8, outputTokens: 57, cacheReadTokens: 9800, cacheWrite5mTokens: 0 }),
        toolInvocations: [
          { id: 'call_9', name: 'read', input: { filePath: 'test/logger.test.ts' }, output: 'File not found: test/logger.test.ts', status: 'error' },
        ],
      }),
    ],
  },
  {
    id: 'ses_03',
    workspaceId: notes,
    provider: 'opencode',
    title: 'Заметки 📝 organise',
    model: 'gpt-5',
    messageCount: 2,
    created: iso(1768100000000),
    updated: iso(1768100060000),
    origin: 'harvest',
    sourceDeleted: false,
    messages: [
      message('msg_20', 0, 'user', 'Как организовать заметки? 🤔', { timestamp: iso(1768100001000) }),
      message('msg_22', 1, 'assistant', longReply, {
        timestamp: iso(1768100050000),
        model: 'gpt-5',
        // OpenCode bills reasoning as output: 690 + 448.
        usage: usage({ inputTokens: 2311, outputTokens: 1138, cacheReadTokens: 1024, cacheWrite5mTokens: 0 }),
      }),
    ],
  },
  {
    id: 'ses_04',
    workspaceId: todo,
    provider: 'opencode',
    title: 'New session - 2026-01-12T10:00:00.000Z',
    model: null,
    messageCount: 0,
    created: iso(1768212000000),
    updated: iso(1768212000000),
    origin: 'harvest',
    sourceDeleted: false,
    messages: [],
  },
]

describe('opencode harvest', () => {
  test('the SQLite store is harvested exactly, one source per session', async () => {
    using home = tempHome(fixture)
    using db = openTestDb()
    const summary = await harvestHome(db, [opencode], home.path)
    expect(summary.providers[0]).toMatchObject({ sources: 4, harvested: 4, sessions: 4, messages: 6, workspaces: 2, problems: [] })
    const dump = dumpDb(db)
    expect(dump.workspaces).toEqual(
      [
        { id: todo, name: 'todo-api', provider: 'opencode', path: '/home/dev/projects/todo-api', sessions: 3, updated: iso(1768212000000) },
        { id: notes, name: 'notes', provider: 'opencode', path: '/home/dev/Документы/notes', sessions: 1, updated: iso(1768100060000) },
      ].sort((a, b) => a.id.localeCompare(b.id)),
    )
    expect(dump.sessions).toEqual(DB_SESSIONS)
    expect(JSON.stringify(dump)).not.toContain('FIXTURE-SECRET')
  })

  test('the legacy JSON tree is harvested when there is no database, and ignored when there is one', async () => {
    const legacy = fixtureTree('opencode', 'legacy-home')
    using home = tempHome(legacy)
    using db = openTestDb()
    await harvestHome(db, [opencode], home.path)
    const legacyCli = workspaceIdFor('opencode', '/home/dev/projects/legacy-cli')
    expect(dumpDb(db)).toEqual({
      workspaces: [{ id: legacyCli, name: 'legacy-cli', provider: 'opencode', path: '/home/dev/projects/legacy-cli', sessions: 1, updated: iso(1750000090000) }],
      sessions: [
        {
          id: 'ses_legacy1',
          workspaceId: legacyCli,
          provider: 'opencode',
          title: 'Port the CLI to Bun',
          model: 'claude-sonnet-4',
          messageCount: 2,
          created: iso(1750000000000),
          updated: iso(1750000090000),
          origin: 'harvest',
          sourceDeleted: false,
          messages: [
            message('msg_a1', 0, 'user', 'replace node:child_process with Bun.spawn', { timestamp: iso(1750000001000) }),
            message('msg_a2', 1, 'assistant', 'One call site in `src/run.ts`; it now uses `Bun.spawn`.', {
              timestamp: iso(1750000002000),
              model: 'claude-sonnet-4',
              toolInvocations: [
                {
                  id: 'toolu_L1',
                  name: 'bash',
                  input: { command: 'grep -rn child_process src' },
                  output: "src/run.ts:1:import { spawn } from 'node:child_process'",
                  status: 'completed',
                },
              ],
            }),
          ],
        },
      ],
    })

    using both = tempHome(withFiles(legacy, { [`${ROOT}/opencode.db`]: sqliteBytes(SQL) }))
    using db2 = openTestDb()
    await harvestHome(db2, [opencode], both.path)
    expect(dumpDb(db2).sessions.map((s) => s.id)).toEqual(['ses_01', 'ses_02', 'ses_03', 'ses_04'])
  })

  test('an unchanged store skips every session; a new part re-reads only its session', async () => {
    using home = tempHome(fixture)
    using db = openTestDb()
    await harvestHome(db, [opencode], home.path)
    expect((await harvestHome(db, [opencode], home.path)).providers[0]).toMatchObject({ sources: 4, skipped: 4, harvested: 0 })

    const store = new Database(join(home.path, ROOT, 'opencode.db'))
    store.run(`INSERT INTO part VALUES ('prt_23', 'msg_22', 'ses_03', 1768100061000, 1768100061000, '{"type":"text","text":"PS: tag them."}')`)
    store.close()
    expect((await harvestHome(db, [opencode], home.path)).providers[0]).toMatchObject({ sources: 4, skipped: 3, harvested: 1 })
    expect(dumpDb(db).sessions.find((s) => s.id === 'ses_03')?.messages[1]?.content).toBe(`${longReply}\n\nPS: tag them.`)
  })

  test('corrupt databases and rows are reported; good rows of a bad session are kept', async () => {
    using home = tempHome(garbage)
    using db = openTestDb()
    const summary = await harvestHome(db, [opencode], home.path)
    const dir = join(home.path, ROOT)
    const problems = summary.providers[0]!.problems.map((p) => `${p.source.slice(dir.length + 1)}: ${p.message}`)
    expect(problems.sort()).toEqual([
      'opencode-bad.db: message msg_b1: invalid JSON',
      'opencode-bad.db: message msg_b2: unknown role "system"',
      'opencode-bad.db: part prt_b3a: invalid JSON',
      'opencode-empty.db: cannot read database: no such table: session',
      expect.stringMatching(/^opencode-trunc\.db: .*malformed/),
      'opencode.db: cannot read database: file is not a database',
    ])
    expect(dumpDb(db).sessions).toEqual([
      {
        id: 'ses_bad',
        workspaceId: workspaceIdFor('opencode', '/home/dev/projects/bad'),
        provider: 'opencode',
        title: 'Bad rows',
        model: null,
        messageCount: 1,
        created: iso(1768300000000),
        updated: iso(1768300009000),
        origin: 'harvest',
        sourceDeleted: false,
        messages: [message('msg_b3', 0, 'user', 'kept', { timestamp: iso(1768300003000) })],
      },
    ])
  })

  test('a store written in WAL mode by another connection during the harvest is read without side files', async () => {
    const beta = `${SCHEMA}
      INSERT INTO project VALUES ('global', '/', NULL, NULL, 1, 1, NULL);
      INSERT INTO session VALUES ('ses_beta', 'global', NULL, 'beta-bee', '/tmp', 'Beta channel', '1.17.0-beta', NULL, NULL, NULL, 1, 1, NULL);`
    using home = tempHome(withFiles(fixture, { [`${ROOT}/opencode-beta.db`]: sqliteBytes(beta), [`${ROOT}/opencode-broken.db`]: 'garbage' }))
    using db = openTestDb()
    const dir = join(home.path, ROOT)
    const writer = new Database(join(dir, 'opencode.db'))
    writer.run('PRAGMA journal_mode = WAL')
    let written = 0
    const write = () => {
      written += 1
      writer.run(
        `INSERT INTO message VALUES ('msg_w${written}', 'ses_03', ${1768100070000 + written}, ${1768100070000 + written}, '{"role":"user","time":{"created":${1768100070000 + written}}}')`,
      )
      writer.run(`UPDATE session SET time_updated = ${1768100070000 + written} WHERE id = 'ses_03'`)
    }
    write()
    expect(existsSync(join(dir, 'opencode.db-wal')) && existsSync(join(dir, 'opencode.db-shm'))).toBe(true)
    // Every read of a source first writes through the other connection: the store changes mid-harvest.
    const writing: Provider = {
      ...opencode,
      async *read(source, ctx) {
        write()
        yield* opencode.read(source, ctx)
      },
    }
    try {
      const summary = await harvestHome(db, [writing], home.path)
      expect(summary.providers[0]!.sources).toBe(6)
      expect(summary.providers[0]!.problems.map((p) => p.source)).toEqual([join(dir, 'opencode-broken.db')])
      expect(dumpDb(db).sessions.map((s) => s.id)).toEqual(['ses_01', 'ses_02', 'ses_03', 'ses_04', 'ses_beta'])

      const again = await harvestHome(db, [opencode], home.path)
      expect(again.providers[0]).toMatchObject({ harvested: 2, skipped: 4 })
      expect(dumpDb(db).sessions.find((s) => s.id === 'ses_03')?.messageCount).toBe(2 + written)
    } finally {
      writer.close()
    }
    expect(readdirSync(dir).sort()).toEqual(['auth.json', 'opencode-beta.db', 'opencode-broken.db', 'opencode.db'])
    expect(existsSync(join(dir, 'opencode-beta.db-wal'))).toBe(false)
  })
})
