import { describe, expect, test } from 'bun:test'
import { appendFileSync } from 'node:fs'
import { join } from 'node:path'
import { getSession, workspaceIdFor, type Message } from '../../../src/db'
import type { ProviderContext } from '../../../src/harvest'
import { geminiCli } from '../../../src/harvest/providers/gemini-cli'
import { openTestDb } from '../../support/db'
import { dumpDb, harvestHome } from '../../support/harvest'
import { allParts, discoveredPaths, partsOf } from '../../support/parts'
import { fixtureTree, tempHome, touch, type Tree } from '../../support/temp'
import { providerContract } from '../provider-contract'
import { MESSAGE_DEFAULTS, usage } from '../../support/sessions'

const ws = (key: string) => workspaceIdFor('gemini-cli', key)
const NOTES = Array.from({ length: 1200 }, (_, i) => `${i + 1}. メモ ${i + 1}: «résumé» — note ${i + 1}`).join('\n')
const meta = (id: string) =>
  JSON.stringify({
    sessionId: id,
    projectHash: 'broken',
    startTime: '2026-01-01T00:00:00.000Z',
    lastUpdated: '2026-01-01T00:00:00.000Z',
    kind: 'main',
  })
const user = (id: string, text: string, second: number) =>
  JSON.stringify({ id, timestamp: `2026-01-01T00:00:0${second}.000Z`, type: 'user', content: [{ text }] })

const garbage: Tree = {
  '.gemini': {
    tmp: {
      broken: {
        '.project_root': '/home/dev/broken\n',
        chats: {
          // Still being written: the last line stops mid-record.
          'session-2026-01-01T00-00-aaaa0001.jsonl': `${meta('aaaa0001')}\n${user('t1', 'first words', 1)}\n{"id":"t2","type":"gemini","content":"half`,
          'session-2026-01-01T00-00-aaaa0002.jsonl': `${meta('aaaa0002')}\n{"id":"m1",\n${user('m2', 'after the bad line', 2)}\n`,
          'session-2026-01-01T00-00-aaaa0003.jsonl': '',
          'session-2026-01-01T00-00-aaaa0004.jsonl': [
            meta('aaaa0004'),
            '{"id":5,"type":"user","content":"numeric id"}',
            '{"$set":"nope"}',
            '{"sessionId":"aaaa0004","messages":"nope"}',
            '[1]',
            user('w1', 'the only good message', 3),
            '',
          ].join('\n'),
          'session-2026-01-01T00-00-aaaa0005.json': '{"sessionId": "aaaa0005", "messages": [',
          'session-2026-01-01T00-00-aaaa0006.json': '[1,2]',
          'session-2026-01-01T00-00-aaaa0007.jsonl': new Uint8Array([0xef, 0xbb, 0xbf, 0x00, 0x01, 0x02, 0x0a, 0xc3, 0x28, 0x0a]),
        },
      },
    },
  },
}

providerContract(geminiCli, { fixture: fixtureTree('gemini-cli'), garbage })

const HISTORY_SESSION = 'session-2025-08-12T09-30-4b5c6d7e'
const CHECKPOINT_SESSION = 'todo-api/checkpoint-before-refactor'
/** Chat histories record no times: they take their file's, set here to fixed ones. */
function historyTimes(home: string) {
  const project = join(home, '.gemini', 'tmp', 'todo-api')
  touch(join(project, 'chats', `${HISTORY_SESSION}.json`), new Date('2025-08-12T09:31:00.000Z'))
  touch(join(project, 'checkpoint-before-refactor.json'), new Date('2025-08-13T10:00:00.000Z'))
}

