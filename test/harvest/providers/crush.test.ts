import { Database } from 'bun:sqlite'
import { describe, expect, test } from 'bun:test'
import { mkdirSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { workspaceIdFor, type Message, type SessionDetail } from '../../../src/db'
import { crush } from '../../../src/harvest/providers/crush'
import { openTestDb } from '../../support/db'
import { fixtureText, sqliteBytes, withFiles } from '../../support/fixture-db'
import { dumpDb, harvestHome } from '../../support/harvest'
import { MESSAGE_DEFAULTS } from '../../support/sessions'
import { fixtureTree, tempDir, tempHome, type Tree } from '../../support/temp'
import { providerContract } from '../provider-contract'
import { harvestThroughCli } from './harvest-cli'

const SQL = fixtureText('crush', 'crush.sql')
const SCHEMA = SQL.slice(0, SQL.indexOf('INSERT INTO'))
const TRIGGERS = SQL.slice(SQL.indexOf('CREATE TRIGGER'))
const WEATHER_DB = 'projects/weather-cli/.crush/crush.db'
const SITE_DB = 'src/site/.crush/crush.db'
const fixture = withFiles(fixtureTree('crush'), {
  [WEATHER_DB]: sqliteBytes(SQL),
  [SITE_DB]: sqliteBytes(SCHEMA + fixtureText('crush', 'site.sql') + TRIGGERS),
})

const projectsJson = (...projects: string[]) =>
  JSON.stringify({ projects: projects.map((path) => ({ path, data_dir: `${path}/.crush`, last_accessed: '2026-02-01T00:00:00Z' })) })

const BAD_ROWS = `${SCHEMA}
INSERT INTO sessions VALUES ('bad', NULL, 'Bad rows', 4, 0, 0, 0, 1769900000, 1769900000, NULL, NULL);
INSERT INTO messages VALUES ('b-1', 'bad', 'narrator', '[]', NULL, 1769900001, 1769900001, NULL, NULL, 0);
INSERT INTO messages VALUES ('b-2', 'bad', 'user', '{"type":"text"', NULL, 1769900002, 1769900002, NULL, NULL, 0);
INSERT INTO messages VALUES ('b-3', 'bad', 'assistant', '[{"type":"hologram","data":{}}]', 'gpt-5', 1769900003, 1769900003, NULL, 'openai', 0);
INSERT INTO messages VALUES ('b-4', 'bad', 'user', '[{"type":"text","data":{"text":"kept"}}]', NULL, 1769900004, 1769900004, NULL, NULL, 0);
`

const garbage: Tree = withFiles(
  {},
  {
    '.local/share/crush/projects.json': projectsJson('/home/dev/p/noise', '/home/dev/p/empty', '/home/dev/p/rows'),
    'p/noise/.crush/crush.db': new Uint8Array(Array.from({ length: 8192 }, (_, i) => (i * 7919) % 251)),
    'p/empty/.crush/crush.db': sqliteBytes(SCHEMA),
    'p/rows/.crush/crush.db': sqliteBytes(BAD_ROWS),
    'AppData/Local/crush/projects.json': '{"projects": [',
  },
)

providerContract(crush, { fixture, garbage })

const iso = (seconds: number) => new Date(seconds * 1000).toISOString()
const weather = workspaceIdFor('crush', '/home/dev/projects/weather-cli')

describe('crush', () => {
  test('finds each project database through projects.json, mapping another machine’s home onto --home', async () => {
    using home = tempHome(fixture)
    expect((await crush.locate({ home: home.path, homeOverridden: true, platform: process.platform, env: {} })).sort()).toEqual(
      [join(home.path, WEATHER_DB), join(home.path, SITE_DB)].sort(),
    )
  })

  test('a session with a shell command, attachments, a cancelled turn, an error and a summary is harvested exactly', async () => {
    using home = tempHome(fixture)
    using db = openTestDb()
    await harvestHome(db, [crush], home.path)
    const message = (id: string, index: number, role: Message['role'], content: string, seconds: number, extra: Partial<Message> = {}): Message => ({
      ...MESSAGE_DEFAULTS,
      id,
      index,
      role,
      content,
      timestamp: iso(seconds),
      model: null,
      toolInvocations: [],
      ...extra,
    })
    expect(dumpDb(db).sessions.find((s) => s.id === 'e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b')).toEqual({
      id: 'e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b',
      workspaceId: workspaceIdFor('crush', 'C:\\Users\\dev\\src\\site'),
      provider: 'crush',
      title: 'Hero image spacing',
      model: 'gpt-5',
      messageCount: 6,
      created: iso(1768811400),
      updated: iso(1768811700),
      origin: 'harvest',
      sourceDeleted: false,
      messages: [
        message('w-01', 0, 'user', '', 1768811401, {
          toolInvocations: [{ id: 'w-01#0', name: 'shell', input: { command: 'npm run build' }, output: "error TS2307: Cannot find module './hero.css'", status: 'error' }],
        }),
        message('w-02', 1, 'user', 'The hero has too much padding on mobile, see screenshot\n\n[file C:\\Users\\dev\\Pictures\\hero.png]\n\n[image https://example.com/mock.png]', 1768811405),
        message('w-03', 2, 'assistant', 'Reducing `padding-block` to', 1768811410, { model: 'gpt-5', state: 'cancelled', error: 'Request cancelled', metadata: { provider: 'openai' } }),
        message('w-04', 3, 'user', 'continue', 1768811500),
        message('w-05', 4, 'assistant', '', 1768811501, { model: 'gpt-5', state: 'failed', error: 'Rate limit exceeded: 429: Too Many Requests', metadata: { provider: 'openai' } }),
        message('w-06', 5, 'assistant', 'Summary: the build fails on a missing hero.css import; mobile padding still to fix.', 1768811690, {
          model: 'gpt-5',
          metadata: { provider: 'openai', summary: true },
        }),
      ],
    } satisfies SessionDetail)
  })

  test('tool calls pair with the results of the following tool message; reasoning, sub-sessions and session usage are kept', async () => {
    using home = tempHome(fixture)
    using db = openTestDb()
    await harvestHome(db, [crush], home.path)
    const sessions = dumpDb(db).sessions
    const main = sessions.find((s) => s.id === '5b1f0d7e-3c2a-4b8e-9f10-2d3c4e5f6a7b')!
    expect(main).toMatchObject({ workspaceId: weather, title: 'Add a --units flag', model: 'claude-sonnet-4-5', messageCount: 4 })
    expect(main.messages.map((m) => [m.id, m.role])).toEqual([['m-01', 'user'], ['m-02', 'assistant'], ['m-04', 'assistant'], ['m-06', 'assistant']])
    expect(main.messages[1]).toMatchObject({
      metadata: { reasoning: 'Need to find where flags are parsed.', provider: 'anthropic' },
      toolInvocations: [
        {
          id: 'toolu_01A',
          name: 'view',
          input: { file_path: '/home/dev/projects/weather-cli/cmd/forecast.go' },
          output: '<file>\n1|package cmd\n2|var forecastCmd = &cobra.Command{Use: "forecast"}\n</file>',
          status: 'success',
        },
      ],
    })
    expect(main.messages[2]!.toolInvocations[0]).toMatchObject({ id: 'toolu_01B', name: 'edit', output: 'old_string not found in file', status: 'error' })
    expect(sessions.find((s) => s.id === 'c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f')).toMatchObject({ title: 'Untitled Session', messageCount: 0 })
    const metadata = (id: string) => JSON.parse(db.sqlite.query<{ metadata: string }, [string]>('SELECT metadata FROM sessions WHERE id = ?').get(id)!.metadata)
    // Crush records tokens and cost per session only (sessions.prompt_tokens, completion_tokens, cost).
    expect(metadata('5b1f0d7e-3c2a-4b8e-9f10-2d3c4e5f6a7b')).toEqual({ promptTokens: 21840, completionTokens: 612, costUsd: 0.0746 })
    expect(metadata('9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d')).toEqual({ parentSessionId: '5b1f0d7e-3c2a-4b8e-9f10-2d3c4e5f6a7b', promptTokens: 3100, completionTokens: 95, costUsd: 0.0107 })
  })

  test('bad databases, rows and indexes are reported; what parses is kept', async () => {
    using home = tempHome(garbage)
    using db = openTestDb()
    const summary = await harvestHome(db, [crush], home.path)
    const problems = summary.providers[0]!.problems.map((p) => `${p.source.replace(home.path, '~')}: ${p.message}`).sort()
    expect(problems).toEqual(
      [
        '~/AppData/Local/crush/projects.json: invalid JSON: JSON Parse error: Unexpected EOF',
        '~/p/noise/.crush/crush.db: cannot read database: file is not a database',
        '~/p/rows/.crush/crush.db: message b-1: unknown role "narrator"',
        '~/p/rows/.crush/crush.db: message b-2: parts column is not a JSON array',
        '~/p/rows/.crush/crush.db: message b-3: unknown part type "hologram"',
      ].sort(),
    )
    expect(dumpDb(db).sessions.map((s) => [s.id, s.messages.map((m) => m.content)])).toEqual([['bad', ['kept']]])
  })

  test('a crush.db that is a symbolic link is not followed', async () => {
    using outside = tempDir()
    using home = tempHome({ '.local': { share: { crush: { 'projects.json': projectsJson('/home/dev/p/linked') } } } })
    await Bun.write(join(outside.path, 'crush.db'), sqliteBytes(SQL))
    mkdirSync(join(home.path, 'p', 'linked', '.crush'), { recursive: true })
    symlinkSync(join(outside.path, 'crush.db'), join(home.path, 'p', 'linked', '.crush', 'crush.db'))
    using db = openTestDb()
    const summary = await harvestHome(db, [crush], home.path)
    expect(summary.providers[0]).toMatchObject({ sources: 0, sessions: 0, problems: [] })
  })

  test('a second harvest skips unchanged sessions; a new message re-reads only its session', async () => {
    using home = tempHome(fixture)
    using db = openTestDb()
    await harvestHome(db, [crush], home.path)
    expect((await harvestHome(db, [crush], home.path)).providers[0]).toMatchObject({ harvested: 0, skipped: 4 })
    const source = new Database(join(home.path, WEATHER_DB))
    source.run(
      `INSERT INTO messages VALUES ('s-03', '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', 'user', '[{"type":"text","data":{"text":"and the tests?"}}]', 'claude-haiku-4-5', 1769011600, 1769011600, NULL, 'anthropic', 0)`,
    )
    source.close()
    expect((await harvestHome(db, [crush], home.path)).providers[0]).toMatchObject({ harvested: 1, skipped: 3 })
    expect(dumpDb(db).sessions.find((s) => s.id === '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d')!.messages.at(-1)!.content).toBe('and the tests?')
  })

  test('CRUSH_GLOBAL_DATA is honoured for the real home and ignored under an overridden home', async () => {
    using home = tempHome({})
    using global = tempHome({})
    using project = tempHome({ '.crush': { 'crush.db': sqliteBytes(SQL) } })
    await Bun.write(join(global.path, 'projects.json'), JSON.stringify({ projects: [{ path: project.path, data_dir: join(project.path, '.crush') }] }))
    const real = { home: home.path, homeOverridden: false, platform: process.platform, env: { CRUSH_GLOBAL_DATA: global.path } }
    expect(await crush.locate(real)).toEqual([join(project.path, '.crush', 'crush.db')])
    expect(await crush.locate({ ...real, homeOverridden: true })).toEqual([])
  })

  test('chasm harvest run --home harvests the fixture home', async () => {
    using home = tempHome(fixture)
    const { summary, sessions } = await harvestThroughCli(home.path, 'crush')
    expect(summary).toMatchObject({ provider: 'crush', sessions: 4, messages: 12, problems: [] })
    expect(sessions.map((s) => [s.title, s.messageCount])).toEqual([
      ['Add a --units flag', 4],
      ['Find flag parsing', 2],
      ['Untitled Session', 0],
      ['Hero image spacing', 6],
    ])
  })
})
