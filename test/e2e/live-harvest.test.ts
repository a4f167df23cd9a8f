import { beforeAll, describe, expect, test } from 'bun:test'
import { appendFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { compiledBinary, serveBinary, type ServedBinary } from '../support/binary'
import { CLAUDE_SESSION, CLAUDE_TRANSCRIPT, claudeLine, claudeUser } from '../support/claude-code'
import { RecordingClient } from '../support/socket'
import { fixtureTree, tempDir, tempHome, writeTree } from '../support/temp'
import { until } from '../support/wait'

let binary: string
beforeAll(async () => {
  binary = await compiledBinary()
}, 120_000)

const CLAUDE_DIR = dirname(CLAUDE_TRANSCRIPT)
const CODEX_SESSION = '01952f3a-7b6c-7d8e-9f01-23456789abcd'
const CODEX_FILE = `.codex/sessions/2026/02/10/rollout-2026-02-10T14-02-11-${CODEX_SESSION}.jsonl`
/** What live harvest promises: a message written by an assistant is searchable and pushed within this. */
const LIVE_MS = 2_000

const claudeReply = (session: string, uuid: string, id: string, blocks: unknown[]) =>
  claudeLine(session, uuid, { type: 'assistant', message: { id, type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: blocks } })
const codexMessage = (role: 'user' | 'assistant', text: string) =>
  `${JSON.stringify({ timestamp: new Date().toISOString(), type: 'response_item', payload: { type: 'message', role, content: [{ type: role === 'user' ? 'input_text' : 'output_text', text }] } })}\n`

/** Every file under a folder with its bytes and mtime: what a read-only harvest must leave as it was. */
function snapshot(root: string): Record<string, { mtimeMs: number; bytes: string }> {
  const files: Record<string, { mtimeMs: number; bytes: string }> = {}
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const path = join(entry.parentPath, entry.name)
    files[relative(root, path)] = { mtimeMs: statSync(path).mtimeMs, bytes: Bun.hash(readFileSync(path)).toString(16) }
  }
  return files
}

const getJson = async (server: ServedBinary, path: string) => (await (await fetch(`${server.url}${path}`)).json()) as any

/** A server on a home with the Claude Code and Codex fixtures, once its first harvest ended and it watches. */
async function liveServer(dir: string, home: string): Promise<ServedBinary> {
  const server = await serveBinary(binary, ['--db', join(dir, 'chasm.db'), '--home', home])
  await until(async () => {
    const { harvest } = (await getJson(server, '/api/health')).data
    return harvest.lastRunAt !== null && harvest.live?.mode === 'events'
  }, 'the first harvest and live watching')
  return server
}

const searchIds = async (server: ServedBinary, q: string): Promise<string[]> =>
  (await getJson(server, `/api/sessions/search?q=${encodeURIComponent(q)}`)).data.map((result: any) => result.sessionId)

async function subscriber(server: ServedBinary, sessionId: string): Promise<RecordingClient> {
  const client = await RecordingClient.open(`${server.url.replace('http', 'ws')}/ws/recording`)
  client.send({ type: 'subscribe', session_id: sessionId })
  await client.until((messages) => messages.some((m) => m.type === 'subscribed'))
  return client
}

const pushed = (client: RecordingClient) => client.ofType('event').map((message) => message.event)

/** Per test: a server start, its first harvest, and waits for conditions on a machine shared with other work. */
const TEST_MS = 30_000

