import { Database } from 'bun:sqlite'
import { describe, expect, test } from 'bun:test'
import { appendFileSync, existsSync, statSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { workspaceIdFor, type SessionDetail, type Workspace } from '../../../src/db'
import { runHarvest, type ProviderContext, type SessionPart } from '../../../src/harvest'
import { copilotProvider } from '../../../src/harvest/providers/copilot'
import { openTestDb } from '../../support/db'
import { dumpDb, harvestHome } from '../../support/harvest'
import { fixtureTree, tempHome, touch, type Tree } from '../../support/temp'
import { providerContract } from '../provider-contract'
import { MESSAGE_DEFAULTS } from '../../support/sessions'
import { fileAt, mergeTrees, stateDb } from './copilot/support'

const SECRET = 'ghu_SECRET-TOKEN-VALUE'
const INDEX_KEY = 'chat.ChatSessionStore.index'

/** A full 400-entry index (VS Code's cap) that lists none of the fixture's sessions: files must be listed, not the index trusted. */
const fullIndex = () =>
  JSON.stringify({
    version: 1,
    entries: Object.fromEntries(
      Array.from({ length: 400 }, (_, n) => {
        const id = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`
        return [id, { sessionId: id, title: `Older chat ${n}`, lastMessageDate: 1760000000000 + n, isEmpty: false }]
      }),
    ),
  })

const LEGACY_SESSIONS = [
  {
    sessionId: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
    creationDate: 1700000000000,
    requesterUsername: 'dev',
    responderUsername: 'GitHub Copilot',
    requests: [
      {
        message: { text: 'explain this regex: ^\\d{4}-\\d{2}-\\d{2}$' },
        response: [{ value: 'It matches ISO dates such as `2024-01-31`.' }],
      },
    ],
  },
  // Migrated to chatSessions/f0f0….json later: the file wins.
  {
    sessionId: 'f0f0f0f0-1234-4567-89ab-cdef01234567',
    creationDate: 1740000000000,
    requests: [{ requestId: 'request_m1', message: { text: 'rename the Foo class' }, response: [{ value: 'stale legacy copy' }] }],
  },
]

const STORAGE = {
  todo: '.config/Code/User/workspaceStorage/3f2a9c0d1e4b5a697887766554433221',
  remote: '.config/Code/User/workspaceStorage/7d1e0f2a3b4c5d6e7f8091a2b3c4d5e6',
  windows: 'AppData/Roaming/Code/User/workspaceStorage/5e6f708192a3b4c5d6e7f8091a2b3c4d',
}

const fixture: Tree = [
  fileAt(`${STORAGE.todo}/state.vscdb`, stateDb({ [INDEX_KEY]: fullIndex(), 'workbench.panel.chat': '{"collapsed":false}' })),
  fileAt(
    `${STORAGE.windows}/state.vscdb`,
    stateDb({
      'interactive.sessions': JSON.stringify(LEGACY_SESSIONS),
      [`secret://{"extensionId":"github.copilot-chat","key":"github.auth"}`]: SECRET,
    }),
  ),
  fileAt('.config/Code/User/globalStorage/state.vscdb', stateDb({ [INDEX_KEY]: JSON.stringify({ version: 1, entries: {} }) })),
].reduce(mergeTrees, fixtureTree('copilot'))

// Binary garbage: NULs, invalid UTF-8 and a fake SQLite-ish header.
const GARBAGE_BYTES = new Uint8Array([0x53, 0x51, 0x4c, 0x00, 0xff, 0xfe, 0x00, 0x01, 0x80, 0x81, 0x7b, 0x22, 0xc3, 0x28, 0x00, 0x00])
const GARBAGE_DIR = '.config/Code/User/workspaceStorage/9999aaaa9999aaaa9999aaaa9999aaaa'
const garbageId = (n: number) => `10000000-0000-4000-8000-00000000000${n}`
const line = (value: unknown) => `${JSON.stringify(value)}\n`
const initial = (id: string, extra: Record<string, unknown> = {}) => line({ kind: 0, v: { version: 3, sessionId: id, creationDate: 1769000000000, requests: [], ...extra } })
const pushRequest = (id: string, text: string, answer: string, at: number) =>
  line({ kind: 2, k: ['requests'], v: [{ requestId: id, timestamp: at, message: { text, parts: [] }, response: [{ value: answer }], modelState: { value: 1, completedAt: at + 1000 } }] })

const garbage: Tree = [
  fileAt(`${GARBAGE_DIR}/workspace.json`, '{"folder":"file:///home/dev/garbage"}'),
  // A truncated last line: VS Code was writing when the harvest read.
  fileAt(`${GARBAGE_DIR}/chatSessions/${garbageId(1)}.jsonl`, initial(garbageId(1)) + pushRequest('g1', 'first question', 'first answer', 1769000001000) + '{"kind":1,"k":["custom'),
  // Invalid JSON in the middle: the lines after it still apply.
  fileAt(
    `${GARBAGE_DIR}/chatSessions/${garbageId(2)}.jsonl`,
    initial(garbageId(2)) + '{oops\n' + pushRequest('g2', 'second question', 'second answer', 1769000002000) + line({ kind: 1, k: ['customTitle'], v: 'Survived' }),
  ),
  fileAt(`${GARBAGE_DIR}/chatSessions/${garbageId(3)}.jsonl`, ''),
  fileAt(`${GARBAGE_DIR}/chatSessions/${garbageId(4)}.json`, ''),
  // Wrong types everywhere; the one well-formed request is kept.
  fileAt(
    `${GARBAGE_DIR}/chatSessions/${garbageId(5)}.json`,
    JSON.stringify({
      sessionId: garbageId(5),
      creationDate: 'yesterday',
      customTitle: 42,
      requests: [42, { requestId: 7, timestamp: 'soon', message: { text: 12 }, response: { value: 'x' } }, { requestId: 'g5', message: { text: 'valid one' }, response: [{ value: 'fine' }] }],
    }),
  ),
  // Fields and kinds from a future VS Code: ignored, the entry kind reported.
  fileAt(
    `${GARBAGE_DIR}/chatSessions/${garbageId(6)}.jsonl`,
    initial(garbageId(6), { futureTopLevel: { a: [1] } }) +
      line({ kind: 9, k: ['requests'], v: [] }) +
      line({ kind: 2, k: ['requests'], v: [{ requestId: 'g6', timestamp: 1769000006000, quantum: true, message: { text: 'future?' }, response: [{ kind: 'quantumWidget', payload: 1 }, { value: 'still here' }] }] }),
  ),
  fileAt(`${GARBAGE_DIR}/chatSessions/${garbageId(7)}.json`, GARBAGE_BYTES),
  fileAt(`${GARBAGE_DIR}/chatSessions/${garbageId(8)}.jsonl`, line({ kind: 1, k: ['customTitle'], v: 'orphan' })),
  fileAt(`${GARBAGE_DIR}/chatSessions/${garbageId(9)}.jsonl`, initial(garbageId(9), { requests: 'many' })),
  fileAt(`${GARBAGE_DIR}/state.vscdb`, GARBAGE_BYTES),
  // An unreadable workspace.json: the session is kept without a workspace.
  fileAt('.config/Code/User/workspaceStorage/badbadbadbadbadbadbadbadbadbadba/workspace.json', '{not json'),
  fileAt(`.config/Code/User/workspaceStorage/badbadbadbadbadbadbadbadbadbadba/chatSessions/${garbageId(0)}.jsonl`, initial(garbageId(0)) + pushRequest('g0', 'orphaned?', 'no', 1769000000500)),
].reduce(mergeTrees, {})

providerContract(copilotProvider, { fixture, garbage })

const iso = (ms: number) => new Date(ms).toISOString()
const wsId = (key: string) => workspaceIdFor('copilot', key)
const KEYS = {
  todo: '/home/dev/projects/todo-api',
  remote: 'ssh-remote+buildbox:/srv/app',
  empty: '(no folder)',
  platform: '/home/dev/work/platform.code-workspace',
  windows: 'c:\\Users\\Dev\\Projects\\Legacy App',
  site: '/Users/dev/code/site',
}
type Tool = SessionDetail['messages'][number]['toolInvocations'][number]
type Extra = Partial<Pick<SessionDetail['messages'][number], 'state' | 'error' | 'hidden' | 'usage'>>
const user = (index: number, id: string, content: string, at: number | null, metadata: Record<string, unknown> | null = null) => ({
  id, index, role: 'user' as const, content, timestamp: at === null ? null : iso(at), model: null, ...MESSAGE_DEFAULTS, metadata, toolInvocations: [] as Tool[],
})
const assistant = (index: number, id: string, content: string, at: number | null, model: string | null, toolInvocations: Tool[] = [], metadata: Record<string, unknown> | null = null, extra: Extra = {}) => ({
  id, index, role: 'assistant' as const, content, timestamp: at === null ? null : iso(at), model, ...MESSAGE_DEFAULTS, metadata, toolInvocations, ...extra,
})
const session = (id: string, workspace: string, title: string | null, model: string | null, created: number, updated: number, messages: SessionDetail['messages']): SessionDetail => ({
  id, workspaceId: wsId(workspace), provider: 'copilot', title, model, messageCount: messages.length,
  created: iso(created), updated: iso(updated), origin: 'harvest', sourceDeleted: false, messages,
})

const LONG_PLAN = `Please review this plan:\n${Array.from({ length: 300 }, (_, i) => `Line ${i + 1} of the migration plan.`).join('\n')}`

const EXPECTED_SESSIONS: SessionDetail[] = [
  session('0b6e2f1c-5d4a-4c3b-9a8f-7e6d5c4b3a21', KEYS.todo, 'Add pagination', 'copilot/gpt-4.1', 1767610000000, 1767610042000, [
    user(0, 'request_7c1d', 'How do I paginate #file:routes.ts ?', 1767610001000, {
      attachments: [{ kind: 'file', name: 'file:routes.ts', path: '/home/dev/projects/todo-api/src/routes.ts' }],
    }),
    assistant(1, 'response_91ab', 'Use `limit` and `offset` query params, e.g. `const page = Number(req.query.page ?? 1);` in routes.ts.', 1767610003400, 'copilot/gpt-4.1'),
  ]),
  session('11111111-2222-4333-8444-555555555555', KEYS.empty, 'Monads', 'copilot/gpt-5-mini', 1768100000000, 1768100004000, [
    user(0, 'request_e1', 'What is a monad?', 1768100001000),
    assistant(1, 'request_e1:response', 'A monad is a pattern for chaining computations.', 1768100004000, 'copilot/gpt-5-mini'),
  ]),
  session('2b3c4d5e-6f70-4182-93a4-b5c6d7e8f901', KEYS.platform, 'Shared types across packages', null, 1768200000000, 1768200030000, [
    user(0, 'request_i1', '@workspace where are the shared types?', 1768200001000),
    assistant(1, 'request_i1:response', 'They live in `packages/types/src/index.ts`.', 1768200003500, null, [], { participant: 'workspace', agentId: 'github.copilot.workspace' }),
    user(2, 'request_i2', 'and the API client?', 1768200020000),
    // Cancelled before any answer: VS Code shows the (empty) cancelled response, so chasm keeps it to carry the state.
    assistant(3, 'request_i2:response', '', 1768200020000, null, [], null, { state: 'cancelled' }),
  ]),
  session('3c4d5e6f-7081-4293-a4b5-c6d7e8f90a1b', KEYS.site, 'Clean build output', 'copilot/gpt-4o', 1768300000000, 1768300010000, [
    user(0, 'request_v1', 'delete the dist folder', 1768300001000),
    assistant(1, 'request_v1:response', 'You declined the command; the subagent found `dist` and `.cache`.', 1768300010000, 'copilot/gpt-4o', [
      { id: 'call_v1', name: 'run_in_terminal', input: { command: 'rm -rf dist', language: 'sh' }, output: 'Running `rm -rf dist`', status: 'denied' },
      {
        id: 'call_v2', name: 'runSubagent', input: { agentName: 'cleaner', description: 'Find build dirs', prompt: 'List build output folders' },
        output: 'dist, .cache', status: 'completed',
      },
    ]),
  ]),
  session('5a1c9e7d-2b3f-4e60-8d7c-1f2e3d4c5b6a', KEYS.todo, 'Fix failing test', 'copilot/gpt-4.1', 1767700000000, 1767700150000, [
    // `editedFileEvents` is the user keeping or undoing earlier edits, not what this response edited.
    user(0, 'request_a1', 'fix the failing test', 1767700005000, { fileDecisions: [{ path: '/home/dev/projects/todo-api/test/todos.test.ts', action: 'kept' }] }),
    assistant(1, 'request_a1:response', 'Let me run the tests first.\n\nThe assertion expects `200`; the handler returns `201`. I updated the test.', 1767700019000, 'copilot/claude-sonnet-4.5', [
      { id: 'call_01', name: 'run_in_terminal', input: { command: 'npm test', language: 'sh' }, output: 'FAIL test/todos.test.ts\n  expected 200, received 201', status: 'error' },
    ], { editedFiles: ['/home/dev/projects/todo-api/test/todos.test.ts'] }),
    // request_a2 was replaced by request_a3 (a push with `i: 1`).
    user(2, 'request_a3', 'run the linter with --fix', 1767700120000),
    assistant(3, 'request_a3:response', 'Fixed 3 lint errors; issue #12 tracks the CI failure.', 1767700150000, 'copilot/gpt-4.1', [
      {
        id: 'call_02', name: 'copilot_readFile', input: { filePath: '/home/dev/projects/todo-api/eslint.config.js', startLine: 1, endLine: 40 },
        output: 'Read [](file:///home/dev/projects/todo-api/eslint.config.js)', status: 'completed',
      },
      { id: 'call_03', name: 'mcp_github_list_issues', input: { repo: 'dev/todo-api', state: 'open' }, output: '#12 Lint errors in CI', status: 'completed' },
    ], { thinking: 'The user wants lint fixes.' }),
  ]),
  session('9c8b7a65-4321-4fed-8cba-0987654321fe', KEYS.todo, 'Deploy script', 'copilot/gpt-4.1', 1767800000000, 1767800063000, [
    user(0, 'request_d1', 'write a deploy script', 1767800001000),
    assistant(1, 'request_d1:response', 'Here is a first draft.', 1767800003000, 'copilot/gpt-4.1'),
    user(2, 'request_d2', 'add a dry-run flag', 1767800060000),
    assistant(3, 'request_d2:response', 'Added `--dry-run`.', 1767800063000, 'copilot/gpt-4.1'),
  ]),
  // No request times in this old session: VS Code dates its requests by the session's creation.
  session('aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee', KEYS.windows, 'explain this regex: ^\\d{4}-\\d{2}-\\d{2}$', null, 1700000000000, 1700000000000, [
    user(0, 'msg-0', 'explain this regex: ^\\d{4}-\\d{2}-\\d{2}$', 1700000000000),
    assistant(1, 'msg-1', 'It matches ISO dates such as `2024-01-31`.', 1700000000000, null),
  ]),
  session('c0ffee00-1111-4222-8333-444455556666', KEYS.todo, 'Überprüfe bitte die Übersetzung: 日本語のテキストと絵文字 🚀 sind korrekt? Danke schön!', 'copilot/gpt-5', 1767900000000, 1767900020000, [
    user(0, 'request_u1', 'Überprüfe bitte die Übersetzung: 日本語のテキストと絵文字 🚀 sind korrekt? Danke schön!', 1767900001000),
    // The file holds a lone surrogate escape (\ud83d); it is stored repaired.
    assistant(1, 'request_u1:response', 'Ja — alles korrekt ✅. Lone surrogate: \uFFFD end.', 1767900004000, 'copilot/gpt-5'),
    user(2, 'request_u2', LONG_PLAN, 1767900010000),
    assistant(3, 'request_u2:response', 'Looks good.', 1767900020000, 'copilot/gpt-5'),
  ]),
  session('e1d2c3b4-a596-4788-9900-aabbccddeeff', KEYS.remote, 'Why does nginx return 502 on /api?', 'copilot/gpt-4.1', 1768000000000, 1768000009000, [
    user(0, 'request_r1', 'Why does nginx return 502 on /api?\nLogs attached.', 1768000002000),
    assistant(1, 'request_r1:response', 'The upstream on port 3000 is down; restart `app.service`.', 1768000009000, 'copilot/gpt-4.1'),
  ]),
  session('f0f0f0f0-1234-4567-89ab-cdef01234567', KEYS.windows, 'Migrated chat', 'copilot/gpt-4o', 1740000000000, 1740000006000, [
    user(0, 'request_m1', 'rename the Foo class', 1740000001000),
    assistant(1, 'request_m1:response', 'Renamed `Foo` to `Widget` in 3 files.', 1740000006000, 'copilot/gpt-4o'),
  ]),
]

const workspace = (key: string, name: string, path: string | null, sessions: number, updated: number): Workspace => ({
  id: wsId(key), name, provider: 'copilot', path, sessions, updated: iso(updated),
})
const EXPECTED_WORKSPACES: Workspace[] = [
  workspace(KEYS.todo, 'todo-api', KEYS.todo, 4, 1767900020000),
  workspace(KEYS.remote, 'app', KEYS.remote, 1, 1768000009000),
  workspace(KEYS.empty, '(no folder)', null, 1, 1768100004000),
  workspace(KEYS.platform, 'platform', KEYS.platform, 1, 1768200030000),
  workspace(KEYS.windows, 'Legacy App', KEYS.windows, 2, 1740000006000),
  workspace(KEYS.site, 'site', KEYS.site, 1, 1768300010000),
].sort((a, b) => a.id.localeCompare(b.id))

const DUP = `${STORAGE.todo}/chatSessions/9c8b7a65-4321-4fed-8cba-0987654321fe`

/** The fixture home with the `.json` copy of the duplicated session older than its `.jsonl` log (or newer). */
function fixtureHome(newer: 'json' | 'jsonl' = 'jsonl') {
  const home = tempHome(fixture)
  const [older, newest] = newer === 'jsonl' ? ['json', 'jsonl'] : ['jsonl', 'json']
  touch(join(home.path, `${DUP}.${older}`), new Date('2026-01-01T00:00:00Z'))
  touch(join(home.path, `${DUP}.${newest}`), new Date('2026-01-02T00:00:00Z'))
  return home
}

const contextFor = (home: string): ProviderContext => ({ home, homeOverridden: true, platform: 'linux', env: {} })

/** Every part the provider yields for the source whose key ends with `suffix`. */
async function partsOf(home: string, suffix: string): Promise<SessionPart[]> {
  const ctx = contextFor(home)
  const parts: SessionPart[] = []
  for await (const source of copilotProvider.discover(ctx)) {
    if (source.key.endsWith(suffix)) for await (const part of copilotProvider.read(source, ctx)) parts.push(part)
  }
  return parts
}

describe('copilot: the fixture home', () => {
  test('every workspace, session, message and tool invocation is harvested exactly', async () => {
    using home = fixtureHome()
    using db = openTestDb()
    const summary = await harvestHome(db, [copilotProvider], home.path)
    expect(summary.providers).toEqual([
      { provider: 'copilot', sources: 11, harvested: 11, skipped: 0, sessions: 10, messages: 28, workspaces: 6, gone: 0, problems: [] },
    ])
    expect(dumpDb(db)).toEqual({ workspaces: EXPECTED_WORKSPACES, sessions: EXPECTED_SESSIONS })
  })

  test('credential rows of state.vscdb never reach the database', async () => {
    using home = fixtureHome()
    using db = openTestDb()
    await harvestHome(db, [copilotProvider], home.path)
    const everything = ['sessions', 'messages', 'tool_invocations', 'workspaces', 'harvest_sources']
      .map((table) => JSON.stringify(db.sqlite.query(`SELECT * FROM ${table}`).all()))
      .join('\n')
    expect(everything).not.toContain(SECRET)
    expect(everything).not.toContain('secret://')
  })

  test('when the .json copy of a session is newer than its .jsonl log, the .json is read', async () => {
    using home = fixtureHome('json')
    using db = openTestDb()
    await harvestHome(db, [copilotProvider], home.path)
    const { sessions } = dumpDb(db)
    expect(sessions.find((s) => s.id === '9c8b7a65-4321-4fed-8cba-0987654321fe')).toEqual(
      session('9c8b7a65-4321-4fed-8cba-0987654321fe', KEYS.todo, 'Deploy script (old)', 'copilot/gpt-4.1', 1767800000000, 1767800003000, [
        user(0, 'request_d1', 'write a deploy script', 1767800001000),
        assistant(1, 'request_d1:response', 'Here is a first draft.', 1767800003000, 'copilot/gpt-4.1'),
      ]),
    )
  })

  test('assistant messages keep thinking and edited files as metadata, and their response state', async () => {
    using home = fixtureHome()
    const parts = await partsOf(home.path, '5a1c9e7d-2b3f-4e60-8d7c-1f2e3d4c5b6a')
    const messages = parts.flatMap((part) => (part.kind === 'message' ? [part.message] : []))
    expect(messages.map((m) => ({ id: m.id, state: m.state ?? 'complete', metadata: m.metadata ?? null }))).toEqual([
      { id: 'request_a1', state: 'complete', metadata: { fileDecisions: [{ path: '/home/dev/projects/todo-api/test/todos.test.ts', action: 'kept' }] } },
      { id: 'request_a1:response', state: 'complete', metadata: { editedFiles: ['/home/dev/projects/todo-api/test/todos.test.ts'] } },
      { id: 'request_a3', state: 'complete', metadata: null },
      { id: 'request_a3:response', state: 'complete', metadata: { thinking: 'The user wants lint fixes.' } },
    ])
    expect(parts[0]).toEqual({
      kind: 'session',
      session: {
        id: '5a1c9e7d-2b3f-4e60-8d7c-1f2e3d4c5b6a',
        title: 'Fix failing test',
        model: 'copilot/gpt-4.1',
        created: 1767700000000,
        updated: 1767700150000,
        workspace: { key: KEYS.todo, name: 'todo-api', path: KEYS.todo },
        incomplete: false,
        metadata: { format: 'jsonl', editor: 'Code', location: 'panel' },
      },
    })
  })

  test('the duplicated session names its other file as the alternate', async () => {
    using home = fixtureHome()
    const [header] = await partsOf(home.path, '9c8b7a65-4321-4fed-8cba-0987654321fe')
    expect(header?.kind === 'session' && header.session.metadata).toEqual({
      format: 'jsonl',
      editor: 'Code',
      alternate: join(home.path, `${DUP}.json`),
      location: 'panel',
    })
  })
})

describe('copilot: incremental harvest', () => {
  test('an unchanged home is skipped source by source; a changed file replaces its session', async () => {
    using home = fixtureHome()
    using db = openTestDb()
    await harvestHome(db, [copilotProvider], home.path)
    const second = await harvestHome(db, [copilotProvider], home.path)
    expect(second.providers[0]).toMatchObject({ sources: 11, harvested: 0, skipped: 11, problems: [] })

    const remoteLog = join(home.path, STORAGE.remote, 'chatSessions', 'e1d2c3b4-a596-4788-9900-aabbccddeeff.jsonl')
    appendFileSync(remoteLog, pushRequest('request_r2', 'and the logs?', 'Use `journalctl -u app`.', 1768000100000))
    appendFileSync(remoteLog, line({ kind: 1, k: ['customTitle'], v: 'nginx 502' }))
    const third = await harvestHome(db, [copilotProvider], home.path)
    expect(third.providers[0]).toMatchObject({ sources: 11, harvested: 1, skipped: 10, sessions: 1, messages: 4, problems: [] })
    const { sessions } = dumpDb(db)
    expect(sessions.find((s) => s.id === 'e1d2c3b4-a596-4788-9900-aabbccddeeff')).toEqual(
      session('e1d2c3b4-a596-4788-9900-aabbccddeeff', KEYS.remote, 'nginx 502', 'copilot/gpt-4.1', 1768000000000, 1768000101000, [
        user(0, 'request_r1', 'Why does nginx return 502 on /api?\nLogs attached.', 1768000002000),
        assistant(1, 'request_r1:response', 'The upstream on port 3000 is down; restart `app.service`.', 1768000009000, 'copilot/gpt-4.1'),
        user(2, 'request_r2', 'and the logs?', 1768000100000),
        assistant(3, 'request_r2:response', 'Use `journalctl -u app`.', 1768000101000, null),
      ]),
    )
    expect(sessions).toHaveLength(10)
  })
})

describe('copilot: corrupt sources', () => {
  test('the harvest completes, reports each problem and keeps every valid message', async () => {
    using home = tempHome(garbage)
    using db = openTestDb()
    const summary = await harvestHome(db, [copilotProvider], home.path)
    const at = (id: number, ext: string) => join(home.path, GARBAGE_DIR, 'chatSessions', `${garbageId(id)}.${ext}`)
    const problems = [...summary.providers[0]!.problems].sort((a, b) => a.source.localeCompare(b.source) || a.message.localeCompare(b.message))
    expect(problems).toEqual([
      { source: at(1, 'jsonl'), message: 'line 3: incomplete last line dropped' },
      { source: at(2, 'jsonl'), message: expect.stringMatching(/^line 2: invalid JSON \(.+\)$/) },
      { source: at(3, 'jsonl'), message: 'empty file' },
      { source: at(4, 'json'), message: 'empty file' },
      { source: at(5, 'json'), message: `session ${garbageId(5)}: request 0 is not an object` },
      { source: at(6, 'jsonl'), message: 'line 2: unknown entry kind 9' },
      { source: at(7, 'json'), message: expect.stringMatching(/^invalid JSON \(.+\)$/) },
      { source: at(8, 'jsonl'), message: 'line 1: entry before the initial state' },
      { source: at(8, 'jsonl'), message: 'no initial state' },
      { source: at(9, 'jsonl'), message: `session ${garbageId(9)}: requests is not an array` },
      { source: join(home.path, GARBAGE_DIR, 'state.vscdb'), message: `cannot read ${join(home.path, GARBAGE_DIR, 'state.vscdb')}: file is not a database` },
      {
        source: join(home.path, '.config/Code/User/workspaceStorage/badbadbadbadbadbadbadbadbadbadba/chatSessions', `${garbageId(0)}.jsonl`),
        message: expect.stringMatching(/^\/.*badbadbadbadbadbadbadbadbadbadba\/workspace\.json: invalid JSON \(.+\)$/),
      },
    ])
    const ws = wsId('/home/dev/garbage')
    const kept = dumpDb(db).sessions.map(({ id, workspaceId, title, messages }) => ({
      id, workspaceId, title, messages: messages.map((m) => [m.role, m.content, m.timestamp]),
    }))
    expect(kept).toEqual([
      { id: garbageId(0), workspaceId: null, title: 'orphaned?', messages: [['user', 'orphaned?', iso(1769000000500)], ['assistant', 'no', iso(1769000001500)]] },
      { id: garbageId(1), workspaceId: ws, title: 'first question', messages: [['user', 'first question', iso(1769000001000)], ['assistant', 'first answer', iso(1769000002000)]] },
      { id: garbageId(2), workspaceId: ws, title: 'Survived', messages: [['user', 'second question', iso(1769000002000)], ['assistant', 'second answer', iso(1769000003000)]] },
      // Wrong types become nulls and empty text: a non-string request id, a timestamp that is not a time. A single
      // `{ value }` response is the one markdown string of the oldest sessions, as VS Code's `Response` reads it.
      { id: garbageId(5), workspaceId: ws, title: 'valid one', messages: [['user', '', null], ['assistant', 'x', null], ['user', 'valid one', null], ['assistant', 'fine', null]] },
      { id: garbageId(6), workspaceId: ws, title: 'future?', messages: [['user', 'future?', iso(1769000006000)], ['assistant', 'still here', iso(1769000006000)]] },
    ])
    const flags = db.sqlite.query<{ id: string; incomplete: number }, []>('SELECT id, incomplete FROM sessions ORDER BY id').all()
    expect(flags.filter((f) => f.incomplete === 1).map((f) => f.id)).toEqual([garbageId(1)])
  })

  test('a state.vscdb held open and written in WAL mode by another connection during the harvest', async () => {
    const storage = '.config/Code/User/workspaceStorage/5e6f708192a3b4c5d6e7f8091a2b3c4d'
    using home = tempHome(
      [
        fileAt(`${storage}/workspace.json`, '{"folder":"file:///home/dev/live"}'),
        fileAt(`${storage}/chatSessions/${garbageId(1)}.jsonl`, initial(garbageId(1)) + pushRequest('f1', 'file question', 'file answer', 1769100000000)),
      ].reduce(mergeTrees, {}),
    )
    const dbPath = join(home.path, storage, 'state.vscdb')
    const writer = new Database(dbPath, { create: true })
    writer.run('PRAGMA journal_mode = WAL')
    writer.run('CREATE TABLE ItemTable (key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB)')
    const put = (value: string) => writer.run('INSERT INTO ItemTable (key, value) VALUES (?, ?)', ['interactive.sessions', value])
    const legacy = (ids: string[]) =>
      JSON.stringify(ids.map((id) => ({ sessionId: id, creationDate: 1769100000000, requests: [{ requestId: `${id}-r`, message: { text: `hello ${id}` }, response: [] }] })))
    put(legacy(['live-1']))
    expect([statSync(`${dbPath}-wal`).size > 0, existsSync(`${dbPath}-shm`)]).toEqual([true, true])
    using db = openTestDb()
    const ctx = { home: home.path, homeOverridden: true, platform: process.platform, env: {} }
    try {
      // After the file source is read and before the database is, the other connection commits a
      // new value and then holds an uncommitted write: the harvest sees the committed state only.
      const summary = await runHarvest(db, [copilotProvider], ctx, {
        onProgress: ({ done }) => {
          if (done !== 1) return
          put(legacy(['live-1', 'live-2']))
          writer.run('BEGIN IMMEDIATE')
          put('[{"sessionId": "uncommitted"')
        },
      })
      expect(summary.providers[0]).toMatchObject({ sources: 2, harvested: 2, problems: [] })
      expect(dumpDb(db).sessions.map((s) => [s.id, s.title])).toEqual([
        [garbageId(1), 'file question'],
        ['live-1', 'hello live-1'],
        ['live-2', 'hello live-2'],
      ])
      writer.run('COMMIT')
      const again = await harvestHome(db, [copilotProvider], home.path)
      expect(again.providers[0]!.problems).toEqual([{ source: dbPath, message: expect.stringMatching(/^interactive\.sessions is not valid JSON/) }])
      expect(dumpDb(db).sessions.map((s) => s.id)).toEqual([garbageId(1), 'live-1', 'live-2'])
    } finally {
      writer.close()
    }
  })
})

describe('copilot: discovery', () => {
  test('sessions in an Insiders, VSCodium, Flatpak or Snap profile and the old no-workspace folder are found', async () => {
    const sessionFile = (id: string) => JSON.stringify({ sessionId: id, creationDate: 1769200000000, requests: [{ requestId: 'r', message: { text: id } }] })
    using home = tempHome(
      [
        fileAt('.var/app/com.visualstudio.code/config/Code/User/globalStorage/emptyWindowChatSessions/flatpak.json', sessionFile('flatpak')),
        fileAt('snap/codium/current/.config/VSCodium/User/globalStorage/emptyWindowChatSessions/snap.json', sessionFile('snap')),
        fileAt('.config/Code - OSS/User/workspaceStorage/no-workspace/chatSessions/oss.json', sessionFile('oss')),
        fileAt('Library/Application Support/Code - Insiders/User/globalStorage/emptyWindowChatSessions/mac.json', sessionFile('mac')),
      ].reduce(mergeTrees, {}),
    )
    using db = openTestDb()
    await harvestHome(db, [copilotProvider], home.path)
    expect(dumpDb(db).sessions.map((s) => [s.id, s.workspaceId])).toEqual(
      ['flatpak', 'mac', 'oss', 'snap'].map((id) => [id, wsId('(no folder)')]),
    )
    expect((await copilotProvider.locate(contextFor(home.path))).map((path) => path.slice(home.path.length + 1)).sort()).toEqual([
      '.config/Code - OSS/User',
      '.var/app/com.visualstudio.code/config/Code/User',
      'Library/Application Support/Code - Insiders/User',
      'snap/codium/current/.config/VSCodium/User',
    ])
  })

  test.skipIf(process.platform === 'win32')('links and FIFOs in a chat folder are never opened (no FIFOs on Windows)', async () => {
    const storage = '.config/Code/User/workspaceStorage/1234abcd1234abcd1234abcd1234abcd'
    using outside = tempHome({ 'stolen.json': JSON.stringify({ sessionId: 'stolen', requests: [{ requestId: 'r', message: { text: 'secret' } }] }), 'state.vscdb': stateDb({ 'interactive.sessions': '[]' }) })
    using home = tempHome(fileAt(`${storage}/chatSessions/${garbageId(1)}.jsonl`, initial(garbageId(1)) + pushRequest('ok', 'real question', 'real answer', 1769100000000)))
    const dir = join(home.path, storage)
    symlinkSync(join(outside.path, 'stolen.json'), join(dir, 'chatSessions', 'linked.json'))
    symlinkSync(join(outside.path, 'state.vscdb'), join(dir, 'state.vscdb'))
    expect(Bun.spawnSync(['mkfifo', join(dir, 'chatSessions', 'pipe.json')]).exitCode).toBe(0)
    using db = openTestDb()
    const summary = await harvestHome(db, [copilotProvider], home.path)
    expect(summary.providers[0]).toMatchObject({ sources: 1, harvested: 1, problems: [] })
    expect(dumpDb(db).sessions.map((s) => s.id)).toEqual([garbageId(1)])
  })

  test('an empty session (a chat panel opened, nothing sent) yields nothing', async () => {
    using home = fixtureHome()
    expect(await partsOf(home.path, 'deadbeef-0000-4000-8000-000000000000')).toEqual([])
  })
})
