import type { Database } from 'bun:sqlite'
import type { Page, PageRequest } from './page'
import type { ModelRate, UsageFilter, UsageRow } from './usage-shapes'
import {
  dayRange,
  GROUP_SUMS,
  monthEnd,
  monthOf,
  monthStart,
  nextMonth,
  previousMonth,
  PRICED,
  PRICED_BY_MONTH,
  RATES,
  rateChanges,
  ratesParam,
  ROW_TERMS,
  usageRow,
  type DayRange,
  type GroupSums,
} from './usage-sql'

/** The last month a range without an end reaches. */
const LAST_MONTH = 999_912

/**
 * Where the usage of a range of days is read: whole months from `usage_workspace_monthly` (`months`,
 * null = every month, unknown days included), and days from `usage_rollup` (`days`: the range's
 * partial months at its ends, and the months of `months` in which a model's rate changes, for that
 * model only — they are priced day by day).
 */
interface Plan {
  months: [number, number] | null
  changed: [string, number][]
  days: [number, number, string | null][]
}

function plan(range: DayRange | null, rates: ModelRate[]): Plan {
  const changes = rateChanges(rates)
  if (range === null) return { months: null, changed: changes, days: changes.map(([model, month]) => [monthStart(month), monthEnd(month), model]) }
  const open = range.until === Number.MAX_SAFE_INTEGER
  const first = monthStart(monthOf(range.from)) === range.from ? monthOf(range.from) : nextMonth(monthOf(range.from))
  const last = open ? LAST_MONTH : monthEnd(monthOf(range.until)) === range.until ? monthOf(range.until) : previousMonth(monthOf(range.until))
  if (first > last) return { months: [1, 0], changed: [], days: [[range.from, range.until, null]] }
  const days: Plan['days'] = []
  if (range.from < monthStart(first)) days.push([range.from, monthStart(first) - 1, null])
  if (!open && range.until > monthEnd(last)) days.push([monthEnd(last) + 1, range.until, null])
  const changed = changes.filter(([, month]) => month >= first && month <= last)
  for (const [model, month] of changed) days.push([monthStart(month), monthEnd(month), model])
  return { months: [first, last], changed, days }
}

interface WorkspaceSums extends GroupSums {
  key: string
}

/**
 * Usage per workspace (docs/usage.md), most tokens first: whole months from
 * `usage_workspace_monthly` (a few rows per workspace and month) and the rest from `usage_rollup`;
 * sessions counted on `usage_sessions`. No grouping sums every session-day.
 */
export function workspaceUsage(sqlite: Database, filter: UsageFilter, rates: ModelRate[], page: PageRequest): Page<UsageRow> {
  const range = dayRange(filter.fromDay, filter.untilDay)
  const { months, changed, days } = plan(range, rates)
  // ?2 provider, ?3 workspace, ?4 ?5 first and last whole month, ?6 months priced by day, ?7 day spans.
  const groups = sqlite
    .query<WorkspaceSums, [string, string | null, string | null, number | null, number | null, string, string]>(
      `WITH ${RATES},
       changed (model, month) AS MATERIALIZED (SELECT value ->> 0, value ->> 1 FROM json_each(?6)),
       cells AS (
         SELECT u.workspace_id AS key, u.model AS model, ${ROW_TERMS}
         FROM usage_workspace_monthly u ${PRICED_BY_MONTH}
         WHERE (?4 IS NULL OR u.month BETWEEN ?4 AND ?5) AND (?2 IS NULL OR u.provider = ?2) AND (?3 IS NULL OR u.workspace_id = ?3)
           AND (u.model, u.month) NOT IN (SELECT model, month FROM changed)
         UNION ALL
         SELECT coalesce(u.workspace_id, '') AS key, u.model AS model, ${ROW_TERMS}
         FROM json_each(?7) d JOIN usage_rollup u ON u.day BETWEEN d.value ->> 0 AND d.value ->> 1 AND (d.value ->> 2 IS NULL OR u.model = d.value ->> 2)
         ${PRICED}
         WHERE (?2 IS NULL OR u.provider = ?2) AND (?3 IS NULL OR u.workspace_id = ?3)
       )
       SELECT key, ${GROUP_SUMS} FROM cells GROUP BY key ORDER BY tokens DESC, key`,
    )
    .all(ratesParam(rates), filter.provider ?? null, filter.workspace ?? null, months?.[0] ?? null, months?.[1] ?? null, JSON.stringify(changed), JSON.stringify(days))
  const shown = groups.slice(page.offset, page.offset + page.limit)
  const sessions = sessionCounts(sqlite, filter, range, shown.map((group) => group.key))
  const names = workspaceNames(sqlite, shown.map((group) => group.key))
  return {
    items: shown.map((group) => usageRow(group.key === '' ? null : group.key, names.get(group.key) ?? null, sessions.get(group.key) ?? 0, group)),
    meta: { total: groups.length, limit: page.limit, offset: page.offset },
  }
}

/**
 * Sessions with usage in the range per workspace of the page ('' = none): those whose first day is
 * in it, and those begun before it with a rollup day in it (only sessions over several days can be).
 */
function sessionCounts(sqlite: Database, filter: UsageFilter, range: DayRange | null, keys: string[]): Map<string, number> {
  // ?1 the page's workspaces, ?2 provider, ?3 ?4 the range.
  const begun = sqlite
    .query<{ key: string; n: number }, [string, string | null, number | null, number | null]>(
      `SELECT value AS key, (SELECT count(*) FROM usage_sessions v WHERE v.workspace_id IS nullif(value, '') AND (?2 IS NULL OR v.provider = ?2)
         AND (?3 IS NULL OR v.first_day BETWEEN ?3 AND ?4)) AS n FROM json_each(?1)`,
    )
    .all(JSON.stringify(keys), filter.provider ?? null, range?.from ?? null, range?.until ?? null)
  const counts = new Map(begun.map((row) => [row.key, row.n]))
  if (range === null) return counts
  const reaching = sqlite
    .query<{ key: string }, [string | null, number, number]>(
      `SELECT coalesce(v.workspace_id, '') AS key FROM usage_sessions v
       WHERE v.first_day < ?2 AND v.last_day >= ?2 AND v.first_day < v.last_day AND (?1 IS NULL OR v.provider = ?1)
         AND EXISTS (SELECT 1 FROM usage_rollup r WHERE r.session_pk = v.session_pk AND r.day BETWEEN ?2 AND ?3)`,
    )
    .all(filter.provider ?? null, range.from, range.until)
  for (const { key } of reaching) if (counts.has(key)) counts.set(key, counts.get(key)! + 1)
  return counts
}

function workspaceNames(sqlite: Database, keys: string[]): Map<string, string> {
  const rows = sqlite
    .query<{ id: string; name: string }, [string]>('SELECT id, name FROM workspaces WHERE id IN (SELECT value FROM json_each(?))')
    .all(JSON.stringify(keys))
  return new Map(rows.map((row) => [row.id, row.name]))
}