describe('gemini-cli', () => {
  test('discovers chats, subagent chats and /chat save checkpoints, preferring a migrated .jsonl over its legacy .json', async () => {
    using home = tempHome(fixtureTree('gemini-cli'))
    expect(await discoveredPaths(geminiCli, home.path)).toEqual([
      '.gemini/tmp/5d41402abc4b2a76b9719d911017c592aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/chats/session-2025-09-01T07-00-aa00bb11.json',
      '.gemini/tmp/project/chats/session-2026-04-10T21-05-3c4d5e6f.jsonl',
      '.gemini/tmp/todo-api/checkpoint-before-refactor.json',
      '.gemini/tmp/todo-api/chats/6f1d2c3b-aa11-4b22-8c33-d44e55f66a77/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d.jsonl',
      '.gemini/tmp/todo-api/chats/session-2025-08-12T09-30-4b5c6d7e.json',
      '.gemini/tmp/todo-api/chats/session-2025-11-02T14-00-9f8e7d6c.json',
      '.gemini/tmp/todo-api/chats/session-2026-01-15T10-02-1a2b3c4d.json',
      '.gemini/tmp/todo-api/chats/session-2026-02-01T12-00-7e8f9a0b.jsonl',
      '.gemini/tmp/todo-api/chats/session-2026-03-01T08-40-6f1d2c3b.jsonl',
    ])
  })

  test('harvests the fixture home exactly, replaying upserts, checkpoints and rewinds', async () => {
    using home = tempHome(fixtureTree('gemini-cli'))
    using db = openTestDb()
    historyTimes(home.path)
    const summary = await harvestHome(db, [geminiCli], home.path)
    const drifted = join(home.path, '.gemini', 'tmp', 'project', 'chats', 'session-2026-04-10T21-05-3c4d5e6f.jsonl')
    expect(summary.providers).toEqual([
      {
        provider: 'gemini-cli',
        sources: 9,
        harvested: 9,
        skipped: 0,
        sessions: 9,
        messages: 33,
        workspaces: 3,
        gone: 0,
        // A message type this reader does not know is format drift: reported, the rest harvested.
        problems: [{ source: drifted, message: 'line 9: unknown message type "thinking_v2"' }],
      },
    ])
    // The chat histories and the id-less messages have a test of their own below.
    const dump = dumpDb(db)
    const own = new Set([HISTORY_SESSION, CHECKPOINT_SESSION, '9f8e7d6c-5b4a-4392-8817-263544536271'])
    expect({ ...dump, sessions: dump.sessions.filter((session) => !own.has(session.id)) }).toEqual({
      workspaces: [
        {
          id: ws('/home/dev/notes/日本語-メモ'),
          name: '日本語-メモ',
          provider: 'gemini-cli',
          path: '/home/dev/notes/日本語-メモ',
          sessions: 1,
          updated: '2026-04-10T21:09:02.000Z',
        },
        {
          id: ws('5d41402abc4b2a76b9719d911017c592aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'),
          name: '5d41402abc4b2a76b9719d911017c592aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
          provider: 'gemini-cli',
          path: null,
          sessions: 1,
          updated: '2025-09-01T07:00:30.000Z',
        },
        {
          id: ws('/home/dev/projects/todo-api'),
          name: 'todo-api',
          provider: 'gemini-cli',
          path: '/home/dev/projects/todo-api',
          sessions: 7,
          updated: '2026-03-01T08:42:10.000Z',
        },
      ],
      sessions: [
        {
          id: '1a2b3c4d-0000-4000-8000-000000000000',
          workspaceId: ws('/home/dev/projects/todo-api'),
          provider: 'gemini-cli',
          title: 'hello',
          model: 'gemini-2.5-flash',
          messageCount: 2,
          created: '2026-01-15T10:02:00.000Z',
          updated: '2026-01-15T10:03:00.000Z',
          origin: 'harvest',
          sourceDeleted: false,
          messages: [
            {
              id: 'x1',
              index: 0,
              role: 'user',
              content: 'hello',
              timestamp: '2026-01-15T10:02:01.000Z',
              model: null,
              ...MESSAGE_DEFAULTS, toolInvocations: [],
            },
            {
              id: 'x2',
              index: 1,
              role: 'assistant',
              content: 'Hi! What are we building?',
              timestamp: '2026-01-15T10:02:03.000Z',
              model: 'gemini-2.5-flash',
              ...MESSAGE_DEFAULTS, toolInvocations: [],
            },
          ],
        },
        {
          id: '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f',
          workspaceId: ws('/home/dev/notes/日本語-メモ'),
          provider: 'gemini-cli',
          title: 'draft an outline',
          model: 'gemini-2.5-pro',
          messageCount: 7,
          created: '2026-04-10T21:05:00.000Z',
          updated: '2026-04-10T21:09:02.000Z',
          origin: 'harvest',
          sourceDeleted: false,
          messages: [
            {
              id: 'n-1',
              index: 0,
              role: 'user',
              content: 'draft an outline',
              timestamp: '2026-04-10T21:05:10.000Z',
              model: null,
              ...MESSAGE_DEFAULTS, toolInvocations: [],
            },
            {
              id: 'n-2b',
              index: 1,
              role: 'assistant',
              content: '# Outline 📝\n\n1. Einführung\n2. 本論\n3. خاتمة',
              timestamp: '2026-04-10T21:05:59.000Z',
              model: 'gemini-2.5-flash',
              ...MESSAGE_DEFAULTS, toolInvocations: [],
            },
            {
              id: 'n-3',
              index: 2,
              role: 'system',
              content: '[API Error: 429 Resource exhausted]',
              timestamp: '2026-04-10T21:07:00.000Z',
              model: null,
              ...MESSAGE_DEFAULTS, toolInvocations: [],
            },
            {
              id: 'n-4',
              index: 3,
              role: 'user',
              content: 'list every note with its number\n[image/png]',
              timestamp: '2026-04-10T21:07:30.000Z',
              model: null,
              ...MESSAGE_DEFAULTS, toolInvocations: [],
            },
            {
              id: 'n-5',
              index: 4,
              role: 'assistant',
              content: NOTES,
              timestamp: '2026-04-10T21:08:00.000Z',
              model: 'gemini-2.5-pro',
              ...MESSAGE_DEFAULTS, toolInvocations: [],
            },
            {
              id: 'n-8',
              index: 5,
              role: 'user',
              content: 'start over: just the first note',
              timestamp: '2026-04-10T21:09:00.000Z',
              model: null,
              ...MESSAGE_DEFAULTS, toolInvocations: [],
            },
            {
              id: 'n-9',
              index: 6,
              role: 'assistant',
              content: '1. メモ 1: «résumé» — note 1',
              timestamp: '2026-04-10T21:09:02.000Z',
              model: 'gemini-2.5-pro',
              ...MESSAGE_DEFAULTS, usage: usage({ inputTokens: 71680, outputTokens: 3187, cacheReadTokens: 180224 }), toolInvocations: [],
            },
          ],
        },
        {
          id: '6f1d2c3b-aa11-4b22-8c33-d44e55f66a77',
          workspaceId: ws('/home/dev/projects/todo-api'),
          provider: 'gemini-cli',
          title: 'List routes',
          model: 'gemini-3-pro-preview',
          messageCount: 5,
          created: '2026-03-01T08:40:12.001Z',
          updated: '2026-03-01T08:42:10.000Z',
          origin: 'harvest',
          sourceDeleted: false,
          messages: [
            {
              id: 'm-1',
              index: 0,
              role: 'user',
              content: 'list the routes',
              timestamp: '2026-03-01T08:40:20.500Z',
              model: null,
              ...MESSAGE_DEFAULTS, toolInvocations: [],
            },
            {
              id: 'm-2',
              index: 1,
              role: 'assistant',
              content: 'There are 3 routes: `/todos`, `/todos/:id`, `/healthz`.',
              timestamp: '2026-03-01T08:40:24.100Z',
              model: 'gemini-2.5-pro',
              ...MESSAGE_DEFAULTS, usage: usage({ inputTokens: 2300, outputTokens: 95, cacheReadTokens: 0 }), toolInvocations: [
                {
                  id: 'grep-1',
                  name: 'search_file_content',
                  input: {
                    pattern: 'router\\.',
                  },
                  output: "src/routes.ts:3 router.get('/todos'...",
                  status: 'success',
                },
              ],
            },
            {
              id: 'm-4',
              index: 2,
              role: 'user',
              content: 'add a DELETE route for @src/routes.ts',
              timestamp: '2026-03-01T08:42:00.000Z',
              model: null,
              ...MESSAGE_DEFAULTS, toolInvocations: [],
            },
            {
              id: 'm-5',
              index: 3,
              role: 'assistant',
              content: 'Added `DELETE /todos/:id`. The edit to the test file was cancelled.',
              timestamp: '2026-03-01T08:42:09.000Z',
              model: 'gemini-3-pro-preview',
              ...MESSAGE_DEFAULTS, usage: usage({ inputTokens: 2753, outputTokens: 274, cacheReadTokens: 4096 }), toolInvocations: [
                {
                  id: 'edit-1',
                  name: 'replace',
                  input: {
                    file_path: '/home/dev/projects/todo-api/src/routes.ts',
                    old_string: 'export default router;',
                    new_string: "router.delete('/todos/:id', remove);\nexport default router;",
                  },
                  output: 'Successfully modified file: /home/dev/projects/todo-api/src/routes.ts (1 replacements).',
                  status: 'success',
                },
                {
                  id: 'edit-2',
                  name: 'write_file',
                  input: {
                    file_path: '/home/dev/projects/todo-api/src/routes.test.ts',
                    content: "test('DELETE', () => {})",
                  },
                  output: 'Cancelled by user.',
                  status: 'cancelled',
                },
              ],
            },
            {
              id: 'm-6',
              index: 4,
              role: 'system',
              content: 'Request cancelled.',
              timestamp: '2026-03-01T08:42:10.000Z',
              model: null,
              ...MESSAGE_DEFAULTS, toolInvocations: [],
            },
          ],
        },
        {
          id: '7e8f9a0b-1111-4222-8333-944455566677',
          workspaceId: ws('/home/dev/projects/todo-api'),
          provider: 'gemini-cli',
          title: 'what does `pnpm why` do?',
          model: 'gemini-2.5-flash',
          messageCount: 4,
          created: '2026-02-01T12:00:00.000Z',
          updated: '2026-02-05T09:00:03.000Z',
          origin: 'harvest',
          sourceDeleted: false,
          messages: [
            {
              id: 'p1',
              index: 0,
              role: 'user',
              content: 'what does `pnpm why` do?',
              timestamp: '2026-02-01T12:00:01.000Z',
              model: null,
              ...MESSAGE_DEFAULTS, toolInvocations: [],
            },
            {
              id: 'p2',
              index: 1,
              role: 'assistant',
              content: 'It shows why a package is installed.',
              timestamp: '2026-02-01T12:00:04.000Z',
              model: 'gemini-2.5-flash',
              ...MESSAGE_DEFAULTS, usage: usage({ inputTokens: 1510, outputTokens: 12, cacheReadTokens: 0 }), toolInvocations: [],
            },
            {
              id: 'p3',
              index: 2,
              role: 'user',
              content: 'and `pnpm dedupe`?',
              timestamp: '2026-02-05T09:00:00.000Z',
              model: null,
              ...MESSAGE_DEFAULTS, toolInvocations: [],
            },
            {
              id: 'p4',
              index: 3,
              role: 'assistant',
              content: 'It removes duplicate versions from the lockfile.',
              timestamp: '2026-02-05T09:00:03.000Z',
              model: 'gemini-2.5-flash',
              ...MESSAGE_DEFAULTS, usage: usage({ inputTokens: 586, outputTokens: 102, cacheReadTokens: 1024 }), toolInvocations: [],
            },
          ],
        },
        {
          id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
          workspaceId: ws('/home/dev/projects/todo-api'),
          provider: 'gemini-cli',
          title: 'Find where routes are registered',
          model: 'gemini-2.5-flash',
          messageCount: 2,
          created: '2026-03-01T08:42:01.000Z',
          updated: '2026-03-01T08:42:04.000Z',
          origin: 'harvest',
          sourceDeleted: false,
          messages: [
            {
              id: 'sub-1',
              index: 0,
              role: 'user',
              content: 'Find where routes are registered',
              timestamp: '2026-03-01T08:42:01.000Z',
              model: null,
              ...MESSAGE_DEFAULTS, toolInvocations: [],
            },
            {
              id: 'sub-2',
              index: 1,
              role: 'assistant',
              content: 'Routes are registered in src/app.ts via `app.use(router)`.',
              timestamp: '2026-03-01T08:42:04.000Z',
              model: 'gemini-2.5-flash',
              ...MESSAGE_DEFAULTS, toolInvocations: [],
            },
          ],
        },
        {
          id: 'aa00bb11-2222-4333-8444-955566677788',
          workspaceId: ws('5d41402abc4b2a76b9719d911017c592aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'),
          provider: 'gemini-cli',
          title: 'what is a monad',
          model: 'gemini-1.5-pro',
          messageCount: 2,
          created: '2025-09-01T07:00:00.000Z',
          updated: '2025-09-01T07:00:30.000Z',
          origin: 'harvest',
          sourceDeleted: false,
          messages: [
            {
              id: 'h1',
              index: 0,
              role: 'user',
              content: 'what is a monad',
              timestamp: '2025-09-01T07:00:05.000Z',
              model: null,
              ...MESSAGE_DEFAULTS, toolInvocations: [],
            },
            {
              id: 'h2',
              index: 1,
              role: 'assistant',
              content: 'A monoid in the category of endofunctors.',
              timestamp: '2025-09-01T07:00:30.000Z',
              model: 'gemini-1.5-pro',
              ...MESSAGE_DEFAULTS, toolInvocations: [],
            },
          ],
        },
      ],
    })
  })

  test('chat histories (`/chat save` checkpoints, `{history}` session files) and messages without ids are read', async () => {
    using home = tempHome(fixtureTree('gemini-cli'))
    using db = openTestDb()
    historyTimes(home.path)
    await harvestHome(db, [geminiCli], home.path)
    const todo = ws('/home/dev/projects/todo-api')
    const brief = (id: string) => {
      const session = getSession(db.sqlite, id)
      return {
        workspaceId: session.workspaceId,
        title: session.title,
        updated: session.updated,
        messages: session.messages.map(({ id, role, content, metadata, usage, toolInvocations }) => ({ id, role, content: content.split('\n')[0], metadata, usage, toolInvocations })),
      }
    }
    const said = (id: string, role: Message['role'], content: string) => ({ id, role, content, metadata: null, usage: null, toolInvocations: [] })
    const setup = 'This is the Gemini CLI. We are setting up the context for our chat.'
    expect(brief(HISTORY_SESSION)).toEqual({
      workspaceId: todo,
      title: 'which port does the server listen on?',
      updated: '2025-08-12T09:31:00.000Z',
      messages: [
        // The context the CLI sends first is not something the user typed.
        said('history[0]', 'system', setup),
        said('history[1]', 'assistant', 'Got it. Thanks for the context!'),
        said('history[2]', 'user', 'which port does the server listen on?'),
        {
          id: 'history[3]',
          role: 'assistant',
          content: '',
          metadata: { thinking: "**Finding the listen call**\n\nI'll search for `listen(`." },
          usage: null,
          toolInvocations: [
            {
              id: 'history[3]#1',
              name: 'search_file_content',
              input: { pattern: 'listen\\(' },
              output: 'Found 1 match\nsrc/server.ts:9: app.listen(process.env.PORT ?? 3000)',
              status: 'success',
            },
          ],
        },
        said('history[5]', 'assistant', 'It listens on `PORT`, or 3000 when `PORT` is not set.'),
      ],
    })
    expect(brief(CHECKPOINT_SESSION)).toEqual({
      workspaceId: todo,
      title: 'plan the move from Express to Hono',
      updated: '2025-08-13T10:00:00.000Z',
      messages: [
        said('history[0]', 'system', setup),
        said('history[1]', 'assistant', 'Got it. Thanks for the context!'),
        said('history[2]', 'user', 'plan the move from Express to Hono'),
        said('history[3]', 'assistant', '1. Replace the router.'),
      ],
    })
    expect(brief('9f8e7d6c-5b4a-4392-8817-263544536271')).toEqual({
      workspaceId: todo,
      title: 'what is in .env.example?',
      updated: '2025-11-02T14:00:40.000Z',
      messages: [
        said('messages[0]', 'user', 'what is in .env.example?'),
        // 5,210 prompt tokens of which 4,096 cached; 9 output + 120 thinking tokens.
        { ...said('messages[1]', 'assistant', '`PORT` and `DATABASE_URL`.'), usage: usage({ inputTokens: 1114, outputTokens: 129, cacheReadTokens: 4096 }) },
      ],
    })
  })

  test('session headers carry the kind, extra directories and the parent of a subagent chat', async () => {
    using home = tempHome(fixtureTree('gemini-cli'))
    const headers = (await allParts(geminiCli, home.path)).flatMap((part) =>
      part.kind === 'session' ? [[part.session.id, part.session.incomplete, part.session.metadata]] : [],
    )
    expect(headers).toEqual([
      ['aa00bb11-2222-4333-8444-955566677788', false, null],
      [
        '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f',
        false,
        { kind: 'main', directories: ['/home/dev/notes/日本語-メモ', '/home/dev/notes/shared'] },
      ],
      [CHECKPOINT_SESSION, false, null],
      [
        '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
        false,
        { kind: 'subagent', parentSessionId: '6f1d2c3b-aa11-4b22-8c33-d44e55f66a77' },
      ],
      [HISTORY_SESSION, false, null],
      ['9f8e7d6c-5b4a-4392-8817-263544536271', false, null],
      ['1a2b3c4d-0000-4000-8000-000000000000', false, null],
      ['7e8f9a0b-1111-4222-8333-944455566677', false, { kind: 'main' }],
      ['6f1d2c3b-aa11-4b22-8c33-d44e55f66a77', false, { kind: 'main' }],
    ])
  })

  test('rewinding to an unknown id drops every message', async () => {
    using home = tempHome({
      '.gemini': {
        tmp: {
          p: {
            chats: {
              'session-2026-01-01T00-00-bbbb0001.jsonl': [
                meta('bbbb0001'),
                user('a', 'one', 1),
                user('b', 'two', 2),
                '{"$rewindTo":"zzz"}',
                user('c', 'three', 3),
                '',
              ].join('\n'),
            },
          },
        },
      },
    })
    const messages = (await allParts(geminiCli, home.path)).flatMap((part) => (part.kind === 'message' ? [part.message.id] : []))
    expect(messages).toEqual(['c'])
  })

  test('corrupt chats are harvested as far as they parse and every problem is reported', async () => {
    using home = tempHome(garbage)
    using db = openTestDb()
    const summary = await harvestHome(db, [geminiCli], home.path)
    const at = (name: string) => join(home.path, '.gemini', 'tmp', 'broken', 'chats', `session-2026-01-01T00-00-${name}`)
    expect(summary.providers[0]!.problems).toEqual([
      { source: at('aaaa0001.jsonl'), message: 'line 3: incomplete last line (the file is still being written?)' },
      { source: at('aaaa0002.jsonl'), message: 'line 2: JSON Parse error: Property name must be a string literal' },
      { source: at('aaaa0003.jsonl'), message: 'empty file' },
      { source: at('aaaa0004.jsonl'), message: 'line 3: $set is not an object' },
      { source: at('aaaa0004.jsonl'), message: 'line 4: messages is not an array' },
      { source: at('aaaa0004.jsonl'), message: 'line 5: not a JSON object' },
      { source: at('aaaa0005.json'), message: 'invalid JSON: JSON Parse error: Unexpected EOF' },
      { source: at('aaaa0006.json'), message: 'not a session object' },
      { source: at('aaaa0007.jsonl'), message: "line 1: JSON Parse error: Unrecognized token '\u0000'" },
      { source: at('aaaa0007.jsonl'), message: "line 2: JSON Parse error: Unrecognized token '\uFFFD'" },
    ])
    const broken = ws('/home/dev/broken')
    const message = (id: string, content: string, second: number) => ({
      id,
      index: 0,
      role: 'user' as const,
      content,
      timestamp: `2026-01-01T00:00:0${second}.000Z`,
      model: null,
      ...MESSAGE_DEFAULTS, toolInvocations: [],
    })
    expect(dumpDb(db).sessions.map(({ id, workspaceId, title, messages }) => ({ id, workspaceId, title, messages }))).toEqual([
      { id: 'aaaa0001', workspaceId: broken, title: 'first words', messages: [message('t1', 'first words', 1)] },
      { id: 'aaaa0002', workspaceId: broken, title: 'after the bad line', messages: [message('m2', 'after the bad line', 2)] },
      {
        // A message whose id is not a string cannot be replaced later, but it is kept.
        id: 'aaaa0004',
        workspaceId: broken,
        title: 'numeric id',
        messages: [
          { ...message('line-2', 'numeric id', 0), timestamp: null },
          { ...message('w1', 'the only good message', 3), index: 1 },
        ],
      },
    ])
    const truncated = await partsOf(geminiCli, home.path, '.gemini/tmp/broken/chats/session-2026-01-01T00-00-aaaa0001.jsonl')
    expect(truncated.find((part) => part.kind === 'session')).toMatchObject({ session: { id: 'aaaa0001', incomplete: true } })
  })

  test('a second harvest skips unchanged chats; an appended line replaces that session', async () => {
    using home = tempHome(fixtureTree('gemini-cli'))
    using db = openTestDb()
    await harvestHome(db, [geminiCli], home.path)
    const second = await harvestHome(db, [geminiCli], home.path)
    expect([second.providers[0]!.harvested, second.providers[0]!.skipped]).toEqual([0, 9])
    appendFileSync(
      join(home.path, '.gemini', 'tmp', 'todo-api', 'chats', 'session-2026-03-01T08-40-6f1d2c3b.jsonl'),
      '{"$set":{"summary":"Routes: list and delete","lastUpdated":"2026-03-01T09:00:00.000Z"}}\n',
    )
    const third = await harvestHome(db, [geminiCli], home.path)
    expect(third.providers[0]).toEqual({
      provider: 'gemini-cli',
      sources: 9,
      harvested: 1,
      skipped: 8,
      sessions: 1,
      messages: 5,
      workspaces: 1,
      gone: 0,
      problems: [],
    })
    const session = getSession(db.sqlite, '6f1d2c3b-aa11-4b22-8c33-d44e55f66a77')
    expect([session.title, session.updated, session.messageCount]).toEqual([
      'Routes: list and delete',
      '2026-03-01T09:00:00.000Z',
      5,
    ])
  })

  test('GEMINI_CLI_HOME is honoured for the real home and ignored under an overridden home', async () => {
    using home = tempHome({})
    using geminiHome = tempHome(fixtureTree('gemini-cli'))
    const real: ProviderContext = {
      home: home.path,
      homeOverridden: false,
      platform: 'win32',
      env: { GEMINI_CLI_HOME: geminiHome.path },
    }
    expect(await geminiCli.locate(real)).toEqual([join(geminiHome.path, '.gemini', 'tmp')])
    expect(await geminiCli.locate({ ...real, homeOverridden: true })).toEqual([])
  })
})
