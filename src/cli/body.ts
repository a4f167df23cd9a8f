import type { Static, TSchema } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { UsageError } from 'clipanion'

const KIND: Record<string, string> = { integer: 'an integer', number: 'a number', string: 'text', boolean: 'true or false', array: 'a list', null: 'none' }

/** What a failing value must be, from its schema: the choices or kinds of a union, a pattern's description, else TypeBox's words. */
function expectation(schema: TSchema, message: string): string {
  const options = schema.anyOf as Array<{ const?: unknown; type?: string }> | undefined
  const choices = options?.map((option) => option.const)
  if (choices?.every((choice) => typeof choice === 'string')) return `must be one of ${choices.join(', ')}`
  if (options?.every((option) => option.type !== undefined && option.type in KIND)) return `must be ${options.map((option) => KIND[option.type!]).join(' or ')}`
  if (typeof schema.pattern === 'string' && typeof schema.description === 'string') return `must be ${schema.description}`
  return message.toLowerCase()
}

/**
 * A request body built from options, checked against the API's schema for it (the same rules as the API);
 * options not given are left out. A bad value is a usage error naming the option the user typed (`optionOf`).
 */
export function bodyFromOptions<T extends TSchema>(schema: T, options: Record<string, unknown>, optionOf: Record<string, string>): Static<T> {
  const body = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined))
  const problem = Value.Errors(schema, body).First()
  if (problem) {
    const field = problem.path.split('/')[1] ?? ''
    throw new UsageError(`Invalid ${optionOf[field] ?? field}: ${expectation(problem.schema, problem.message)} (got ${JSON.stringify(problem.value)})`)
  }
  return body as Static<T>
}

/** An option that sets a number or, as `none`, clears it (`--max-tokens none`); other text is left for the schema to refuse. */
export const numberOrNone = (text: string | undefined): number | null | string | undefined =>
  text === undefined ? undefined : text === 'none' ? null : /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text

/** A repeatable list option where `none` alone means the empty list (`--tool none`). */
export const listOrNone = (values: string[] | undefined): string[] | undefined => (values?.length === 1 && values[0] === 'none' ? [] : values)
