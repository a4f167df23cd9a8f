import { beforeAll, describe, expect, test } from 'bun:test'
import { Database } from 'bun:sqlite'
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { FILE_REPLACED, openDatabase, replaceSession } from '../../src/db'
import { latch, scriptByModel, startFakeModels } from '../agency/support/fake-models'
import { childEnv, compiledBinary, serveBinary } from '../support/binary'
import { sampleSession } from '../support/sessions'
import { NO_RENAME_OPEN_FILE, skipIf } from '../support/os'
import { tempDir } from '../support/temp'
import { until } from '../support/wait'
import { fileHash, getJson, postJson } from './support'

let binary: string
beforeAll(async () => {
  binary = await compiledBinary()
}, 180_000)

const event = (session: string, id: string, content = `text of ${id}`) => ({
  session_id: session,
  event_type: 'message',
  event_id: id,
  data: { message_id: id, role: 'user', content },
})
const replaced = { success: false, error: { code: 'INTERNAL_ERROR', message: FILE_REPLACED } }

/** Runs the compiled binary to completion with a clean environment. */
function runBinary(args: string[], env: Record<string, string> = {}) {
  const proc = Bun.spawnSync([binary, ...args], { env: childEnv(env), stdout: 'pipe', stderr: 'pipe' })
  return { code: proc.exitCode, stdout: proc.stdout.toString(), stderr: proc.stderr.toString() }
}

describe('the database file replaced or deleted by another process while the server runs', () => {
  for (const how of ['replaced by a backup', 'deleted'] as const) {
    skipIf(NO_RENAME_OPEN_FILE)(`${how}: writes are refused with a clear error, never acknowledged; after a crash the file at the path is intact`, async () => {
      using dir = tempDir()
      const db = join(dir.path, 'chasm.db')
      // The "backup": another chasm database with a session of its own.
      const backup = join(dir.path, 'backup.db')
      const other = openDatabase(backup)
      replaceSession(other.sqlite, sampleSession({ id: 'from-backup' }))
      other.close()

      const server = await serveBinary(binary, ['--db', db, '--no-harvest'])
      const events = `${server.url}/api/recording/events`
      expect((await postJson(events, event('live', 'e1'))).status).toBe(200)
      if (how === 'deleted') for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, { force: true })
      else renameSync(backup, db)

      expect(await postJson(events, event('live', 'e2'))).toEqual({ status: 500, body: replaced })
      // Over the socket too: an error, no ack.
      const socket = new WebSocket(`${server.url.replace('http', 'ws')}/ws/recording`)
      const replies: any[] = []
      await new Promise<void>((resolve) => {
        socket.onmessage = (message) => {
          replies.push(JSON.parse(message.data as string))
          if (replies.length === 2) resolve()
        }
        socket.onopen = () => socket.send(JSON.stringify(event('live', 'w1')))
      })
      expect(replies[1]).toEqual({ type: 'error', code: 'INTERNAL_ERROR', message: FILE_REPLACED, event_id: null })
      socket.close()
      // Every other write is refused as well, and health says so; reads still answer.
      expect((await postJson(`${server.url}/api/v1/agents`, { name: 'a', instruction: 'x', model: 'gpt-4o' })).body.error.code).toBe('INTERNAL_ERROR')
      expect((await getJson(`${server.url}/api/health`)).body.data.database).toBe('error')
      const read = await getJson(`${server.url}/api/sessions/live`)
      expect({ status: read.status, id: read.body.data?.id }).toEqual({ status: 200, id: 'live' })
      await until(() => server.stderr().includes(FILE_REPLACED), 'the server to log the replaced file')

      // A crash must not replay our WAL onto the new file.
      server.proc.kill('SIGKILL')
      await server.proc.exited
      if (how === 'deleted') expect(existsSync(db)).toBe(false)
      else {
        const check = new Database(db, { readonly: true })
        expect(check.query('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' })
        check.close()
      }
      await using again = await serveBinary(binary, ['--db', db, '--no-harvest'])
      const ids = (await getJson(`${again.url}/api/sessions`)).body.data.map((s: { id: string }) => s.id)
      expect(ids).toEqual(how === 'deleted' ? [] : ['from-backup'])
    }, 30_000)
  }
})

