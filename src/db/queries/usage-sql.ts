import type { ModelRate, UsageRow } from './usage-shapes'

/** The pieces every usage report query shares: the rate table, pricing joins, sums and the row they make. */

export const DAY_MS = 86_400_000

/** YYYYMM of a UTC day (days since 1970-01-01), as `usage_workspace_monthly.month` holds it. */
export const monthOf = (day: number): number => {
  const date = new Date(day * DAY_MS)
  return date.getUTCFullYear() * 100 + date.getUTCMonth() + 1
}
/** The first day of month YYYYMM. */
export const monthStart = (month: number): number => Date.UTC(Math.floor(month / 100), (month % 100) - 1, 1) / DAY_MS
export const nextMonth = (month: number): number => (month % 100 === 12 ? month + 89 : month + 1)
export const previousMonth = (month: number): number => (month % 100 === 1 ? month - 89 : month - 1)
/** The last day of month YYYYMM. */
export const monthEnd = (month: number): number => monthStart(nextMonth(month)) - 1

/** The first and last month a rate covers whole (null = unbounded); a rate covering no whole month has first > last. */
function wholeMonths(rate: ModelRate): [number | null, number | null] {
  const from = rate.fromDay === null ? null : monthStart(monthOf(rate.fromDay)) === rate.fromDay ? monthOf(rate.fromDay) : nextMonth(monthOf(rate.fromDay))
  const until = rate.untilDay === null ? null : monthEnd(monthOf(rate.untilDay)) === rate.untilDay ? monthOf(rate.untilDay) : previousMonth(monthOf(rate.untilDay))
  return [from, until]
}

/** The months of each model in which its rate changes (a period starting or ending inside them): priced day by day. */
export function rateChanges(rates: ModelRate[]): [string, number][] {
  const found = new Map<string, [string, number]>()
  for (const rate of rates) {
    if (rate.fromDay !== null && monthStart(monthOf(rate.fromDay)) !== rate.fromDay) found.set(`${rate.model}\0${monthOf(rate.fromDay)}`, [rate.model, monthOf(rate.fromDay)])
    if (rate.untilDay !== null && monthEnd(monthOf(rate.untilDay)) !== rate.untilDay) found.set(`${rate.model}\0${monthOf(rate.untilDay)}`, [rate.model, monthOf(rate.untilDay)])
  }
  return [...found.values()]
}

const RATE_COLUMNS = ['model', 'from_day', 'until_day', 'from_month', 'until_month', 'min_band', 'max_band', 'input', 'output', 'cache_read', 'cache_write_5m', 'cache_write_1h']

/** The rates as the JSON parameter `RATES` reads. */
export const ratesParam = (rates: ModelRate[]): string =>
  JSON.stringify(
    rates.map((r) => [r.model, r.fromDay, r.untilDay, ...wholeMonths(r), r.minBand, r.maxBand, r.input, r.output, r.cacheRead, r.cacheWrite5m, r.cacheWrite1h]),
  )

/**
 * The rate table from parameter ?1 (`ratesParam`). Materialized: read once from the JSON and
 * indexed for the join, not re-parsed for every row.
 */
export const RATES = `rates (${RATE_COLUMNS.join(', ')}) AS MATERIALIZED (
    SELECT ${RATE_COLUMNS.map((_, i) => `value ->> '$[${i}]'`).join(', ')} FROM json_each(?1)
  )`

/** Each row of `u` (with `day` and `prompt_band`) meets the rate of its model, day and band, if any. `+u.model`: look rates up by model rather than walk `u` in model order. */
export const PRICED = `LEFT JOIN rates p ON p.model = +u.model
    AND (p.from_day IS NULL OR u.day >= p.from_day) AND (p.until_day IS NULL OR u.day <= p.until_day)
    AND u.prompt_band BETWEEN p.min_band AND p.max_band`

/** The same for rows of a whole month (`u.month`): only a rate covering all of the month prices it. */
export const PRICED_BY_MONTH = `LEFT JOIN rates p ON p.model = +u.model
    AND (p.from_month IS NULL OR u.month >= p.from_month) AND (p.until_month IS NULL OR u.month <= p.until_month)
    AND u.prompt_band BETWEEN p.min_band AND p.max_band`

export const TOKENS = '(u.input_tokens + u.output_tokens + u.cache_read_tokens + u.cache_write_5m_tokens + u.cache_write_1h_tokens)'

/** Tokens with no rate to price them. */
export const UNPRICED = `p.model IS NULL AND ${TOKENS} > 0`

/** What a row of `u` adds to its group: its counts, its cost, and whether it holds unpriced tokens. */
export const ROW_TERMS = `u.messages AS messages, u.input_tokens AS input, u.output_tokens AS output, u.cache_read_tokens AS cache_read,
    u.cache_write_5m_tokens + u.cache_write_1h_tokens AS cache_write, ${TOKENS} AS tokens,
    (u.input_tokens * p.input + u.output_tokens * p.output + u.cache_read_tokens * p.cache_read
      + u.cache_write_5m_tokens * p.cache_write_5m + u.cache_write_1h_tokens * p.cache_write_1h) / 1e6 AS cost,
    ${UNPRICED} AS unpriced`

/** Those terms summed over a group of rows (named as `ROW_TERMS` names them), with the group's unpriced models. */
export const GROUP_SUMS = `sum(messages) AS messages, sum(input) AS input, sum(output) AS output, sum(cache_read) AS cache_read,
    sum(cache_write) AS cache_write, sum(tokens) AS tokens, sum(cost) AS cost, sum(unpriced) AS unpriced,
    group_concat(DISTINCT CASE WHEN unpriced THEN model END) AS unpriced_models`

/** A group as `GROUP_SUMS` gives it. */
export interface GroupSums {
  messages: number
  input: number
  output: number
  cache_read: number
  cache_write: number
  tokens: number
  cost: number | null
  unpriced: number
  unpriced_models: string | null
}

/** A report row from a group's sums. */
export function usageRow(key: string | null, label: string | null, sessions: number, sums: GroupSums): UsageRow {
  return {
    key,
    label,
    sessions,
    messages: sums.messages,
    inputTokens: sums.input,
    outputTokens: sums.output,
    cacheReadTokens: sums.cache_read,
    cacheWriteTokens: sums.cache_write,
    // A row is priced only when all of it is: a partial sum would read as the whole cost.
    costUsd: sums.unpriced > 0 || sums.cost === null ? null : Math.round(sums.cost * 1e6) / 1e6,
    unpricedModels: sums.unpriced_models?.split(',').sort() ?? [],
  }
}

/** A range of UTC days, both ends inclusive; the whole history (unknown days included) when absent. */
export interface DayRange {
  from: number
  until: number
}

/** The days of a filter: null for the whole history; a range leaves out usage whose day is not known (-1). */
export const dayRange = (fromDay: number | null | undefined, untilDay: number | null | undefined): DayRange | null =>
  fromDay == null && untilDay == null ? null : { from: fromDay ?? 0, until: untilDay ?? Number.MAX_SAFE_INTEGER }
