import { describe, expect, test } from 'bun:test'
import { createHash } from 'node:crypto'
import { appendFileSync } from 'node:fs'
import { join } from 'node:path'
import { workspaceIdFor, type Message, type SessionDetail } from '../../../src/db'
import { aider } from '../../../src/harvest/providers/aider'
import { openTestDb } from '../../support/db'
import { dumpDb, harvestHome } from '../../support/harvest'
import { fixtureTree, tempDir, tempHome, touch, type Tree } from '../../support/temp'
import { providerContract } from '../provider-contract'
import { MESSAGE_DEFAULTS } from '../../support/sessions'

const HISTORY = '.aider.chat.history.md'
const TODO = `projects/todo-api/${HISTORY}`
const CAFE = `code/github.com/acme/café-app/${HISTORY}`
const DEEP = `deep/1/2/3/4/${HISTORY}`

const garbage: Tree = {
  projects: {
    bin: { [HISTORY]: new Uint8Array(Array.from({ length: 600 }, (_, i) => (i * 7919 + 13) % 256)) },
    mixed: {
      [HISTORY]: Buffer.concat([
        Buffer.from('\n# aider chat started at 2026-04-01 10:00:00\n\n#### still readable  \n\n'),
        Buffer.from([0xff, 0xfe, 0x00, 0x41, 0x0a]),
        Buffer.from('Readable reply.\n\0\0\0\0'),
      ]),
    },
    empty: { [HISTORY]: '' },
    truncated: { [HISTORY]: '\n# aider chat started at 2026-04-02 10:00:00\n\n#### cut off mid-sen' },
  },
}

providerContract(aider, { fixture: fixtureTree('aider'), garbage })

/** Session ids: a hash of the history file's path below the home and the session's start line. */
const idFor = (path: string, startedAt: string, duplicate = 0) => {
  const base = `${path}\n${startedAt}`
  return `aider-${createHash('sha256').update(duplicate === 0 ? base : `${base}#${duplicate}`).digest('hex').slice(0, 16)}`
}
/** Aider writes local times without a zone. */
const local = (...parts: [number, number, number, number, number, number, number?]) => {
  const [y, mo, d, h, mi, s, ms = 0] = parts
  return new Date(y, mo - 1, d, h, mi, s, ms).toISOString()
}
const MTIME = new Date(2026, 2, 5, 12, 0, 0)

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

function fixtureHome() {
  const home = tempHome(fixtureTree('aider'))
  for (const path of [TODO, CAFE, DEEP]) touch(join(home.path, path), MTIME)
  return home
}

const SONNET = 'anthropic/claude-sonnet-4-5'
const GPT5 = 'openai/gpt-5'
const F = '```'

