import { describe, expect, test } from 'bun:test'
import { appendFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { getSession } from '../../src/db'
import { harvestStatus, type Provider } from '../../src/harvest'
import { openTestDb } from '../support/db'
import { harvestHome } from '../support/harvest'
import { tempHome, touch } from '../support/temp'
import { fakeProvider, jsonl } from './fake-provider'

const chat = (id: string, ...contents: string[]) =>
  jsonl({ session: id, title: `chat ${id}` }, ...contents.map((content, i) => ({ role: i % 2 ? 'assistant' : 'user', content, ts: 1_700_000_000_000 + i * 1000 })))

describe('harvest engine', () => {
  test('harvests, then skips unchanged sources without writing', async () => {
    using home = tempHome({ '.fake': { 'a.jsonl': chat('a', 'hello', 'hi there'), 'b.jsonl': chat('b', 'question') } })
    using db = openTestDb()
    const first = await harvestHome(db, [fakeProvider], home.path)
    expect(first.providers[0]).toMatchObject({ provider: 'fake', sources: 2, harvested: 2, skipped: 0, sessions: 2, messages: 3, workspaces: 1, problems: [] })
    expect(getSession(db.sqlite, 'a')).toMatchObject({ title: 'chat a', messageCount: 2, created: '2023-11-14T22:13:20.000Z', updated: '2023-11-14T22:13:21.000Z' })
    const changes = db.sqlite.query('SELECT total_changes() AS n').get()
    const second = await harvestHome(db, [fakeProvider], home.path)
    expect(second.providers[0]).toMatchObject({ sources: 2, harvested: 0, skipped: 2 })
    // Only the run's own bookkeeping row (start + end) was written.
    expect((db.sqlite.query('SELECT total_changes() AS n').get() as any).n - (changes as any).n).toBe(2)
  })

  test('a changed source replaces its session; a vanished one is kept, marked as no longer on disk', async () => {
    using home = tempHome({ '.fake': { 'a.jsonl': chat('a', 'one'), 'b.jsonl': chat('b', 'two') } })
    using db = openTestDb()
    await harvestHome(db, [fakeProvider], home.path)
    appendFileSync(join(home.path, '.fake/a.jsonl'), jsonl({ role: 'assistant', content: 'one more' }))
    touch(join(home.path, '.fake/a.jsonl'), new Date(Date.now() + 5000))
    rmSync(join(home.path, '.fake/b.jsonl'))
    const summary = await harvestHome(db, [fakeProvider], home.path)
    expect(summary.providers[0]).toMatchObject({ harvested: 1, gone: 1 })
    expect(getSession(db.sqlite, 'a').messages.map((m) => m.content)).toEqual(['one', 'one more'])
    expect(getSession(db.sqlite, 'b').messages.map((m) => m.content)).toEqual(['two'])
    expect(getSession(db.sqlite, 'b').sourceDeleted).toBe(true)
    expect(getSession(db.sqlite, 'a').sourceDeleted).toBe(false)
    writeFileSync(join(home.path, '.fake/b.jsonl'), chat('b', 'two', 'back again'))
    await harvestHome(db, [fakeProvider], home.path)
    expect(getSession(db.sqlite, 'b')).toMatchObject({ sourceDeleted: false, messageCount: 2 })
  })

  test('problems are reported, valid data kept, and the source is retried next run', async () => {
    using home = tempHome({ '.fake': { 'a.jsonl': chat('a', 'good').replace('\n', '\n{broken\n') + '{"role":"user","content":"half' } })
    using db = openTestDb()
    const summary = await harvestHome(db, [fakeProvider], home.path)
    expect(summary.providers[0]!.problems.map((p) => p.message)).toEqual([expect.stringContaining('line 2'), expect.stringContaining('line 4')])
    expect(getSession(db.sqlite, 'a').messages.map((m) => m.content)).toEqual(['good'])
    expect((await harvestHome(db, [fakeProvider], home.path)).providers[0]).toMatchObject({ harvested: 1, skipped: 0 })
  })

  test('a provider that throws mid-stream keeps what it read', async () => {
    using home = tempHome({ '.fake': { 'a.jsonl': jsonl({ session: 'a' }, { role: 'user', content: 'kept' }, { throw: 'boom' }, { role: 'user', content: 'never' }) } })
    using db = openTestDb()
    const summary = await harvestHome(db, [fakeProvider], home.path)
    expect(summary.providers[0]!.problems).toEqual([{ source: join(home.path, '.fake/a.jsonl'), message: 'read failed: boom' }])
    expect(getSession(db.sqlite, 'a').messages.map((m) => m.content)).toEqual(['kept'])
  })

  test('a bad re-read with fewer messages keeps the stored version', async () => {
    using home = tempHome({ '.fake': { 'a.jsonl': chat('a', 'one', 'two', 'three') } })
    using db = openTestDb()
    await harvestHome(db, [fakeProvider], home.path)
    writeFileSync(join(home.path, '.fake/a.jsonl'), jsonl({ session: 'a' }, { role: 'user', content: 'one' }) + '{"garbage')
    touch(join(home.path, '.fake/a.jsonl'), new Date(Date.now() + 5000))
    const summary = await harvestHome(db, [fakeProvider], home.path)
    expect(summary.providers[0]!.problems.map((p) => p.message)).toContain('kept the stored version of session a (3 messages; this read found 1)')
    expect(getSession(db.sqlite, 'a').messageCount).toBe(3)
  })

  test('a huge session is staged in batches and committed whole, with late tool results paired', async () => {
    const records: object[] = [{ session: 'big' }]
    for (let i = 0; i < 4500; i++) {
      records.push({ role: 'assistant', content: `step ${i}`, tools: [{ id: `call-${i}`, name: 'Bash', input: { i } }] })
      if (i % 3 === 0) records.push({ result: `call-${i}`, output: `out ${i}` })
    }
    records.push({ result: 'call-1', output: 'very late' }, { title: 'found at the end' })
    using home = tempHome({ '.fake': { 'big.jsonl': jsonl(...records) } })
    using db = openTestDb()
    await harvestHome(db, [fakeProvider], home.path)
    const session = getSession(db.sqlite, 'big')
    expect(session.messageCount).toBe(4500)
    expect(session.title).toBe('found at the end')
    expect(session.messages.map((m) => m.index)).toEqual([...Array(4500).keys()])
    expect(session.messages[4499]!.toolInvocations).toEqual([{ id: 'call-4499', name: 'Bash', input: { i: 4499 }, output: null, status: null }])
    expect(session.messages[3000]!.toolInvocations[0]).toMatchObject({ output: 'out 3000', status: 'ok' })
    expect(session.messages[1]!.toolInvocations[0]).toMatchObject({ output: 'very late', status: 'ok' })
    expect(db.sqlite.query("SELECT tool_invocation_count AS n FROM sessions WHERE id = 'big'").get()).toEqual({ n: 4500 })
    expect(db.sqlite.query('SELECT count(*) AS n FROM staged_messages').get()).toEqual({ n: 0 })
  })
})

describe('harvest and other origins', () => {
  test('a session recorded live under the same id is never overwritten by a harvest', async () => {
    using home = tempHome({ '.fake': { 'a.jsonl': chat('a', 'from the provider file') } })
    using db = openTestDb()
    const { replaceSession } = await import('../../src/db')
    replaceSession(db.sqlite, { id: 'a', provider: 'fake', origin: 'recording', title: 'live', model: null, created: 1, updated: 2, workspace: null, messages: [{ role: 'user', content: 'recorded live', timestamp: 1, model: null }] })
    await harvestHome(db, [fakeProvider], home.path)
    expect(getSession(db.sqlite, 'a')).toMatchObject({ origin: 'recording', title: 'live', messages: [expect.objectContaining({ content: 'recorded live' })] })
  })
})

describe('bulk indexing', () => {
  test('a large first harvest defers the full-text index and rebuilds it at the end', async () => {
    const files: Record<string, string> = {}
    for (let f = 0; f < 30; f++) files[`s${f}.jsonl`] = chat(`s${f}`, ...Array.from({ length: 250 }, (_, i) => `message ${i} of file ${f} about zeppelins${f}`))
    using home = tempHome({ '.fake': files })
    using db = openTestDb()
    await harvestHome(db, [fakeProvider], home.path)
    const { isFullTextDeferred } = await import('../../src/db')
    const { searchSessions } = await import('../../src/search')
    expect(isFullTextDeferred(db.sqlite)).toBe(false)
    expect(searchSessions(db.sqlite, 'zeppelins29', { limit: 5 }).map((r) => r.sessionId)).toEqual(['s29'])
    expect(searchSessions(db.sqlite, 'zeppelins0', { limit: 5 }).map((r) => r.sessionId)).toEqual(['s0'])
    expect(searchSessions(db.sqlite, '"chat s7"', { limit: 5 }).map((r) => r.sessionId)).toEqual(['s7'])
    db.sqlite.run("INSERT INTO messages_fts(messages_fts) VALUES ('integrity-check')")
  })

  test('an index left deferred by an interrupted run is rebuilt by the next run', async () => {
    using home = tempHome({ '.fake': { 'a.jsonl': chat('a', 'albatross') } })
    using db = openTestDb()
    const { deferFullText, isFullTextDeferred, replaceSession } = await import('../../src/db')
    const { searchSessions } = await import('../../src/search')
    deferFullText(db.sqlite)
    replaceSession(db.sqlite, { id: 'orphan', provider: 'fake', origin: 'recording', title: null, model: null, created: 1, updated: 1, workspace: null, messages: [{ role: 'user', content: 'pelican', timestamp: 1, model: null }] })
    expect(searchSessions(db.sqlite, 'pelican', { limit: 5 })).toEqual([])
    await harvestHome(db, [fakeProvider], home.path)
    expect(isFullTextDeferred(db.sqlite)).toBe(false)
    expect(searchSessions(db.sqlite, 'pelican', { limit: 5 }).map((r) => r.sessionId)).toEqual(['orphan'])
    expect(searchSessions(db.sqlite, 'albatross', { limit: 5 }).map((r) => r.sessionId)).toEqual(['a'])
  })
})

describe('a harvest that fails before its end', () => {
  test('stores the summary of what it did, so harvest status counts its problems', async () => {
    using home = tempHome({ '.fake': { 'a.jsonl': chat('a', 'good') + '{broken\n' } })
    using db = openTestDb()
    // Not a generator: the call itself throws, which no per-source handling catches.
    const crashing: Provider = { ...fakeProvider, id: 'crashing', read: () => { throw new Error('crashed') } }
    await expect(harvestHome(db, [fakeProvider, crashing], home.path)).rejects.toThrow('crashed')
    expect(harvestStatus(db).runs).toEqual([{ startedAt: expect.any(String), endedAt: expect.any(String), status: 'failed', problems: 1, error: 'crashed' }])
    const stored = JSON.parse(db.sqlite.query<{ summary: string }, []>('SELECT summary FROM harvest_runs').get()!.summary)
    expect(stored).toMatchObject({ problemCount: 1, providers: [{ provider: 'fake', harvested: 1 }] })
  })
})
