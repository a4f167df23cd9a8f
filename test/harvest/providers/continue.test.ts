import { describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { workspaceIdFor, type Message } from '../../../src/db'
import { continueDev } from '../../../src/harvest/providers/continue'
import { openTestDb } from '../../support/db'
import { dumpDb, harvestHome } from '../../support/harvest'
import { fixtureTree, tempHome, touch, type Tree } from '../../support/temp'
import { providerContract } from '../provider-contract'
import { MESSAGE_DEFAULTS } from '../../support/sessions'

const SESSIONS = ['.continue', 'sessions']
const MTIME = new Date('2026-01-10T00:00:00.000Z')

const garbage: Tree = {
  '.continue': {
    sessions: {
      'sessions.json': '[{"sessionId": "trunc", "title": "cut',
      'trunc.json': '{"sessionId":"trunc","history":[{"message":{"role":"user","content":"hel',
      'empty.json': '',
      'list.json': '[1, 2, 3]',
      'binary.json': new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff, 0xfe, 0x01, 0x02]),
      'partial.json': JSON.stringify({
        sessionId: 'partial',
        title: 42,
        workspaceDirectory: { not: 'a path' },
        unknownTopLevel: true,
        history: [
          'not an item',
          { message: { role: 42, content: 'x' } },
          { message: { role: 'user', content: { weird: true }, extra: 'ignored' } },
          { message: { role: 'assistant', content: 'still here', toolCalls: 'nope' } },
        ],
      }),
    },
  },
}

providerContract(continueDev, { fixture: fixtureTree('continue'), garbage })

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

const longReply =
  'Here is the full translation table, checked line by line:\n\n' +
  Array.from({ length: 120 }, (_, i) => {
    const n = i + 1
    return `| key.${String(n).padStart(3, '0')} | Übersetzung Nummer ${n} — 翻訳 ${n} | перевод ${n} |`
  }).join('\n') +
  '\n\nEvery string keeps its placeholders (`{name}`, `{count}`) intact.'

function fixtureHome() {
  const home = tempHome(fixtureTree('continue'))
  for (const name of ['d7e6f5a4-1111-4222-8333-944455566677', '0b9a8c7d-2222-4333-8444-a55566677788', '9c1d2e3f-3333-4444-8555-b66677788899']) {
    touch(join(home.path, ...SESSIONS, `${name}.json`), MTIME)
  }
  return home
}

