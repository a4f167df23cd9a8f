import { Type, type Static } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { PROMPT_BANDS, type ModelRate } from '../db'
import { parseDay } from './days'
import embedded from './prices.json'

const Price = Type.Number({ minimum: 0, description: 'USD per million tokens' })
const RATE_FIELDS = {
  input: Price,
  output: Price,
  cacheRead: Price,
  cacheWrite5m: Price,
  cacheWrite1h: Price,
}
const Rates = Type.Object(RATE_FIELDS)
type Rates = Static<typeof Rates>
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD (UTC)' })

/** What one model costs, per million tokens of each kind (the format of `src/usage/prices.json` and of `--prices FILE`). */
export const ModelPrice = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    vendor: Type.Optional(Type.String()),
    aliases: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
    since: Type.Optional(Day),
    ...RATE_FIELDS,
    longPrompt: Type.Optional(
      Type.Object(
        { above: Type.Union(PROMPT_BANDS.map((size) => Type.Literal(size)), { description: 'prompt tokens above which these rates apply' }), ...RATE_FIELDS },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
)
export type ModelPrice = Static<typeof ModelPrice>

export const PriceTable = Type.Object({
  asOf: Day,
  unit: Type.Optional(Type.String()),
  notes: Type.Optional(Type.Array(Type.String())),
  sources: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  models: Type.Array(ModelPrice),
})
export type PriceTable = Static<typeof PriceTable>

/**
 * A model name as tools write it, reduced to compare with the table: lower case, without a
 * provider prefix (`anthropic/`, `copilot/`, `models/`), a date stamp (`-20250929`, `-2025-09-29`,
 * `@20250929`) or a 1M-context marker (`[1m]`, `-1m`), and with dots as dashes (`claude-sonnet-4.5`
 * is `claude-sonnet-4-5`). Nothing else is inferred: a name that matches no id or alias has no price.
 */
export function modelKey(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/^.*\//, '')
    .replace(/\[1m\]$|-1m$/, '')
    .replace(/[-@](\d{8}|\d{4}-\d{2}-\d{2})$/, '')
    .replaceAll('.', '-')
}

/** Checks a parsed price file; returns the table or one line saying what is wrong and where. */
export function checkPriceTable(value: unknown): { table: PriceTable } | { error: string } {
  const first = Value.Errors(PriceTable, value).First()
  if (first) return { error: `${first.path || '/'}: ${first.message}` }
  const table = value as PriceTable
  if (parseDay(table.asOf) === null) return { error: `/asOf: ${table.asOf} is not a date` }
  const owners = new Map<string, string>()
  const periods = new Set<string>()
  for (const [index, model] of table.models.entries()) {
    if (model.since !== undefined && parseDay(model.since) === null) return { error: `/models/${index}: ${model.since} is not a date` }
    const period = `${modelKey(model.id)}@${model.since ?? ''}`
    if (periods.has(period)) return { error: `/models/${index}: a second price for ${model.id}${model.since ? ` since ${model.since}` : ''}` }
    periods.add(period)
    for (const name of [model.id, ...(model.aliases ?? [])]) {
      const owner = owners.get(modelKey(name))
      if (owner !== undefined && owner !== modelKey(model.id)) return { error: `/models/${index}: ${name} names both ${owner} and ${model.id}` }
      owners.set(modelKey(name), modelKey(model.id))
    }
  }
  return { table }
}

/** The price table built into chasm (`src/usage/prices.json`). */
export const EMBEDDED_PRICES: PriceTable = (() => {
  const checked = checkPriceTable(embedded)
  if ('error' in checked) throw new Error(`embedded price table: ${checked.error}`)
  return checked.table
})()

/** A price file given with `--prices FILE`, read and checked; throws one line naming the file and the fault. */
export async function loadPriceFile(path: string): Promise<PriceTable> {
  let text: string
  try {
    text = await Bun.file(path).text()
  } catch (error) {
    throw new Error(`cannot read price file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new Error(`price file ${path} is not JSON: ${(error as Error).message}`)
  }
  const checked = checkPriceTable(value)
  if ('error' in checked) throw new Error(`price file ${path} is not a price table: ${checked.error}`)
  return checked.table
}

/**
 * The rates that price each stored model name: per period (`since`) and prompt band, never
 * overlapping, so every usage row meets at most one. Names without a matching entry get none.
 */
export function ratesFor(models: string[], table: PriceTable): ModelRate[] {
  const byKey = new Map<string, ModelPrice[]>()
  for (const entry of table.models) {
    for (const name of [entry.id, ...(entry.aliases ?? [])]) {
      const key = modelKey(name)
      const list = byKey.get(key) ?? []
      if (!list.includes(entry)) list.push(entry)
      byKey.set(key, list)
    }
  }
  const lastBand = PROMPT_BANDS.length
  return models.flatMap((model) => {
    const periods = [...(byKey.get(modelKey(model)) ?? [])].sort((a, b) => (a.since ?? '').localeCompare(b.since ?? ''))
    return periods.flatMap((entry, index): ModelRate[] => {
      const next = periods[index + 1]?.since
      const period = {
        model,
        fromDay: entry.since === undefined ? null : parseDay(entry.since),
        untilDay: next === undefined ? null : parseDay(next)! - 1,
      }
      const long = entry.longPrompt
      if (!long) return [{ ...period, minBand: 0, maxBand: lastBand, ...rates(entry) }]
      const from = PROMPT_BANDS.indexOf(long.above) + 1
      return [
        { ...period, minBand: 0, maxBand: from - 1, ...rates(entry) },
        { ...period, minBand: from, maxBand: lastBand, ...rates(long) },
      ]
    })
  })
}

const rates = (r: Rates): Rates => ({
  input: r.input,
  output: r.output,
  cacheRead: r.cacheRead,
  cacheWrite5m: r.cacheWrite5m,
  cacheWrite1h: r.cacheWrite1h,
})
