import { describe, expect, test } from 'bun:test'
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { Provider } from '../../src/harvest'
import { aider } from '../../src/harvest/providers/aider'
import { claudeCode } from '../../src/harvest/providers/claude-code'
import { cline } from '../../src/harvest/providers/cline'
import { codex } from '../../src/harvest/providers/codex'
import { continueDev } from '../../src/harvest/providers/continue'
import { copilotProvider } from '../../src/harvest/providers/copilot'
import { copilotCli } from '../../src/harvest/providers/copilot-cli'
import { cursor } from '../../src/harvest/providers/cursor'
import { geminiCli } from '../../src/harvest/providers/gemini-cli'
import { opencode } from '../../src/harvest/providers/opencode'
import { openTestDb } from '../support/db'
import { dumpDb, harvestHome } from '../support/harvest'
import { kvStoreBytes, sqliteBytes } from '../support/fixture-db'
import { tempDir, tempHome } from '../support/temp'

/** A word that must never reach a problem or a stored message: it lives only in files outside the home. */
const CANARY = 'canary7f3a'
/** A file standing for `/etc/shadow`: its first word is what a parser's error message would quote. */
const SHADOW = `${CANARY}:$6$salt$hash:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n`
const jsonl = (...records: unknown[]) => records.map((record) => JSON.stringify(record)).join('\n')
/** Conversations in each provider's own format, so following a link to one would store the canary. */
const FORMATS = {
  claude: jsonl({ type: 'user', sessionId: 'outside', uuid: 'o1', cwd: `/${CANARY}`, message: { role: 'user', content: `${CANARY} transcript` } }),
  codex: jsonl(
    { timestamp: '2026-01-01T00:00:00.000Z', type: 'session_meta', payload: { id: 'outside', cwd: `/${CANARY}` } },
    { timestamp: '2026-01-01T00:00:01.000Z', type: 'response_item', payload: { type: 'message', role: 'user', content: [{ type: 'input_text', text: CANARY }] } },
  ),
  codexIndex: jsonl({ id: '01950000-0000-7000-8000-000000000009', thread_name: CANARY }),
  gemini: JSON.stringify({ sessionId: 'outside', messages: [{ id: '1', type: 'user', content: `${CANARY} words` }] }),
  geminiRegistry: JSON.stringify({ projects: { [`/${CANARY}`]: 'p' } }),
  copilotEvents: jsonl({ type: 'user.message', id: 'u', data: { content: `${CANARY} event` } }),
  copilotLegacy: JSON.stringify({ sessionId: 'outside', chatMessages: [{ role: 'user', content: CANARY }] }),
  cline: JSON.stringify([{ role: 'user', content: [{ type: 'text', text: CANARY }] }]),
  clineIndex: JSON.stringify([{ id: '1768000000002', task: CANARY, cwdOnTaskInitialization: `/${CANARY}` }]),
  continueSession: JSON.stringify({ sessionId: 'outside', title: CANARY, history: [{ message: { role: 'user', content: CANARY } }] }),
  continueIndex: JSON.stringify([{ sessionId: 'aaaa0003', title: CANARY, dateCreated: '1767900000000' }]),
  cursorWorkspace: JSON.stringify({ folder: `file:///${CANARY}` }),
  vscodeSession: JSON.stringify({ version: 3, sessionId: 'outside', requests: [{ requestId: 'r', message: { text: CANARY }, response: [{ value: CANARY }] }] }),
}

const hasMkfifo = Bun.spawnSync(['sh', '-c', 'command -v mkfifo']).exitCode === 0

/** Links `path` (inside the home) to `target` (outside it). */
const link = (path: string, target: string) => {
  mkdirSync(dirname(path), { recursive: true })
  symlinkSync(target, path)
}
/** A FIFO at `path`: opening it for reading would block until a writer comes, which never happens. */
const fifo = (path: string) => {
  mkdirSync(dirname(path), { recursive: true })
  expect(Bun.spawnSync(['mkfifo', path]).exitCode).toBe(0)
}

type Outside = Record<keyof typeof FORMATS | 'shadow' | 'opencodeDb' | 'cursorDb', string> & {
  /** A directory holding a readable session of every kind, under the names providers look for. */
  dir: string
}