describe('live harvest through the binary (issue 12)', () => {
  test('an appended Claude Code turn is searchable and pushed to a subscriber within 2 s; sources stay untouched', async () => {
    using dir = tempDir()
    using home = tempHome({ ...fixtureTree('claude-code'), ...fixtureTree('codex') })
    await using server = await liveServer(dir.path, home.path)
    const client = await subscriber(server, CLAUDE_SESSION)
    const before = (await getJson(server, `/api/sessions/${CLAUDE_SESSION}`)).data.messageCount
    const appended = performance.now()
    appendFileSync(
      join(home.path, CLAUDE_TRANSCRIPT),
      claudeUser(CLAUDE_SESSION, 'live-u1', 'does the quokkaflux parser handle tabs?') +
        claudeReply(CLAUDE_SESSION, 'live-a1', 'msg_live1', [{ type: 'text', text: 'Checking the quokkaflux tests.' }]) +
        claudeReply(CLAUDE_SESSION, 'live-a2', 'msg_live1', [{ type: 'tool_use', id: 'toolu_live', name: 'Bash', input: { command: 'bun test' } }]),
    )
    const untouched = snapshot(home.path)
    let searchable = 0
    await until(async () => (await searchIds(server, 'quokkaflux')).includes(CLAUDE_SESSION) && (searchable = performance.now() - appended) > 0, 'the new turn to be searchable')
    await client.until((messages) => messages.filter((m) => m.type === 'event').length >= 2)
    const pushedAfter = performance.now() - appended
    expect(searchable).toBeLessThanOrEqual(LIVE_MS)
    expect(pushedAfter).toBeLessThanOrEqual(LIVE_MS)
    expect(pushed(client)).toEqual([
      {
        session_id: CLAUDE_SESSION,
        event_type: 'message',
        event_id: null,
        seq: before + 1,
        timestamp: expect.any(String),
        data: { message_id: 'live-u1', role: 'user', content: 'does the quokkaflux parser handle tabs?', model: null, tool_calls: [] },
      },
      {
        session_id: CLAUDE_SESSION,
        event_type: 'message',
        event_id: null,
        seq: before + 2,
        timestamp: expect.any(String),
        data: {
          message_id: 'msg_live1',
          role: 'assistant',
          content: 'Checking the quokkaflux tests.',
          model: 'claude-sonnet-4-5',
          tool_calls: [{ call_id: 'toolu_live', name: 'Bash', input: { command: 'bun test' } }],
        },
      },
    ])
    // The result of that call arrives later and completes the stored invocation.
    appendFileSync(
      join(home.path, CLAUDE_TRANSCRIPT),
      claudeLine(CLAUDE_SESSION, 'live-u2', { type: 'user', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_live', content: '12 pass' }] } }),
    )
    await until(async () => {
      const session = (await getJson(server, `/api/sessions/${CLAUDE_SESSION}`)).data
      return session.messages.at(-1).toolInvocations[0]?.output === '12 pass'
    }, 'the tool result')
    const session = (await getJson(server, `/api/sessions/${CLAUDE_SESSION}`)).data
    expect(session.messageCount).toBe(before + 2)
    expect(session.messages.filter((m: any) => m.id === 'msg_live1')).toHaveLength(1)
    await client.close()
    // Nothing was written, locked or created next to the transcripts.
    expect(snapshot(home.path)).toEqual({ ...untouched, [CLAUDE_TRANSCRIPT]: expect.any(Object) })
  }, TEST_MS)

  test('an appended Codex message is searchable and pushed within 2 s', async () => {
    using dir = tempDir()
    using home = tempHome({ ...fixtureTree('claude-code'), ...fixtureTree('codex') })
    await using server = await liveServer(dir.path, home.path)
    const client = await subscriber(server, CODEX_SESSION)
    const appended = performance.now()
    appendFileSync(join(home.path, CODEX_FILE), codexMessage('assistant', 'The zebrafrost suite passes.'))
    const untouched = snapshot(home.path)
    await until(async () => (await searchIds(server, 'zebrafrost')).includes(CODEX_SESSION), 'the Codex message to be searchable')
    await client.until((messages) => messages.some((m) => m.type === 'event'))
    expect(performance.now() - appended).toBeLessThanOrEqual(LIVE_MS)
    expect(pushed(client)).toMatchObject([{ session_id: CODEX_SESSION, event_type: 'message', data: { role: 'assistant', content: 'The zebrafrost suite passes.' } }])
    await client.close()
    expect(snapshot(home.path)).toEqual(untouched)
  }, TEST_MS)

  test('a truncated and rewritten transcript is read whole again; so is one rewritten with other first bytes', async () => {
    using dir = tempDir()
    using home = tempHome(fixtureTree('claude-code'))
    await using server = await liveServer(dir.path, home.path)
    const path = join(home.path, CLAUDE_TRANSCRIPT)
    truncateSync(path, 0)
    writeFileSync(path, claudeUser(CLAUDE_SESSION, 'rw-1', 'a fresh start with walrusgrid'))
    await until(async () => (await searchIds(server, 'walrusgrid')).includes(CLAUDE_SESSION), 'the rewritten file')
    const contents = async () => (await getJson(server, `/api/sessions/${CLAUDE_SESSION}`)).data.messages.map((m: any) => m.content)
    expect(await contents()).toEqual(['a fresh start with walrusgrid'])
    // Longer than before, but its first bytes changed: not an append.
    writeFileSync(path, claudeUser(CLAUDE_SESSION, 'rw-2', `another start with narwhalquill ${'and more '.repeat(40)}`) + claudeUser(CLAUDE_SESSION, 'rw-3', 'second'))
    await until(async () => (await contents()).length === 2 && (await contents())[0].startsWith('another start'), 'the file rewritten with other first bytes')
    expect(await searchIds(server, 'walrusgrid')).toEqual([])
  }, TEST_MS)

  test('new session files, in a known folder and a new one, are harvested as they appear', async () => {
    using dir = tempDir()
    using home = tempHome(fixtureTree('claude-code'))
    await using server = await liveServer(dir.path, home.path)
    const inKnown = 'aaaaaaaa-1111-4111-8111-aaaaaaaaaaaa'
    const inNew = 'bbbbbbbb-2222-4222-8222-bbbbbbbbbbbb'
    writeFileSync(join(home.path, CLAUDE_DIR, `${inKnown}.jsonl`), claudeUser(inKnown, 'n-1', 'penguinlattice in a known folder'))
    writeTree(home.path, { '.claude': { projects: { '-home-dev-projects-brand-new': { [`${inNew}.jsonl`]: claudeUser(inNew, 'n-2', 'penguinlattice in a new folder') } } } })
    await until(async () => (await searchIds(server, 'penguinlattice')).length === 2, 'both new sessions')
    expect((await searchIds(server, 'penguinlattice')).sort()).toEqual([inKnown, inNew])
  }, TEST_MS)

  test('a burst of 1,000 appends is read in a bounded number of passes, every message once', async () => {
    using dir = tempDir()
    using home = tempHome(fixtureTree('claude-code'))
    await using server = await liveServer(dir.path, home.path)
    const before = (await getJson(server, `/api/sessions/${CLAUDE_SESSION}`)).data.messageCount
    const passesBefore = (await getJson(server, '/api/health')).data.harvest.live.passes
    const path = join(home.path, CLAUDE_TRANSCRIPT)
    for (let i = 0; i < 1000; i++) appendFileSync(path, claudeUser(CLAUDE_SESSION, `burst-${i}`, `burst line ${i}`))
    await until(async () => (await getJson(server, `/api/sessions/${CLAUDE_SESSION}`)).data.messageCount === before + 1000, 'all 1,000 messages')
    const session = (await getJson(server, `/api/sessions/${CLAUDE_SESSION}`)).data
    expect(session.messages.slice(before).map((m: any) => m.id)).toEqual(Array.from({ length: 1000 }, (_, i) => `burst-${i}`))
    // The thread commits, then reports its pass to the server: the count can trail the rows a moment.
    const passesNow = async () => (await getJson(server, '/api/health')).data.harvest.live.passes - passesBefore
    await until(async () => (await passesNow()) >= 1, 'the pass that read them counted')
    expect(await passesNow()).toBeLessThanOrEqual(20)
  }, TEST_MS)

  test('a deleted and recreated projects folder is watched again', async () => {
    using dir = tempDir()
    using home = tempHome(fixtureTree('claude-code'))
    await using server = await liveServer(dir.path, home.path)
    const projects = join(home.path, '.claude', 'projects')
    rmSync(projects, { recursive: true })
    mkdirSync(join(projects, '-home-dev-projects-again'), { recursive: true })
    const id = 'cccccccc-3333-4333-8333-cccccccccccc'
    writeFileSync(join(projects, '-home-dev-projects-again', `${id}.jsonl`), claudeUser(id, 'again-1', 'flamingoledger after the folder came back'))
    await until(async () => (await searchIds(server, 'flamingoledger')).includes(id), 'the session in the recreated folder')
    const later = 'dddddddd-4444-4444-8444-dddddddddddd'
    writeFileSync(join(projects, '-home-dev-projects-again', `${later}.jsonl`), claudeUser(later, 'again-2', 'ospreytally by file events again'))
    await until(async () => (await searchIds(server, 'ospreytally')).includes(later), 'a later session by file events')
    expect((await getJson(server, '/api/health')).data.harvest.live.mode).toBe('events')
    // Sessions whose files went with the folder are kept.
    expect((await getJson(server, `/api/sessions/${CLAUDE_SESSION}`)).success).toBe(true)
  }, TEST_MS)
})
