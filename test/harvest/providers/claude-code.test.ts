import { describe, expect, test } from 'bun:test'
import { appendFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { writeClaudeTranscript } from '../../../scripts/bench/gen-claude-jsonl'
import { getSession, workspaceIdFor, type Message } from '../../../src/db'
import type { ProviderContext } from '../../../src/harvest'
import { claudeCode } from '../../../src/harvest/providers/claude-code'
import { TOOL_OUTPUT_MAX_CHARS } from '../../../src/harvest/read/values'
import { openTestDb } from '../../support/db'
import { dumpDb, harvestHome } from '../../support/harvest'
import { allParts, discoveredPaths, partsOf } from '../../support/parts'
import { fixtureTree, tempHome, type Tree } from '../../support/temp'
import { providerContract } from '../provider-contract'
import { MESSAGE_DEFAULTS, usage } from '../../support/sessions'

const ws = (key: string) => workspaceIdFor('claude-code', key)
const FIXTURE = join(import.meta.dir, '..', '..', 'fixtures', 'claude-code', 'home', '.claude', 'projects')
const WIDGET = 'C--Users-dev-source-repos-Widget/0b7c6d5e-8f90-4a1b-9c2d-3e4f5a6b7c8d.jsonl'
const KEY_INVENTORY = `Here is the full key inventory:\n\n| key | value |\n|---|---|\n${Array.from(
  { length: 3000 },
  (_, i) => `| key.${i + 1} | value ${i + 1} — 値${i + 1} |`,
).join('\n')}`

/** Deterministic bytes with a newline now and then: a transcript overwritten with binary junk. */
function binaryJunk(length: number): Uint8Array {
  const bytes = new Uint8Array(length)
  let seed = 0x2545f491
  for (let i = 0; i < length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0
    bytes[i] = seed >>> 24
  }
  return bytes
}

const widgetLines = readFileSync(join(FIXTURE, WIDGET), 'utf8').split('\n')
const garbage: Tree = {
  '.claude': {
    projects: {
      '-home-dev-broken': {
        // Still being written: the last line stops mid-record.
        '11111111-1111-4111-8111-111111111111.jsonl': `${widgetLines[0]}\n${widgetLines[1]}\n${widgetLines[2]!.slice(0, 200)}`,
        '22222222-2222-4222-8222-222222222222.jsonl': `${widgetLines[0]}\n{"type":"assistant","message":{"id":"msg_X"\n${widgetLines[2]}\n`,
        '33333333-3333-4333-8333-333333333333.jsonl': '',
        '44444444-4444-4444-8444-444444444444.jsonl': [
          '{"type":"user","uuid":"w-1","message":"just a string","timestamp":"2026-01-01T00:00:00.000Z"}',
          '{"type":"user","uuid":"w-2","message":{"role":"user","content":"still here"},"timestamp":"2026-01-01T00:00:01.000Z"}',
          '{"type":"assistant","uuid":"w-3","message":{"id":"msg_W","content":42},"timestamp":"2026-01-01T00:00:02.000Z"}',
          '{"type":7}',
          '[1,2,3]',
          '{"type":"user","uuid":"w-4","message":{"content":{"nested":true}},"timestamp":"2026-01-01T00:00:03.000Z"}',
          '{"type":"assistant","uuid":"w-5","message":{"id":"msg_V","model":123,"content":[{"type":"text","text":5},{"type":"tool_use"}]},"timestamp":"2026-01-01T00:00:04.000Z"}',
          '',
        ].join('\n'),
        '55555555-5555-4555-8555-555555555555.jsonl': binaryJunk(16 * 1024),
      },
    },
  },
}

providerContract(claudeCode, { fixture: fixtureTree('claude-code'), garbage })

describe('claude-code', () => {
  test('discovers every transcript (UUID-named or not) and subagents, not credentials or other files', async () => {
    using home = tempHome(fixtureTree('claude-code'))
    expect(await discoveredPaths(claudeCode, home.path)).toEqual([
      '.claude/projects/-Users-ana-code-caf--app/3f1e2d4c-5b6a-4798-8a9b-0c1d2e3f4a5b.jsonl',
      '.claude/projects/-home-dev-projects-todo-api/5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9.jsonl',
      '.claude/projects/-home-dev-projects-todo-api/9d2c7b1e-4f3a-4c2b-8e1d-6a5b4c3d2e1f/subagents/agent-a4f9c21.jsonl',
      '.claude/projects/-home-dev-projects-todo-api/9d2c7b1e-4f3a-4c2b-8e1d-6a5b4c3d2e1f.jsonl',
      '.claude/projects/-home-dev-projects-todo-api/copied-from-laptop.jsonl',
      '.claude/projects/-home-dev-projects-todo-api/workflow-journal.jsonl',
      '.claude/projects/C--Users-dev-source-repos-Widget/0b7c6d5e-8f90-4a1b-9c2d-3e4f5a6b7c8d.jsonl',
    ])
  })

  test('harvests the fixture home exactly', async () => {
    using home = tempHome(fixtureTree('claude-code'))
    using db = openTestDb()
    const summary = await harvestHome(db, [claudeCode], home.path)
    const journal = join(home.path, '.claude', 'projects', '-home-dev-projects-todo-api', 'workflow-journal.jsonl')
    expect(summary.providers).toEqual([
      {
        provider: 'claude-code',
        sources: 7,
        harvested: 7,
        skipped: 0,
        sessions: 6,
        messages: 27,
        workspaces: 3,
        gone: 0,
        problems: [
          {
            source: journal,
            message: `recognised no conversation in ${journal}: its records belong to session 9d2c7b1e-4f3a-4c2b-8e1d-6a5b4c3d2e1f, read from 9d2c7b1e-4f3a-4c2b-8e1d-6a5b4c3d2e1f.jsonl`,
          },
        ],
      },
    ])
    expect(dumpDb(db)).toEqual({
      workspaces: [
        {
          id: ws('/home/dev/projects/todo-api'),
          name: 'todo-api',
          provider: 'claude-code',
          path: '/home/dev/projects/todo-api',
          sessions: 3,
          updated: '2026-02-07T08:00:04.500Z',
        },
        {
          id: ws('C:\\Users\\dev\\source\\repos\\Widget'),
          name: 'Widget',
          provider: 'claude-code',
          path: 'C:\\Users\\dev\\source\\repos\\Widget',
          sessions: 1,
          updated: '2025-06-02T07:30:09.000Z',
        },
        {
          id: ws('/Users/ana/code/café-app'),
          name: 'café-app',
          provider: 'claude-code',
          path: '/Users/ana/code/café-app',
          sessions: 2,
          updated: '2025-11-20T16:04:10.000Z',
        },
      ],
      sessions: [
        {
          id: '0b7c6d5e-8f90-4a1b-9c2d-3e4f5a6b7c8d',
          workspaceId: ws('C:\\Users\\dev\\source\\repos\\Widget'),
          provider: 'claude-code',
          title: 'Why does the Widget build fail on Windows with MSB3073 when the output path con…',
          model: 'claude-sonnet-4-20250514',
          messageCount: 3,
          created: '2025-06-02T07:30:00.000Z',
          updated: '2025-06-02T07:30:09.000Z',
          origin: 'harvest',
          sourceDeleted: false,
          messages: [
            {
              id: 'c-u1',
              index: 0,
              role: 'user',
              content:
                '   \n  Why does the Widget build fail on Windows with MSB3073 when the output path contains spaces and parentheses?\nIt works on CI.',
              timestamp: '2025-06-02T07:30:00.000Z',
              model: null,
              ...MESSAGE_DEFAULTS, toolInvocations: [],
            },
            {
              id: 'msg_C0',
              index: 1,
              role: 'assistant',
              content: 'No response requested.',
              timestamp: '2025-06-02T07:30:02.000Z',
              model: null,
              ...MESSAGE_DEFAULTS, toolInvocations: [],
            },
            {
              id: 'msg_C1',
              index: 2,
              role: 'assistant',
              content: 'The post-build step passes `$(OutDir)` unquoted; wrap it in quotes: `"$(OutDir)"`.',
              timestamp: '2025-06-02T07:30:09.000Z',
              model: 'claude-sonnet-4-20250514',
              ...MESSAGE_DEFAULTS, usage: usage({ inputTokens: 11, outputTokens: 77 }), toolInvocations: [],
            },
          ],
        },
        {
          id: '3f1e2d4c-5b6a-4798-8a9b-0c1d2e3f4a5b',
          workspaceId: ws('/Users/ana/code/café-app'),
          provider: 'claude-code',
          title: 'Japanese and Arabic error messages',
          model: 'claude-3-7-sonnet-20250219',
          messageCount: 10,
          created: '2025-11-20T16:00:00.000Z',
          updated: '2025-11-20T16:04:10.000Z',
          origin: 'harvest',
          sourceDeleted: false,
          messages: [
            {
              id: 'b-u1',
              index: 0,
              role: 'user',
              content: 'Übersetze die Fehlermeldungen ins Japanische 🇯🇵 — und prüfe die RTL-Ausgabe: مرحبا',
              timestamp: '2025-11-20T16:00:00.000Z',
              model: null,
              ...MESSAGE_DEFAULTS, toolInvocations: [],
            },
            {
              id: 'msg_B1',
              index: 1,
              role: 'assistant',
              content:
                'Klar! Hier sind die Übersetzungen:\n\n| Schlüssel | 日本語 |\n|---|---|\n| error.network | ネットワークエラー |\n| error.auth | 認証に失敗しました |',
              timestamp: '2025-11-20T16:00:04.000Z',
              model: 'claude-3-7-sonnet-20250219',
              ...MESSAGE_DEFAULTS, usage: usage({ inputTokens: 4, outputTokens: 50, cacheReadTokens: 9000, cacheWrite5mTokens: 1800 }), toolInvocations: [
                {
                  id: 'toolu_B1',
                  name: 'Task',
                  input: {
                    description: 'Check RTL',
                    prompt: 'Check the RTL rendering of the error banner',
                  },
                  output: 'The banner uses `dir="auto"`, so Arabic renders right-to-left. ✔',
                  status: 'success',
                },
              ],
            },
            {
              id: 'b-u3',
              index: 2,
              role: 'system',
              content:
                'Caveat: The messages below were generated by the user while running local commands. DO NOT respond to these messages or otherwise consider them in your response unless the user explicitly asks you to.',
              timestamp: '2025-11-20T16:01:00.000Z',
              model: null,
              ...MESSAGE_DEFAULTS, toolInvocations: [],
            },
            {
              id: 'b-u4',
              index: 3,
              role: 'user',
              content:
                '<command-name>/cost</command-name>\n            <command-message>cost</command-message>\n            <command-args></command-args>',
              timestamp: '2025-11-20T16:01:00.500Z',
              model: null,
              ...MESSAGE_DEFAULTS, toolInvocations: [],
            },
            {
              id: 'b-u5',
              index: 4,
              role: 'user',
              content: 'Und dieser Screenshot? 😅 \uFFFD\n\n[image]',
              timestamp: '2025-11-20T16:02:00.000Z',
              model: null,
              ...MESSAGE_DEFAULTS, toolInvocations: [],
            },
            {
              id: 'msg_B2',
              index: 5,
              role: 'assistant',
              content: KEY_INVENTORY,
              timestamp: '2025-11-20T16:02:30.000Z',
              model: 'claude-3-7-sonnet-20250219',
              ...MESSAGE_DEFAULTS, usage: usage({ inputTokens: 5, outputTokens: 61, cacheReadTokens: 10800, cacheWrite5mTokens: 420 }), toolInvocations: [],
            },
            {
              id: 'msg_B3',
              index: 6,
              role: 'assistant',
              content: '',
              timestamp: '2025-11-20T16:03:00.000Z',
              model: 'claude-3-7-sonnet-20250219',
              ...MESSAGE_DEFAULTS, usage: usage({ inputTokens: 2, outputTokens: 140, cacheReadTokens: 11220, cacheWrite5mTokens: 100 }), toolInvocations: [
                {
                  id: 'toolu_B2',
                  name: 'Read',
                  input: {
                    file_path: '/Users/ana/code/café-app/src/i18n/ja.json',
                  },
                  output: '{"error.network": "ネットワークエラー"}',
                  status: 'success',
                },
                {
                  id: 'toolu_B3',
                  name: 'Write',
                  input: {
                    file_path: '/Users/ana/code/café-app/src/i18n/ar.json',
                    content: '{"error.network": "خطأ في الشبكة"}',
                  },
                  output: 'File created successfully at: /Users/ana/code/café-app/src/i18n/ar.json',
                  status: 'success',
                },
              ],
            },
            {
              id: 'b-s1',
              index: 7,
              role: 'system',
              content: 'Conversation compacted',
              timestamp: '2025-11-20T16:04:00.000Z',
              model: null,
              ...MESSAGE_DEFAULTS, toolInvocations: [],
            },
            {
              id: 'b-u8',
              index: 8,
              role: 'system',
              content:
                'This session is being continued from a previous conversation that ran out of context. Summary: translations for ja and ar were added.',
              timestamp: '2025-11-20T16:04:01.000Z',
              model: null,
              ...MESSAGE_DEFAULTS, toolInvocations: [],
            },
            {
              id: 'msg_B4',
              index: 9,
              role: 'assistant',
              content: 'Both locale files are in place.',
              timestamp: '2025-11-20T16:04:10.000Z',
              model: 'claude-3-7-sonnet-20250219',
              ...MESSAGE_DEFAULTS, usage: usage({ inputTokens: 1, outputTokens: 22, cacheReadTokens: 11320, cacheWrite5mTokens: 0 }), toolInvocations: [],
            },
          ],
        },
        {
          id: '7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
          workspaceId: ws('/home/dev/projects/todo-api'),
          provider: 'claude-code',
          title: 'untested routes',
          model: 'claude-opus-4-6',
          messageCount: 2,
          created: '2026-02-07T08:00:01.000Z',
          updated: '2026-02-07T08:00:04.500Z',
          origin: 'harvest',
          sourceDeleted: false,
          messages: [
            {
              id: 'n-001',
              index: 0,
              role: 'user',
              content: 'which routes have no tests?',
              timestamp: '2026-02-07T08:00:01.000Z',
              model: null,
              ...MESSAGE_DEFAULTS, toolInvocations: [],
            },
            {
              id: 'msg_N1',
              index: 1,
              role: 'assistant',
              content: '`/healthz` and `DELETE /todos/:id` have none.',
              timestamp: '2026-02-07T08:00:04.500Z',
              model: 'claude-opus-4-6',
              ...MESSAGE_DEFAULTS, usage: usage({ inputTokens: 5, outputTokens: 41, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 6120 }), toolInvocations: [],
            },
          ],
        },
        {
          id: '9d2c7b1e-4f3a-4c2b-8e1d-6a5b4c3d2e1f',
          workspaceId: ws('/home/dev/projects/todo-api'),
          provider: 'claude-code',
          title: 'todo rename',
          model: 'claude-sonnet-4-5',
          messageCount: 7,
          created: '2026-02-03T09:15:02.118Z',
          updated: '2026-02-03T09:16:05.000Z',
          origin: 'harvest',
          sourceDeleted: false,
          messages: [
            {
              id: 'u-001',
              index: 0,
              role: 'user',
              content: 'rename getTodos to listTodos',
              timestamp: '2026-02-03T09:15:02.118Z',
              model: null,
              ...MESSAGE_DEFAULTS, toolInvocations: [],
            },
            {
              id: 'msg_01AAA',
              index: 1,
              role: 'assistant',
              content: "I'll update the function and its call sites.",
              timestamp: '2026-02-03T09:15:04.900Z',
              model: 'claude-sonnet-4-5',
              ...MESSAGE_DEFAULTS, usage: usage({ inputTokens: 3, outputTokens: 96, cacheReadTokens: 12034, cacheWrite5mTokens: 4521, cacheWrite1hTokens: 0 }), toolInvocations: [
                {
                  id: 'toolu_01E',
                  name: 'Edit',
                  input: {
                    file_path: '/home/dev/projects/todo-api/src/todos.ts',
                    old_string: 'export function getTodos(',
                    new_string: 'export function listTodos(',
                  },
                  output: 'The file src/todos.ts has been updated.',
                  status: 'success',
                },
              ],
            },
            {
              id: 'msg_01BBB',
              index: 2,
              role: 'assistant',
              content: '',
              timestamp: '2026-02-03T09:15:07.000Z',
              model: 'claude-sonnet-4-5',
              ...MESSAGE_DEFAULTS, usage: usage({ inputTokens: 6, outputTokens: 211, cacheReadTokens: 16555, cacheWrite5mTokens: 0, cacheWrite1hTokens: 812 }), toolInvocations: [
                {
                  id: 'toolu_01F',
                  name: 'Task',
                  input: {
                    description: 'Find call sites',
                    prompt: 'Find every call of getTodos in the repo',
                    subagent_type: 'general-purpose',
                  },
                  output: 'Found 2 call sites: src/routes.ts:12, test/todos.test.ts:4',
                  status: 'success',
                },
              ],
            },
            {
              id: 'msg_01CCC',
              index: 3,
              role: 'assistant',
              content: '',
              timestamp: '2026-02-03T09:15:21.000Z',
              model: 'claude-sonnet-4-5',
              ...MESSAGE_DEFAULTS, usage: usage({ inputTokens: 1, outputTokens: 45, cacheReadTokens: 17367, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0 }), toolInvocations: [
                {
                  id: 'toolu_01G',
                  name: 'Bash',
                  input: {
                    command: 'npm test',
                    description: 'Run tests',
                  },
                  output: 'Exit code 1\nFAIL test/todos.test.ts\n  ✕ lists todos (4 ms)',
                  status: 'error',
                },
              ],
            },
            {
              id: 'msg_01DDD',
              index: 4,
              role: 'assistant',
              content: 'The test still calls `getTodos`; I updated it too and the suite passes now.',
              timestamp: '2026-02-03T09:15:30.000Z',
              model: 'claude-opus-4-1',
              ...MESSAGE_DEFAULTS, usage: usage({ inputTokens: 4, outputTokens: 380, cacheReadTokens: 17367, cacheWrite5mTokens: 1290, cacheWrite1hTokens: 0 }), toolInvocations: [],
            },
            {
              id: 'u-005',
              index: 5,
              role: 'user',
              content: 'also update the README',
              timestamp: '2026-02-03T09:16:00.000Z',
              model: null,
              ...MESSAGE_DEFAULTS, toolInvocations: [],
            },
            {
              id: 'msg_01EEE',
              index: 6,
              role: 'assistant',
              content: 'README updated: `listTodos()` is documented now. ✅',
              timestamp: '2026-02-03T09:16:05.000Z',
              model: 'claude-sonnet-4-5',
              ...MESSAGE_DEFAULTS, usage: usage({ inputTokens: 2, outputTokens: 27, cacheReadTokens: 18657, cacheWrite5mTokens: 300, cacheWrite1hTokens: 0 }), toolInvocations: [],
            },
          ],
        },
        {
          id: 'agent-a4f9c21',
          workspaceId: ws('/home/dev/projects/todo-api'),
          provider: 'claude-code',
          title: 'Find call sites',
          model: 'claude-haiku-4-5',
          messageCount: 3,
          created: '2026-02-03T09:15:07.100Z',
          updated: '2026-02-03T09:15:19.000Z',
          origin: 'harvest',
          sourceDeleted: false,
          messages: [
            {
              id: 'sa-001',
              index: 0,
              role: 'user',
              content: 'Find every call of getTodos in the repo',
              timestamp: '2026-02-03T09:15:07.100Z',
              model: null,
              ...MESSAGE_DEFAULTS, toolInvocations: [],
            },
            {
              id: 'msg_02AAA',
              index: 1,
              role: 'assistant',
              content: '',
              timestamp: '2026-02-03T09:15:09.000Z',
              model: 'claude-haiku-4-5',
              ...MESSAGE_DEFAULTS, usage: usage({ inputTokens: 10, outputTokens: 64, cacheReadTokens: 0, cacheWrite5mTokens: 2048, cacheWrite1hTokens: 0 }), toolInvocations: [
                {
                  id: 'toolu_02A',
                  name: 'Grep',
                  input: {
                    pattern: 'getTodos\\(',
                    output_mode: 'content',
                  },
                  output: 'src/routes.ts:12:  getTodos(req.user)\ntest/todos.test.ts:4:  getTodos()',
                  status: 'success',
                },
              ],
            },
            {
              id: 'msg_02BBB',
              index: 2,
              role: 'assistant',
              content: 'Found 2 call sites: src/routes.ts:12, test/todos.test.ts:4',
              timestamp: '2026-02-03T09:15:19.000Z',
              model: 'claude-haiku-4-5',
              ...MESSAGE_DEFAULTS, usage: usage({ inputTokens: 3, outputTokens: 120, cacheReadTokens: 2048, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0 }), toolInvocations: [],
            },
          ],
        },
        {
          id: 'sidechain-s-u1',
          workspaceId: ws('/Users/ana/code/café-app'),
          provider: 'claude-code',
          title: 'Check the RTL rendering of the error banner',
          model: 'claude-3-5-haiku-20241022',
          messageCount: 2,
          created: '2025-11-20T16:00:05.000Z',
          updated: '2025-11-20T16:00:09.000Z',
          origin: 'harvest',
          sourceDeleted: false,
          messages: [
            {
              id: 's-u1',
              index: 0,
              role: 'user',
              content: 'Check the RTL rendering of the error banner',
              timestamp: '2025-11-20T16:00:05.000Z',
              model: null,
              ...MESSAGE_DEFAULTS, toolInvocations: [],
            },
            {
              id: 'msg_S1',
              index: 1,
              role: 'assistant',
              content: 'The banner uses `dir="auto"`, so Arabic renders right-to-left. ✔',
              timestamp: '2025-11-20T16:00:09.000Z',
              model: 'claude-3-5-haiku-20241022',
              ...MESSAGE_DEFAULTS, usage: usage({ inputTokens: 7, outputTokens: 30, cacheReadTokens: 0, cacheWrite5mTokens: 0 }), toolInvocations: [],
            },
          ],
        },
      ],
    })
  })

  test('a subagent transcript streams as its own session linked to its parent', async () => {
    using home = tempHome(fixtureTree('claude-code'))
    const path = '.claude/projects/-home-dev-projects-todo-api/9d2c7b1e-4f3a-4c2b-8e1d-6a5b4c3d2e1f/subagents/agent-a4f9c21.jsonl'
    expect(await partsOf(claudeCode, home.path, path)).toEqual([
      {
        kind: 'session',
        session: {
          id: 'agent-a4f9c21',
          title: 'Find call sites',
          model: null,
          created: null,
          updated: null,
          workspace: { key: '/home/dev/projects/todo-api', name: 'todo-api', path: '/home/dev/projects/todo-api' },
          metadata: {
            parentSessionId: '9d2c7b1e-4f3a-4c2b-8e1d-6a5b4c3d2e1f',
            agentId: 'a4f9c21',
            agentType: 'general-purpose',
            sidechain: true,
          },
        },
      },
      {
        kind: 'message',
        message: {
          id: 'sa-001',
          role: 'user',
          content: 'Find every call of getTodos in the repo',
          timestamp: Date.parse('2026-02-03T09:15:07.100Z'),
          model: null,
        },
      },
      {
        kind: 'tool-result',
        callId: 'toolu_02A',
        output: 'src/routes.ts:12:  getTodos(req.user)\ntest/todos.test.ts:4:  getTodos()',
        status: 'success',
      },
      {
        kind: 'message',
        message: {
          id: 'msg_02AAA',
          role: 'assistant',
          content: '',
          timestamp: Date.parse('2026-02-03T09:15:09.000Z'),
          model: 'claude-haiku-4-5',
          usage: usage({ inputTokens: 10, outputTokens: 64, cacheReadTokens: 0, cacheWrite5mTokens: 2048, cacheWrite1hTokens: 0 }),
          toolInvocations: [
            {
              id: 'toolu_02A',
              name: 'Grep',
              input: { pattern: 'getTodos\\(', output_mode: 'content' },
              output: null,
              status: null,
            },
          ],
        },
      },
      {
        kind: 'message',
        message: {
          id: 'msg_02BBB',
          role: 'assistant',
          content: 'Found 2 call sites: src/routes.ts:12, test/todos.test.ts:4',
          timestamp: Date.parse('2026-02-03T09:15:19.000Z'),
          model: 'claude-haiku-4-5',
          usage: usage({ inputTokens: 3, outputTokens: 120, cacheReadTokens: 2048, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0 }),
          toolInvocations: [],
        },
      },
      { kind: 'update', patch: { model: 'claude-haiku-4-5' } },
    ])
  })

  test('titles and models found late arrive as updates; sidechains become sessions linked to their parent', async () => {
    using home = tempHome(fixtureTree('claude-code'))
    const parts = await allParts(claudeCode, home.path)
    const sessions = parts.flatMap((part) =>
      part.kind === 'session' ? [[part.session.id, part.session.title, part.session.metadata]] : [],
    )
    const updates = parts.flatMap((part) => (part.kind === 'update' ? [part.patch] : []))
    expect(sessions).toEqual([
      ['3f1e2d4c-5b6a-4798-8a9b-0c1d2e3f4a5b', null, { gitBranch: 'i18n', version: '1.0.30' }],
      ['sidechain-s-u1', null, { parentSessionId: '3f1e2d4c-5b6a-4798-8a9b-0c1d2e3f4a5b', agentId: null, sidechain: true }],
      [
        'agent-a4f9c21',
        'Find call sites',
        {
          parentSessionId: '9d2c7b1e-4f3a-4c2b-8e1d-6a5b4c3d2e1f',
          agentId: 'a4f9c21',
          agentType: 'general-purpose',
          sidechain: true,
        },
      ],
      ['9d2c7b1e-4f3a-4c2b-8e1d-6a5b4c3d2e1f', null, { gitBranch: 'main', version: '2.1.40' }],
      ['7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f', null, { gitBranch: 'main', version: '2.1.52' }],
      ['0b7c6d5e-8f90-4a1b-9c2d-3e4f5a6b7c8d', null, { version: '0.2.9' }],
    ])
    expect(updates).toEqual([
      { title: 'Japanese and Arabic error messages', model: 'claude-3-7-sonnet-20250219' },
      { title: 'Check the RTL rendering of the error banner', model: 'claude-3-5-haiku-20241022' },
      { model: 'claude-haiku-4-5' },
      { title: 'todo rename', model: 'claude-sonnet-4-5' },
      { title: 'untested routes', model: 'claude-opus-4-6' },
      {
        title: 'Why does the Widget build fail on Windows with MSB3073 when the output path con…',
        model: 'claude-sonnet-4-20250514',
      },
    ])
  })

  test('corrupt transcripts are harvested as far as they parse and every problem is reported', async () => {
    using home = tempHome(garbage)
    using db = openTestDb()
    const summary = await harvestHome(db, [claudeCode], home.path)
    const dir = join(home.path, '.claude', 'projects', '-home-dev-broken')
    const problems = summary.providers[0]!.problems
    expect(problems.filter((p) => !p.source.startsWith(join(dir, '5555')))).toEqual([
      {
        source: join(dir, '11111111-1111-4111-8111-111111111111.jsonl'),
        message: 'line 3: incomplete last line (the file is still being written?)',
      },
      { source: join(dir, '22222222-2222-4222-8222-222222222222.jsonl'), message: "line 2: JSON Parse error: Expected '}'" },
      { source: join(dir, '33333333-3333-4333-8333-333333333333.jsonl'), message: 'empty file' },
      {
        source: join(dir, '44444444-4444-4444-8444-444444444444.jsonl'),
        message: 'line 1: user record without a message object',
      },
      {
        source: join(dir, '44444444-4444-4444-8444-444444444444.jsonl'),
        message: 'line 3: assistant content is neither text nor blocks',
      },
      { source: join(dir, '44444444-4444-4444-8444-444444444444.jsonl'), message: 'line 4: not a transcript record' },
      { source: join(dir, '44444444-4444-4444-8444-444444444444.jsonl'), message: 'line 5: not a transcript record' },
      {
        source: join(dir, '44444444-4444-4444-8444-444444444444.jsonl'),
        message: 'line 6: user content is neither text nor blocks',
      },
    ])
    const binary = problems.filter((p) => p.source.startsWith(join(dir, '5555'))).map((p) => p.message)
    // Ten bad lines one by one, then the unterminated last line, then a count of the rest.
    expect(binary.length).toBe(12)
    expect(binary.slice(0, 10).every((message) => /^line \d+: JSON Parse error: /.test(message))).toBe(true)
    expect(binary.slice(10)).toEqual([
      expect.stringMatching(/^line \d+: incomplete last line \(the file is still being written\?\)$/),
      expect.stringMatching(/^\d+ more bad lines not listed$/),
    ])

    const broken = { id: ws('/home/dev/broken'), name: 'broken', provider: 'claude-code', path: '/home/dev/broken' }
    const prompt =
      '   \n  Why does the Widget build fail on Windows with MSB3073 when the output path contains spaces and parentheses?\nIt works on CI.'
    const title = 'Why does the Widget build fail on Windows with MSB3073 when the output path con…'
    const userMessage: Message = {
      id: 'c-u1',
      index: 0,
      role: 'user',
      content: prompt,
      timestamp: '2025-06-02T07:30:00.000Z',
      model: null,
      ...MESSAGE_DEFAULTS, toolInvocations: [],
    }
    const session = (id: string, messages: Message[], updated: string, model: string | null, sessionTitle = title) => ({
      id,
      workspaceId: broken.id,
      provider: 'claude-code',
      title: sessionTitle,
      model,
      messageCount: messages.length,
      created: messages[0]?.timestamp ?? null,
      updated,
      origin: 'harvest' as const,
      sourceDeleted: false,
      messages,
    })
    expect(dumpDb(db)).toEqual({
      workspaces: [{ ...broken, sessions: 3, updated: '2026-01-01T00:00:04.000Z' }],
      sessions: [
        session(
          '11111111-1111-4111-8111-111111111111',
          [
            userMessage,
            {
              id: 'msg_C0',
              index: 1,
              role: 'assistant',
              content: 'No response requested.',
              timestamp: '2025-06-02T07:30:02.000Z',
              model: null,
              ...MESSAGE_DEFAULTS, toolInvocations: [],
            },
          ],
          '2025-06-02T07:30:02.000Z',
          null,
        ),
        session(
          '22222222-2222-4222-8222-222222222222',
          [
            userMessage,
            {
              id: 'msg_C1',
              index: 1,
              role: 'assistant',
              content: 'The post-build step passes `$(OutDir)` unquoted; wrap it in quotes: `"$(OutDir)"`.',
              timestamp: '2025-06-02T07:30:09.000Z',
              model: 'claude-sonnet-4-20250514',
              ...MESSAGE_DEFAULTS, usage: usage({ inputTokens: 11, outputTokens: 77 }), toolInvocations: [],
            },
          ],
          '2025-06-02T07:30:09.000Z',
          'claude-sonnet-4-20250514',
        ),
        session(
          '44444444-4444-4444-8444-444444444444',
          [
            {
              id: 'w-2',
              index: 0,
              role: 'user',
              content: 'still here',
              timestamp: '2026-01-01T00:00:01.000Z',
              model: null,
              ...MESSAGE_DEFAULTS, toolInvocations: [],
            },
            {
              id: 'msg_V',
              index: 1,
              role: 'assistant',
              content: '',
              timestamp: '2026-01-01T00:00:04.000Z',
              model: null,
              ...MESSAGE_DEFAULTS, toolInvocations: [{ id: 'msg_V#0', name: 'unknown', input: null, output: null, status: null }],
            },
          ],
          '2026-01-01T00:00:04.000Z',
          null,
          'still here',
        ),
      ],
    })
  })

  test('a truncated last line marks the session incomplete', async () => {
    using home = tempHome(garbage)
    const parts = await partsOf(
      claudeCode,
      home.path,
      '.claude/projects/-home-dev-broken/11111111-1111-4111-8111-111111111111.jsonl',
    )
    expect(parts.at(-1)).toEqual({
      kind: 'update',
      patch: { title: 'Why does the Widget build fail on Windows with MSB3073 when the output path con…', incomplete: true },
    })
  })

  test('a second harvest skips every unchanged source; an appended line replaces that session', async () => {
    using home = tempHome(fixtureTree('claude-code'))
    using db = openTestDb()
    const first = await harvestHome(db, [claudeCode], home.path)
    const second = await harvestHome(db, [claudeCode], home.path)
    // The journal's problem lies in its content: reported once, not again until the file changes.
    expect(second.providers).toEqual([
      { ...first.providers[0]!, harvested: 0, skipped: 7, sessions: 0, messages: 0, workspaces: 0, problems: [] },
    ])
    appendFileSync(
      join(home.path, '.claude', 'projects', WIDGET),
      `${JSON.stringify({
        parentUuid: 'c-a2',
        isSidechain: false,
        type: 'user',
        message: { role: 'user', content: 'thanks, that fixed it 🎉' },
        uuid: 'c-u2',
        timestamp: '2025-06-02T07:35:00.000Z',
        sessionId: '0b7c6d5e-8f90-4a1b-9c2d-3e4f5a6b7c8d',
      })}\n`,
    )
    const third = await harvestHome(db, [claudeCode], home.path)
    expect(third.providers).toEqual([
      {
        provider: 'claude-code',
        sources: 7,
        harvested: 1,
        skipped: 6,
        sessions: 1,
        messages: 4,
        workspaces: 1,
        gone: 0,
        problems: [],
      },
    ])
    const session = getSession(db.sqlite, '0b7c6d5e-8f90-4a1b-9c2d-3e4f5a6b7c8d')
    expect([session.messageCount, session.updated, session.messages.at(-1)]).toEqual([
      4,
      '2025-06-02T07:35:00.000Z',
      {
        id: 'c-u2',
        index: 3,
        role: 'user',
        content: 'thanks, that fixed it 🎉',
        timestamp: '2025-06-02T07:35:00.000Z',
        model: null,
        ...MESSAGE_DEFAULTS, toolInvocations: [],
      },
    ])
  })

  test('CLAUDE_CONFIG_DIR is honoured for the real home and ignored under an overridden home', async () => {
    using home = tempHome({})
    using config = tempHome(fixtureTree('claude-code')['.claude'] as Tree)
    const real: ProviderContext = {
      home: home.path,
      homeOverridden: false,
      platform: 'linux',
      env: { CLAUDE_CONFIG_DIR: config.path },
    }
    expect(await claudeCode.locate(real)).toEqual([join(config.path, 'projects')])
    expect(await claudeCode.locate({ ...real, homeOverridden: true })).toEqual([])
    const sources: string[] = []
    for await (const source of claudeCode.discover(real)) sources.push(source.path)
    expect(sources.length).toBe(7)
  })

  test('a multi-megabyte transcript is harvested in full, with huge tool outputs truncated', async () => {
    using home = tempHome({})
    const generated = await writeClaudeTranscript(home.path, 6 * 1024 * 1024, TOOL_OUTPUT_MAX_CHARS + 1000)
    using db = openTestDb()
    const summary = await harvestHome(db, [claudeCode], home.path)
    expect(summary.providers[0]).toEqual({
      provider: 'claude-code',
      sources: 1,
      harvested: 1,
      skipped: 0,
      sessions: 1,
      messages: generated.messages,
      workspaces: 1,
      gone: 0,
      problems: [],
    })
    expect(generated.turns).toBeGreaterThan(10)
    const session = getSession(db.sqlite, generated.sessionId)
    expect(session.messages.reduce((n, m) => n + m.toolInvocations.length, 0)).toBe(generated.toolInvocations)
    const last = generated.turns - 1
    expect(
      session.messages
        .slice(-2)
        .map(({ index, role, content, toolInvocations }) => ({ index, role, content, tools: toolInvocations.length })),
    ).toEqual([
      { index: generated.messages - 2, role: 'assistant', content: `Running the build (turn ${last}).`, tools: 1 },
      {
        index: generated.messages - 1,
        role: 'assistant',
        content: `The build passed; nothing changed in turn ${last}.`,
        tools: 0,
      },
    ])
    const output = session.messages.at(-2)!.toolInvocations[0]!.output!
    expect(output.length).toBe(
      TOOL_OUTPUT_MAX_CHARS + `\n… [truncated: ${TOOL_OUTPUT_MAX_CHARS + 1000} characters in total]`.length,
    )
    expect(output.endsWith(`\n… [truncated: ${TOOL_OUTPUT_MAX_CHARS + 1000} characters in total]`)).toBe(true)
  })
})