/** Each provider's folder with links leading out of it and FIFOs where its files would be. */
const TRAPS: [Provider, (home: string, out: Outside) => void][] = [
  [
    claudeCode,
    (home, out) => {
      const projects = join(home, '.claude', 'projects')
      link(join(projects, '-home-dev-a', '11111111-1111-4111-8111-111111111111.jsonl'), out.claude)
      link(join(projects, '-home-dev-a', 'notes.jsonl'), out.shadow)
      link(join(projects, '-linked-project'), out.dir)
      fifo(join(projects, '-home-dev-a', '22222222-2222-4222-8222-222222222222.jsonl'))
    },
  ],
  [
    codex,
    (home, out) => {
      const day = join(home, '.codex', 'sessions', '2026', '01', '01')
      link(join(day, 'rollout-2026-01-01T00-00-00-01950000-0000-7000-8000-000000000001.jsonl'), out.codex)
      link(join(home, '.codex', 'session_index.jsonl'), out.codexIndex)
      writeFileSync(join(day, 'rollout-2026-01-01T00-00-00-01950000-0000-7000-8000-000000000009.jsonl'), FORMATS.codex.replace(new RegExp(CANARY, 'g'), 'inside'))
      link(join(home, '.codex', 'sessions', '2026', '02'), out.dir)
      fifo(join(day, 'rollout-2026-01-01T00-00-00-01950000-0000-7000-8000-000000000002.jsonl'))
    },
  ],
  [
    geminiCli,
    (home, out) => {
      const project = join(home, '.gemini', 'tmp', 'p')
      link(join(project, 'chats', 'session-2026-01-01T00-00-aaaa0001.json'), out.gemini)
      link(join(project, 'chats', 'session-2026-01-01T00-00-aaaa0002.jsonl'), out.shadow)
      link(join(project, '.project_root'), out.shadow)
      writeFileSync(join(project, 'chats', 'session-2026-01-01T00-00-aaaa0005.json'), FORMATS.gemini.replace(CANARY, 'inside'))
      link(join(project, 'checkpoint-x.json'), out.gemini)
      link(join(home, '.gemini', 'projects.json'), out.geminiRegistry)
      link(join(home, '.gemini', 'tmp', 'linked'), out.dir)
      fifo(join(project, 'chats', 'session-2026-01-01T00-00-aaaa0003.jsonl'))
    },
  ],
  [
    copilotCli,
    (home, out) => {
      const state = join(home, '.copilot', 'session-state')
      link(join(state, 'aaaa0001-0000-4000-8000-000000000000', 'events.jsonl'), out.copilotEvents)
      writeFileSync(join(state, 'aaaa0001-0000-4000-8000-000000000000', 'workspace.yaml'), 'cwd: /home/dev/a\n')
      mkdirSync(join(state, 'aaaa0002-0000-4000-8000-000000000000'), { recursive: true })
      writeFileSync(join(state, 'aaaa0002-0000-4000-8000-000000000000', 'events.jsonl'), '{"type":"user.message","id":"u","data":{"content":"hello"}}\n')
      link(join(state, 'aaaa0002-0000-4000-8000-000000000000', 'workspace.yaml'), out.shadow)
      link(join(state, 'aaaa0003-0000-4000-8000-000000000000'), out.dir)
      link(join(home, '.copilot', 'history-session-state', 'session_x_1.json'), out.copilotLegacy)
      fifo(join(state, 'aaaa0004-0000-4000-8000-000000000000', 'events.jsonl'))
    },
  ],
  [
    copilotProvider,
    (home, out) => {
      const user = join(home, '.config', 'Code', 'User')
      const storage = join(user, 'workspaceStorage')
      link(join(storage, 'aaaa', 'chatSessions', 'aaaa0001-0000-4000-8000-000000000000.json'), out.vscodeSession)
      link(join(storage, 'aaaa', 'workspace.json'), out.shadow)
      link(join(storage, 'aaaa', 'state.vscdb'), out.cursorDb)
      link(join(storage, 'bbbb', 'chatSessions'), join(out.dir, 'chatSessions'))
      link(join(storage, 'cccc'), join(out.dir))
      link(join(user, 'globalStorage', 'emptyWindowChatSessions'), join(out.dir, 'chatSessions'))
      mkdirSync(join(storage, 'dddd', 'chatSessions'), { recursive: true })
      writeFileSync(join(storage, 'dddd', 'workspace.json'), JSON.stringify({ folder: 'file:///home/dev/inside' }))
      writeFileSync(join(storage, 'dddd', 'chatSessions', 'aaaa0002-0000-4000-8000-000000000000.json'), FORMATS.vscodeSession.replace(new RegExp(CANARY, 'g'), 'inside').replace('outside', 'aaaa0002'))
      fifo(join(storage, 'dddd', 'chatSessions', 'aaaa0003-0000-4000-8000-000000000000.json'))
    },
  ],
  [
    cline,
    (home, out) => {
      const storage = join(home, '.config', 'Code', 'User', 'globalStorage', 'saoudrizwan.claude-dev')
      link(join(storage, 'tasks', '1768000000001', 'api_conversation_history.json'), out.cline)
      link(join(storage, 'tasks', '1768000000001', 'ui_messages.json'), out.shadow)
      mkdirSync(join(storage, 'tasks', '1768000000002'), { recursive: true })
      writeFileSync(join(storage, 'tasks', '1768000000002', 'ui_messages.json'), '[{"ts":1768000000002,"type":"say","say":"task","text":"hello"}]')
      fifo(join(storage, 'tasks', '1768000000002', 'api_conversation_history.json'))
      link(join(storage, 'tasks', '1768000000003'), out.dir)
      link(join(storage, 'state', 'taskHistory.json'), out.clineIndex)
    },
  ],
  [
    continueDev,
    (home, out) => {
      const sessions = join(home, '.continue', 'sessions')
      link(join(sessions, 'aaaa0001.json'), out.continueSession)
      link(join(sessions, 'sessions.json'), out.continueIndex)
      writeFileSync(join(sessions, 'aaaa0003.json'), FORMATS.continueSession.replace(new RegExp(CANARY, 'g'), 'inside').replace('outside', 'aaaa0003'))
      fifo(join(sessions, 'aaaa0002.json'))
    },
  ],
  [
    opencode,
    (home, out) => {
      const root = join(home, '.local', 'share', 'opencode')
      link(join(root, 'opencode.db'), out.opencodeDb)
      fifo(join(root, 'opencode-beta.db'))
    },
  ],
  [
    cursor,
    (home, out) => {
      const user = join(home, '.config', 'Cursor', 'User')
      link(join(user, 'globalStorage', 'state.vscdb'), out.cursorDb)
      link(join(user, 'workspaceStorage', 'aaaa', 'state.vscdb'), out.cursorDb)
      link(join(user, 'workspaceStorage', 'aaaa', 'workspace.json'), out.cursorWorkspace)
      fifo(join(user, 'workspaceStorage', 'bbbb', 'state.vscdb'))
    },
  ],
  [
    aider,
    (home, out) => {
      link(join(home, 'projects', 'a', '.aider.chat.history.md'), out.shadow)
      writeFileSync(join(home, 'projects', 'a', 'x'), '')
      mkdirSync(join(home, 'projects', 'b'), { recursive: true })
      writeFileSync(join(home, 'projects', 'b', '.aider.chat.history.md'), '# aider chat started at 2026-01-01 10:00:00\n\n#### hello  \n\nHi.\n')
      link(join(home, 'projects', 'b', '.aider.input.history'), out.shadow)
      link(join(home, 'projects', 'linked'), out.dir)
      fifo(join(home, 'projects', 'c', '.aider.chat.history.md'))
    },
  ],
]

