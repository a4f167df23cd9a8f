import { describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { workspaceIdFor, type Message } from '../../../src/db'
import { cline } from '../../../src/harvest/providers/cline'
import { openTestDb } from '../../support/db'
import { dumpDb, harvestHome } from '../../support/harvest'
import { fixtureTree, tempHome, type Tree } from '../../support/temp'
import { providerContract } from '../provider-contract'
import { MESSAGE_DEFAULTS, usage } from '../../support/sessions'

const CLINE_TASKS = ['.config', 'Code', 'User', 'globalStorage', 'saoudrizwan.claude-dev', 'tasks']

const garbage: Tree = {
  '.config': {
    Code: {
      User: {
        globalStorage: {
          'saoudrizwan.claude-dev': {
            tasks: {
              '1': {
                'api_conversation_history.json': '[{"role":"user","content":"<task>\\nhi\\n</task>"},{"role":"assis',
                'ui_messages.json': JSON.stringify([
                  { ts: 1768600000000, type: 'say', say: 'task', text: 'hi' },
                  { ts: 1768600001000, type: 'say', say: 'text', text: 'hello' },
                  { ts: 'not a time', type: 'say', say: 'text', text: 'dropped: no time' },
                ]),
              },
              '2': { 'api_conversation_history.json': '{"role":"user"}', 'ui_messages.json': '' },
              '3': {
                'api_conversation_history.json': new Uint8Array([0xff, 0x00, 0x13, 0x37, 0xde, 0xad]),
                'task_metadata.json': '{"model_usage": "nope", "extra": 1}',
              },
              '4': {
                'api_conversation_history.json': JSON.stringify([
                  42,
                  { role: 'system', content: 'x' },
                  { role: 'user', content: [{ type: 'text', text: 'ok' }, { type: 'tool_use' }, { type: 'mystery', foo: 1 }], unknownField: true },
                ]),
                'task_metadata.json': '{"model_usage": [{"ts": 1, "model_id": 5}]',
              },
            },
          },
        },
      },
    },
  },
}

providerContract(cline, { fixture: fixtureTree('cline'), garbage })

const message = (index: number, role: Message['role'], content: string, extra: Partial<Message> = {}): Message => ({
  id: `msg-${index}`,
  index,
  role,
  content,
  timestamp: null,
  model: null,
  ...MESSAGE_DEFAULTS, toolInvocations: [],
  ...extra,
})
const iso = (ms: number) => new Date(ms).toISOString()

/** The environment details the fixture's user messages carry (as Cline writes them). */
const env = (cwd: string, header = 'Working') =>
  '<environment_details>\n# VSCode Visible Files\nsrc/routes.ts\n\n# VSCode Open Tabs\nsrc/routes.ts\n\n' +
  `# Current ${header} Directory (${cwd}) Files\npackage.json\nsrc/\nsrc/routes.ts\n\n` +
  '# Current Mode\nACT MODE\n</environment_details>'

const longReply =
  'Hier sind die Übersetzungen der Fehlermeldungen:\n\n' +
  Array.from({ length: 80 }, (_, i) => {
    const n = i + 1
    return `- \`E${String(n).padStart(3, '0')}\`: Fehler ${n} ist aufgetreten → エラー${n}が発生しました`
  }).join('\n') +
  '\n\nAlle Schlüssel bleiben unverändert.'

describe('cline harvest', () => {
  test('tasks of Cline, Roo Code and Kilo Code in every product folder are harvested exactly', async () => {
    using home = tempHome(fixtureTree('cline'))
    using db = openTestDb()
    const summary = await harvestHome(db, [cline], home.path)
    expect(summary.providers[0]).toMatchObject({ sources: 6, harvested: 6, sessions: 6, messages: 19, workspaces: 5, problems: [] })

    const ws = (path: string) => workspaceIdFor('cline', path)
    const dump = dumpDb(db)
    expect(dump.workspaces).toEqual(
      [
        { id: ws('/home/dev/projects/todo-api'), name: 'todo-api', provider: 'cline', path: '/home/dev/projects/todo-api', sessions: 1, updated: iso(1768100012000) },
        { id: ws('/home/dev/projects/calc'), name: 'calc', provider: 'cline', path: '/home/dev/projects/calc', sessions: 1, updated: iso(1754035224000) },
        { id: ws('/home/dev/projects/café-app'), name: 'café-app', provider: 'cline', path: '/home/dev/projects/café-app', sessions: 1, updated: iso(1768200105000) },
        { id: ws('/Users/dev/work/api-gateway'), name: 'api-gateway', provider: 'cline', path: '/Users/dev/work/api-gateway', sessions: 1, updated: iso(1768300004500) },
        { id: ws('/srv/app'), name: 'app', provider: 'cline', path: '/srv/app', sessions: 1, updated: iso(1768500000000) },
      ].sort((a, b) => a.id.localeCompare(b.id)),
    )
    const sonnet = 'claude-sonnet-4-5-20250929'
    const calcEnv = (time: string, files: boolean) =>
      '<environment_details>\n# VSCode Visible Files\nsrc/sum.test.ts\n\n# VSCode Open Tabs\nsrc/sum.ts\nsrc/sum.test.ts\n\n' +
      `# Current Time\n8/1/2025, ${time} AM (Europe/Berlin, UTC+2:00)\n\n` +
      (files ? '# Current Working Directory (/home/dev/projects/calc) Files\npackage.json\nsrc/\nsrc/sum.test.ts\nsrc/sum.ts\n\n' : '') +
      '# Current Mode\nACT MODE\n</environment_details>'
    const sonnet4 = 'claude-sonnet-4-20250514'
    expect(dump.sessions).toEqual([
      {
        // Cline before native tool calls: tools as XML tags in the reply, results as `[tool for '…'] Result:` text blocks.
        id: '1754035200000',
        workspaceId: ws('/home/dev/projects/calc'),
        provider: 'cline',
        title: 'the sum test fails, fix it',
        model: sonnet4,
        messageCount: 5,
        created: iso(1754035200000),
        updated: iso(1754035224000),
        origin: 'harvest',
        sourceDeleted: false,
        messages: [
          message(0, 'user', `<task>\nthe sum test fails, fix it\n</task>\n\n${calcEnv('10:00:05', true)}`, { timestamp: iso(1754035200000) }),
          message(1, 'assistant', '', {
            timestamp: iso(1754035200500),
            model: sonnet4,
            metadata: { thinking: 'The test file will show what is expected.' },
            usage: usage({ inputTokens: 4, outputTokens: 71, cacheReadTokens: 0, cacheWrite5mTokens: 12911 }),
            toolInvocations: [
              {
                id: '1:0:read_file',
                name: 'read_file',
                input: { path: 'src/sum.test.ts' },
                output: "import { sum } from './sum'\ntest('adds', () => expect(sum(2, 3)).toBe(5))\n",
                status: 'success',
              },
            ],
          }),
          message(2, 'assistant', '', {
            timestamp: iso(1754035205000),
            model: sonnet4,
            usage: usage({ inputTokens: 6, outputTokens: 118, cacheReadTokens: 12911, cacheWrite5mTokens: 402 }),
            toolInvocations: [
              {
                id: '3:0:replace_in_file',
                name: 'replace_in_file',
                input: {
                  path: 'src/sum.ts',
                  diff: '------- SEARCH\nexport const sum = (a: number, b: number) => a - b\n=======\nexport const sum = (a: number, b: number) => a + b\n+++++++ REPLACE',
                },
                output: 'The content was successfully saved to src/sum.ts.',
                status: 'success',
              },
            ],
          }),
          message(3, 'assistant', '', {
            timestamp: iso(1754035210000),
            model: sonnet4,
            usage: usage({ inputTokens: 6, outputTokens: 52, cacheReadTokens: 13313, cacheWrite5mTokens: 335 }),
            toolInvocations: [
              {
                id: '5:0:execute_command',
                name: 'execute_command',
                input: { command: 'npm test', requires_approval: 'false' },
                output: 'Command executed.\nOutput:\nPASS src/sum.test.ts\n  ✓ adds (2 ms)',
                status: 'success',
              },
            ],
          }),
          message(4, 'assistant', '`sum` subtracted instead of adding; it adds now and the test passes.', {
            timestamp: iso(1754035224000),
            model: sonnet4,
            usage: usage({ inputTokens: 6, outputTokens: 64, cacheReadTokens: 13648, cacheWrite5mTokens: 190 }),
          }),
        ],
      },
      {
        id: '1768100000000',
        workspaceId: ws('/home/dev/projects/todo-api'),
        provider: 'cline',
        title: 'add input validation to POST /todos',
        model: sonnet,
        messageCount: 3,
        created: iso(1768100000000),
        updated: iso(1768100012000),
        origin: 'harvest',
        sourceDeleted: false,
        messages: [
          message(0, 'user', `<task>\nadd input validation to POST /todos\n</task>\n\n${env('/home/dev/projects/todo-api')}`, {
            timestamp: iso(1768100000000),
          }),
          message(1, 'assistant', "I'll read the route first.", {
            timestamp: iso(1768100003000),
            model: sonnet,
            usage: usage({ inputTokens: 3, outputTokens: 40, cacheReadTokens: 0, cacheWrite5mTokens: 11203 }),
            toolInvocations: [{ id: 'toolu_9', name: 'read_file', input: { path: 'src/routes.ts' }, output: "router.post('/todos', create)", status: 'success' }],
          }),
          message(2, 'assistant', 'Validation added with zod.', {
            timestamp: iso(1768100012000),
            model: sonnet,
            usage: usage({ inputTokens: 6, outputTokens: 12, cacheReadTokens: 11203, cacheWrite5mTokens: 310 }),
          }),
        ],
      },
      {
        id: '1768200000000',
        workspaceId: ws('/home/dev/projects/café-app'),
        provider: 'cline',
        title: 'Übersetze die Fehlermeldungen ins Japanische 🇯🇵',
        model: null,
        messageCount: 4,
        created: iso(1768200000000),
        updated: iso(1768200105000),
        origin: 'harvest',
        sourceDeleted: false,
        messages: [
          message(0, 'user', '<task>\nÜbersetze die Fehlermeldungen ins Japanische 🇯🇵\n</task>', { timestamp: iso(1768200000000) }),
          message(1, 'assistant', longReply, { timestamp: iso(1768200005000) }),
          message(2, 'user', '<feedback>\nbitte auch die Tests\n</feedback>', { timestamp: iso(1768200100000) }),
          message(3, 'assistant', 'Tests updated.', {
            timestamp: iso(1768200104000),
            toolInvocations: [
              {
                id: 'toolu_a',
                name: 'write_to_file',
                input: { path: 'test/errors.test.ts', content: "expect(msg).toBe('エラー')" },
                output: 'The content was successfully saved to test/errors.test.ts.',
                status: 'success',
              },
            ],
          }),
        ],
      },
      {
        id: '1768400000000',
        workspaceId: null,
        provider: 'cline',
        title: 'list the TODO comments',
        model: null,
        messageCount: 2,
        created: iso(1768400000000),
        updated: iso(1768400003000),
        origin: 'harvest',
        sourceDeleted: false,
        messages: [
          message(0, 'user', 'list the TODO comments', { timestamp: iso(1768400000000) }),
          message(1, 'assistant', 'Found 3 TODOs.', { timestamp: iso(1768400002000) }),
        ],
      },
      {
        id: '1768500000000',
        workspaceId: ws('/srv/app'),
        provider: 'cline',
        title: 'fix the healthcheck path',
        model: null,
        messageCount: 2,
        created: iso(1768500000000),
        updated: iso(1768500000000),
        origin: 'harvest',
        sourceDeleted: false,
        messages: [
          message(0, 'user', `<task>\nfix the healthcheck path\n</task>\n\n${env('/srv/app')}`),
          message(1, 'assistant', 'Changed `/healthz` to `/health` in docker-compose.yml.'),
        ],
      },
      {
        id: '3f2e1d0c-aaaa-4bbb-8ccc-123456789abc',
        workspaceId: ws('/Users/dev/work/api-gateway'),
        provider: 'cline',
        title: 'Why does the gateway return 502?',
        model: 'claude-opus-4-1',
        messageCount: 3,
        created: iso(1768300000000),
        updated: iso(1768300004500),
        origin: 'harvest',
        sourceDeleted: false,
        messages: [
          message(0, 'user', `<task>\nWhy does the gateway return 502?\n</task>\n\n${env('/Users/dev/work/api-gateway', 'Workspace')}`, {
            timestamp: iso(1768300000000),
          }),
          message(1, 'assistant', 'Let me run the health check.', {
            metadata: { thinking: 'Probably the upstream timeout.' },
            timestamp: iso(1768300002000),
            model: 'gpt-4.1',
            toolInvocations: [
              { id: 'toolu_r1', name: 'execute_command', input: { command: 'curl -s localhost:8080/health' }, output: 'curl: (7) Failed to connect', status: 'error' },
            ],
          }),
          message(2, 'assistant', 'The upstream is down; restart it with `docker compose up -d upstream`.', {
            timestamp: iso(1768300004000),
            model: 'claude-opus-4-1',
          }),
        ],
      },
    ])
  })

  test('an unchanged home skips every task; a task whose UI log grows is re-read', async () => {
    using home = tempHome(fixtureTree('cline'))
    using db = openTestDb()
    await harvestHome(db, [cline], home.path)
    expect((await harvestHome(db, [cline], home.path)).providers[0]).toMatchObject({ sources: 6, skipped: 6, harvested: 0 })

    const ui = join(home.path, '.vscode-server', 'data', 'User', 'globalStorage', 'saoudrizwan.claude-dev', 'tasks', '1768500000000', 'ui_messages.json')
    await Bun.write(ui, JSON.stringify([{ ts: 1768500009000, type: 'say', say: 'task', text: 'fix the healthcheck path' }]))
    expect((await harvestHome(db, [cline], home.path)).providers[0]).toMatchObject({ sources: 6, skipped: 5, harvested: 1 })
    expect(dumpDb(db).sessions.find((s) => s.id === '1768500000000')).toMatchObject({ created: iso(1768500009000), updated: iso(1768500009000) })
  })

  test('corrupt task files are reported; the UI log stands in for an unreadable conversation', async () => {
    using home = tempHome(garbage)
    using db = openTestDb()
    const summary = await harvestHome(db, [cline], home.path)
    const tasks = join(home.path, ...CLINE_TASKS)
    const problems = summary.providers[0]!.problems.map((p) => `${p.source.slice(tasks.length + 1).split('/')[0]}: ${p.message}`)
    expect(problems.sort()).toEqual([
      expect.stringMatching(/^1: api_conversation_history\.json: /),
      '2: api_conversation_history.json: not a list',
      '2: ui_messages.json: empty file',
      expect.stringMatching(/^3: api_conversation_history\.json: /),
      '4: api_conversation_history.json[0] is not a user or assistant message',
      '4: api_conversation_history.json[1] is not a user or assistant message',
      expect.stringMatching(/^4: task_metadata\.json: /),
    ])
    const sessions = dumpDb(db).sessions.map(({ id, title, created, messages }) => ({ id, title, created, messages }))
    expect(sessions).toEqual([
      {
        id: '1',
        title: 'hi',
        created: iso(1768600000000),
        messages: [
          message(0, 'user', 'hi', { timestamp: iso(1768600000000) }),
          message(1, 'assistant', 'hello', { timestamp: iso(1768600001000) }),
        ],
      },
      { id: '2', title: null, created: expect.any(String), messages: [] },
      { id: '3', title: null, created: expect.any(String), messages: [] },
      { id: '4', title: 'ok', created: expect.any(String), messages: [message(0, 'user', 'ok')] },
    ])
  })
})
