import { Type, type TProperties } from '@sinclair/typebox'
import { t } from 'elysia'
import type { PageRequest, PageSize } from '../../db'
import { ChasmError } from '../../shared/errors'

const range = (min: number, max: number | null) => (max === null ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}`)

/**
 * An optional integer query parameter with bounds and a default. Query strings arrive as text, so
 * the schema accepts an integer string and decodes it; a bad value names the parameter.
 */
export const IntParam = (name: string, min: number, max: number | null, fallback: number, description: string) => {
  const bounds = { minimum: min, ...(max === null ? {} : { maximum: max }) }
  return t.Optional(
    t
      // Only the canonical decimal spelling: `-0`, `007`, `1e3` and `0x10` are refused like out-of-range values.
      .Transform(t.Union([t.String({ pattern: '^(0|-?[1-9][0-9]*)$' }), Type.Integer(bounds)], { ...bounds, default: fallback, description }))
      .Decode((value) => {
        const number = typeof value === 'number' ? value : Number(value)
        if (!Number.isSafeInteger(number) || number < min || (max !== null && number > max)) {
          throw new ChasmError('BAD_REQUEST', `Invalid query parameter '${name}': must be ${range(min, max)} (got ${JSON.stringify(value)})`)
        }
        return number
      })
      .Encode((value) => value),
  )
}

/** `limit` (1..max, default as given) for lists that return their best results without an offset. */
export const LimitParam = (size: PageSize) => IntParam('limit', 1, size.max, size.default, `how many to return (1..${size.max}, default ${size.default})`)

/** `limit` and `offset` of a paged list, with that list's page sizes. */
export const PageParams = (size: PageSize) => ({
  limit: IntParam('limit', 1, size.max, size.default, `page size (1..${size.max}, default ${size.default})`),
  offset: IntParam('offset', 0, null, 0, 'items to skip'),
})

/** The page a validated query asks for. */
export const pageOf = (query: { limit?: number; offset?: number }, size: PageSize): PageRequest => ({
  limit: query.limit ?? size.default,
  offset: query.offset ?? 0,
})

/** A non-empty string query parameter. */
export const TextParam = (description: string) => t.Optional(t.String({ minLength: 1, description }))

/** A route's query schema: its own parameters are checked, any others are ignored (docs/api.md, "Parameters and bodies"). */
export const QueryObject = <T extends TProperties>(properties: T) => Type.Object(properties, { additionalProperties: true })

/** An optional time query parameter, ISO-8601 or epoch milliseconds, decoded to epoch ms; a bad value names the parameter. */
export const TimeParam = (name: string, description: string) =>
  t.Optional(
    t
      .Transform(t.Union([t.String({ minLength: 1 }), Type.Integer({ minimum: 0 })], { description }))
      .Decode((value) => {
        const text = String(value)
        const ms = /^\d+$/.test(text) ? Number(text) : /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))?$/.test(text) ? Date.parse(text) : Number.NaN
        if (!Number.isSafeInteger(ms)) {
          throw new ChasmError('BAD_REQUEST', `Invalid query parameter '${name}': must be an ISO-8601 date or time, or epoch milliseconds (got ${JSON.stringify(value)})`)
        }
        return ms
      })
      .Encode((ms) => ms),
  )