function expectedSessions(home: string): SessionDetail[] {
  const todo = workspaceIdFor('aider', join(home, 'projects', 'todo-api'))
  const cafe = workspaceIdFor('aider', join(home, 'code', 'github.com', 'acme', 'café-app'))
  const deep = workspaceIdFor('aider', join(home, 'deep', '1', '2', '3', '4'))
  const longList = Array.from({ length: 60 }, (_, i) => `${i + 1}. Le module \`café/${i + 1}.py\` gère l'étape ${i + 1} — ステップ${i + 1}の処理を担当します。`).join('\n')
  const sessions: SessionDetail[] = [
    {
      id: idFor(TODO, '2026-02-20 17:04:11'),
      workspaceId: todo,
      provider: 'aider',
      title: 'make listTodos accept a limit',
      model: SONNET,
      messageCount: 6,
      created: local(2026, 2, 20, 17, 4, 11),
      updated: local(2026, 2, 20, 17, 4, 35, 500),
      origin: 'harvest',
      sourceDeleted: false,
      messages: [
        message(0, 'tool', `Aider v0.86.1\nMain model: ${SONNET} with diff edit format\nGit repo: .git with 42 files`),
        message(1, 'user', '/add src/todos.ts', { timestamp: local(2026, 2, 20, 17, 4, 20, 123) }),
        message(2, 'tool', 'Added src/todos.ts to the chat'),
        message(3, 'user', 'make listTodos accept a limit', { timestamp: local(2026, 2, 20, 17, 4, 35, 500) }),
        message(
          4,
          'assistant',
          `I'll add an optional \`limit\` parameter.\n\nsrc/todos.ts\n${F}ts\n<<<<<<< SEARCH\nexport function listTodos() {\n=======\nexport function listTodos(limit?: number) {\n>>>>>>> REPLACE\n${F}`,
          {
            model: SONNET,
            toolInvocations: [
              {
                id: 'msg-4#0',
                name: 'edit',
                input: { path: 'src/todos.ts', search: 'export function listTodos() {', replace: 'export function listTodos(limit?: number) {' },
                output: 'Applied edit to src/todos.ts',
                status: 'applied',
              },
            ],
          },
        ),
        message(5, 'tool', 'Applied edit to src/todos.ts\nCommit 3c9d2e1 feat: add limit parameter to listTodos'),
      ],
    },
    {
      id: idFor(TODO, '2026-02-21 09:00:00'),
      workspaceId: todo,
      provider: 'aider',
      title: 'Erkläre bitte die Fehlerbehandlung',
      model: GPT5,
      messageCount: 10,
      created: local(2026, 2, 21, 9, 0, 0),
      updated: local(2026, 2, 21, 9, 1, 40),
      origin: 'harvest',
      sourceDeleted: false,
      messages: [
        message(0, 'tool', `Aider v0.86.1\nMain model: ${SONNET} with diff edit format\nGit repo: .git with 43 files`),
        message(1, 'user', '/model openai/gpt-5', { timestamp: local(2026, 2, 21, 9, 0, 5) }),
        message(2, 'tool', 'Aider v0.86.1\nModel: openai/gpt-5 with diff edit format'),
        message(3, 'user', 'Erkläre bitte die Fehlerbehandlung\nund füge ein Beispiel hinzu 🙂', { timestamp: local(2026, 2, 21, 9, 0, 30, 250) }),
        message(
          4,
          'assistant',
          [
            'Die Fehlerbehandlung nutzt `try`/`catch`:',
            '',
            '> Hinweis: Fehler werden nie verschluckt.',
            '',
            `${F}md`,
            '#### not a user line',
            '> not a tool line  ',
            F,
            '',
            'src/errors.ts',
            `${F}ts`,
            '<<<<<<< SEARCH',
            '  } catch {}',
            '=======',
            '  } catch (error) {',
            '    log.error(error)',
            '  }',
            '>>>>>>> REPLACE',
            F,
            '',
            'src/errors.test.ts',
            `${F}ts`,
            '<<<<<<< SEARCH',
            '=======',
            "test('logs', () => expect(run()).toBe('エラー'))",
            '>>>>>>> REPLACE',
            F,
          ].join('\n'),
          {
            model: GPT5,
            toolInvocations: [
              {
                id: 'msg-4#0',
                name: 'edit',
                input: { path: 'src/errors.ts', search: '  } catch {}', replace: '  } catch (error) {\n    log.error(error)\n  }' },
                output: null,
                status: null,
              },
              {
                id: 'msg-4#1',
                name: 'edit',
                input: { path: 'src/errors.test.ts', search: '', replace: "test('logs', () => expect(run()).toBe('エラー'))" },
                output: 'Applied edit to src/errors.test.ts',
                status: 'applied',
              },
            ],
          },
        ),
        message(5, 'tool', 'Applied edit to src/errors.test.ts'),
        message(6, 'user', '/run bun test', { timestamp: local(2026, 2, 21, 9, 1, 10) }),
        message(7, 'tool', 'bun test v1.4.4\n3 pass\n0 fail\nAdd command output to the chat? (Y)es/(N)o [Yes]: y'),
        message(8, 'user', 'thanks', { timestamp: local(2026, 2, 21, 9, 1, 40) }),
        message(9, 'assistant', "You're welcome!", { model: GPT5 }),
      ],
    },
    {
      id: idFor(TODO, '2026-02-22 08:00:00'),
      workspaceId: todo,
      provider: 'aider',
      title: 'thanks',
      model: null,
      messageCount: 2,
      created: local(2026, 2, 22, 8, 0, 0),
      updated: MTIME.toISOString(),
      origin: 'harvest',
      sourceDeleted: false,
      messages: [message(0, 'user', 'thanks', { timestamp: local(2026, 2, 22, 8, 0, 10) }), message(1, 'assistant', 'Gern geschehen.')],
    },
    {
      id: idFor(CAFE, '2026-03-01 14:30:00'),
      workspaceId: cafe,
      provider: 'aider',
      title: "Décris l'architecture du projet, s'il te plaît",
      model: 'gpt-4o',
      messageCount: 4,
      created: local(2026, 3, 1, 14, 30, 0),
      updated: MTIME.toISOString(),
      origin: 'harvest',
      sourceDeleted: false,
      messages: [
        message(0, 'tool', 'Aider v0.85.2\nMain model: gpt-4o with whole edit format, weak model gpt-4o-mini\nGit repo: .git with 12 files'),
        message(1, 'user', "Décris l'architecture du projet, s'il te plaît"),
        message(2, 'assistant', `Voici l'architecture complète :\n\n${longList}\n\nrequirements.txt\n${F}\nflask==3.1.0\n${F}`, { model: 'gpt-4o' }),
        message(3, 'tool', 'Applied edit to requirements.txt'),
      ],
    },
    {
      id: idFor(DEEP, '2026-03-02 10:00:00'),
      workspaceId: deep,
      provider: 'aider',
      title: 'hello from deep',
      model: null,
      messageCount: 2,
      created: local(2026, 3, 2, 10, 0, 0),
      updated: MTIME.toISOString(),
      origin: 'harvest',
      sourceDeleted: false,
      messages: [message(0, 'user', 'hello from deep'), message(1, 'assistant', 'Hi!')],
    },
  ]
  return sessions.sort((a, b) => a.id.localeCompare(b.id))
}

