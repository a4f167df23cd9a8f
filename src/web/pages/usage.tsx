import { useMemo } from 'preact/hooks'
import type { UsageGroup, UsageRow } from '../../db'
import { api, call } from '../api/client'
import { DayChart, type ChartSeries } from '../components/chart'
import { useLoad } from '../components/load'
import { Empty, Status } from '../components/status'
import { formatCost, formatCount } from '../render/format'
import { navigate, place } from '../router'
import { useTitle } from './title'

const RANGES = [
  ['30', 'Last 30 days'],
  ['90', 'Last 90 days'],
  ['365', 'Last year'],
  ['all', 'All time'],
] as const

const DAY_MS = 86_400_000

/** The route's most rows per answer: one page holds every day of any period. */
const ROWS = 10_000

const usage = async (groupBy: UsageGroup, from: string | null, provider?: string): Promise<UsageRow[]> =>
  (await call(() => api.api.usage.get({ query: { groupBy, limit: ROWS, ...(from ? { from } : {}), ...(provider ? { provider } : {}) } }))).data

/** A model as people read it: `""` and null are usage recorded without a model (docs/usage.md). */
const modelName = (model: string | null): string => (model ? model : '(no model recorded)')

/** What a row's `key` names, for a table's first column. */
const keyName = (group: UsageGroup, key: string | null): string => (group === 'model' ? modelName(key) : (key ?? '(not recorded)'))

/** The cost of a row, or "unknown" with the models that have no price. */
function Cost({ row }: { row: Pick<UsageRow, 'costUsd' | 'unpricedModels'> }) {
  if (row.costUsd !== null) return <>{formatCost(row.costUsd)}</>
  return (
    <span class="unknown-cost">
      unknown <span class="unpriced">(no price for {row.unpricedModels.map(modelName).join(', ') || 'a model'})</span>
    </span>
  )
}

/**
 * Every day from the first to the last row's day, in seconds (uPlot's time unit), with each
 * series' value: 0 on a day without a row, a gap where the row's value is unknown (null).
 */
function byDay(rowsPerSeries: { label: string; rows: UsageRow[]; pick: (row: UsageRow) => number | null }[]): { days: number[]; series: ChartSeries[] } {
  const dayOf = (row: UsageRow) => (row.key === null ? Number.NaN : Date.parse(`${row.key}T00:00:00Z`))
  const keys = rowsPerSeries.flatMap((s) => s.rows.map(dayOf)).filter((t) => !Number.isNaN(t))
  if (keys.length === 0) return { days: [], series: [] }
  const first = Math.min(...keys)
  const last = Math.max(...keys)
  const days: number[] = []
  for (let t = first; t <= last; t += DAY_MS) days.push(t / 1000)
  const series = rowsPerSeries.map(({ label, rows, pick }) => {
    const value = new Map(rows.map((r) => [dayOf(r), pick(r)]))
    return { label, values: days.map((d) => (value.has(d * 1000) ? value.get(d * 1000)! : 0)) }
  })
  return { days, series }
}

