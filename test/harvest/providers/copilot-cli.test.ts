import { describe, expect, test } from 'bun:test'
import { appendFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { getSession, workspaceIdFor, type Message } from '../../../src/db'
import type { ProviderContext } from '../../../src/harvest'
import { copilotCli, workspaceFields } from '../../../src/harvest/providers/copilot-cli'
import { openTestDb } from '../../support/db'
import { dumpDb, harvestHome } from '../../support/harvest'
import { allParts, discoveredPaths, partsOf } from '../../support/parts'
import { fixtureTree, tempHome, type Tree } from '../../support/temp'
import { providerContract } from '../provider-contract'
import { MESSAGE_DEFAULTS, usage } from '../../support/sessions'

const ws = (key: string) => workspaceIdFor('copilot-cli', key)
const BUILD_LOG = Array.from({ length: 2500 }, (_, i) => `- step ${i + 1}: \`dotnet build -c Release\` → ✓ (${i + 1} ms)`).join(
  '\n',
)
const start = (id: string) =>
  JSON.stringify({
    type: 'session.start',
    id: 's',
    timestamp: '2026-01-01T00:00:00.000Z',
    parentId: null,
    data: { sessionId: id, startTime: '2026-01-01T00:00:00.000Z', context: { cwd: '/home/dev/broken' } },
  })
const said = (id: string, content: string, second: number) =>
  JSON.stringify({ type: 'user.message', id, timestamp: `2026-01-01T00:00:0${second}.000Z`, parentId: 's', data: { content } })
const session = (events: string | Uint8Array): Tree => ({ 'events.jsonl': events })

const garbage: Tree = {
  '.copilot': {
    'session-state': {
      // Still being written: the last line stops mid-record.
      'bbbb0001-0000-4000-8000-000000000000': session(
        `${start('bbbb0001')}\n${said('u1', 'first words', 1)}\n{"type":"assistant.message","id":"a1","data":{"content":"half`,
      ),
      'bbbb0002-0000-4000-8000-000000000000': session(
        `${start('bbbb0002')}\n{"type":"user.message",,}\n${said('u2', 'after the bad line', 2)}\n`,
      ),
      'bbbb0003-0000-4000-8000-000000000000': session(''),
      'bbbb0004-0000-4000-8000-000000000000': session(
        [
          start('bbbb0004'),
          '{"type":"user.message","id":"n","data":{"content":42}}',
          '{"id":"no-type"}',
          '"just a string"',
          said('u3', 'the only good message', 3),
          '',
        ].join('\n'),
      ),
      'bbbb0005-0000-4000-8000-000000000000': session(new Uint8Array([0x7b, 0x22, 0x0a, 0xff, 0xfe, 0x0a])),
    },
    'history-session-state': {
      'session_bbbb0006_1.json': '{"sessionId": "bbbb0006", "chatMessages": [',
      'session_bbbb0007_1.json': '{"sessionId": "bbbb0007", "chatMessages": {"role": "user"}}',
      'session_bbbb0008_1.json': JSON.stringify({ chatMessages: [{ content: 'no role' }, { role: 'user', content: 'kept' }] }),
    },
  },
}

providerContract(copilotCli, { fixture: fixtureTree('copilot-cli'), garbage })

describe('copilot-cli', () => {
  test('discovers event logs with their workspace.yaml and legacy sessions, not folders without events', async () => {
    using home = tempHome(fixtureTree('copilot-cli'))
    expect(await discoveredPaths(copilotCli, home.path)).toEqual([
      '.copilot/session-state/4c3b2a19-8d7e-4f6a-b5c4-d3e2f1a0b9c8/events.jsonl',
      '.copilot/session-state/a1b2c3d4-e5f6-4789-9abc-def012345678/events.jsonl',
      '.copilot/session-state/c0ffee11-2233-4455-8677-8899aabbccdd/events.jsonl',
      '.copilot/history-session-state/session_5e4d3c2b-1a09-4f8e-9d7c-6b5a4f3e2d1c_1759556150102.json',
      '.copilot/history-session-state/session_c9d8e7f6-a5b4-4c3d-9e2f-1a0b9c8d7e6f_1728421816398.json',
    ])
  })

  test('harvests the fixture home exactly', async () => {
    using home = tempHome(fixtureTree('copilot-cli'))
    using db = openTestDb()
    const summary = await harvestHome(db, [copilotCli], home.path)
    expect(summary.providers).toEqual([
      {
        provider: 'copilot-cli',
        sources: 5,
        harvested: 5,
        skipped: 0,
        sessions: 6,
        messages: 23,
        workspaces: 2,
        gone: 0,
        problems: [],
      },
    ])
    // The usage and legacy-timeline sessions have tests of their own below.
    const dump = dumpDb(db)
    const own = new Set(['5e4d3c2b-1a09-4f8e-9d7c-6b5a4f3e2d1c', 'c0ffee11-2233-4455-8677-8899aabbccdd'])
    expect({ ...dump, sessions: dump.sessions.filter((session) => !own.has(session.id)) }).toEqual({
      workspaces: [
        {
          id: ws('/home/dev/projects/todo-api'),
          name: 'todo-api',
          provider: 'copilot-cli',
          path: '/home/dev/projects/todo-api',
          sessions: 3,
          updated: '2026-04-02T11:00:25.000Z',
        },
        {
          id: ws('C:\\Users\\dev\\source\\repos\\Widget'),
          name: 'Widget',
          provider: 'copilot-cli',
          path: 'C:\\Users\\dev\\source\\repos\\Widget',
          sessions: 1,
          updated: '2026-05-11T06:30:09.000Z',
        },
      ],
      sessions: [
        {
          id: '4c3b2a19-8d7e-4f6a-b5c4-d3e2f1a0b9c8',
          workspaceId: ws('/home/dev/projects/todo-api'),
          provider: 'copilot-cli',
          title: 'Lint and type-check todo-api',
          model: 'gpt-5',
          messageCount: 5,
          created: '2026-04-02T11:00:00.000Z',
          updated: '2026-04-02T11:00:25.000Z',
          origin: 'harvest',
          sourceDeleted: false,
          messages: [
            {
              id: 'e2',
              index: 0,
              role: 'user',
              content: 'run the linter',
              timestamp: '2026-04-02T11:00:05.000Z',
              model: null,
              ...MESSAGE_DEFAULTS, toolInvocations: [],
            },
            {
              id: 'am-1',
              index: 1,
              role: 'assistant',
              content: 'Running eslint.',
              timestamp: '2026-04-02T11:00:07.000Z',
              model: 'claude-sonnet-4.5',
              ...MESSAGE_DEFAULTS, toolInvocations: [
                {
                  id: 't1',
                  name: 'bash',
                  input: {
                    command: 'npx eslint .',
                    description: 'Lint',
                  },
                  output: '0 problems',
                  status: 'success',
                },
              ],
            },
            {
              id: 'am-2',
              index: 2,
              role: 'assistant',
              content: '',
              timestamp: '2026-04-02T11:00:13.000Z',
              model: 'claude-sonnet-4.5',
              ...MESSAGE_DEFAULTS, toolInvocations: [
                {
                  id: 't2',
                  name: 'bash',
                  input: {
                    command: 'npx tsc --noEmit',
                  },
                  output: "src/app.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.",
                  status: 'error',
                },
                {
                  id: 't3',
                  name: 'task',
                  input: {
                    agent_type: 'explore',
                    prompt: 'Where is the tsconfig strictness set?',
                  },
                  output: 'In tsconfig.json: `"strict": true` on line 4.',
                  status: 'success',
                },
              ],
            },
            {
              id: 'e8',
              index: 3,
              role: 'system',
              content: 'Model changed to gpt-5 — Ünïcödé ✓',
              timestamp: '2026-04-02T11:00:21.000Z',
              model: null,
              ...MESSAGE_DEFAULTS, toolInvocations: [],
            },
            {
              id: 'am-3',
              index: 4,
              role: 'assistant',
              content: '`tsc` reports one error in `src/app.ts` line 3: a string is assigned to a number. 修正しますか？',
              timestamp: '2026-04-02T11:00:25.000Z',
              model: 'gpt-5',
              ...MESSAGE_DEFAULTS, toolInvocations: [],
            },
          ],
        },
        {
          id: '4c3b2a19-8d7e-4f6a-b5c4-d3e2f1a0b9c8:explore-1',
          workspaceId: ws('/home/dev/projects/todo-api'),
          provider: 'copilot-cli',
          title: 'Where is the tsconfig strictness set?',
          model: 'claude-haiku-4.5',
          messageCount: 2,
          created: '2026-04-02T11:00:13.300Z',
          updated: '2026-04-02T11:00:15.000Z',
          origin: 'harvest',
          sourceDeleted: false,
          messages: [
            {
              id: 'e5b',
              index: 0,
              role: 'user',
              content: 'Where is the tsconfig strictness set?',
              timestamp: '2026-04-02T11:00:13.300Z',
              model: null,
              ...MESSAGE_DEFAULTS, toolInvocations: [],
            },
            {
              id: 'sm-1',
              index: 1,
              role: 'assistant',
              content: 'In tsconfig.json: `"strict": true` on line 4.',
              timestamp: '2026-04-02T11:00:15.000Z',
              model: 'claude-haiku-4.5',
              ...MESSAGE_DEFAULTS, toolInvocations: [],
            },
          ],
        },
        {
          id: 'a1b2c3d4-e5f6-4789-9abc-def012345678',
          workspaceId: ws('C:\\Users\\dev\\source\\repos\\Widget'),
          provider: 'copilot-cli',
          title: 'show me the build log for every step',
          model: 'gpt-5-mini',
          messageCount: 2,
          created: '2026-05-11T06:30:00.000Z',
          updated: '2026-05-11T06:30:09.000Z',
          origin: 'harvest',
          sourceDeleted: false,
          messages: [
            {
              id: 'f2',
              index: 0,
              role: 'user',
              content: 'show me the build log for every step',
              timestamp: '2026-05-11T06:30:04.000Z',
              model: null,
              ...MESSAGE_DEFAULTS, toolInvocations: [],
            },
            {
              id: 'bm-1',
              index: 1,
              role: 'assistant',
              content: BUILD_LOG,
              timestamp: '2026-05-11T06:30:09.000Z',
              model: 'gpt-5-mini',
              ...MESSAGE_DEFAULTS, toolInvocations: [],
            },
          ],
        },
        {
          id: 'c9d8e7f6-a5b4-4c3d-9e2f-1a0b9c8d7e6f',
          workspaceId: null,
          provider: 'copilot-cli',
          title: 'please add mcp servers',
          model: null,
          messageCount: 4,
          created: '2025-10-08T21:10:16.398Z',
          updated: '2025-10-08T21:10:16.398Z',
          origin: 'harvest',
          sourceDeleted: false,
          messages: [
            {
              id: 'msg-0',
              index: 0,
              role: 'user',
              content: 'please add mcp servers',
              timestamp: null,
              model: null,
              ...MESSAGE_DEFAULTS, toolInvocations: [],
            },
            {
              id: 'msg-1',
              index: 1,
              role: 'assistant',
              content: 'Sure — let me look at the config first.',
              timestamp: null,
              model: null,
              ...MESSAGE_DEFAULTS, toolInvocations: [
                {
                  id: 'call_a1',
                  name: 'str_replace_editor',
                  input: {
                    command: 'view',
                    path: '/home/dev/.copilot/mcp-config.json',
                  },
                  output: '{"mcpServers": {}}',
                  status: null,
                },
              ],
            },
            {
              id: 'msg-2',
              index: 2,
              role: 'assistant',
              content: 'The config has no servers yet; I added `github`.',
              timestamp: null,
              model: null,
              ...MESSAGE_DEFAULTS, toolInvocations: [],
            },
            {
              id: 'msg-3',
              index: 3,
              role: 'user',
              content: 'thanks',
              timestamp: null,
              model: null,
              ...MESSAGE_DEFAULTS, toolInvocations: [],
            },
          ],
        },
      ],
    })
  })

  test('older sessions keep the conversation in timeline[]: every entry, tool call and notice is read', async () => {
    using home = tempHome(fixtureTree('copilot-cli'))
    using db = openTestDb()
    await harvestHome(db, [copilotCli], home.path)
    const entry = (index: number, id: string, role: 'user' | 'assistant' | 'system', content: string, timestamp: string, toolInvocations: Message['toolInvocations'] = []): Message => ({
      id,
      index,
      role,
      content,
      timestamp,
      model: null,
      ...MESSAGE_DEFAULTS,
      toolInvocations,
    })
    const readme = { command: 'view', path: '/home/dev/projects/todo-api/README.md' }
    expect(getSession(db.sqlite, '5e4d3c2b-1a09-4f8e-9d7c-6b5a4f3e2d1c')).toEqual({
      id: '5e4d3c2b-1a09-4f8e-9d7c-6b5a4f3e2d1c',
      workspaceId: null,
      provider: 'copilot-cli',
      title: 'what does this repo do?',
      model: null,
      messageCount: 6,
      created: '2025-10-04T05:35:50.102Z',
      updated: '2025-10-04T05:36:46.124Z',
      origin: 'harvest',
      sourceDeleted: false,
      messages: [
        entry(0, '496c175d-18c3-4b91-b4a1-b3786a1c4186', 'user', 'what does this repo do?', '2025-10-04T05:35:56.461Z'),
        entry(1, 'c5825184-4082-44fb-8c9d-4ef682c000e2', 'assistant', "I'll read the README first.", '2025-10-04T05:36:04.736Z', [
          { id: 'toolu_01QD8piLEBbmuacXW4tSaXw8', name: 'str_replace_editor', input: readme, output: '1.# todo-api\n2.A small REST API for todos (Express + SQLite).', status: 'success' },
        ]),
        entry(2, '0a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9', 'assistant', 'It is a small REST API for todos, built with Express and SQLite.', '2025-10-04T05:36:09.880Z'),
        entry(3, '1b2c3d4e-5f60-4172-8394-a5b6c7d8e9f0', 'user', 'run its tests', '2025-10-04T05:36:40.010Z'),
        entry(4, 'msg-4', 'assistant', '', '2025-10-04T05:36:42.300Z', [
          {
            id: 'toolu_01WPwvGa3nWCjzhTSW6eYJL4',
            name: 'bash',
            input: { command: 'npm test', description: 'Run the test suite', sessionId: 'main', async: false },
            output: 'The user rejected this tool call.',
            status: 'error',
          },
        ]),
        entry(5, '3b6bb66e-ecad-44d9-9e73-4d184f3d080d', 'system', 'Operation cancelled by user', '2025-10-04T05:36:46.124Z'),
      ],
    })
  })

  test("each reply carries its output tokens; a run's shutdown adds the rest of its usage per model, hidden", async () => {
    using home = tempHome(fixtureTree('copilot-cli'))
    using db = openTestDb()
    await harvestHome(db, [copilotCli], home.path)
    const session = getSession(db.sqlite, 'c0ffee11-2233-4455-8677-8899aabbccdd')
    expect(session.messages.map(({ id, role, hidden, model, usage }) => ({ id, role, hidden, model, usage }))).toEqual([
      { id: 'e2', role: 'user', hidden: false, model: null, usage: null },
      { id: 'm1', role: 'assistant', hidden: false, model: 'claude-sonnet-4.5', usage: usage({ outputTokens: 96 }) },
      { id: 'm2', role: 'assistant', hidden: false, model: 'claude-sonnet-4.5', usage: usage({ outputTokens: 41 }) },
      // modelMetrics: 24,210 input of which 18,000 cache reads and 5,100 cache writes; 137 output, 96 + 41 already counted.
      {
        id: 'e9:claude-sonnet-4.5',
        role: 'assistant',
        hidden: true,
        model: 'claude-sonnet-4.5',
        usage: usage({ inputTokens: 1110, outputTokens: 0, cacheReadTokens: 18000, cacheWrite5mTokens: 5100 }),
      },
    ])
    expect([session.title, session.model, session.messages[1]!.toolInvocations[0]!.status]).toEqual(['Review staged diff', 'claude-sonnet-4.5', 'success'])
  })

  test('subagent events become a session linked to the main one', async () => {
    using home = tempHome(fixtureTree('copilot-cli'))
    const parts = await partsOf(copilotCli, home.path, '.copilot/session-state/4c3b2a19-8d7e-4f6a-b5c4-d3e2f1a0b9c8/events.jsonl')
    expect(parts.filter((part) => part.kind === 'session' || part.kind === 'update')).toEqual([
      {
        kind: 'session',
        session: {
          id: '4c3b2a19-8d7e-4f6a-b5c4-d3e2f1a0b9c8',
          title: 'Lint and type-check todo-api',
          model: null,
          created: Date.parse('2026-04-02T11:00:00.000Z'),
          updated: null,
          workspace: { key: '/home/dev/projects/todo-api', name: 'todo-api', path: '/home/dev/projects/todo-api' },
          metadata: { copilotVersion: '0.0.400', producer: 'copilot-agent' },
        },
      },
      { kind: 'update', patch: { model: 'gpt-5' } },
      {
        kind: 'session',
        session: {
          id: '4c3b2a19-8d7e-4f6a-b5c4-d3e2f1a0b9c8:explore-1',
          title: null,
          model: null,
          created: null,
          updated: null,
          workspace: { key: '/home/dev/projects/todo-api', name: 'todo-api', path: '/home/dev/projects/todo-api' },
          metadata: { parentSessionId: '4c3b2a19-8d7e-4f6a-b5c4-d3e2f1a0b9c8', agentId: 'explore-1' },
        },
      },
      { kind: 'update', patch: { model: 'claude-haiku-4.5', title: 'Where is the tsconfig strictness set?' } },
    ])
  })

  test('corrupt sessions are harvested as far as they parse and every problem is reported', async () => {
    using home = tempHome(garbage)
    using db = openTestDb()
    const summary = await harvestHome(db, [copilotCli], home.path)
    const state = (id: string) =>
      join(home.path, '.copilot', 'session-state', `${id}-0000-4000-8000-000000000000`, 'events.jsonl')
    const legacy = (name: string) => join(home.path, '.copilot', 'history-session-state', name)
    expect(summary.providers[0]!.problems).toEqual([
      { source: state('bbbb0001'), message: 'line 3: incomplete last line (the file is still being written?)' },
      { source: state('bbbb0002'), message: 'line 2: JSON Parse error: Property name must be a string literal' },
      { source: state('bbbb0003'), message: 'empty file' },
      { source: state('bbbb0004'), message: 'line 2: user.message without string content' },
      { source: state('bbbb0004'), message: 'line 3: not an event record' },
      { source: state('bbbb0004'), message: 'line 4: not an event record' },
      { source: state('bbbb0005'), message: 'line 1: JSON Parse error: Unterminated string' },
      { source: state('bbbb0005'), message: "line 2: JSON Parse error: Unrecognized token '\uFFFD'" },
      { source: legacy('session_bbbb0006_1.json'), message: 'invalid JSON: JSON Parse error: Unexpected EOF' },
      { source: legacy('session_bbbb0007_1.json'), message: 'chatMessages is not an array' },
      { source: legacy('session_bbbb0008_1.json'), message: 'chatMessages[0] has no role' },
    ])
    const broken = ws('/home/dev/broken')
    const message = (id: string | null, content: string, second: number | null) => ({
      id: id ?? 'msg-0',
      index: 0,
      role: 'user' as const,
      content,
      timestamp: second === null ? null : `2026-01-01T00:00:0${second}.000Z`,
      model: null,
      ...MESSAGE_DEFAULTS, toolInvocations: [],
    })
    expect(dumpDb(db).sessions.map(({ id, workspaceId, title, messages }) => ({ id, workspaceId, title, messages }))).toEqual([
      {
        id: 'bbbb0001-0000-4000-8000-000000000000',
        workspaceId: broken,
        title: 'first words',
        messages: [message('u1', 'first words', 1)],
      },
      {
        id: 'bbbb0002-0000-4000-8000-000000000000',
        workspaceId: broken,
        title: 'after the bad line',
        messages: [message('u2', 'after the bad line', 2)],
      },
      {
        id: 'bbbb0004-0000-4000-8000-000000000000',
        workspaceId: broken,
        title: 'the only good message',
        messages: [message('u3', 'the only good message', 3)],
      },
      { id: 'bbbb0008', workspaceId: null, title: 'kept', messages: [message(null, 'kept', null)] },
    ])
    const truncated = await partsOf(
      copilotCli,
      home.path,
      '.copilot/session-state/bbbb0001-0000-4000-8000-000000000000/events.jsonl',
    )
    expect(truncated.at(-1)).toEqual({ kind: 'update', patch: { title: 'first words', incomplete: true } })
  })

  test('a second harvest skips unchanged sessions; a changed workspace.yaml or an appended event re-reads that session', async () => {
    using home = tempHome(fixtureTree('copilot-cli'))
    using db = openTestDb()
    await harvestHome(db, [copilotCli], home.path)
    const second = await harvestHome(db, [copilotCli], home.path)
    expect([second.providers[0]!.harvested, second.providers[0]!.skipped]).toEqual([0, 5])

    const dir = join(home.path, '.copilot', 'session-state', 'a1b2c3d4-e5f6-4789-9abc-def012345678')
    writeFileSync(join(dir, 'workspace.yaml'), "cwd: 'C:\\Users\\dev\\source\\repos\\Widget'\nsummary: Release build log\n")
    const renamed = await harvestHome(db, [copilotCli], home.path)
    expect([renamed.providers[0]!.harvested, renamed.providers[0]!.skipped]).toEqual([1, 4])
    expect(getSession(db.sqlite, 'a1b2c3d4-e5f6-4789-9abc-def012345678').title).toBe('Release build log')

    appendFileSync(
      join(dir, 'events.jsonl'),
      '{"type":"user.message","id":"f5","timestamp":"2026-05-11T06:31:00.000Z","parentId":"f4","data":{"content":"merci 🙏"}}\n',
    )
    const appended = await harvestHome(db, [copilotCli], home.path)
    expect(appended.providers[0]).toEqual({
      provider: 'copilot-cli',
      sources: 5,
      harvested: 1,
      skipped: 4,
      sessions: 1,
      messages: 3,
      workspaces: 1,
      gone: 0,
      problems: [],
    })
    expect(getSession(db.sqlite, 'a1b2c3d4-e5f6-4789-9abc-def012345678').messages.at(-1)).toEqual({
      id: 'f5',
      index: 2,
      role: 'user',
      content: 'merci 🙏',
      timestamp: '2026-05-11T06:31:00.000Z',
      model: null,
      ...MESSAGE_DEFAULTS, toolInvocations: [],
    })
  })

  test('COPILOT_HOME is honoured for the real home and ignored under an overridden home', async () => {
    using home = tempHome({})
    using copilotHome = tempHome(fixtureTree('copilot-cli')['.copilot'] as Tree)
    const real: ProviderContext = {
      home: home.path,
      homeOverridden: false,
      platform: 'linux',
      env: { COPILOT_HOME: copilotHome.path },
    }
    expect(await copilotCli.locate(real)).toEqual([
      join(copilotHome.path, 'session-state'),
      join(copilotHome.path, 'history-session-state'),
    ])
    expect(await copilotCli.locate({ ...real, homeOverridden: true })).toEqual([])
  })

  test('workspace.yaml is read as YAML (quoting, comments, nested keys); an unreadable one is a problem, not a crash', () => {
    expect(
      workspaceFields(
        [
          'id: 4c3b2a19',
          "cwd: 'C:\\Users\\it''s here'",
          'summary: "Fix \\"quoted\\" title ✓"',
          'branch: main # the default',
          'git:',
          '  remote: origin',
          '# comment: no',
        ].join('\r\n'),
      ),
    ).toEqual({ fields: { id: '4c3b2a19', cwd: "C:\\Users\\it's here", summary: 'Fix "quoted" title ✓', branch: 'main', git: { remote: 'origin' } }, problem: null })
    expect(workspaceFields('')).toEqual({ fields: {}, problem: null })
    expect(workspaceFields('- a list\n- of items')).toEqual({ fields: {}, problem: 'workspace.yaml is not a mapping' })
    expect(workspaceFields('cwd: /a\n- listed')).toEqual({ fields: {}, problem: expect.stringMatching(/^workspace\.yaml: /) })
  })
})
