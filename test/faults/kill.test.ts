import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { Database } from 'bun:sqlite'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createAgency, discardRecorder } from '../../src/agency'
import { openDatabase } from '../../src/db'
import { latch, scriptByModel, startFakeModels } from '../agency/support/fake-models'
import { childEnv as env, compiledBinary, serveBinary } from '../support/binary'
import { NO_SIGTERM, skipIf } from '../support/os'
import { tempDir } from '../support/temp'
import { until } from '../support/wait'
import { getJson } from './support'

let binary: string
beforeAll(async () => {
  binary = await compiledBinary()
}, 180_000)

const SESSIONS = 2000
const MESSAGES = 30
const INTERRUPTED = 'interrupted before the end; the next harvest continues where it stopped'

/** A home with SESSIONS Claude Code transcripts of MESSAGES messages each; every message contains "harvestable". */
function claudeHome(home: string): void {
  for (let s = 0; s < SESSIONS; s++) {
    const id = `${s.toString(16).padStart(8, '0')}-0000-4000-8000-${(s * 7919).toString(16).padStart(12, '0')}`
    const cwd = `/home/dev/project-${s % 50}`
    const dir = join(home, '.claude', 'projects', cwd.replaceAll('/', '-'))
    mkdirSync(dir, { recursive: true })
    let parent: string | null = null
    const lines: string[] = []
    for (let m = 0; m < MESSAGES; m++) {
      const uuid = `${id}-${m}`
      const common = { parentUuid: parent, isSidechain: false, userType: 'external', cwd, sessionId: id, version: '2.1.40', uuid, timestamp: new Date(Date.UTC(2026, 0, 1) + s * 60_000 + m * 1000).toISOString() }
      parent = uuid
      const text = `harvestable message ${m} of session ${s}: ${'words to index '.repeat(8)}`
      lines.push(
        JSON.stringify(
          m % 2 === 0
            ? { ...common, type: 'user', message: { role: 'user', content: text } }
            : { ...common, type: 'assistant', message: { id: `msg_${uuid}`, type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [{ type: 'text', text }] } },
        ),
      )
    }
    writeFileSync(join(dir, `${id}.jsonl`), `${lines.join('\n')}\n`)
  }
}


/** Sessions committed so far, read through a connection of our own (WAL: never blocks the writer). */
function sessionCount(db: string): number {
  try {
    const reader = new Database(db, { readonly: true })
    try {
      return reader.query<{ n: number }, []>('SELECT count(*) AS n FROM sessions').get()!.n
    } finally {
      reader.close()
    }
  } catch {
    return 0
  }
}

/** Waits until the database holds at least `atLeast` sessions; returns how many it held then. */
async function untilSessions(db: string, atLeast: number): Promise<number> {
  let n = 0
  await until(() => (n = sessionCount(db)) >= atLeast, `${atLeast} harvested sessions`, { pollMs: 5, limitMs: 60_000 })
  return n
}

/** What a complete, consistent harvest of claudeHome leaves: every session whole, the full-text index complete. */
function expectComplete(db: string): void {
  const check = new Database(db, { readonly: true })
  expect(check.query('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' })
  expect(check.query("SELECT count(*) AS sessions, sum(message_count) AS messages, count(DISTINCT message_count) AS sizes FROM sessions WHERE provider = 'claude-code'").get()).toEqual({
    sessions: SESSIONS,
    messages: SESSIONS * MESSAGES,
    sizes: 1,
  })
  expect(check.query("SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH 'harvestable'").get()).toEqual({ n: SESSIONS * MESSAGES })
  expect(check.query("SELECT count(*) AS n FROM meta WHERE key = 'fts_deferred'").get()).toEqual({ n: 0 })
  check.close()
  // FTS5's own consistency check between the index and its content table.
  const writable = new Database(db)
  writable.run("INSERT INTO messages_fts(messages_fts) VALUES ('integrity-check')")
  writable.close()
}

const runsOf = (db: string) => {
  const check = new Database(db, { readonly: true })
  const runs = check.query<{ status: string; error: string | null }, []>('SELECT status, error FROM harvest_runs ORDER BY pk').all()
  check.close()
  return runs
}

