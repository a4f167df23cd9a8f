import { beforeAll, describe, expect, test } from 'bun:test'
import { Database } from 'bun:sqlite'
import { writeFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { getSession } from '../../src/db'
import { streamLogger } from '../../src/shared/log'
import { fakeProvider, jsonl } from '../harvest/fake-provider'
import { compiledBinary, serveBinary } from '../support/binary'
import { harvestHome } from '../support/harvest'
import { RecordingClient, testServer } from '../support/socket'
import { tempHome } from '../support/temp'
import { until } from '../support/wait'
import { getJson, limitGrowth, postJson, rowCounts, smallFilesystem, smallFilesystemUnavailable } from './support'

const FULL = 'The database is full: no space is left on the disk (or its size limit was reached). Nothing was written; free some space and retry'
const full = { success: false, error: { code: 'INTERNAL_ERROR', message: FULL } }
const BIG = 'x'.repeat(300_000)

const message = (session: string, id: string, content: string) => ({ session_id: session, event_type: 'message', event_id: id, data: { message_id: id, role: 'user', content } })

describe('disk full (SQLite max_page_count on the server connection)', () => {
  test('REST, WebSocket, snapshot and agent writes fail with a clear error, write nothing, and recording resumes when space returns', async () => {
    const logged: string[] = []
    await using server = await testServer({ log: streamLogger((line) => logged.push(line)) })
    const events = `${server.url}/api/recording/events`
    expect((await postJson(events, message('s', 'e1', 'fits'))).status).toBe(200)
    const before = rowCounts(server.db.sqlite)
    const lift = limitGrowth(server.db.sqlite, 4)

    expect(await postJson(events, message('s', 'e2', BIG))).toEqual({ status: 500, body: full })
    // A batch whose first event fits and whose second does not: all or nothing.
    expect(await postJson(events, { events: [message('s', 'e3', 'small'), message('s', 'e4', BIG)] })).toEqual({ status: 500, body: full })
    expect(await postJson(`${server.url}/api/recording/snapshot`, { session_id: 'snap', messages: [{ role: 'user', content: BIG }] })).toEqual({ status: 500, body: full })
    expect(await postJson(`${server.url}/api/v1/agents`, { name: 'big', instruction: BIG, model: 'gpt-4o' })).toEqual({ status: 500, body: full })

    // Over the socket: an error instead of an ack, and the socket stays usable.
    const client = await RecordingClient.open(`${server.wsUrl}/ws/recording`)
    client.send(message('s', 'w1', BIG))
    client.send({ type: 'ping' })
    await client.until((messages) => messages.some((m) => m.type === 'pong'))
    expect(client.messages.slice(1, 2)).toEqual([{ type: 'error', code: 'INTERNAL_ERROR', message: FULL, event_id: null }])
    expect(client.ofType('ack')).toEqual([])

    expect(rowCounts(server.db.sqlite)).toEqual(before)
    expect(getSession(server.db.sqlite, 's').messages.map((m) => m.content)).toEqual(['fits'])
    expect(logged.filter((line) => line.includes('The database is full')).length).toBe(5)
    expect(server.db.sqlite.query('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' })

    // Space returns: the same requests now succeed, each event once.
    lift()
    expect((await postJson(events, { events: [message('s', 'e2', BIG), message('s', 'e3', 'small'), message('s', 'e4', BIG)] })).body.data).toMatchObject({ accepted: 3, duplicates: 0 })
    client.send(message('s', 'w1', BIG))
    await client.until((messages) => messages.some((m) => m.type === 'ack'))
    expect(client.ofType('ack')).toEqual([{ type: 'ack', event_id: 'w1', session_id: 's', status: 'recorded', seq: 5 }])
    await client.close()
    expect((await postJson(`${server.url}/api/recording/snapshot`, { session_id: 'snap', messages: [{ role: 'user', content: BIG }] })).status).toBe(200)
    expect(getSession(server.db.sqlite, 's').messages.map((m) => m.content.length)).toEqual([4, BIG.length, 5, BIG.length, BIG.length])
  })

  test('in one group commit, the request that fits is acknowledged and only the one that does not fail', async () => {
    await using server = await testServer()
    const lift = limitGrowth(server.db.sqlite, 6)
    const client = await RecordingClient.open(`${server.wsUrl}/ws/recording`)
    // Sent together, so they land in the same group commit; the group falls back to one savepoint each.
    client.send(message('a', 'a1', 'fits'))
    client.send(message('b', 'b1', BIG))
    client.send(message('a', 'a2', 'fits too'))
    client.send({ type: 'ping' })
    await client.until((messages) => messages.some((m) => m.type === 'pong'))
    expect(client.messages.slice(1, 4).map((m) => (m.type === 'ack' ? `ack ${m.event_id}` : m.type === 'error' ? `error ${m.code}` : m.type))).toEqual([
      'ack a1',
      'error INTERNAL_ERROR',
      'ack a2',
    ])
    expect(server.db.sqlite.query('SELECT id, message_count FROM sessions ORDER BY id').all()).toEqual([{ id: 'a', message_count: 2 }])
    lift()
    await client.close()
  })

  test('a harvest that runs out of space stops with the reason, and the next harvest completes the work', async () => {
    const files: Record<string, string> = {}
    for (let i = 0; i < 8; i++) files[`s${i}.jsonl`] = jsonl({ session: `s${i}` }, ...Array.from({ length: 20 }, (_, m) => ({ role: m % 2 ? 'assistant' : 'user', content: `${i}-${m} ${'y'.repeat(5000)}` })))
    using home = tempHome({ '.fake': files })
    await using server = await testServer()
    const lift = limitGrowth(server.db.sqlite, 60)
    const failure = await harvestHome(server.db, [fakeProvider], home.path).then(
      () => null,
      (error: Error) => error,
    )
    expect(failure?.message).toBe('database or disk is full')
    const partial = server.db.sqlite.query<{ n: number }, []>('SELECT count(*) AS n FROM sessions').get()!.n
    expect(partial).toBeGreaterThan(0)
    expect(partial).toBeLessThan(8)
    // Every session that is there is whole: 20 messages, never a prefix.
    expect(server.db.sqlite.query('SELECT DISTINCT message_count FROM sessions').all()).toEqual(partial === 0 ? [] : [{ message_count: 20 }])
    lift()
    const summary = await harvestHome(server.db, [fakeProvider], home.path)
    expect(summary.providers[0]).toMatchObject({ sources: 8, harvested: 8 - partial, skipped: partial, problems: [] })
    expect(server.db.sqlite.query('SELECT count(*) AS n, sum(message_count) AS m FROM sessions').get()).toEqual({ n: 8, m: 160 })
  })
})

let binary: string
beforeAll(async () => {
  binary = await compiledBinary()
}, 180_000)

const noTmpfs = smallFilesystemUnavailable()
if (noTmpfs) console.warn(`skipping "disk full on a real filesystem": ${noTmpfs}; the max_page_count tests above still cover the server logic`)

describe('disk full on a real filesystem, through the compiled binary', () => {
  test.skipIf(noTmpfs !== null)('recording refuses with a clear error when the disk is full, resumes when space is freed, and every acked event survives a restart', async () => {
    using fs = smallFilesystem(8 * 1024 * 1024)!
    const db = join(fs.path, 'chasm.db')
    const filler = join(fs.path, 'filler')
    const acked = new Set<string>()
    {
      await using server = await serveBinary(binary, ['--db', db, '--no-harvest'])
      writeFileSync(filler, Buffer.alloc(5.5 * 1024 * 1024))
      const refused: unknown[] = []
      for (let i = 0; refused.length < 3 && i < 60; i++) {
        const id = `e${i}`
        const reply = await postJson(`${server.url}/api/recording/events`, message('s', id, `${id} ${'z'.repeat(100_000)}`))
        if (reply.status === 200) acked.add(id)
        else refused.push(reply)
      }
      expect(refused).toEqual([
        { status: 500, body: full },
        { status: 500, body: full },
        { status: 500, body: full },
      ])
      expect(acked.size).toBeGreaterThan(2)
      expect(server.stderr()).toContain(FULL)
      // Reads still work on a full disk.
      expect((await getJson(`${server.url}/api/sessions/s`)).body.data.messageCount).toBe(acked.size)
      // The acked events still sit in the WAL; moving them into the database file needs space, so the
      // background checkpoints fail until space returns. Wait for that before freeing any.
      await until(() => server.stderr().includes('background WAL checkpoint failed'), 'a failed background checkpoint')
      expect(server.stderr()).toContain('background WAL checkpoint failed (database or disk is full); retrying every 50 ms')
      rmSync(filler)
      for (let i = 100; i < 105; i++) {
        const reply = await postJson(`${server.url}/api/recording/events`, message('s', `e${i}`, `e${i} after`))
        expect(reply.status).toBe(200)
        acked.add(`e${i}`)
      }
      // The background checkpoints kept retrying and work again.
      await until(() => server.stderr().includes('background WAL checkpoints work again'), 'background checkpoints to recover')
      expect(server.stderr()).not.toContain('checkpointing on the main thread again')
      server.proc.kill('SIGTERM')
      expect(await server.proc.exited).toBe(0)
    }
    await using again = await serveBinary(binary, ['--db', db, '--no-harvest'])
    const session = (await getJson(`${again.url}/api/sessions/s`)).body.data
    expect(new Set(session.messages.map((m: { id: string }) => m.id))).toEqual(acked)
    const check = new Database(db, { readonly: true })
    expect(check.query('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' })
    check.close()
  }, 60_000)
})