describe('the database locked by another process', () => {
  /** Another process holding the write lock (BEGIN EXCLUSIVE) until `release()`, or for `ms` if given. */
  async function holdLock(db: string, ms?: number) {
    const wait = ms === undefined ? 'for await (const _ of console) break' : `await Bun.sleep(${ms})`
    const holder = Bun.spawn(
      [process.execPath, '-e', `const { Database } = require('bun:sqlite'); const d = new Database(${JSON.stringify(db)}); d.run('BEGIN EXCLUSIVE'); console.log('locked'); ${wait}; d.run('COMMIT')`],
      { stdin: 'pipe', stdout: 'pipe' },
    )
    await holder.stdout.getReader().read()
    return {
      async release() {
        holder.stdin.end()
        await holder.exited
      },
    }
  }

  test('a write waits out a lock shorter than the busy timeout', async () => {
    using dir = tempDir()
    const db = join(dir.path, 'chasm.db')
    await using server = await serveBinary(binary, ['--db', db, '--no-harvest'])
    const events = `${server.url}/api/recording/events`
    expect((await postJson(events, event('s', 'e1'))).status).toBe(200)
    // 300 ms against the default 5 s busy timeout: the write is acknowledged once the lock is gone.
    const lock = await holdLock(db, 300)
    const waited = await postJson(events, event('s', 'e2'))
    expect(waited.body.data.acks).toEqual([{ event_id: 'e2', session_id: 's', status: 'recorded', seq: 2 }])
    await lock.release()
  }, 30_000)

  test('a lock held past the busy timeout gets a clear error, writes nothing, and writing resumes once it is gone', async () => {
    using dir = tempDir()
    const db = join(dir.path, 'chasm.db')
    // A short busy timeout, so the test does not wait out the default 5 s; the lock is held until the write failed.
    await using server = await serveBinary(binary, ['--db', db, '--no-harvest'], { CHASM_BUSY_TIMEOUT_MS: '200' })
    const events = `${server.url}/api/recording/events`
    expect((await postJson(events, event('s', 'e1'))).status).toBe(200)
    const lock = await holdLock(db)
    expect(await postJson(events, event('s', 'e2'))).toEqual({
      status: 500,
      body: { success: false, error: { code: 'INTERNAL_ERROR', message: 'The database is locked by another process. Nothing was written; retry shortly' } },
    })
    await lock.release()
    expect((await postJson(events, event('s', 'e2'))).body.data.acks).toEqual([{ event_id: 'e2', session_id: 's', status: 'recorded', seq: 2 }])
    expect((await getJson(`${server.url}/api/sessions/s`)).body.data.messages.map((m: { id: string }) => m.id)).toEqual(['e1', 'e2'])
  }, 30_000)

  test('an invalid CHASM_BUSY_TIMEOUT_MS is a usage error', () => {
    using dir = tempDir()
    const run = runBinary(['harvest', 'run', '--home', dir.path, '--db', join(dir.path, 'chasm.db')], { CHASM_BUSY_TIMEOUT_MS: '5s' })
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 2, stderr: expect.stringContaining('CHASM_BUSY_TIMEOUT_MS') })
  })
})

describe('a corrupted database file', () => {
  /** The bytes of a healthy chasm database with 40 sessions. */
  const valid = () => {
    using dir = tempDir()
    const chasm = openDatabase(join(dir.path, 'valid.db'))
    for (let i = 0; i < 40; i++) replaceSession(chasm.sqlite, sampleSession({ id: `s${i}`, messages: [{ role: 'user', content: `message ${i} ${'lorem ipsum '.repeat(200)}`, timestamp: null, model: null }] }))
    chasm.close()
    return readFileSync(chasm.path)
  }

  test.each([
    ['text', () => Buffer.from('notes: this is not a database\n'.repeat(100)), 'file is not a database'],
    ['zeros', () => Buffer.alloc(64 * 1024), 'file is not a database'],
    ['truncated', () => valid().subarray(0, 12 * 1024), 'database disk image is malformed'],
    ['scrambled pages', () => Buffer.from(valid().map((byte, i) => (i >= 8192 ? (byte * 31 + i) % 256 : byte))), 'database disk image is malformed'],
  ] as const)('%s: serve and CLI refuse it with one clear line, exit 1, and never write to it', (_, bytes, reason) => {
    using dir = tempDir()
    const db = join(dir.path, 'chasm.db')
    writeFileSync(db, bytes())
    const before = fileHash(db)
    for (const args of [['api', 'serve', '--port', '0', '--no-harvest'], ['stats'], ['harvest', 'run', '--home', dir.path], ['list', 'sessions']]) {
      const run = runBinary([...args, '--db', db])
      expect({ args, code: run.code, stderr: run.stderr }).toEqual({
        args,
        code: 1,
        stderr: `chasm: cannot use database ${db}: ${reason} — the file was left as it is; restore it from a backup or choose another --db\n`,
      })
    }
    expect(fileHash(db)).toBe(before)
    expect([existsSync(`${db}-wal`), existsSync(`${db}-shm`)]).toEqual([false, false])
  })

  test('damage inside the message pages: reads that reach it get a clear error, the rest of the API keeps working', async () => {
    using dir = tempDir()
    const db = join(dir.path, 'chasm.db')
    writeFileSync(db, valid())
    // Scramble the last pages (message text and its index), keep the schema and the first pages intact.
    const bytes = readFileSync(db)
    for (let i = bytes.length - 16 * 4096; i < bytes.length; i++) bytes[i] = (i * 131) % 256
    writeFileSync(db, bytes)
    await using server = await serveBinary(binary, ['--db', db, '--no-harvest'])
    expect((await getJson(`${server.url}/api/health`)).status).toBe(200)
    const answers = await Promise.all(['s0', 's20', 's39'].map((id) => getJson(`${server.url}/api/sessions/${id}`)))
    const damaged = answers.filter((answer) => answer.status !== 200)
    expect(damaged.length).toBeGreaterThan(0)
    for (const answer of damaged) {
      expect(answer).toEqual({
        status: 500,
        body: { success: false, error: { code: 'INTERNAL_ERROR', message: 'The database file is damaged. Nothing was written; restore it from a backup (chasm never overwrites it)' } },
      })
    }
    expect(server.stderr()).toContain('The database file is damaged')
  }, 30_000)
})