describe('killed during a harvest', () => {
  let home: ReturnType<typeof tempDir>
  // 2,000 files: seconds on a busy machine.
  beforeAll(() => {
    home = tempDir('chasm-kill-home-')
    claudeHome(home.path)
  }, 60_000)
  afterAll(() => home[Symbol.dispose]())

  for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
    const run = signal === 'SIGTERM' ? skipIf(NO_SIGTERM) : test
    run(`chasm harvest run, ${signal} mid-run: the next run completes the work and the database is consistent`, async () => {
      using dir = tempDir()
      const db = join(dir.path, 'chasm.db')
      const proc = Bun.spawn([binary, 'harvest', 'run', '--home', home.path, '--db', db], { env: env(), stdout: 'pipe', stderr: 'pipe' })
      const reached = await untilSessions(db, SESSIONS / 10)
      proc.kill(signal)
      const code = await proc.exited
      const stderr = await new Response(proc.stderr).text()
      expect(reached).toBeLessThan(SESSIONS)
      if (signal === 'SIGTERM') {
        // Stopped at a source boundary, said so, recorded it, and closed the database cleanly.
        expect({ code, stderr }).toEqual({ code: 1, stderr: 'chasm: harvest interrupted; what was read is kept, run it again to continue\n' })
        expect(runsOf(db)).toEqual([{ status: 'failed', error: INTERRUPTED }])
      } else {
        expect(runsOf(db)).toEqual([{ status: 'running', error: null }])
      }

      const again = Bun.spawnSync([binary, 'harvest', 'run', '--home', home.path, '--db', db, '--json'], { env: env(), stdout: 'pipe', stderr: 'pipe' })
      expect({ code: again.exitCode, stderr: again.stderr.toString() }).toEqual({ code: 0, stderr: '' })
      const claude = JSON.parse(again.stdout.toString()).data.providers.find((p: { provider: string }) => p.provider === 'claude-code')
      expect(claude).toMatchObject({ sources: SESSIONS, problems: [] })
      // What the killed run committed is skipped, the rest is read now.
      expect(claude.harvested + claude.skipped).toBe(SESSIONS)
      expect(claude.skipped).toBeGreaterThan(0)
      expectComplete(db)
      // The killed run is reported as interrupted, not as still running.
      expect(runsOf(db)).toEqual([
        { status: 'failed', error: INTERRUPTED },
        { status: 'completed', error: null },
      ])
    }, 120_000)
  }

  for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
    // Both variants end with a clean stop (SIGTERM).
    skipIf(NO_SIGTERM)(`chasm api serve, ${signal} during its background harvest: the next start completes the work`, async () => {
      using dir = tempDir()
      const db = join(dir.path, 'chasm.db')
      const args = ['--db', db, '--home', home.path, '--harvest-interval', '0']
      {
        const first = await serveBinary(binary, args)
        await untilSessions(db, SESSIONS / 10)
        first.proc.kill(signal)
        const code = await first.proc.exited
        // A clean stop; that it did not wait for the harvest to finish is the count below, not a clock.
        if (signal === 'SIGTERM') expect(code).toBe(0)
      }
      expect(sessionCount(db)).toBeLessThan(SESSIONS)
      await using second = await serveBinary(binary, args)
      await until(
        async () => {
          const health = (await getJson(`${second.url}/api/health`)).body.data
          return health.harvest.state === 'idle' && health.harvest.lastRunAt !== null
        },
        'the second harvest to finish',
        { limitMs: 60_000 },
      )
      const stats = (await getJson(`${second.url}/api/stats`)).body.data
      expect([stats.totalSessions, stats.totalMessages]).toEqual([SESSIONS, SESSIONS * MESSAGES])
      const found = (await getJson(`${second.url}/api/sessions/search?q=harvestable&limit=100`)).body.data
      expect(found.length).toBe(100)
      second.proc.kill('SIGTERM')
      expect(await second.proc.exited).toBe(0)
      expectComplete(db)
      expect(runsOf(db).map((run) => run.status)).toEqual(['failed', 'completed'])
    }, 120_000)
  }
})

describe('killed during a swarm run (chasm swarm run)', () => {
  for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
    const run = signal === 'SIGTERM' ? skipIf(NO_SIGTERM) : test
    run(`${signal} mid-run: the run ends consistent, and the next run of the swarm completes`, async () => {
      using dir = tempDir()
      const db = join(dir.path, 'chasm.db')
      const never = latch()
      using fake = startFakeModels(
        scriptByModel({
          'claude-lead': [{ text: '{"assignments": [{"worker": "dev", "task": "slow work"}]}' }, { text: '{"assignments": [{"worker": "dev", "task": "quick"}]}' }, { text: 'second answer' }],
          'gpt-dev': [{ text: 'never arrives', hold: never.promise }, { text: 'quick work' }],
        }),
      )
      {
        const chasm = openDatabase(db)
        const agency = createAgency({ sqlite: chasm.sqlite, env: {}, dataDir: dir.path, recorder: discardRecorder })
        agency.createAgent({ name: 'lead', instruction: 'Lead.', model: 'claude-lead' })
        agency.createAgent({ name: 'dev', instruction: 'Code.', model: 'gpt-dev' })
        agency.createSwarm({ name: 'team', coordinator: 'lead', workers: ['dev'] })
        await agency.close()
        chasm.close()
      }
      const runEnv = env({ ...fake.env(), XDG_DATA_HOME: join(dir.path, 'xdg') })
      const first = Bun.spawn([binary, 'swarm', 'run', 'team', 'Work slowly', '--db', db], { env: runEnv, stdout: 'pipe', stderr: 'pipe' })
      await fake.received(2)
      first.kill(signal)
      const code = await first.exited
      const stderr = await new Response(first.stderr).text()
      const check = new Database(db, { readonly: true })
      const killed = check.query<{ status: string; error: string | null }, []>('SELECT status, error FROM swarm_runs').get()
      check.close()
      if (signal === 'SIGTERM') {
        // Stopped like Ctrl-C: in-flight calls aborted, the run recorded as stopped.
        expect([code, stderr.trim().split('\n').at(-1), killed]).toEqual([1, 'chasm: run stopped', { status: 'stopped', error: null }])
      } else {
        expect(killed).toEqual({ status: 'running', error: null })
      }

      const second = Bun.spawn([binary, 'swarm', 'run', 'team', 'Again', '--db', db], { env: runEnv, stdout: 'pipe', stderr: 'pipe' })
      expect({ code: await second.exited, answer: await new Response(second.stdout).text() }).toEqual({ code: 0, answer: 'second answer\n' })
      const after = new Database(db, { readonly: true })
      expect(after.query('SELECT status, error FROM swarm_runs ORDER BY started_at').all()).toEqual([
        signal === 'SIGTERM' ? { status: 'stopped', error: null } : { status: 'failed', error: 'interrupted by restart' },
        { status: 'completed', error: null },
      ])
      expect(after.query("SELECT count(*) AS n FROM run_steps WHERE status = 'running'").get()).toEqual({ n: 0 })
      after.close()
      never.release()
    }, 60_000)
  }
})