function Table({ title, group, rows }: { title: string; group: UsageGroup; rows: UsageRow[] }) {
  return (
    <div class="table-wrap">
      <table>
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">{title.replace(/^By /, '')}</th>
            <th scope="col" class="num">Sessions</th>
            <th scope="col" class="num">Messages</th>
            <th scope="col" class="num">Input tokens</th>
            <th scope="col" class="num">Output tokens</th>
            <th scope="col" class="num">Cache read</th>
            <th scope="col" class="num">Cache write</th>
            <th scope="col" class="num">Cost</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key ?? ''}>
              <th scope="row">{keyName(group, r.key)}</th>
              <td class="num">{formatCount(r.sessions)}</td>
              <td class="num">{formatCount(r.messages)}</td>
              <td class="num">{formatCount(r.inputTokens)}</td>
              <td class="num">{formatCount(r.outputTokens)}</td>
              <td class="num">{formatCount(r.cacheReadTokens)}</td>
              <td class="num">{formatCount(r.cacheWriteTokens)}</td>
              <td class="num">
                <Cost row={r} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

/** The period's totals, summed over the providers (each session and message belongs to one). */
function totalsOf(providers: UsageRow[]) {
  const sum = (pick: (r: UsageRow) => number) => providers.reduce((n, r) => n + pick(r), 0)
  const unpriced = [...new Set(providers.flatMap((r) => r.unpricedModels))].sort()
  return {
    sessions: sum((r) => r.sessions),
    messages: sum((r) => r.messages),
    tokens: sum((r) => r.inputTokens + r.outputTokens + r.cacheReadTokens + r.cacheWriteTokens),
    // As the CLI's total: unknown when any row's cost is (a partial sum would read as the whole).
    costUsd: providers.some((r) => r.costUsd === null) ? null : sum((r) => r.costUsd ?? 0),
    unpricedModels: unpriced,
  }
}

type Range = (typeof RANGES)[number]

/** `/usage?period=30|90|365|all` (30 days when absent): messages, tokens and cost per day by provider and model, exactly as `/api/usage` reports them. */
export function UsagePage() {
  useTitle('Usage')
  const [range, rangeText] = RANGES.find(([value]) => value === place.value.query.get('period')) ?? RANGES[0]
  const setRange = (value: Range[0]) => navigate(value === RANGES[0][0] ? '/usage' : `/usage?period=${value}`, { replace: true })
  const from = range === 'all' ? null : new Date(Date.now() - Number(range) * DAY_MS).toISOString().slice(0, 10)
  const figures = useLoad(async () => {
    const [days, models, providers] = await Promise.all([usage('day', from), usage('model', from), usage('provider', from)])
    const perProvider = await Promise.all(providers.filter((p) => p.key !== null).map(async (p) => ({ label: p.key!, rows: await usage('day', from, p.key!) })))
    return { days, models, providers, perProvider }
  }, [from])
  const charts = useMemo(() => {
    const data = figures.data
    if (!data) return null
    const total = (pick: (r: UsageRow) => number | null, label: string) => ({ label, rows: data.days, pick })
    return {
      messages: byDay(data.perProvider.map((p) => ({ ...p, pick: (r: UsageRow) => r.messages }))),
      tokens: byDay([
        total((r) => r.inputTokens, 'input'),
        total((r) => r.outputTokens, 'output'),
        total((r) => r.cacheReadTokens, 'cache read'),
        total((r) => r.cacheWriteTokens, 'cache write'),
      ]),
      cost: data.days.some((r) => r.costUsd !== null) ? byDay([total((r) => r.costUsd, 'cost (USD)')]) : null,
      unknownCostDays: data.days.filter((r) => r.costUsd === null),
      totals: totalsOf(data.providers),
    }
  }, [figures.data])
  return (
    <>
      <h1>Usage</h1>
      <form class="filters" aria-label="Period" onSubmit={(event) => event.preventDefault()}>
        <label>
          Period
          <select value={range} onChange={(event) => setRange(event.currentTarget.value as Range[0])}>
            {RANGES.map(([value, text]) => (
              <option key={value} value={value}>
                {text}
              </option>
            ))}
          </select>
        </label>
      </form>
      <Status of={figures} what="usage">
        {(data) =>
          charts === null ? null : data.days.length === 0 ? (
            <Empty>
              No usage recorded in this period ({rangeText.toLowerCase()}).
              {range !== 'all' && (
                <>
                  {' '}
                  <a href="/usage?period=all">Show all time</a>
                </>
              )}
            </Empty>
          ) : (
            <>
              <dl class="cards" aria-label="Totals of the period">
                <div class="card">
                  <dt>Tokens</dt>
                  <dd>{formatCount(charts.totals.tokens)}</dd>
                </div>
                <div class="card">
                  <dt>Cost</dt>
                  <dd>
                    <Cost row={charts.totals} />
                  </dd>
                </div>
                <div class="card">
                  <dt>Messages with usage</dt>
                  <dd>{formatCount(charts.totals.messages)}</dd>
                </div>
                <div class="card">
                  <dt>Sessions</dt>
                  <dd>{formatCount(charts.totals.sessions)}</dd>
                </div>
              </dl>
              <figure>
                <figcaption>Messages with token usage per day, by assistant</figcaption>
                <DayChart label="Messages per day by assistant" unit={formatCount} {...charts.messages} />
              </figure>
              <figure>
                <figcaption>Tokens per day</figcaption>
                <DayChart label="Tokens per day: input, output, cache read, cache write" unit={formatCount} {...charts.tokens} />
              </figure>
              {charts.cost && (
                <figure>
                  <figcaption>Cost per day (USD)</figcaption>
                  <DayChart label="Cost per day in US dollars" unit={(n) => formatCost(n)} {...charts.cost} />
                </figure>
              )}
              {charts.unknownCostDays.length > 0 && (
                <p class="note" role="note">
                  {charts.cost ? `Cost unknown on ${formatCount(charts.unknownCostDays.length)} of ${formatCount(data.days.length)} days (gaps in the chart)` : 'Cost unknown'}
                  : the price table has no price for {charts.totals.unpricedModels.map(modelName).join(', ')}. Their tokens are counted; chasm never guesses a
                  cost (<code>--prices FILE</code> adds prices).
                </p>
              )}
              <Table title="By model" group="model" rows={data.models} />
              <Table title="By provider" group="provider" rows={data.providers} />
            </>
          )
        }
      </Status>
    </>
  )
}
