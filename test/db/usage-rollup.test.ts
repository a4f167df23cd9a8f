import { Database } from 'bun:sqlite'
import { describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { continueSession, migrate, replaceSession, sessionWriter, type MessageInput, type SessionInput } from '../../src/db'
import { MIGRATIONS } from '../../src/db/migrations'
import { openTestDb } from '../support/db'
import { seeded } from '../support/seeded'
import { tempDir } from '../support/temp'

/** The rollup recomputed from the messages themselves: what the triggers must always equal. */
const EXPECTED = `
  SELECT m.session_pk AS session_pk,
    coalesce(m.timestamp / 86400000, coalesce(s.created_at, s.updated_at) / 86400000, -1) AS day, m.timestamp IS NULL AS untimed,
    coalesce(m.model, '') AS model, CASE WHEN p > 272000 THEN 3 WHEN p > 200000 THEN 2 WHEN p > 100000 THEN 1 ELSE 0 END AS prompt_band,
    s.provider AS provider, s.workspace_id AS workspace_id, count(*) AS messages,
    sum(coalesce(m.input_tokens, 0)) AS input_tokens, sum(coalesce(m.output_tokens, 0)) AS output_tokens,
    sum(coalesce(m.cache_read_tokens, 0)) AS cache_read_tokens, sum(coalesce(m.cache_write_5m_tokens, 0)) AS cache_write_5m_tokens,
    sum(coalesce(m.cache_write_1h_tokens, 0)) AS cache_write_1h_tokens
  FROM (SELECT *, coalesce(input_tokens, 0) + coalesce(cache_read_tokens, 0) + coalesce(cache_write_5m_tokens, 0) + coalesce(cache_write_1h_tokens, 0) AS p FROM messages
        WHERE coalesce(input_tokens, output_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens) IS NOT NULL) m
  JOIN sessions s ON s.pk = m.session_pk
  GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5`
const ROLLUP = 'SELECT * FROM usage_rollup ORDER BY session_pk, day, untimed, model, prompt_band'
/** The daily table recomputed from the expected rollup. */
const EXPECTED_DAILY = `
  SELECT day, model, prompt_band, provider, sum(messages) AS messages, sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,
    sum(cache_read_tokens) AS cache_read_tokens, sum(cache_write_5m_tokens) AS cache_write_5m_tokens, sum(cache_write_1h_tokens) AS cache_write_1h_tokens
  FROM (${EXPECTED}) GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`
const DAILY = 'SELECT * FROM usage_daily ORDER BY day, model, prompt_band, provider'
/** The per-session table recomputed from the expected rollup. */
const EXPECTED_SESSIONS = `
  SELECT session_pk, provider, workspace_id, min(day) AS first_day, max(day) AS last_day,
    sum(input_tokens + output_tokens + cache_read_tokens + cache_write_5m_tokens + cache_write_1h_tokens) AS tokens
  FROM (${EXPECTED}) GROUP BY session_pk ORDER BY session_pk`
const SESSIONS = 'SELECT * FROM usage_sessions ORDER BY session_pk'
/** The per-workspace monthly table recomputed from the expected rollup, months as YYYYMM from the calendar. */
const EXPECTED_MONTHLY = `
  SELECT coalesce(workspace_id, '') AS workspace_id,
    CASE WHEN day < 0 THEN -1 ELSE CAST(strftime('%Y', day * 86400, 'unixepoch') AS INTEGER) * 100 + CAST(strftime('%m', day * 86400, 'unixepoch') AS INTEGER) END AS month,
    model, prompt_band, provider, sum(messages) AS messages, sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,
    sum(cache_read_tokens) AS cache_read_tokens, sum(cache_write_5m_tokens) AS cache_write_5m_tokens, sum(cache_write_1h_tokens) AS cache_write_1h_tokens
  FROM (${EXPECTED}) GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5`
const MONTHLY = 'SELECT * FROM usage_workspace_monthly ORDER BY workspace_id, month, model, prompt_band, provider'

/** Every usage table equals what the messages give, and no session is left out of the per-message triggers. */
function expectInStep(sqlite: Database, step: number | string) {
  expect({ step, rollup: sqlite.query(ROLLUP).all() }).toEqual({ step, rollup: sqlite.query(EXPECTED).all() })
  expect({ step, daily: sqlite.query(DAILY).all() }).toEqual({ step, daily: sqlite.query(EXPECTED_DAILY).all() })
  expect({ step, sessions: sqlite.query(SESSIONS).all() }).toEqual({ step, sessions: sqlite.query(EXPECTED_SESSIONS).all() })
  expect({ step, monthly: sqlite.query(MONTHLY).all() }).toEqual({ step, monthly: sqlite.query(EXPECTED_MONTHLY).all() })
  expect({ step, rebuilding: sqlite.query('SELECT * FROM usage_rebuilds').all() }).toEqual({ step, rebuilding: [] })
}

describe('usage rollup', () => {
  test('the rollup, daily, per-session and per-workspace-month tables equal the messages through every kind of write', () => {
    const pick = seeded('usage rollup', 'CHASM_ROLLUP_SEED')
    using db = openTestDb()
    const writer = sessionWriter(db.sqlite)
    const models = ['claude-opus-4-6', 'gpt-5-codex', null]
    const count = () => (pick(4) === 0 ? null : pick(3) === 0 ? 150_000 + pick(200_000) : pick(5000))
    // Times over three months, across month ends (UTC), so sessions span days and months.
    const time = () => (pick(5) === 0 ? null : Date.UTC(2026, 0, 28 + pick(36), pick(24)))
    const message = (i: number): MessageInput => ({
      role: i % 2 === 0 ? 'user' : 'assistant',
      content: `m${i}`,
      timestamp: time(),
      model: models[pick(3)]!,
      usage: i % 2 === 0 ? null : { inputTokens: count(), outputTokens: count(), cacheReadTokens: count(), cacheWrite5mTokens: count(), cacheWrite1hTokens: count() },
    })
    const workspace = () => (pick(3) === 0 ? null : { provider: 'claude-code', key: `/w${pick(3)}`, name: 'w', path: `/w${pick(3)}` })
    const session = (id: string): SessionInput => ({
      id,
      provider: ['claude-code', 'codex'][pick(2)]!,
      origin: 'harvest',
      title: id,
      model: null,
      created: pick(4) === 0 ? null : Date.UTC(2026, 0, 28 + pick(36)),
      updated: Date.UTC(2026, 2, 4),
      workspace: workspace(),
      messages: Array.from({ length: 1 + pick(12) }, (_, i) => message(i)),
    })
    // Rows picked by the seed too (not by SQLite's own random function), so a failure replays.
    const some = (table: string, n: number) => `SELECT pk FROM ${table} ORDER BY (pk * ${1 + pick(1000)}) % 1009 LIMIT ${n}`
    const stored = (id: string) => db.sqlite.query<{ pk: number; n: number }, [string]>('SELECT pk, message_count AS n FROM sessions WHERE id = ?').get(id)
    for (let step = 0; step < 160; step++) {
      const id = `s${pick(8)}`
      const action = pick(16)
      // A whole session written at once: its usage is summed after its messages (the rebuild path).
      if (action < 5) replaceSession(db.sqlite, session(id))
      // A harvested session continued: its tail replaced message by message (the triggers).
      else if (action < 7) {
        const found = stored(id)
        if (found) continueSession(db.sqlite, { ...session(id), messages: Array.from({ length: 1 + pick(3) }, (_, i) => message(i)) }, pick(found.n + 1), [])
      }
      // A recorded message appended event by event.
      else if (action < 8) {
        const found = stored(id)
        if (found) writer.appendMessage(found.pk, found.n + 100 + step, `r${step}`, message(1))
      } else if (action < 10) db.sqlite.run(`UPDATE messages SET model = ?, output_tokens = ? WHERE pk IN (${some('messages', 2)})`, [models[pick(3)]!, pick(9000)])
      // A message without usage gains some, and one with usage loses it.
      else if (action < 11) db.sqlite.run(`UPDATE messages SET input_tokens = CASE WHEN input_tokens IS NULL THEN ? END, timestamp = ? WHERE pk IN (${some('messages', 2)})`, [pick(300_000), time()])
      else if (action < 12) db.sqlite.run(`DELETE FROM messages WHERE pk IN (${some('messages', 3)})`)
      // A session's times move the usage of its messages without a time; its owner moves all of it.
      else if (action < 13) db.sqlite.run('UPDATE sessions SET created_at = ?, updated_at = ? WHERE id = ?', [pick(3) === 0 ? null : Date.UTC(2026, 1, pick(40)), pick(2) === 0 ? null : Date.UTC(2026, 2, 1), id])
      else if (action < 14) db.sqlite.run('UPDATE sessions SET provider = ?, workspace_id = NULL WHERE id = ?', [['claude-code', 'codex', 'cursor'][pick(3)]!, id])
      else if (action < 15) db.sqlite.run(`UPDATE sessions SET workspace_id = (SELECT id FROM workspaces ORDER BY rowid * ${1 + pick(1000)} % 1009 LIMIT 1) WHERE id = ?`, [id])
      else db.sqlite.run('DELETE FROM sessions WHERE id = ?', [id])
      expectInStep(db.sqlite, step)
    }
  })

  test("a session's row follows its days, owner and last message: first and last day, workspace, monthly rows", () => {
    using db = openTestDb()
    const at = (month: number, day: number) => Date.UTC(2026, month, day, 12)
    const used = (timestamp: number | null): MessageInput => ({
      role: 'assistant', content: '', timestamp, model: 'm',
      usage: { inputTokens: 10, outputTokens: 1, cacheReadTokens: null, cacheWrite5mTokens: null, cacheWrite1hTokens: null },
    })
    const day = (ms: number) => Math.floor(ms / 86_400_000)
    replaceSession(db.sqlite, {
      id: 's', provider: 'codex', origin: 'harvest', title: 's', model: null, created: at(0, 31), updated: null, workspace: null,
      messages: [used(at(0, 31)), used(null), used(at(1, 2))],
    })
    const row = () => db.sqlite.query('SELECT workspace_id, first_day, last_day, tokens FROM usage_sessions').get()
    const months = () => db.sqlite.query('SELECT workspace_id, month, messages FROM usage_workspace_monthly ORDER BY month').all()
    expect(row()).toEqual({ workspace_id: null, first_day: day(at(0, 31)), last_day: day(at(1, 2)), tokens: 33 })
    expect(months()).toEqual([{ workspace_id: '', month: 202601, messages: 2 }, { workspace_id: '', month: 202602, messages: 1 }])
    // The message without a time moves with the session's; the last message leaving shrinks the range.
    db.sqlite.run('UPDATE sessions SET created_at = ?', [at(0, 20)])
    expect(row()).toMatchObject({ first_day: day(at(0, 20)), last_day: day(at(1, 2)) })
    db.sqlite.run('DELETE FROM messages WHERE timestamp = ?', [at(1, 2)])
    expect(row()).toMatchObject({ first_day: day(at(0, 20)), last_day: day(at(0, 31)), tokens: 22 })
    db.sqlite.run("INSERT INTO workspaces (id, provider, name) VALUES ('w', 'codex', 'w')")
    db.sqlite.run("UPDATE sessions SET workspace_id = 'w'")
    expect(row()).toMatchObject({ workspace_id: 'w' })
    expect(months()).toEqual([{ workspace_id: 'w', month: 202601, messages: 2 }])
    db.sqlite.run('DELETE FROM messages')
    expect([row(), months()]).toEqual([null, []])
  })

  test('a database from before the rollup is filled by the migration', () => {
    using dir = tempDir()
    const sqlite = new Database(join(dir.path, 'old.db'))
    const before = MIGRATIONS.findIndex((m) => m.tag === '0010_usage_rollup')
    migrate(sqlite, MIGRATIONS.slice(0, before))
    sqlite.run("INSERT INTO sessions (id, provider, origin, created_at) VALUES ('a', 'codex', 'recording', 1)")
    sqlite.run(
      `INSERT INTO messages (session_pk, idx, message_id, role, timestamp, model, input_tokens, output_tokens)
       VALUES (1, 0, 'm0', 'assistant', 86400000, 'gpt-5', 10, 20), (1, 1, 'm1', 'assistant', 86400001, 'gpt-5', 1, 2), (1, 2, 'm2', 'user', 3, NULL, NULL, NULL)`,
    )
    migrate(sqlite)
    expectInStep(sqlite, 'migrated')
    expect(sqlite.query('SELECT day, model, messages, input_tokens, output_tokens FROM usage_daily').all()).toEqual([
      { day: 1, model: 'gpt-5', messages: 2, input_tokens: 11, output_tokens: 22 },
    ])
    sqlite.close()
  })
})