describe('aider harvest', () => {
  test('the home walk finds histories within its bounds only', async () => {
    using home = fixtureHome()
    const ctx = { home: home.path, homeOverridden: true, platform: process.platform, env: {} }
    expect(await aider.locate(ctx)).toEqual([CAFE, DEEP, TODO].map((path) => join(home.path, path)).sort())

    using elsewhere = tempDir()
    const configured = join(elsewhere.path, 'chat.md')
    await Bun.write(configured, '\n# aider chat started at 2026-03-03 10:00:00\n\n#### hi  \n')
    const withEnv = { ...ctx, homeOverridden: false, env: { AIDER_CHAT_HISTORY_FILE: configured } }
    expect(await aider.locate(withEnv)).toContain(configured)
  })

  test('every session of every history is harvested exactly', async () => {
    using home = fixtureHome()
    using db = openTestDb()
    const summary = await harvestHome(db, [aider], home.path)
    expect(summary.providers[0]).toMatchObject({ sources: 3, harvested: 3, sessions: 5, messages: 24, workspaces: 3, problems: [] })
    const dump = dumpDb(db)
    const workspace = (path: string, name: string, sessions: number, updated: string) => ({
      id: workspaceIdFor('aider', join(home.path, path)),
      name,
      provider: 'aider',
      path: join(home.path, path),
      sessions,
      updated,
    })
    expect(dump.workspaces).toEqual(
      [
        workspace('projects/todo-api', 'todo-api', 3, MTIME.toISOString()),
        workspace('code/github.com/acme/café-app', 'café-app', 1, MTIME.toISOString()),
        workspace('deep/1/2/3/4', '4', 1, MTIME.toISOString()),
      ].sort((a, b) => a.id.localeCompare(b.id)),
    )
    expect(dump.sessions).toEqual(expectedSessions(home.path))
  })

  test('an unchanged home skips every file; an appended session re-reads only its file and keeps the old ids', async () => {
    using home = fixtureHome()
    using db = openTestDb()
    await harvestHome(db, [aider], home.path)
    expect((await harvestHome(db, [aider], home.path)).providers[0]).toMatchObject({ sources: 3, skipped: 3, harvested: 0 })

    appendFileSync(join(home.path, TODO), '\n# aider chat started at 2026-02-23 11:00:00\n\n#### one more  \n\nSure.\n')
    expect((await harvestHome(db, [aider], home.path)).providers[0]).toMatchObject({ sources: 3, skipped: 2, harvested: 1 })
    const ids = dumpDb(db).sessions.map((s) => s.id)
    expect(ids).toEqual([...expectedSessions(home.path).map((s) => s.id), idFor(TODO, '2026-02-23 11:00:00')].sort())
  })

  test('sessions started in the same second get distinct ids', async () => {
    const header = '\n# aider chat started at 2026-04-03 09:00:00\n\n'
    using home = tempHome({ p: { [HISTORY]: `${header}#### first  \n${header}#### second  \n` } })
    using db = openTestDb()
    await harvestHome(db, [aider], home.path)
    const first = { id: idFor(`p/${HISTORY}`, '2026-04-03 09:00:00'), title: 'first' }
    const second = { id: idFor(`p/${HISTORY}`, '2026-04-03 09:00:00', 1), title: 'second' }
    expect(dumpDb(db).sessions.map(({ id, title }) => ({ id, title }))).toEqual([first, second].sort((a, b) => a.id.localeCompare(b.id)))
  })

  test('binary data is reported and skipped; readable lines around it are kept', async () => {
    using home = tempHome(garbage)
    using db = openTestDb()
    const summary = await harvestHome(db, [aider], home.path)
    const problems = summary.providers[0]!.problems.map((p) => `${p.source.slice(home.path.length + 1)}: ${p.message}`)
    expect(problems.sort()).toEqual([
      `projects/bin/${HISTORY}: 3 line(s) of binary data skipped (first at line 1)`,
      `projects/empty/${HISTORY}: recognised no conversation in ${join(home.path, 'projects', 'empty', HISTORY)}: the file is empty`,
      `projects/mixed/${HISTORY}: 1 line(s) of binary data skipped (first at line 6)`,
    ])
    const sessions = dumpDb(db).sessions.map(({ title, created, messages }) => ({ title, created, messages }))
    expect(sessions.sort((a, b) => (a.created ?? '').localeCompare(b.created ?? ''))).toEqual([
      { title: 'still readable', created: local(2026, 4, 1, 10, 0, 0), messages: [message(0, 'user', 'still readable'), message(1, 'assistant', 'Readable reply.')] },
      { title: 'cut off mid-sen', created: local(2026, 4, 2, 10, 0, 0), messages: [message(0, 'user', 'cut off mid-sen')] },
    ])
  })
})
