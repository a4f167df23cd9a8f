import type { Database } from 'bun:sqlite'
import { Type, type Static } from '@sinclair/typebox'
import { literalUnion } from '../enums'
import type { Page, PageRequest } from './page'

/** What usage rows can be grouped by (docs/usage.md). */
export const USAGE_GROUPS = ['day', 'model', 'provider', 'workspace', 'session'] as const
export const UsageGroup = literalUnion(USAGE_GROUPS)
export type UsageGroup = Static<typeof UsageGroup>

/**
 * Prompt-size bands of `usage_rollup.prompt_band`: a message whose prompt (input + cache reads +
 * cache writes) exceeds `PROMPT_BANDS[i]` tokens is in band i + 1. Vendors bill some models at
 * other rates above these sizes (e.g. Anthropic and Google above 200k).
 */
export const PROMPT_BANDS = [100_000, 200_000, 272_000] as const

/** A model name as stored and what one million tokens of each kind cost, for one period and one range of prompt bands. */
export interface ModelRate {
  model: string
  /** First and last UTC day (days since 1970-01-01) this rate applies to, both inclusive; null = unbounded. */
  fromDay: number | null
  untilDay: number | null
  /** Lowest and highest prompt band this rate applies to. */
  minBand: number
  maxBand: number
  input: number
  output: number
  cacheRead: number
  cacheWrite5m: number
  cacheWrite1h: number
}

/** One row of a usage report (docs/usage.md). */
export const UsageRow = Type.Object({
  key: Type.Union([Type.String(), Type.Null()], {
    description: 'the day (YYYY-MM-DD, UTC), model, provider, workspace id or session id; null = not recorded (no model, no workspace, no time)',
  }),
  label: Type.Union([Type.String(), Type.Null()], { description: "the workspace's name or the session's title, for people" }),
  sessions: Type.Integer({ minimum: 0 }),
  messages: Type.Integer({ minimum: 0, description: 'messages that record token usage' }),
  inputTokens: Type.Integer({ minimum: 0, description: 'input tokens not read from a cache' }),
  outputTokens: Type.Integer({ minimum: 0, description: 'output tokens, reasoning included' }),
  cacheReadTokens: Type.Integer({ minimum: 0 }),
  cacheWriteTokens: Type.Integer({ minimum: 0, description: 'prompt-cache writes, 5-minute and 1-hour together' }),
  costUsd: Type.Union([Type.Number({ minimum: 0 }), Type.Null()], {
    description: 'null when any tokens of the row are by a model the price table does not price (see unpricedModels)',
  }),
  unpricedModels: Type.Array(Type.String(), { description: 'models of the row without a price; "" = usage with no model recorded' }),
})
export type UsageRow = Static<typeof UsageRow>

export interface UsageFilter {
  groupBy: UsageGroup
  /** First and last UTC day (days since 1970-01-01), both inclusive. */
  fromDay?: number | null
  untilDay?: number | null
  provider?: string | null
  workspace?: string | null
}

interface RawRow {
  key: string | number | null
  sessions: number
  messages: number
  input: number
  output: number
  cache_read: number
  cache_write: number
  cost: number | null
  unpriced: number
}

const DAY_MS = 86_400_000

/** The column of each grouping. */
const KEY: Record<UsageGroup, string> = {
  day: 'u.day',
  model: 'u.model',
  provider: 'u.provider',
  workspace: 'u.workspace_id',
  session: 'u.session_pk',
}

const RATE_COLUMNS = ['model', 'from_day', 'until_day', 'min_band', 'max_band', 'input', 'output', 'cache_read', 'cache_write_5m', 'cache_write_1h']

/**
 * Parameters of the report queries: ?1 rates, ?2 provider, ?3 workspace, ?4 first and ?5 last day,
 * then ?6 limit and ?7 offset, or (follow-up queries) ?6 the keys of the page and ?7 whether one is null.
 */
type Filters = [string, string | null, string | null, number | null, number | null]
type Params = [...Filters, number | string, number]

