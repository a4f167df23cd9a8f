import type { Database } from 'bun:sqlite'
import { usageModels, usageRows, type Page, type UsageGroup, type UsageRow } from '../db'
import { badRequest } from '../shared/errors'
import { parseDay } from './days'
import { ratesFor, type PriceTable } from './prices'

/** What a usage report covers: the grouping, an optional range of UTC days (YYYY-MM-DD, inclusive) and filters. */
export interface UsageRequest {
  groupBy: UsageGroup
  from?: string
  to?: string
  provider?: string
  workspace?: string
  limit: number
  offset: number
}

/** A YYYY-MM-DD date as days since 1970-01-01 (UTC); a bad one is a 400 naming `parameter`. */
export function dayOf(date: string, parameter: string): number {
  const day = parseDay(date)
  if (day === null) throw badRequest(parameter, `must be a date as YYYY-MM-DD (got ${JSON.stringify(date)})`)
  return day
}

/**
 * Token usage and cost per group (docs/usage.md), priced by `table`. `names` says how the request's
 * parameters are called where it came from (`from` in the API, `--since` in the CLI), for errors.
 */
export function usageReport(
  sqlite: Database,
  request: UsageRequest,
  table: PriceTable,
  names: { from: string; to: string } = { from: 'from', to: 'to' },
): Page<UsageRow> {
  const fromDay = request.from === undefined ? null : dayOf(request.from, names.from)
  const untilDay = request.to === undefined ? null : dayOf(request.to, names.to)
  if (fromDay !== null && untilDay !== null && fromDay > untilDay) throw badRequest(names.from, `${request.from} is after ${names.to} ${request.to}`)
  const rates = ratesFor(usageModels(sqlite), table)
  return usageRows(
    sqlite,
    { groupBy: request.groupBy, fromDay, untilDay, provider: request.provider ?? null, workspace: request.workspace ?? null },
    rates,
    { limit: request.limit, offset: request.offset },
  )
}
