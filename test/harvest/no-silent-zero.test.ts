import { describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import type { Provider } from '../../src/harvest'
import { aider } from '../../src/harvest/providers/aider'
import { claudeCode } from '../../src/harvest/providers/claude-code'
import { cline } from '../../src/harvest/providers/cline'
import { codex } from '../../src/harvest/providers/codex'
import { continueDev } from '../../src/harvest/providers/continue'
import { copilotCli } from '../../src/harvest/providers/copilot-cli'
import { geminiCli } from '../../src/harvest/providers/gemini-cli'
import { getSession } from '../../src/db'
import { openTestDb } from '../support/db'
import { dumpDb, harvestHome } from '../support/harvest'
import { tempHome, type Tree } from '../support/temp'
import { usage } from '../support/sessions'

const lines = (...records: unknown[]) => `${records.map((record) => JSON.stringify(record)).join('\n')}\n`
const claudeLine = (fields: Record<string, unknown>) => ({ sessionId: '11111111-1111-4111-8111-111111111111', cwd: '/home/dev/a', ...fields })

/** Harvests `tree` with one provider twice: what each run reported, with paths relative to the home. */
async function twice(provider: Provider, tree: Tree) {
  using home = tempHome(tree)
  using db = openTestDb()
  const relative = (summary: Awaited<ReturnType<typeof harvestHome>>) =>
    summary.providers[0]!.problems.map((p) => `${p.source.slice(home.path.length + 1)}: ${p.message.replaceAll(`${home.path}/`, '')}`)
  const first = await harvestHome(db, [provider], home.path)
  const second = await harvestHome(db, [provider], home.path)
  return { first: relative(first), second: relative(second), sessions: dumpDb(db).sessions.map((s) => s.id) }
}

describe('no silent zero: a source with no conversation, or a record of unknown shape, is a problem reported once', () => {
  test('claude-code: a transcript of unknown records is reported with what it held; a title-only file is known empty', async () => {
    const dir = ['.claude', 'projects', '-home-dev-a']
    const result = await twice(claudeCode, {
      '.claude': {
        projects: {
          '-home-dev-a': {
            '11111111-1111-4111-8111-111111111111.jsonl': lines(
              claudeLine({ type: 'x-future-turn', uuid: 'f1', body: 'new shape' }),
              claudeLine({ type: 'x-future-turn', uuid: 'f2', body: 'new shape' }),
            ),
            // What Claude Code leaves when a UI opens a deleted chat: titles only.
            '22222222-2222-4222-8222-222222222222.jsonl': lines({ type: 'summary', summary: 'Old chat', leafUuid: 'gone' }, { type: 'custom-title', customTitle: 'x', sessionId: '2' }),
          },
        },
      },
    })
    const file = join(...dir, '11111111-1111-4111-8111-111111111111.jsonl')
    expect(result.first).toEqual([
      `${file}: line 1: unknown record type "x-future-turn" (2 records)`,
      `${file}: recognised no conversation in ${file}: no user or assistant message among its records (2 x-future-turn)`,
    ])
    // Re-reading unchanged bytes cannot change the answer: the next run does not report it again.
    expect(result.second).toEqual([])
    expect(result.sessions).toEqual([])
  })

  test('claude-code: a message split over lines that are apart is counted once', async () => {
    using home = tempHome({
      '.claude': {
        projects: {
          '-home-dev-a': {
            '11111111-1111-4111-8111-111111111111.jsonl': lines(
              claudeLine({ type: 'user', uuid: 'u1', message: { role: 'user', content: 'go' } }),
              claudeLine({ type: 'assistant', uuid: 'a1', message: { id: 'msg_1', role: 'assistant', model: 'claude-opus-4-6', content: [{ type: 'text', text: 'Reading.' }], usage: { input_tokens: 5, output_tokens: 9, cache_read_input_tokens: 100, cache_creation_input_tokens: 30, cache_creation: { ephemeral_5m_input_tokens: 10, ephemeral_1h_input_tokens: 20 } } } }),
              claudeLine({ type: 'user', uuid: 'u2', message: { role: 'user', content: 'and?' } }),
              // The same API message again after another record: its usage is already counted.
              claudeLine({ type: 'assistant', uuid: 'a2', message: { id: 'msg_1', role: 'assistant', model: 'claude-opus-4-6', content: [{ type: 'text', text: 'Done.' }], usage: { input_tokens: 5, output_tokens: 30, cache_read_input_tokens: 100, cache_creation_input_tokens: 30 } } }),
            ),
          },
        },
      },
    })
    using db = openTestDb()
    await harvestHome(db, [claudeCode], home.path)
    const messages = getSession(db.sqlite, '11111111-1111-4111-8111-111111111111').messages
    expect(messages.map((m) => [m.role, m.content, m.usage])).toEqual([
      ['user', 'go', null],
      ['assistant', 'Reading.', usage({ inputTokens: 5, outputTokens: 9, cacheReadTokens: 100, cacheWrite5mTokens: 10, cacheWrite1hTokens: 20 })],
      ['user', 'and?', null],
      ['assistant', 'Done.', null],
    ])
  })

  test('codex: a rollout that parses but holds no message, tool call or token count is reported', async () => {
    const result = await twice(codex, {
      '.codex': {
        sessions: {
          'rollout-2026-01-01T00-00-00-01950000-0000-7000-8000-000000000001.jsonl': lines(
            { timestamp: '2026-01-01T00:00:00.000Z', type: 'session_meta', payload: { id: '01950000-0000-7000-8000-000000000001', cwd: '/home/dev/a' } },
            { timestamp: '2026-01-01T00:00:01.000Z', type: 'turn_context', payload: { cwd: '/home/dev/a', model: 'gpt-5-codex' } },
          ),
        },
      },
    })
    const file = join('.codex', 'sessions', 'rollout-2026-01-01T00-00-00-01950000-0000-7000-8000-000000000001.jsonl')
    expect(result.first).toEqual([`${file}: recognised no conversation in ${file}: no message, tool call or token count among its records`])
    expect(result.second).toEqual([])
  })

  test('gemini-cli: a chat the CLI opened and nothing was said in is no session; a JSON document of another kind is a problem', async () => {
    const chats = ['.gemini', 'tmp', 'p', 'chats']
    const result = await twice(geminiCli, {
      '.gemini': {
        tmp: {
          p: {
            chats: {
              'session-2026-01-01T00-00-aaaa0001.jsonl': lines({ sessionId: 'aaaa0001', projectHash: 'p', startTime: '2026-01-01T00:00:00.000Z', lastUpdated: '2026-01-01T00:00:00.000Z', kind: 'main' }),
              'session-2026-01-01T00-00-aaaa0002.json': JSON.stringify({ settings: { theme: 'dark' } }),
              'session-2026-01-01T00-00-aaaa0003.jsonl': lines({ sessionId: 'aaaa0003', startTime: '2026-01-01T00:00:00.000Z' }, { note: 'a record of a new kind' }),
            },
          },
        },
      },
    })
    const file = (name: string) => join(...chats, `session-2026-01-01T00-00-${name}`)
    expect(result.first).toEqual([
      `${file('aaaa0002.json')}: recognised no conversation in ${file('aaaa0002.json')}: a JSON document with neither messages nor a chat history`,
      `${file('aaaa0003.jsonl')}: line 2: record of unknown shape`,
    ])
    expect(result.second).toEqual([])
    expect(result.sessions).toEqual([])
  })

  test('copilot-cli: a legacy session with neither chatMessages nor timeline entries is reported; an unknown event family is a shape problem', async () => {
    const result = await twice(copilotCli, {
      '.copilot': {
        'history-session-state': { 'session_x_1.json': JSON.stringify({ sessionId: 'x', startTime: '2025-10-01T00:00:00.000Z', chatMessages: [], timeline: [] }) },
        'session-state': {
          'aaaa0001-0000-4000-8000-000000000000': {
            'events.jsonl': lines(
              { type: 'session.start', id: 's', timestamp: '2026-01-01T00:00:00.000Z', data: { sessionId: 'aaaa0001', context: { cwd: '/home/dev/a' } } },
              { type: 'workspace.snapshot_taken', id: 'w', timestamp: '2026-01-01T00:00:01.000Z', data: {} },
              { type: 'user.message', id: 'u', timestamp: '2026-01-01T00:00:02.000Z', data: { content: 'hello' } },
            ),
          },
          // Started and left without a prompt: nothing to keep, nothing wrong.
          'aaaa0002-0000-4000-8000-000000000000': { 'events.jsonl': lines({ type: 'session.start', id: 's', timestamp: '2026-01-01T00:00:00.000Z', data: { sessionId: 'aaaa0002' } }) },
        },
      },
    })
    const legacy = join('.copilot', 'history-session-state', 'session_x_1.json')
    const events = join('.copilot', 'session-state', 'aaaa0001-0000-4000-8000-000000000000', 'events.jsonl')
    expect(result.first).toEqual([
      `${events}: line 2: unknown event type "workspace.snapshot_taken"`,
      `${legacy}: recognised no conversation in ${legacy}: neither chatMessages nor timeline holds a message`,
    ])
    expect(result.second).toEqual([])
    expect(result.sessions).toEqual(['aaaa0001-0000-4000-8000-000000000000'])
  })

  test('cline: a task folder whose files hold no message is reported', async () => {
    const task = ['.config', 'Code', 'User', 'globalStorage', 'saoudrizwan.claude-dev', 'tasks', '1768000000001']
    const result = await twice(cline, {
      '.config': { Code: { User: { globalStorage: { 'saoudrizwan.claude-dev': { tasks: { '1768000000001': { 'api_conversation_history.json': '[]', 'ui_messages.json': '[]' } } } } } } },
    })
    const dir = join(...task)
    expect(result.first).toEqual([`${join(dir, 'api_conversation_history.json')}: recognised no conversation in ${dir}: its conversation and UI log hold no message`])
    expect(result.second).toEqual([])
  })

  test('continue: a JSON file in the sessions folder that is no session is reported', async () => {
    const result = await twice(continueDev, { '.continue': { sessions: { 'notes.json': JSON.stringify({ pinned: ['a'] }) } } })
    const file = join('.continue', 'sessions', 'notes.json')
    expect(result.first).toEqual([`${file}: recognised no conversation in ${file}: a JSON object with neither sessionId nor history`])
    expect(result.second).toEqual([])
  })

  test('aider: launches that ended before any input are no sessions; a history of only those is reported', async () => {
    const banner = '# aider chat started at 2026-01-01 10:00:00\n\n> Aider v0.86.1  \n> Main model: gpt-5 with diff edit format  \n'
    const result = await twice(aider, {
      projects: {
        quiet: { '.aider.chat.history.md': `${banner}\n${banner.replace('10:00:00', '11:00:00')}` },
        used: { '.aider.chat.history.md': `${banner}\n${banner.replace('10:00:00', '12:00:00')}\n#### add a test  \n\nAdded.\n` },
      },
    })
    const quiet = join('projects', 'quiet', '.aider.chat.history.md')
    expect(result.first).toEqual([`${quiet}: recognised no conversation in ${quiet}: 2 launch(es) of aider without any input`])
    expect(result.second).toEqual([])
    expect(result.sessions.length).toBe(1)
  })
})