const TOKENS = '(u.input_tokens + u.output_tokens + u.cache_read_tokens + u.cache_write_5m_tokens + u.cache_write_1h_tokens)'

// Materialized: read once from the JSON and indexed for the join, not re-parsed for every row; `+u.model`
// makes the join look rates up by model instead of walking the rollup in model order.
const RATES = `rates (${RATE_COLUMNS.join(', ')}) AS MATERIALIZED (
    SELECT ${RATE_COLUMNS.map((_, i) => `value ->> '$[${i}]'`).join(', ')} FROM json_each(?1)
  )`
const PRICED = `LEFT JOIN rates p ON p.model = +u.model
    AND (p.from_day IS NULL OR u.day >= p.from_day) AND (p.until_day IS NULL OR u.day <= p.until_day)
    AND u.prompt_band BETWEEN p.min_band AND p.max_band`
const UNPRICED = `p.model IS NULL AND ${TOKENS} > 0`

/** Filters ?2…?5 (?3 only when `workspace`, the rollup having workspaces); a day range leaves out usage whose day is not known (-1). */
const where = (workspace: boolean) =>
  `(?2 IS NULL OR u.provider = ?2) AND (?4 IS NULL OR u.day >= ?4) AND (?5 IS NULL OR (u.day >= 0 AND u.day <= ?5))${workspace ? ' AND u.workspace_id IS ?3' : ' AND ?3 IS NULL'}`

/** Rows whose group is one of the page's keys (?6, ?7). */
const onPage = (group: UsageGroup) => `(${KEY[group]} IN (SELECT value FROM json_each(?6)) OR (?7 AND ${KEY[group]} IS NULL))`

/**
 * Usage summed per group, priced by `rates`. Days, models and providers are summed from
 * `usage_daily` (a few rows per day) and their sessions counted on the indexes of `usage_rollup`;
 * workspaces, sessions and any workspace filter read `usage_rollup` (one row per session-day). Days
 * run by the ascending key; other groupings by the most tokens first.
 */