/** Files outside the home: stand-ins for `/etc/shadow`, another user's data, a mounted disk. */
function outsideFiles(root: string): Outside {
  const out = { shadow: join(root, 'shadow'), dir: join(root, 'dir'), opencodeDb: join(root, 'opencode.db'), cursorDb: join(root, 'state.vscdb') } as Outside
  writeFileSync(out.shadow, SHADOW)
  for (const [name, content] of Object.entries(FORMATS)) {
    out[name as keyof typeof FORMATS] = join(root, name)
    writeFileSync(join(root, name), content)
  }
  const inDir = (path: string, content: string) => {
    mkdirSync(dirname(join(out.dir, path)), { recursive: true })
    writeFileSync(join(out.dir, path), content)
  }
  inDir('33333333-3333-4333-8333-333333333333.jsonl', FORMATS.claude)
  inDir('rollout-2026-02-01T00-00-00-01950000-0000-7000-8000-000000000003.jsonl', FORMATS.codex)
  inDir('chats/session-2026-01-01T00-00-aaaa0004.json', FORMATS.gemini)
  inDir('events.jsonl', FORMATS.copilotEvents)
  inDir('chatSessions/aaaa0004-0000-4000-8000-000000000000.json', FORMATS.vscodeSession)
  inDir('api_conversation_history.json', FORMATS.cline)
  inDir('.aider.chat.history.md', `# aider chat started at 2026-01-01 10:00:00\n\n#### ${CANARY}  \n`)
  writeFileSync(
    out.opencodeDb,
    sqliteBytes(`CREATE TABLE project (id TEXT PRIMARY KEY, worktree TEXT);
      CREATE TABLE session (id TEXT PRIMARY KEY, project_id TEXT, parent_id TEXT, slug TEXT, directory TEXT, title TEXT, version TEXT, time_created INTEGER, time_updated INTEGER);
      CREATE TABLE message (id TEXT PRIMARY KEY, session_id TEXT, time_created INTEGER, time_updated INTEGER, data TEXT);
      CREATE TABLE part (id TEXT PRIMARY KEY, message_id TEXT, session_id TEXT, time_created INTEGER, time_updated INTEGER, data TEXT);
      INSERT INTO session VALUES ('ses_x', NULL, NULL, 'x', '/x', '${CANARY} title', '1', 1, 2);`),
  )
  writeFileSync(
    out.cursorDb,
    kvStoreBytes({
      ItemTable: { 'composer.composerData': { allComposers: [{ composerId: 'c1', name: CANARY, conversation: [{ type: 1, text: CANARY }] }] } },
      cursorDiskKV: { 'composerData:c1': { composerId: 'c1', name: CANARY, fullConversationHeadersOnly: [{ bubbleId: 'b', type: 1 }] }, 'bubbleId:c1:b': { type: 1, text: CANARY } },
    }),
  )
  return out
}

