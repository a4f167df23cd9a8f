import type { Database } from 'bun:sqlite'
import type { Page, PageRequest } from './page'
import type { ModelRate, UsageFilter, UsageRow } from './usage-shapes'
import { DAY_MS, GROUP_SUMS, PRICED, RATES, ratesParam, ROW_TERMS, usageRow, type GroupSums } from './usage-sql'
import { sessionUsage } from './usage-sessions'
import { workspaceUsage } from './usage-workspaces'

export * from './usage-shapes'

interface RawRow extends GroupSums {
  key: string | number | null
  sessions: number
}

/** The column of each grouping read from `usage_daily` or `usage_rollup`. */
const KEY = { day: 'u.day', model: 'u.model', provider: 'u.provider' } as const
type DailyGroup = keyof typeof KEY

/** Filters ?2…?5 (?3 only when `workspace`, the rollup having workspaces); a day range leaves out usage whose day is not known (-1). */
const where = (workspace: boolean) =>
  `(?2 IS NULL OR u.provider = ?2) AND (?4 IS NULL OR u.day >= ?4) AND (?5 IS NULL OR (u.day >= 0 AND u.day <= ?5))${workspace ? ' AND u.workspace_id IS ?3' : ' AND ?3 IS NULL'}`

/**
 * Parameters of the queries by day, model and provider: ?1 rates, ?2 provider, ?3 workspace, ?4 first
 * and ?5 last day, then ?6 limit and ?7 offset, or (follow-up query) ?6 the keys of the page.
 */
type Filters = [string, string | null, string | null, number | null, number | null]
type Params = [...Filters, number | string, number] | [...Filters, string]

/**
 * Usage summed per group, priced by `rates`. Workspaces and sessions have queries of their own
 * (`workspaceUsage`, `sessionUsage`). Days, models and providers are summed from `usage_daily` (a few
 * rows per day) and their sessions counted on the indexes of `usage_rollup`; with a workspace filter
 * they read `usage_rollup` (one row per session-day). Days run by the ascending key; other groupings
 * by the most tokens first.
 */
export function usageRows(sqlite: Database, filter: UsageFilter, rates: ModelRate[], page: PageRequest): Page<UsageRow> {
  if (filter.groupBy === 'workspace') return workspaceUsage(sqlite, filter, rates, page)
  if (filter.groupBy === 'session') return sessionUsage(sqlite, filter, rates, page)
  const group: DailyGroup = filter.groupBy
  const bound: Filters = [ratesParam(rates), filter.provider ?? null, filter.workspace ?? null, filter.fromDay ?? null, filter.untilDay ?? null]
  const daily = filter.workspace == null
  const table = daily ? 'usage_daily' : 'usage_rollup'
  const filters = where(!daily)
  const order = group === 'day' ? 'key' : 'tokens DESC, key'
  const rows = sqlite
    .query<RawRow, Params>(
      `WITH ${RATES}, cells AS (
         SELECT ${KEY[group]} AS key, u.model AS model, ${daily ? 'NULL' : 'u.session_pk'} AS session_pk, ${ROW_TERMS}
         FROM ${table} u ${PRICED} WHERE ${filters}
       )
       SELECT key, ${daily ? '0' : 'count(DISTINCT session_pk)'} AS sessions, ${GROUP_SUMS} FROM cells
       GROUP BY key ORDER BY ${order} LIMIT ?6 OFFSET ?7`,
    )
    .all(...bound, page.limit, page.offset)
  if (daily && rows.length > 0) {
    // A session counts once per group however many days, models and bands it has there.
    const counts = new Map(
      sqlite
        .query<{ key: string | number; value: number }, Params>(
          `SELECT ${KEY[group]} AS key, count(DISTINCT u.session_pk) AS value FROM usage_rollup u
           WHERE ${filters} AND ${KEY[group]} IN (SELECT value FROM json_each(?6)) GROUP BY key`,
        )
        .all(...bound, JSON.stringify(rows.map((row) => row.key)))
        .map((row) => [row.key, row.value]),
    )
    for (const row of rows) row.sessions = counts.get(row.key!) ?? 0
  }
  const items = rows.map((row) => usageRow(...keyOf(group, row.key), row.sessions, row))
  // A short page tells the total; a full one, or one past the end, asks.
  const total =
    rows.length > 0 && rows.length < page.limit
      ? page.offset + rows.length
      : rows.length === 0 && page.offset === 0
        ? 0
        : sqlite
            .query<{ n: number }, Filters>(`SELECT count(*) AS n FROM (SELECT 1 FROM ${table} u WHERE ${filters} GROUP BY ${KEY[group]})`)
            .get(...bound)!.n
  return { items, meta: { total, limit: page.limit, offset: page.offset } }
}

/** A raw key as the public one (a day's date; null for what was not recorded), without a label. */
function keyOf(group: DailyGroup, key: string | number | null): [string | null, null] {
  if (group === 'day') return [key === null || Number(key) < 0 ? null : new Date(Number(key) * DAY_MS).toISOString().slice(0, 10), null]
  return [key === '' || key === null ? null : String(key), null]
}

/** Every model name the usage table holds ('' = usage with no model recorded), for the caller to price. */
export function usageModels(sqlite: Database): string[] {
  return sqlite
    .query<{ model: string }, []>('SELECT DISTINCT model FROM usage_daily ORDER BY model')
    .all()
    .map((row) => row.model)
}
