import { Database } from 'bun:sqlite'
import { describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { migrate, replaceSession, type MessageInput, type SessionInput } from '../../src/db'
import { MIGRATIONS } from '../../src/db/migrations'
import { openTestDb } from '../support/db'
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

/** A small deterministic generator, so a failure can be replayed from the printed seed. */
function random(seed: number) {
  let state = seed >>> 0
  return (n: number) => {
    state = (state * 1664525 + 1013904223) >>> 0
    return state % n
  }
}

describe('usage rollup', () => {
  test('triggers keep the rollup and the daily sums equal to the messages through inserts, replacements, updates and deletes', () => {
    const seed = Number(process.env.CHASM_ROLLUP_SEED ?? Date.now() % 1_000_000)
    console.log(`usage rollup seed: ${seed} (replay with CHASM_ROLLUP_SEED=${seed})`)
    const pick = random(seed)
    using db = openTestDb()
    const models = ['claude-opus-4-6', 'gpt-5-codex', null]
    const count = () => (pick(4) === 0 ? null : pick(3) === 0 ? 150_000 + pick(200_000) : pick(5000))
    const message = (i: number): MessageInput => ({
      role: i % 2 === 0 ? 'user' : 'assistant',
      content: `m${i}`,
      timestamp: pick(5) === 0 ? null : Date.UTC(2026, 0, 1 + pick(3), pick(24)),
      model: models[pick(3)]!,
      usage: i % 2 === 0 ? null : { inputTokens: count(), outputTokens: count(), cacheReadTokens: count(), cacheWrite5mTokens: count(), cacheWrite1hTokens: count() },
    })
    const session = (id: string): SessionInput => ({
      id,
      provider: ['claude-code', 'codex'][pick(2)]!,
      origin: 'harvest',
      title: id,
      model: null,
      created: pick(4) === 0 ? null : Date.UTC(2026, 0, 1 + pick(3)),
      updated: Date.UTC(2026, 0, 4),
      workspace: pick(2) === 0 ? null : { provider: 'claude-code', key: `/w${pick(3)}`, name: 'w', path: `/w${pick(3)}` },
      messages: Array.from({ length: 1 + pick(12) }, (_, i) => message(i)),
    })
    for (let step = 0; step < 120; step++) {
      const id = `s${pick(8)}`
      const action = pick(12)
      if (action < 6) replaceSession(db.sqlite, session(id))
      else if (action < 8) db.sqlite.run('UPDATE messages SET model = ?, output_tokens = ? WHERE pk IN (SELECT pk FROM messages ORDER BY random() LIMIT 2)', [models[pick(3)]!, pick(9000)])
      else if (action < 9) db.sqlite.run('DELETE FROM messages WHERE pk IN (SELECT pk FROM messages ORDER BY random() LIMIT 3)')
      // A session's times move the usage of its messages without a time; its owner moves all of it.
      else if (action < 10) db.sqlite.run('UPDATE sessions SET created_at = ?, updated_at = ? WHERE id = ?', [pick(3) === 0 ? null : Date.UTC(2026, 1, pick(3)), pick(2) === 0 ? null : Date.UTC(2026, 2, 1), id])
      else if (action < 11) db.sqlite.run('UPDATE sessions SET provider = ?, workspace_id = NULL WHERE id = ?', [['claude-code', 'codex', 'cursor'][pick(3)]!, id])
      else db.sqlite.run('DELETE FROM sessions WHERE id = ?', [id])
      expect({ step, rollup: db.sqlite.query(ROLLUP).all() }).toEqual({ step, rollup: db.sqlite.query(EXPECTED).all() })
      expect({ step, daily: db.sqlite.query(DAILY).all() }).toEqual({ step, daily: db.sqlite.query(EXPECTED_DAILY).all() })
    }
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
    expect(sqlite.query(ROLLUP).all()).toEqual(sqlite.query(EXPECTED).all())
    expect(sqlite.query(DAILY).all()).toEqual(sqlite.query(EXPECTED_DAILY).all())
    expect(sqlite.query('SELECT day, model, messages, input_tokens, output_tokens FROM usage_daily').all()).toEqual([
      { day: 1, model: 'gpt-5', messages: 2, input_tokens: 11, output_tokens: 22 },
    ])
    sqlite.close()
  })
})
