import type { Database } from 'bun:sqlite'
import { PROMPT_BANDS } from './queries/usage'

/**
 * A session's usage recomputed as a whole after its writer replaced its messages, instead of one
 * rollup change per message through the triggers (migration `usage_sessions`): what keeps harvest
 * fast while the rollup feeds three tables. Gives the same rows as the triggers would, from the same
 * expressions (`EXPECTED` in test/db/usage-rollup.test.ts checks both against the messages).
 */

const PROMPT = '(coalesce(m.input_tokens, 0) + coalesce(m.cache_read_tokens, 0) + coalesce(m.cache_write_5m_tokens, 0) + coalesce(m.cache_write_1h_tokens, 0))'
const BAND = `(CASE ${PROMPT_BANDS.map((above, band) => `WHEN ${PROMPT} > ${above} THEN ${band + 1}`)
  .reverse()
  .join(' ')} ELSE 0 END)`
const SUMS = ['input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_write_5m_tokens', 'cache_write_1h_tokens']

const REBUILD = `INSERT INTO usage_rollup (session_pk, day, untimed, model, prompt_band, provider, workspace_id, messages, ${SUMS.join(', ')})
  SELECT m.session_pk, coalesce(m.timestamp / 86400000, coalesce(s.created_at, s.updated_at) / 86400000, -1), m.timestamp IS NULL,
    coalesce(m.model, ''), ${BAND}, s.provider, s.workspace_id, count(*), ${SUMS.map((column) => `sum(coalesce(m.${column}, 0))`).join(', ')}
  FROM messages m JOIN sessions s ON s.pk = m.session_pk
  WHERE m.session_pk = ?1 AND coalesce(${SUMS.map((column) => `m.${column}`).join(', ')}) IS NOT NULL
  GROUP BY 2, 3, 4, 5`

/** Statements that take a session out of the per-message triggers and put its usage back in one go. */
export function usageRebuilder(sqlite: Database) {
  const hold = sqlite.prepare<never, [number]>('INSERT INTO usage_rebuilds (session_pk) VALUES (?)')
  const clear = sqlite.prepare<never, [number]>('DELETE FROM usage_rollup WHERE session_pk = ?')
  const rebuild = sqlite.prepare<never, [number]>(REBUILD)
  const release = sqlite.prepare<never, [number]>('DELETE FROM usage_rebuilds WHERE session_pk = ?')
  return {
    /** From here until `end`, writes to the session's messages leave the rollup alone; its usage leaves the rollup now. */
    begin(sessionPk: number): void {
      hold.run(sessionPk)
      clear.run(sessionPk)
    },
    /** The session's usage, summed from its messages as they now are, back in the rollup. */
    end(sessionPk: number): void {
      rebuild.run(sessionPk)
      release.run(sessionPk)
    },
  }
}
