import type { Static, TSchema } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { UsageError } from 'clipanion'
import { describeValueError } from '../shared/validation'

/**
 * A request body built from options, checked against the API's schema for it (the same rules as the API);
 * options not given are left out. A bad value is a usage error naming the option the user typed (`optionOf`).
 */
export function bodyFromOptions<T extends TSchema>(schema: T, options: Record<string, unknown>, optionOf: Record<string, string>): Static<T> {
  const body = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined))
  const problem = Value.Errors(schema, body).First()
  if (problem) {
    const field = problem.path.split('/')[1] ?? ''
    // The shared words for the API's schema; on the command line, null is spelled `none`.
    throw new UsageError(`Invalid ${optionOf[field] ?? field}: ${describeValueError(problem).replace(/ or null$/, ' or none')} (got ${JSON.stringify(problem.value)})`)
  }
  return body as Static<T>
}

/** An option that sets a number or, as `none`, clears it (`--max-tokens none`); other text is left for the schema to refuse. */
export const numberOrNone = (text: string | undefined): number | null | string | undefined =>
  text === undefined ? undefined : text === 'none' ? null : /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text

/** A repeatable list option where `none` alone means the empty list (`--tool none`). */
export const listOrNone = (values: string[] | undefined): string[] | undefined => (values?.length === 1 && values[0] === 'none' ? [] : values)