describe('continue harvest', () => {
  test('every session file is harvested exactly, with or without an index entry', async () => {
    using home = fixtureHome()
    using db = openTestDb()
    const summary = await harvestHome(db, [continueDev], home.path)
    expect(summary.providers[0]).toMatchObject({ sources: 4, harvested: 4, sessions: 3, messages: 9, workspaces: 2, problems: [] })

    const todo = workspaceIdFor('continue', '/home/dev/projects/todo-api')
    const cafe = workspaceIdFor('continue', '/home/dev/projects/café-app')
    const dump = dumpDb(db)
    expect(dump.workspaces).toEqual(
      [
        { id: todo, name: 'todo-api', provider: 'continue', path: '/home/dev/projects/todo-api', sessions: 1, updated: MTIME.toISOString() },
        { id: cafe, name: 'café-app', provider: 'continue', path: '/home/dev/projects/café-app', sessions: 1, updated: MTIME.toISOString() },
      ].sort((a, b) => a.id.localeCompare(b.id)),
    )
    expect(dump.sessions).toEqual([
      {
        id: '0b9a8c7d-2222-4333-8444-a55566677788',
        workspaceId: cafe,
        provider: 'continue',
        title: 'Überprüfe die Übersetzung 日本語 🚀',
        model: 'GPT-4o',
        messageCount: 4,
        created: '2026-01-09T08:30:00.000Z',
        updated: MTIME.toISOString(),
        origin: 'harvest',
        sourceDeleted: false,
        messages: [
          message(0, 'system', 'You are a careful translator.'),
          message(1, 'user', 'Prüfe bitte alle Strings in de.json 🙏\nund vergleiche mit ja.json', { id: 'u-1' }),
          message(2, 'assistant', longReply, { id: 'a-1', model: 'GPT-4o', metadata: { thinking: 'The user wants a side-by-side check.' } }),
          message(3, 'user', 'Danke!'),
        ],
      },
      {
        id: '9c1d2e3f-3333-4444-8555-b66677788899',
        workspaceId: null,
        provider: 'continue',
        title: 'what does EADDRINUSE mean?',
        model: null,
        messageCount: 2,
        created: MTIME.toISOString(),
        updated: MTIME.toISOString(),
        origin: 'harvest',
        sourceDeleted: false,
        messages: [
          message(0, 'user', 'what does EADDRINUSE mean?'),
          message(1, 'assistant', 'Another process already listens on that port.'),
        ],
      },
      {
        id: 'd7e6f5a4-1111-4222-8333-944455566677',
        workspaceId: todo,
        provider: 'continue',
        title: 'Explain middleware order',
        model: 'Claude Sonnet 4.5',
        messageCount: 3,
        created: '2026-01-08T19:20:00.000Z',
        updated: MTIME.toISOString(),
        origin: 'harvest',
        sourceDeleted: false,
        messages: [
          message(0, 'user', 'Why does auth run after logging?'),
          message(1, 'assistant', '', {
            model: 'Claude Sonnet 4.5',
            toolInvocations: [
              { id: 'tc1', name: 'read_file', input: { filepath: 'src/app.ts' }, output: 'app.use(logger); app.use(auth);', status: 'done' },
            ],
          }),
          message(2, 'assistant', 'Express runs middleware in registration order; `logger` is registered first.', {
            model: 'Claude Sonnet 4.5',
          }),
        ],
      },
    ])
    expect(JSON.stringify(dump)).not.toContain('FIXTURE-SECRET')
  })

  test('an unchanged home skips every source; a changed file is the only one re-read', async () => {
    using home = fixtureHome()
    using db = openTestDb()
    await harvestHome(db, [continueDev], home.path)
    expect((await harvestHome(db, [continueDev], home.path)).providers[0]).toMatchObject({ sources: 4, skipped: 4, harvested: 0 })

    const path = join(home.path, ...SESSIONS, '9c1d2e3f-3333-4444-8555-b66677788899.json')
    await Bun.write(path, JSON.stringify({ sessionId: '9c1d2e3f-3333-4444-8555-b66677788899', history: [{ message: { role: 'user', content: 'again' } }] }))
    const again = await harvestHome(db, [continueDev], home.path)
    expect(again.providers[0]).toMatchObject({ sources: 4, skipped: 3, harvested: 1 })
    expect(dumpDb(db).sessions.find((s) => s.id === '9c1d2e3f-3333-4444-8555-b66677788899')?.messages).toEqual([message(0, 'user', 'again')])
  })

  test('corrupt files are reported and what parses is kept', async () => {
    using home = tempHome(garbage)
    using db = openTestDb()
    const summary = await harvestHome(db, [continueDev], home.path)
    const dir = join(home.path, ...SESSIONS)
    const problems = summary.providers[0]!.problems.map((p) => ({ ...p, source: p.source.slice(dir.length + 1) }))
    expect(problems.sort((a, b) => a.source.localeCompare(b.source) || a.message.localeCompare(b.message))).toEqual([
      { source: 'binary.json', message: expect.any(String) },
      { source: 'empty.json', message: 'empty file' },
      { source: 'list.json', message: 'not a session object' },
      { source: 'partial.json', message: 'history[0] is not a chat message' },
      { source: 'partial.json', message: 'history[1] has unknown role 42' },
      { source: 'sessions.json', message: expect.stringMatching(/^sessions\.json: /) },
      { source: 'trunc.json', message: expect.any(String) },
    ])
    expect(dumpDb(db).sessions).toEqual([
      {
        id: 'partial',
        workspaceId: null,
        provider: 'continue',
        title: null,
        model: null,
        messageCount: 2,
        created: expect.any(String),
        updated: expect.any(String),
        origin: 'harvest',
        sourceDeleted: false,
        messages: [message(0, 'user', ''), message(1, 'assistant', 'still here', { model: null })],
      },
    ])
  })
})
