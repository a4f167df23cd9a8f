import { describe, expect, test } from 'bun:test'
import { EventEmitter } from 'node:events'
import type { FSWatcher } from 'node:fs'
import { appendFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { getSession } from '../../src/db'
import { createHarvestScheduler, PROVIDERS, type LiveMessage, type LiveTiming, type WatchFunction } from '../../src/harvest'
import { silentLogger } from '../../src/shared/log'
import { openTestDb } from '../support/db'
import { CLAUDE_SESSION, CLAUDE_TRANSCRIPT, claudeLine } from '../support/claude-code'
import { homeContext } from '../support/parts'
import { fixtureTree, tempHome } from '../support/temp'
import { until } from '../support/wait'

const FAST: LiveTiming = { sourceDelayMs: 20, providerDelayMs: 50, checkMs: 100, pollMs: 150 }
const claudeCode = PROVIDERS.filter((provider) => provider.id === 'claude-code')

const line = (record: Record<string, unknown> & { uuid: string }) => claudeLine(CLAUDE_SESSION, record.uuid, { timestamp: '2026-03-01T10:00:00.000Z', ...record })

/** A live scheduler on a temp home with the Claude Code fixtures; `watch` replaces the platform's file events. */
function live(watch?: WatchFunction) {
  const home = tempHome(fixtureTree('claude-code'))
  const db = openTestDb()
  const published: LiveMessage[] = []
  const scheduler = createHarvestScheduler({
    chasm: db,
    providers: claudeCode,
    context: homeContext(home.path),
    intervalSeconds: null,
    log: silentLogger,
    live: { publish: (messages) => published.push(...messages), timing: FAST, watch },
  })
  return {
    home,
    db,
    scheduler,
    published,
    async [Symbol.asyncDispose]() {
      await scheduler.stop()
      db[Symbol.dispose]()
      home[Symbol.dispose]()
    },
  }
}

/** A watch that is never set up, as on a file system without events. */
const unavailable: WatchFunction = () => {
  throw Object.assign(new Error('watch not supported here'), { code: 'ENOSYS' })
}

describe('live harvest (issue 12)', () => {
  test('where file events are unavailable, locations are polled', async () => {
    await using t = live(unavailable)
    await t.scheduler.start()
    expect(t.scheduler.state().live).toMatchObject({ mode: 'polling', roots: 1 })
    appendFileSync(join(t.home.path, CLAUDE_TRANSCRIPT), line({ type: 'user', uuid: 'p-1', message: { role: 'user', content: 'seen by polling' } }))
    await until(() => t.published.some((m) => m.message.content === 'seen by polling'), 'the polled change')
    expect(getSession(t.db.sqlite, CLAUDE_SESSION).messages.at(-1)).toMatchObject({ id: 'p-1', content: 'seen by polling' })
  })

  test('a watch that dies is replaced by polling', async () => {
    let watcher: EventEmitter | null = null
    const dying: WatchFunction = () => {
      watcher = Object.assign(new EventEmitter(), { close() {} })
      return watcher as unknown as FSWatcher
    }
    await using t = live(dying)
    await t.scheduler.start()
    expect(t.scheduler.state().live?.mode).toBe('events')
    watcher!.emit('error', new Error('inotify queue overflow'))
    expect(t.scheduler.state().live?.mode).toBe('polling')
    appendFileSync(join(t.home.path, CLAUDE_TRANSCRIPT), line({ type: 'user', uuid: 'd-1', message: { role: 'user', content: 'after the watch died' } }))
    await until(() => t.published.some((m) => m.message.content === 'after the watch died'), 'the polled change')
  })

  test('a message completed by later lines is pushed as an update; tool results reach the stored call', async () => {
    await using t = live()
    await t.scheduler.start()
    const path = join(t.home.path, CLAUDE_TRANSCRIPT)
    const reply = (uuid: string, content: unknown[]) => line({ type: 'assistant', uuid, message: { id: 'msg_split', role: 'assistant', model: 'claude-sonnet-4-5', content } })
    appendFileSync(path, reply('s-1', [{ type: 'text', text: 'Part one.' }]))
    await until(() => t.published.some((m) => m.message.id === 'msg_split'), 'the first part')
    appendFileSync(path, reply('s-2', [{ type: 'text', text: 'Part two.' }]) + reply('s-3', [{ type: 'tool_use', id: 'toolu_s', name: 'Read', input: { path: 'a' } }]))
    await until(() => t.published.some((m) => m.kind === 'message_update'), 'the update')
    expect(t.published.filter((m) => m.message.id === 'msg_split').map((m) => [m.kind, m.message.content])).toEqual([
      ['message', 'Part one.'],
      ['message_update', 'Part one.\n\nPart two.'],
    ])
    appendFileSync(path, line({ type: 'user', uuid: 's-4', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_s', content: 'file a' }] } }))
    appendFileSync(path, line({ type: 'user', uuid: 's-5', message: { role: 'user', content: 'thanks' } }))
    await until(() => t.published.some((m) => m.message.content === 'thanks'), 'the next prompt')
    const messages = getSession(t.db.sqlite, CLAUDE_SESSION).messages
    expect(messages.filter((m) => m.id === 'msg_split')).toEqual([
      expect.objectContaining({ content: 'Part one.\n\nPart two.', toolInvocations: [{ id: 'toolu_s', name: 'Read', input: { path: 'a' }, output: 'file a', status: 'success' }] }),
    ])
  })

  test('a file that appears while the first harvest runs is read once it ended', async () => {
    await using t = live()
    const first = t.scheduler.start()
    writeFileSync(
      join(t.home.path, '.claude/projects/-home-dev-projects-todo-api/eeeeeeee-5555-4555-8555-eeeeeeeeeeee.jsonl'),
      line({ type: 'user', uuid: 'e-1', sessionId: 'eeeeeeee-5555-4555-8555-eeeeeeeeeeee', message: { role: 'user', content: 'born during the harvest' } }),
    )
    await first
    await until(() => {
      try {
        return getSession(t.db.sqlite, 'eeeeeeee-5555-4555-8555-eeeeeeeeeeee').messageCount === 1
      } catch {
        return false
      }
    }, 'the new session')
  })
})
