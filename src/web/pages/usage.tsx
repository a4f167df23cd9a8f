import { useMemo, useState } from 'preact/hooks'
import { getOptional } from '../api/client'
import { DayChart, type ChartSeries } from '../components/chart'
import { useLoad } from '../components/load'
import { Empty, Status } from '../components/status'
import { formatCost, formatCount } from '../render/format'
import { useTitle } from './title'

/**
 * A row of `GET /api/usage` (docs/web.md: the usage contract). Declared here until the route is in
 * the server; then its schema's type replaces this one.
 */
interface UsageRow {
  key: string
  sessions: number
  messages: number
  inputTokens: number
  outputTokens: number
  cacheReadTokens: number
  cacheWriteTokens: number
  costUsd: number | null
}

type GroupBy = 'day' | 'model' | 'provider'

const RANGES = [
  ['30', 'Last 30 days'],
  ['90', 'Last 90 days'],
  ['365', 'Last year'],
  ['all', 'All time'],
] as const

const DAY_MS = 86_400_000

const usage = (groupBy: GroupBy, from: string | null, provider?: string) => {
  const query = new URLSearchParams({ groupBy })
  if (from) query.set('from', from)
  if (provider) query.set('provider', provider)
  return getOptional<{ data: UsageRow[] }>(`/api/usage?${query}`)
}

/** Every day from the first to the last row's day, in seconds (uPlot's time unit), with each series' value or a gap. */
function byDay(rowsPerSeries: { label: string; rows: UsageRow[]; pick: (row: UsageRow) => number | null }[]): { days: number[]; series: ChartSeries[] } {
  const keys = rowsPerSeries.flatMap((s) => s.rows.map((r) => Date.parse(`${r.key}T00:00:00Z`))).filter((t) => !Number.isNaN(t))
  if (keys.length === 0) return { days: [], series: [] }
  const first = Math.min(...keys)
  const last = Math.max(...keys)
  const days: number[] = []
  for (let t = first; t <= last; t += DAY_MS) days.push(t / 1000)
  const series = rowsPerSeries.map(({ label, rows, pick }) => {
    const value = new Map(rows.map((r) => [Date.parse(`${r.key}T00:00:00Z`), pick(r)]))
    return { label, values: days.map((d) => value.get(d * 1000) ?? 0) }
  })
  return { days, series }
}

function Table({ title, rows }: { title: string; rows: UsageRow[] }) {
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
            <tr key={r.key}>
              <th scope="row">{r.key}</th>
              <td class="num">{formatCount(r.sessions)}</td>
              <td class="num">{formatCount(r.messages)}</td>
              <td class="num">{formatCount(r.inputTokens)}</td>
              <td class="num">{formatCount(r.outputTokens)}</td>
              <td class="num">{formatCount(r.cacheReadTokens)}</td>
              <td class="num">{formatCount(r.cacheWriteTokens)}</td>
              <td class="num">{formatCost(r.costUsd)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

/** `/usage`: messages, tokens and cost per day by provider and model, exactly as `/api/usage` reports them. */
export function UsagePage() {
  useTitle('Usage')
  const [range, setRange] = useState<(typeof RANGES)[number][0]>('30')
  const from = range === 'all' ? null : new Date(Date.now() - Number(range) * DAY_MS).toISOString().slice(0, 10)
  const figures = useLoad(async () => {
    // One probe first: a server without the route answers 404 once, not once per chart.
    const days = await usage('day', from)
    if (!days) return null
    const [models, providers] = await Promise.all([usage('model', from), usage('provider', from)])
    if (!models || !providers) return null
    const perProvider = await Promise.all(providers.data.map(async (p) => ({ label: p.key, rows: (await usage('day', from, p.key))?.data ?? [] })))
    return { days: days.data, models: models.data, providers: providers.data, perProvider }
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
    }
  }, [figures.data])
  return (
    <>
      <h1>Usage</h1>
      <form class="filters" aria-label="Period" onSubmit={(event) => event.preventDefault()}>
        <label>
          Period
          <select value={range} onChange={(event) => setRange(event.currentTarget.value as typeof range)}>
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
          data === null || charts === null ? (
            <p class="note" role="status">
              Usage figures are not available from this server yet: it has no <code>/api/usage</code>. Sessions and messages are on the{' '}
              <a href="/">overview</a>.
            </p>
          ) : data.days.length === 0 ? (
            <Empty>No usage recorded in this period.</Empty>
          ) : (
            <>
              <figure>
                <figcaption>Messages per day, by assistant</figcaption>
                <DayChart label="Messages per day by assistant" unit={formatCount} {...charts.messages} />
              </figure>
              <figure>
                <figcaption>Tokens per day</figcaption>
                <DayChart label="Tokens per day: input, output, cache read, cache write" unit={formatCount} {...charts.tokens} />
              </figure>
              {charts.cost ? (
                <figure>
                  <figcaption>Cost per day (USD)</figcaption>
                  <DayChart label="Cost per day in US dollars" unit={(n) => formatCost(n)} {...charts.cost} />
                </figure>
              ) : (
                <p class="note">The server knows no prices for these models, so no cost is shown.</p>
              )}
              <Table title="By model" rows={data.models} />
              <Table title="By provider" rows={data.providers} />
            </>
          )
        }
      </Status>
    </>
  )
}
