import { describe, expect, test } from 'bun:test'
import { appendFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { getSession, workspaceIdFor } from '../../../src/db'
import type { ProviderContext } from '../../../src/harvest'
import { codex } from '../../../src/harvest/providers/codex'
import { openTestDb } from '../../support/db'
import { dumpDb, harvestHome } from '../../support/harvest'
import { allParts, discoveredPaths, partsOf } from '../../support/parts'
import { fixtureTree, tempHome, type Tree } from '../../support/temp'
import { providerContract } from '../provider-contract'
import { MESSAGE_DEFAULTS, usage } from '../../support/sessions'

const ws = (key: string) => workspaceIdFor('codex', key)
const HEALTHCHECK = 'sessions/2026/02/10/rollout-2026-02-10T14-02-11-01952f3a-7b6c-7d8e-9f01-23456789abcd.jsonl'
const healthcheckLines = readFileSync(
  join(import.meta.dir, '..', '..', 'fixtures', 'codex', 'home', '.codex', HEALTHCHECK),
  'utf8',
).split('\n')
const rollout = (id: string) => `rollout-2026-01-01T00-00-00-${id}.jsonl`
/** The healthcheck rollout's lines, its session id replaced (two sessions with one id would be one session). */
const healthcheckAs = (id: string, count: number) =>
  healthcheckLines.slice(0, count).map((line) => line.replaceAll('01952f3a-7b6c-7d8e-9f01-23456789abcd', id))

const garbage: Tree = {
  '.codex': {
    sessions: {
      '2026': {
        '01': {
          '01': {
            // Still being written: the last line stops mid-record.
            [rollout('aaaaaaaa-0000-4000-8000-000000000001')]:
              `${healthcheckAs('aaaaaaaa-0000-4000-8000-000000000001', 5).join('\n')}\n${healthcheckLines[15]!.slice(0, 60)}`,
            [rollout('aaaaaaaa-0000-4000-8000-000000000002')]:
              `${healthcheckAs('aaaaaaaa-0000-4000-8000-000000000002', 1)[0]}\n{"timestamp":"2026-02-10T13:02:11.531Z","type":"response_item","payload":{\n${healthcheckLines[4]}\n`,
            [rollout('aaaaaaaa-0000-4000-8000-000000000003')]: '',
            [rollout('aaaaaaaa-0000-4000-8000-000000000004')]: [
              '{"timestamp":"2026-01-01T00:00:01.000Z","type":"response_item","payload":{"type":"message","role":"user","content":[{"type":"input_text","text":"no session_meta before me"}]}}',
              '{"timestamp":"2026-01-01T00:00:02.000Z","type":"response_item","payload":"oops"}',
              '{"timestamp":5}',
              '{"timestamp":"2026-01-01T00:00:03.000Z","type":"response_item","payload":{"type":"function_call","name":7,"arguments":"not json","call_id":"c1"}}',
              '{"timestamp":"2026-01-01T00:00:04.000Z","type":"response_item","payload":{"type":"function_call_output","call_id":"c1","output":{"content":"done","success":false}}}',
              '',
            ].join('\n'),
            [rollout('aaaaaaaa-0000-4000-8000-000000000005')]: new Uint8Array([
              0x00, 0xff, 0x0a, 0x7b, 0x0a, 0x89, 0x50, 0x4e, 0x47, 0x0a,
            ]),
          },
        },
      },
    },
  },
}

providerContract(codex, { fixture: fixtureTree('codex'), garbage })

describe('codex', () => {
  test('discovers rollouts in dated and archived folders, not the index, history or auth.json', async () => {
    using home = tempHome(fixtureTree('codex'))
    expect(await discoveredPaths(codex, home.path)).toEqual([
      '.codex/sessions/2026/02/10/rollout-2026-02-10T14-02-11-01952f3a-7b6c-7d8e-9f01-23456789abcd.jsonl',
      '.codex/sessions/2026/03/05/rollout-2026-03-05T09-14-00-0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b.jsonl',
      '.codex/sessions/2026/04/18/rollout-2026-04-18T09-20-00-019d4e5f-6a7b-7c8d-9e0f-1a2b3c4d5e6f.jsonl',
      '.codex/archived_sessions/rollout-2025-12-24T18-30-00-018f0e1d-2c3b-7a49-8876-5a4b3c2d1e0f.jsonl',
    ])
  })

  test('harvests the fixture home exactly', async () => {
    using home = tempHome(fixtureTree('codex'))
    using db = openTestDb()
    const summary = await harvestHome(db, [codex], home.path)
    const widget = join(home.path, '.codex', 'sessions', '2026', '03', '05', 'rollout-2026-03-05T09-14-00-0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b.jsonl')
    expect(summary.providers).toEqual([
      {
        provider: 'codex',
        sources: 4,
        harvested: 4,
        skipped: 0,
        sessions: 4,
        messages: 15,
        workspaces: 2,
        gone: 0,
        // A newer item type is format drift: reported, and the rest of the rollout harvested.
        problems: [{ source: widget, message: 'line 8: unknown response_item type "some_future_item"' }],
      },
    ])
    expect(dumpDb(db)).toEqual({
      workspaces: [
        {
          id: ws('/home/dev/projects/todo-api'),
          name: 'todo-api',
          provider: 'codex',
          path: '/home/dev/projects/todo-api',
          sessions: 3,
          updated: '2026-04-18T07:20:07.010Z',
        },
        {
          id: ws('C:\\Users\\dev\\source\\repos\\Widget'),
          name: 'Widget',
          provider: 'codex',
          path: 'C:\\Users\\dev\\source\\repos\\Widget',
          sessions: 1,
          updated: '2026-03-05T08:14:09.000Z',
        },
      ],
      sessions: [
        {
          id: '018f0e1d-2c3b-7a49-8876-5a4b3c2d1e0f',
          workspaceId: ws('/home/dev/projects/todo-api'),
          provider: 'codex',
          title: "summarise yesterday's changes",
          model: 'o4-mini',
          messageCount: 4,
          created: '2025-12-24T17:30:00.000Z',
          updated: '2025-12-24T17:31:05.000Z',
          origin: 'harvest',
          sourceDeleted: false,
          messages: [
            {
              id: 'msg-0',
              index: 0,
              role: 'user',
              content: "summarise yesterday's changes",
              timestamp: '2025-12-24T17:30:01.000Z',
              model: null,
              ...MESSAGE_DEFAULTS, toolInvocations: [],
            },
            {
              id: 'msg-1',
              index: 1,
              role: 'assistant',
              content: 'Yesterday you added a healthcheck route and a failing test for it.',
              timestamp: '2025-12-24T17:30:06.000Z',
              model: 'o4-mini',
              ...MESSAGE_DEFAULTS, toolInvocations: [],
            },
            {
              id: 'msg-2',
              index: 2,
              role: 'system',
              content: "The user asked for a summary of yesterday's changes; it was given.",
              timestamp: '2025-12-24T17:31:00.000Z',
              model: null,
              ...MESSAGE_DEFAULTS, toolInvocations: [],
            },
            {
              id: 'msg-3',
              index: 3,
              role: 'user',
              content: 'thanks!',
              timestamp: '2025-12-24T17:31:05.000Z',
              model: null,
              ...MESSAGE_DEFAULTS, toolInvocations: [],
            },
          ],
        },
        {
          id: '01952f3a-7b6c-7d8e-9f01-23456789abcd',
          workspaceId: ws('/home/dev/projects/todo-api'),
          provider: 'codex',
          title: 'Healthcheck route',
          model: 'gpt-5.1-codex-max',
          messageCount: 6,
          created: '2026-02-10T13:02:11.498Z',
          updated: '2026-02-10T13:05:12.000Z',
          origin: 'harvest',
          sourceDeleted: false,
          messages: [
            {
              id: 'msg-0',
              index: 0,
              role: 'user',
              content: 'add a healthcheck route',
              timestamp: '2026-02-10T13:02:11.531Z',
              model: null,
              ...MESSAGE_DEFAULTS, toolInvocations: [],
            },
            {
              id: 'msg-1',
              index: 1,
              role: 'assistant',
              content: '',
              timestamp: '2026-02-10T13:02:13.100Z',
              model: 'gpt-5-codex',
              ...MESSAGE_DEFAULTS, usage: usage({ inputTokens: 4420, cacheReadTokens: 0, outputTokens: 93 }), toolInvocations: [
                {
                  id: 'call_3Fx',
                  name: 'shell',
                  input: {
                    command: ['bash', '-lc', 'rg -n "router\\.get" src'],
                    workdir: '/home/dev/projects/todo-api',
                  },
                  output: "src/routes.ts:3:router.get('/todos', list)\n",
                  status: 'success',
                },
                {
                  id: 'call_7Q',
                  name: 'apply_patch',
                  input:
                    "*** Begin Patch\n*** Update File: src/routes.ts\n@@\n+router.get('/healthz', (_req, res) => res.send('ok'));\n*** End Patch\n",
                  output: 'Success. Updated the following files:\nM src/routes.ts\n',
                  status: null,
                },
              ],
            },
            {
              id: 'msg-2',
              index: 2,
              role: 'assistant',
              content: 'Added `GET /healthz` returning `ok`.',
              timestamp: '2026-02-10T13:02:16.100Z',
              model: 'gpt-5-codex',
              ...MESSAGE_DEFAULTS, usage: usage({ inputTokens: 604, cacheReadTokens: 4096, outputTokens: 95 }), toolInvocations: [],
            },
            {
              id: 'msg-3',
              index: 3,
              role: 'user',
              content: 'now run the tests — and answer in 中文 please',
              timestamp: '2026-02-10T13:05:00.000Z',
              model: null,
              ...MESSAGE_DEFAULTS, toolInvocations: [],
            },
            {
              id: 'msg-4',
              index: 4,
              role: 'assistant',
              content: '好的，我来运行测试。',
              timestamp: '2026-02-10T13:05:02.000Z',
              model: 'gpt-5.1-codex-max',
              ...MESSAGE_DEFAULTS, toolInvocations: [
                {
                  id: 'call_9Z',
                  name: 'shell_command',
                  input: {
                    command: 'pnpm test',
                    workdir: '/home/dev/projects/todo-api',
                  },
                  output: 'Exit code: 1\nWall time: 6.2 seconds\nOutput:\nFAIL src/routes.test.ts\n  ✕ GET /healthz (12 ms)\n',
                  status: 'error',
                },
              ],
            },
            {
              id: 'msg-5',
              index: 5,
              role: 'assistant',
              content: '测试失败：`/healthz` 还没有注册到应用上。',
              timestamp: '2026-02-10T13:05:12.000Z',
              model: 'gpt-5.1-codex-max',
              ...MESSAGE_DEFAULTS, usage: usage({ inputTokens: 2072, cacheReadTokens: 4608, outputTokens: 113 }), toolInvocations: [],
            },
          ],
        },
        {
          id: '0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
          workspaceId: ws('C:\\Users\\dev\\source\\repos\\Widget'),
          provider: 'codex',
          title: 'why is Render() called twice?',
          model: 'gpt-5-codex',
          messageCount: 3,
          created: '2026-03-05T08:14:00.000Z',
          updated: '2026-03-05T08:14:09.000Z',
          origin: 'harvest',
          sourceDeleted: false,
          messages: [
            {
              id: 'msg-0',
              index: 0,
              role: 'user',
              content: 'why is Render() called twice?',
              timestamp: '2026-03-05T08:14:00.300Z',
              model: null,
              ...MESSAGE_DEFAULTS, toolInvocations: [],
            },
            {
              id: 'msg-1',
              index: 1,
              role: 'assistant',
              content: '',
              timestamp: '2026-03-05T08:14:03.000Z',
              model: 'gpt-5-codex',
              ...MESSAGE_DEFAULTS, toolInvocations: [
                {
                  id: 'call_ls1',
                  name: 'local_shell',
                  input: {
                    type: 'exec',
                    command: ['powershell', '-Command', "Select-String -Path src\\*.cs -Pattern 'Render\\('"],
                    working_directory: 'C:\\Users\\dev\\source\\repos\\Widget',
                    timeout_ms: 10000,
                  },
                  output: 'src\\Widget.cs:14:        Render();\nsrc\\Widget.cs:31:        Render();\n',
                  status: null,
                },
                {
                  id: 'msg-1#1',
                  name: 'web_search',
                  input: {
                    type: 'search',
                    query: 'WinForms OnLoad called twice',
                  },
                  output: null,
                  status: 'success',
                },
              ],
            },
            {
              id: 'msg-2',
              index: 2,
              role: 'assistant',
              content: '`Render()` runs in both the constructor (line 14) and `OnLoad` (line 31). Remove the constructor call.',
              timestamp: '2026-03-05T08:14:09.000Z',
              model: 'gpt-5-codex',
              ...MESSAGE_DEFAULTS, toolInvocations: [],
            },
          ],
        },
        {
          // The prompt was recorded as an event before the model-visible item: it appears once.
          id: '019d4e5f-6a7b-7c8d-9e0f-1a2b3c4d5e6f',
          workspaceId: ws('/home/dev/projects/todo-api'),
          provider: 'codex',
          title: 'why is the test suite slow?',
          model: 'gpt-5.3-codex',
          messageCount: 2,
          created: '2026-04-18T07:20:00.101Z',
          updated: '2026-04-18T07:20:07.010Z',
          origin: 'harvest',
          sourceDeleted: false,
          messages: [
            {
              id: 'msg-0',
              index: 0,
              role: 'user',
              content: 'why is the test suite slow?',
              timestamp: '2026-04-18T07:20:03.220Z',
              model: null,
              ...MESSAGE_DEFAULTS, toolInvocations: [],
            },
            {
              id: 'msg-1',
              index: 1,
              role: 'assistant',
              content: 'Every test file starts its own database container; share one with a global setup.',
              timestamp: '2026-04-18T07:20:07.010Z',
              model: 'gpt-5.3-codex',
              ...MESSAGE_DEFAULTS, usage: usage({ inputTokens: 1088, cacheReadTokens: 10752, outputTokens: 412 }), toolInvocations: [],
            },
          ],
        },
      ],
    })
  })

  test('session_meta gives the header; the thread name titles it and the latest turn model arrives as an update', async () => {
    using home = tempHome(fixtureTree('codex'))
    const parts = await allParts(codex, home.path)
    expect(parts.filter((part) => part.kind === 'session' || part.kind === 'update')).toEqual([
      {
        kind: 'session',
        session: {
          id: '01952f3a-7b6c-7d8e-9f01-23456789abcd',
          title: 'Healthcheck route',
          model: null,
          created: Date.parse('2026-02-10T13:02:11.498Z'),
          updated: null,
          workspace: { key: '/home/dev/projects/todo-api', name: 'todo-api', path: '/home/dev/projects/todo-api' },
          metadata: {
            originator: 'codex_cli_rs',
            cliVersion: '0.98.0',
            source: 'cli',
            modelProvider: 'openai',
            git: { commit_hash: '4b1e9c2', branch: 'main', repository_url: 'git@github.com:dev/todo-api.git' },
          },
        },
      },
      { kind: 'update', patch: { model: 'gpt-5.1-codex-max' } },
      {
        kind: 'session',
        session: {
          id: '0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
          title: null,
          model: null,
          created: Date.parse('2026-03-05T08:14:00.000Z'),
          updated: null,
          workspace: {
            key: 'C:\\Users\\dev\\source\\repos\\Widget',
            name: 'Widget',
            path: 'C:\\Users\\dev\\source\\repos\\Widget',
          },
          metadata: { originator: 'codex_vscode', cliVersion: '0.104.0', source: 'vscode', modelProvider: 'openai' },
        },
      },
      { kind: 'update', patch: { model: 'gpt-5-codex', title: 'why is Render() called twice?' } },
      {
        kind: 'session',
        session: {
          id: '019d4e5f-6a7b-7c8d-9e0f-1a2b3c4d5e6f',
          title: null,
          model: null,
          created: Date.parse('2026-04-18T07:20:00.101Z'),
          updated: null,
          workspace: { key: '/home/dev/projects/todo-api', name: 'todo-api', path: '/home/dev/projects/todo-api' },
          metadata: {
            originator: 'codex_cli_rs',
            cliVersion: '0.118.0',
            source: 'cli',
            modelProvider: 'openai',
            git: { commit_hash: '9e1c0d4', branch: 'main' },
          },
        },
      },
      { kind: 'update', patch: { model: 'gpt-5.3-codex', title: 'why is the test suite slow?' } },
      {
        kind: 'session',
        session: {
          id: '018f0e1d-2c3b-7a49-8876-5a4b3c2d1e0f',
          title: null,
          model: null,
          created: Date.parse('2025-12-24T17:30:00.000Z'),
          updated: null,
          workspace: { key: '/home/dev/projects/todo-api', name: 'todo-api', path: '/home/dev/projects/todo-api' },
          metadata: {
            originator: 'codex_exec',
            cliVersion: '0.60.1',
            source: 'exec',
            modelProvider: 'openai',
            forkedFromId: '01952f3a-7b6c-7d8e-9f01-23456789abcd',
          },
        },
      },
      { kind: 'update', patch: { model: 'o4-mini', title: "summarise yesterday's changes" } },
    ])
  })

  test('corrupt rollouts are harvested as far as they parse and every problem is reported', async () => {
    using home = tempHome(garbage)
    using db = openTestDb()
    const summary = await harvestHome(db, [codex], home.path)
    const dir = join(home.path, '.codex', 'sessions', '2026', '01', '01')
    const at = (n: number) => join(dir, rollout(`aaaaaaaa-0000-4000-8000-00000000000${n}`))
    expect(summary.providers[0]!.problems).toEqual([
      { source: at(1), message: 'line 6: incomplete last line (the file is still being written?)' },
      { source: at(2), message: "line 2: JSON Parse error: Expected '}'" },
      { source: at(3), message: 'empty file' },
      { source: at(4), message: 'line 1: expected a session_meta record first' },
      { source: at(4), message: 'line 2: response_item record without a payload object' },
      { source: at(4), message: 'line 3: not a rollout record' },
      { source: at(5), message: "line 1: JSON Parse error: Unrecognized token '\u0000'" },
      { source: at(5), message: "line 2: JSON Parse error: Expected '}'" },
      { source: at(5), message: "line 3: JSON Parse error: Unrecognized token '\uFFFD'" },
    ])
    const todo = ws('/home/dev/projects/todo-api')
    const prompt = {
      index: 0,
      role: 'user' as const,
      content: 'add a healthcheck route',
      timestamp: '2026-02-10T13:02:11.531Z',
      model: null,
      ...MESSAGE_DEFAULTS, toolInvocations: [],
    }
    expect(
      dumpDb(db).sessions.map(({ id, workspaceId, title, model, messages }) => ({ id, workspaceId, title, model, messages })),
    ).toEqual([
      {
        id: 'aaaaaaaa-0000-4000-8000-000000000001',
        workspaceId: todo,
        title: 'add a healthcheck route',
        model: null,
        messages: [{ id: 'msg-0', ...prompt }],
      },
      {
        id: 'aaaaaaaa-0000-4000-8000-000000000002',
        workspaceId: todo,
        title: 'add a healthcheck route',
        model: null,
        messages: [{ id: 'msg-0', ...prompt }],
      },
      {
        id: 'aaaaaaaa-0000-4000-8000-000000000004',
        workspaceId: null,
        title: 'no session_meta before me',
        model: null,
        messages: [
          {
            id: 'msg-0',
            index: 0,
            role: 'user',
            content: 'no session_meta before me',
            timestamp: '2026-01-01T00:00:01.000Z',
            model: null,
            ...MESSAGE_DEFAULTS, toolInvocations: [],
          },
          {
            id: 'msg-1',
            index: 1,
            role: 'assistant',
            content: '',
            timestamp: '2026-01-01T00:00:03.000Z',
            model: null,
            ...MESSAGE_DEFAULTS, toolInvocations: [{ id: 'c1', name: 'unknown', input: 'not json', output: 'done', status: 'error' }],
          },
        ],
      },
    ])
  })

  test('a truncated last line marks the session incomplete', async () => {
    using home = tempHome(garbage)
    const parts = await partsOf(codex, home.path, `.codex/sessions/2026/01/01/${rollout('aaaaaaaa-0000-4000-8000-000000000001')}`)
    expect(parts.at(-1)).toEqual({
      kind: 'update',
      patch: { title: 'add a healthcheck route', incomplete: true },
    })
  })

  test('a second harvest skips unchanged rollouts; a rename or an appended line re-reads that session', async () => {
    using home = tempHome(fixtureTree('codex'))
    using db = openTestDb()
    await harvestHome(db, [codex], home.path)
    const second = await harvestHome(db, [codex], home.path)
    expect([second.providers[0]!.harvested, second.providers[0]!.skipped]).toEqual([0, 4])

    appendFileSync(
      join(home.path, '.codex', 'session_index.jsonl'),
      '{"id":"01952f3a-7b6c-7d8e-9f01-23456789abcd","thread_name":"Health endpoint"}\n',
    )
    const renamed = await harvestHome(db, [codex], home.path)
    expect([renamed.providers[0]!.harvested, renamed.providers[0]!.skipped]).toEqual([1, 3])
    expect(getSession(db.sqlite, '01952f3a-7b6c-7d8e-9f01-23456789abcd').title).toBe('Health endpoint')

    const widget = join(
      home.path,
      '.codex',
      'sessions',
      '2026',
      '03',
      '05',
      'rollout-2026-03-05T09-14-00-0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b.jsonl',
    )
    appendFileSync(
      widget,
      '{"timestamp":"2026-03-05T08:20:00.000Z","type":"response_item","payload":{"type":"message","role":"user","content":[{"type":"input_text","text":"danke! 👍"}]}}\n',
    )
    const appended = await harvestHome(db, [codex], home.path)
    expect(appended.providers[0]).toEqual({
      provider: 'codex',
      sources: 4,
      harvested: 1,
      skipped: 3,
      sessions: 1,
      messages: 4,
      workspaces: 1,
      gone: 0,
      // The changed file is read again, and its unknown item reported again with it.
      problems: [{ source: widget, message: 'line 8: unknown response_item type "some_future_item"' }],
    })
    expect(getSession(db.sqlite, '0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b').messages.at(-1)).toEqual({
      id: 'msg-3',
      index: 3,
      role: 'user',
      content: 'danke! 👍',
      timestamp: '2026-03-05T08:20:00.000Z',
      model: null,
      ...MESSAGE_DEFAULTS, toolInvocations: [],
    })
  })

  test('CODEX_HOME is honoured for the real home and ignored under an overridden home', async () => {
    using home = tempHome({})
    using codexHome = tempHome(fixtureTree('codex')['.codex'] as Tree)
    const real: ProviderContext = {
      home: home.path,
      homeOverridden: false,
      platform: 'darwin',
      env: { CODEX_HOME: codexHome.path },
    }
    expect(await codex.locate(real)).toEqual([join(codexHome.path, 'sessions'), join(codexHome.path, 'archived_sessions')])
    expect(await codex.locate({ ...real, homeOverridden: true })).toEqual([])
  })
})
