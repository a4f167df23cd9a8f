import type { Database } from 'bun:sqlite'
import type { Page, PageRequest } from './page'
import type { ModelRate, UsageFilter, UsageRow } from './usage-shapes'
import { dayRange, GROUP_SUMS, PRICED, RATES, ratesParam, ROW_TERMS, TOKENS, usageRow, type DayRange, type GroupSums } from './usage-sql'

interface Ranked {
  pk: number
  tokens: number
  first_day: number
}

/**
 * Usage per session (docs/usage.md), most tokens first. The page is found on `usage_sessions`
 * (one row per session, with its total and its first and last day, indexed by total) without
 * summing every session: a session inside the range counts with its total; only sessions across
 * the range's edges are summed from `usage_rollup`. The page's rows are then summed and priced from
 * the rollup.
 */
export function sessionUsage(sqlite: Database, filter: UsageFilter, rates: ModelRate[], page: PageRequest): Page<UsageRow> {
  const range = dayRange(filter.fromDay, filter.untilDay)
  // ?1 provider, ?2 workspace, ?3 ?4 the range's first and last day.
  const owner: [string | null, string | null] = [filter.provider ?? null, filter.workspace ?? null]
  const bounds: [number, number] | [] = range === null ? [] : [range.from, range.until]
  const OWNED = '(?1 IS NULL OR v.provider = ?1) AND (?2 IS NULL OR v.workspace_id = ?2)'
  const wanted = page.offset + page.limit
  const inside = sqlite
    .query<Ranked, [...typeof owner, ...number[]]>(
      `SELECT v.session_pk AS pk, v.tokens, v.first_day FROM usage_sessions v
       WHERE ${OWNED}${range === null ? '' : ' AND v.first_day >= ?3 AND v.last_day <= ?4'}
       ORDER BY v.tokens DESC, v.session_pk LIMIT ?${bounds.length + 3}`,
    )
    .all(...owner, ...bounds, wanted)
  const across = range === null ? [] : sessionsAcross(sqlite, OWNED, owner, range)
  const ranked = [...inside, ...across].sort((a, b) => b.tokens - a.tokens || a.pk - b.pk)
  const shown = ranked.slice(page.offset, wanted)
  // All of the range's sessions are ranked unless the inside ones filled the page and more may follow:
  // then count those begun in the range, and those begun before it that reach into it.
  const total =
    inside.length < wanted
      ? ranked.length
      : sqlite
          .query<{ n: number }, [...typeof owner, ...number[]]>(
            `SELECT count(*) AS n FROM usage_sessions v WHERE ${OWNED}${range === null ? '' : ' AND v.first_day BETWEEN ?3 AND ?4'}`,
          )
          .get(...owner, ...bounds)!.n + across.filter((session) => range !== null && session.first_day < range.from).length
  const sums = new Map(pageSums(sqlite, rates, range, shown.map((row) => row.pk)).map((row) => [row.key, row]))
  const labels = new Map(
    sqlite
      .query<{ pk: number; id: string; title: string | null }, [string]>('SELECT pk, id, title FROM sessions WHERE pk IN (SELECT value FROM json_each(?))')
      .all(JSON.stringify(shown.map((row) => row.pk)))
      .map((row) => [row.pk, row]),
  )
  return {
    items: shown.map(({ pk }) => usageRow(labels.get(pk)?.id ?? String(pk), labels.get(pk)?.title ?? null, 1, sums.get(pk)!)),
    meta: { total, limit: page.limit, offset: page.offset },
  }
}

/** Sessions over several days that the range cuts, with their tokens inside it (none when they have no day in it). */
function sessionsAcross(sqlite: Database, owned: string, owner: [string | null, string | null], range: DayRange): Ranked[] {
  return sqlite
    .query<Ranked, [...typeof owner, number, number]>(
      `SELECT v.session_pk AS pk, sum(${TOKENS}) AS tokens, v.first_day
       FROM usage_sessions v JOIN usage_rollup u ON u.session_pk = v.session_pk AND u.day BETWEEN ?3 AND ?4
       WHERE v.first_day < v.last_day AND v.first_day <= ?4 AND v.last_day >= ?3 AND NOT (v.first_day >= ?3 AND v.last_day <= ?4) AND ${owned}
       GROUP BY v.session_pk`,
    )
    .all(...owner, range.from, range.until)
}

/** The sums and cost of the page's sessions over the range, from their rollup rows. */
function pageSums(sqlite: Database, rates: ModelRate[], range: DayRange | null, pks: number[]): (GroupSums & { key: number })[] {
  if (pks.length === 0) return []
  return sqlite
    .query<GroupSums & { key: number }, [string, string, number | null, number | null]>(
      `WITH ${RATES}, cells AS (
         SELECT u.session_pk AS key, u.model AS model, ${ROW_TERMS} FROM usage_rollup u ${PRICED}
         WHERE u.session_pk IN (SELECT value FROM json_each(?2)) AND (?3 IS NULL OR u.day BETWEEN ?3 AND ?4)
       )
       SELECT key, ${GROUP_SUMS} FROM cells GROUP BY key`,
    )
    .all(ratesParam(rates), JSON.stringify(pks), range?.from ?? null, range?.until ?? null)
}