describe('port in use', () => {
  test("issue 9: a second server on the same database (any port) or on a taken port exits 1 with a clear line and leaves the first server's live recordings and runs alone", async () => {
    using dir = tempDir()
    const db = join(dir.path, 'chasm.db')
    const hold = latch()
    using fake = startFakeModels(scriptByModel({ 'claude-lead': [{ text: '{"assignments": [{"worker": "dev", "task": "work"}]}' }, { text: 'final' }], 'gpt-dev': [{ text: 'done', hold: hold.promise }] }))
    const env = { ...fake.env(), XDG_DATA_HOME: join(dir.path, 'xdg') }
    await using first = await serveBinary(binary, ['--db', db, '--no-harvest'], env)
    const port = new URL(first.url).port
    expect((await postJson(`${first.url}/api/recording/events`, event('live', 'e1'))).status).toBe(200)
    await postJson(`${first.url}/api/v1/agents`, { name: 'lead', instruction: 'Lead.', model: 'claude-lead' })
    await postJson(`${first.url}/api/v1/agents`, { name: 'dev', instruction: 'Code.', model: 'gpt-dev' })
    const swarm = (await postJson(`${first.url}/api/v1/swarms`, { name: 'team', coordinator: 'lead', workers: ['dev'] })).body.data
    const run = (await postJson(`${first.url}/api/v1/swarms/${swarm.id}/start`, { prompt: 'Go' })).body.data
    await fake.received(2)

    const serveAgain = async (args: string[]) => {
      const second = Bun.spawn([binary, 'api', 'serve', ...args, '--no-harvest'], { env: childEnv(env), stdout: 'pipe', stderr: 'pipe' })
      return { code: await second.exited, stderr: await new Response(second.stderr).text() }
    }
    const held = `chasm: another chasm server is already serving ${db}; stop it first, or give this one another --db\n`
    expect(await serveAgain(['--port', '0', '--db', db])).toEqual({ code: 1, stderr: held })
    expect(await serveAgain(['--port', port, '--db', db])).toEqual({ code: 1, stderr: held })
    expect(await serveAgain(['--port', port, '--db', join(dir.path, 'other.db')])).toEqual({ code: 1, stderr: `chasm: port ${port} on 127.0.0.1 is already in use\n` })

    expect((await getJson(`${first.url}/api/recording/sessions/live`)).body.data.status).toBe('active')
    expect((await getJson(`${first.url}/api/recording/recovery`)).body.data).toEqual([])
    expect((await getJson(`${first.url}/api/v1/swarms/${swarm.id}/runs/${run.runId}`)).body.data.status).toBe('running')
    hold.release()
    await until(async () => (await getJson(`${first.url}/api/v1/swarms/${swarm.id}`)).body.data.status !== 'running', 'the swarm to finish its run')
    expect((await getJson(`${first.url}/api/v1/swarms/${swarm.id}/runs/${run.runId}`)).body.data).toMatchObject({ status: 'completed', result: 'final' })
  }, 30_000)
})
