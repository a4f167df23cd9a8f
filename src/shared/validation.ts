import { Kind, type TSchema } from '@sinclair/typebox'
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors'

/**
 * The one place that puts a TypeBox validation error into words, for the API's request schemas,
 * recording events, the CLI's options and agents' tool arguments alike: each caller says where the
 * value was (`Invalid body field 'name'`, `Invalid --tool`), this says what is wrong with it.
 */

/** `/data/tool_calls/0/name` (a JSON pointer) → `data.tool_calls[0].name`. */
export function fieldPath(pointer: string): string {
  let path = ''
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replaceAll('~1', '/').replaceAll('~0', '~')
    path += /^\d+$/.test(segment) ? `[${segment}]` : path === '' ? segment : `.${segment}`
  }
  return path
}

/** The kinds of a union's members in words: `string or null`. */
const describeSchema = (schema: TSchema): string =>
  'const' in schema
    ? JSON.stringify(schema.const)
    : schema[Kind] === 'Union'
      ? (schema.anyOf as TSchema[]).map(describeSchema).join(' or ')
      : String(schema.type ?? schema[Kind]).toLowerCase()

/** What a value failing `schema` must be (`must be an integer from 1 to 500`), or null when the schema says nothing plainer than TypeBox. */
export function expectation(schema: TSchema, value: unknown): string | null {
  const options = (schema.anyOf as TSchema[] | undefined) ?? []
  // Query integers are unions of a numeric string and the number itself: the number says it.
  const numeric = options.find((option) => option.type === 'integer' || option.type === 'number')
  if (numeric) {
    const text = expectation(numeric, value)
    return options.some((option) => option.type === 'null') ? `${text} or null` : text
  }
  if (schema.type === 'integer' || schema.type === 'number') {
    const kind = schema.type === 'integer' ? 'an integer' : 'a number'
    if (schema.minimum !== undefined && schema.maximum !== undefined) return `must be ${kind} from ${schema.minimum} to ${schema.maximum}`
    if (schema.minimum !== undefined) return `must be ${kind} ≥ ${schema.minimum}`
    if (schema.maximum !== undefined) return `must be ${kind} ≤ ${schema.maximum}`
    return `must be ${kind}`
  }
  // A string rule speaks only about strings; for another kind of value TypeBox's "expected string" is plainer.
  if (schema.type === 'string' && typeof value === 'string') {
    if (schema.minLength && value.trim() === '') return 'must not be empty'
    // Too long: said plainly, unless the string's own description already states the limit (agent names).
    if (schema.maxLength !== undefined && value.length > schema.maxLength && !schema.description?.includes(String(schema.maxLength))) {
      return `must be at most ${schema.maxLength} characters`
    }
    // A patterned string's description says what it must be (e.g. agent names).
    if (schema.pattern && schema.description) return `must be ${schema.description}`
    if (schema.minLength) return 'must not be empty'
  }
  if (schema.type === 'array' && schema.minItems && Array.isArray(value) && value.length < schema.minItems) {
    return `must have at least ${schema.minItems} item${schema.minItems === 1 ? '' : 's'}`
  }
  if (options.length > 0) {
    return options.every((option) => 'const' in option) ? `must be one of ${options.map(describeSchema).join(', ')}` : `expected ${describeSchema(schema)}`
  }
  return null
}

/** One TypeBox error as a phrase: `is required`, `is not a known field`, or what the value must be. */
export function describeValueError(error: ValueError): string {
  if (error.type === ValueErrorType.ObjectRequiredProperty) return 'is required'
  if (error.type === ValueErrorType.ObjectAdditionalProperties) return 'is not a known field'
  return expectation(error.schema, error.value) ?? error.message.charAt(0).toLowerCase() + error.message.slice(1)
}