describe('harvest never reads outside a provider folder and never opens a FIFO', () => {
  for (const [provider, trap] of TRAPS) {
    test.skipIf(!hasMkfifo)(`${provider.id}: links leading out are not followed, FIFOs are not opened, nothing outside reaches a problem or the database`, async () => {
      using outside = tempDir('chasm-outside-')
      using home = tempHome({})
      trap(home.path, outsideFiles(outside.path))
      using db = openTestDb()
      // A FIFO opened for reading would block forever: finishing at all is part of the test.
      const summary = await harvestHome(db, [provider], home.path)
      expect(JSON.stringify(summary)).not.toContain(CANARY)
      expect(JSON.stringify(dumpDb(db))).not.toContain(CANARY)
    })
  }
  if (!hasMkfifo) test.skip('mkfifo is not available on this system: the FIFO cases cannot be built', () => {})

  test('a link that stays inside the folder is followed', async () => {
    using home = tempHome({})
    const projects = join(home.path, '.claude', 'projects')
    const real = join(projects, '-home-dev-a', 'archive', 'transcript.jsonl')
    mkdirSync(dirname(real), { recursive: true })
    writeFileSync(real, `${JSON.stringify({ type: 'user', sessionId: 'inside', uuid: 'i1', cwd: '/home/dev/a', message: { role: 'user', content: 'kept' } })}\n`)
    link(join(projects, '-home-dev-a', '44444444-4444-4444-8444-444444444444.jsonl'), real)
    using db = openTestDb()
    await harvestHome(db, [claudeCode], home.path)
    expect(dumpDb(db).sessions.map((s) => [s.id, s.messages.map((m) => m.content)])).toEqual([['44444444-4444-4444-8444-444444444444', ['kept']]])
  })
})