export function usageRows(sqlite: Database, filter: UsageFilter, rates: ModelRate[], page: PageRequest): Page<UsageRow> {
  const group = filter.groupBy
  const bound: Filters = [
    JSON.stringify(rates.map((r) => [r.model, r.fromDay, r.untilDay, r.minBand, r.maxBand, r.input, r.output, r.cacheRead, r.cacheWrite5m, r.cacheWrite1h])),
    filter.provider ?? null,
    filter.workspace ?? null,
    filter.fromDay ?? null,
    filter.untilDay ?? null,
  ]
  const daily = group !== 'workspace' && group !== 'session' && filter.workspace == null
  const table = daily ? 'usage_daily' : 'usage_rollup'
  const filters = where(filter.workspace != null)
  // `+` keeps SQLite from walking the workspace index to group (a table lookup per row); scanning and sorting is several times faster.
  const key = group === 'workspace' ? `+${KEY.workspace}` : KEY[group]
  const sessions = daily ? '0' : group === 'session' ? '1' : 'count(DISTINCT u.session_pk)'
  const order = group === 'day' ? 'key' : `sum(${TOKENS}) DESC, key`
  const rows = sqlite
    .query<RawRow, Params>(
      `WITH ${RATES}
       SELECT ${key} AS key, ${sessions} AS sessions, sum(u.messages) AS messages,
         sum(u.input_tokens) AS input, sum(u.output_tokens) AS output, sum(u.cache_read_tokens) AS cache_read,
         sum(u.cache_write_5m_tokens + u.cache_write_1h_tokens) AS cache_write,
         sum((u.input_tokens * p.input + u.output_tokens * p.output + u.cache_read_tokens * p.cache_read
           + u.cache_write_5m_tokens * p.cache_write_5m + u.cache_write_1h_tokens * p.cache_write_1h) / 1e6) AS cost,
         sum(${UNPRICED}) AS unpriced
       FROM ${table} u ${PRICED}
       WHERE ${filters}
       GROUP BY key ORDER BY ${order} LIMIT ?6 OFFSET ?7`,
    )
    .all(...bound, page.limit, page.offset)
  const pageOf = (keys: (string | number | null)[]): Params => [...bound, JSON.stringify(keys), keys.includes(null) ? 1 : 0]
  const byKey = <T>(found: { key: string | number | null; value: T }[]) => new Map(found.map((row) => [row.key, row.value]))
  if (daily && rows.length > 0) {
    // A session counts once per group however many days, models and bands it has there.
    const counts = byKey(
      sqlite
        .query<{ key: string | number; value: number }, Params>(
          `SELECT ${KEY[group]} AS key, count(DISTINCT u.session_pk) AS value FROM usage_rollup u
           WHERE ${filters} AND ${onPage(group)} GROUP BY key`,
        )
        .all(...pageOf(rows.map((row) => row.key))),
    )
    for (const row of rows) row.sessions = counts.get(row.key) ?? 0
  }
  const unpricedRows = rows.filter((row) => row.unpriced > 0)
  const unpriced = byKey(
    unpricedRows.length === 0
      ? []
      : sqlite
          .query<{ key: string | number | null; value: string }, Params>(
            `WITH ${RATES} SELECT ${KEY[group]} AS key, group_concat(DISTINCT u.model) AS value
             FROM ${table} u ${PRICED} WHERE ${filters} AND ${onPage(group)} AND ${UNPRICED} GROUP BY key`,
          )
          .all(...pageOf(unpricedRows.map((row) => row.key))),
  )
  const labels = labelsOf(sqlite, group, rows.map((row) => row.key))
  const items = rows.map((row): UsageRow => {
    const { key, label } = labels(row.key)
    return {
      key,
      label,
      sessions: row.sessions,
      messages: row.messages,
      inputTokens: row.input,
      outputTokens: row.output,
      cacheReadTokens: row.cache_read,
      cacheWriteTokens: row.cache_write,
      // A row is priced only when all of it is: a partial sum would read as the whole cost.
      costUsd: row.unpriced > 0 || row.cost === null ? null : Math.round(row.cost * 1e6) / 1e6,
      unpricedModels: unpriced.get(row.key)?.split(',').sort() ?? [],
    }
  })
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

/** Turns raw keys into public ones (a session's id, a day's date) with labels for people. */
function labelsOf(sqlite: Database, group: UsageGroup, keys: (string | number | null)[]): (key: string | number | null) => { key: string | null; label: string | null } {
  if (group === 'day') return (key) => ({ key: key === null || Number(key) < 0 ? null : new Date(Number(key) * DAY_MS).toISOString().slice(0, 10), label: null })
  if (group === 'model') return (key) => ({ key: key === '' || key === null ? null : String(key), label: null })
  if (group === 'provider') return (key) => ({ key: key === null ? null : String(key), label: null })
  const table = group === 'workspace' ? 'SELECT id AS key, id, name AS label FROM workspaces' : 'SELECT pk AS key, id, title AS label FROM sessions'
  const found = new Map(
    sqlite
      .query<{ key: string | number; id: string; label: string | null }, [string]>(`${table} WHERE ${group === 'workspace' ? 'id' : 'pk'} IN (SELECT value FROM json_each(?))`)
      .all(JSON.stringify(keys.filter((key) => key !== null)))
      .map((row) => [row.key, row]),
  )
  return (key) => {
    const row = key === null ? undefined : found.get(key)
    return { key: row?.id ?? (key === null ? null : String(key)), label: row?.label ?? null }
  }
}

/** Every model name the usage table holds ('' = usage with no model recorded), for the caller to price. */
export function usageModels(sqlite: Database): string[] {
  return sqlite
    .query<{ model: string }, []>('SELECT DISTINCT model FROM usage_daily ORDER BY model')
    .all()
    .map((row) => row.model)
}
