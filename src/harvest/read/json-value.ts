/** A plain JSON object, for narrowing values parsed from another tool's files. */
export type JsonRecord = Record<string, unknown>

/** True for a non-null, non-array object. */
export const isRecord = (value: unknown): value is JsonRecord =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** The value as a record, or an empty one. */
export const recordOf = (value: unknown): JsonRecord => (isRecord(value) ? value : {})

/** The value if it is a string, else null. */
export const stringOf = (value: unknown): string | null => (typeof value === 'string' ? value : null)

/** The value if it is a non-empty string, else null. */
export const textOf = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null)

/** The value if it is a finite number, else null. */
export const numberOf = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null

/** The value if it is an array, else an empty one. */
export const arrayOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : [])

/** Parses JSON text; `undefined` when it is not valid JSON. */
export function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** A tool's argument or result: parsed when it is a JSON string, else kept as it was. */
export const jsonOrText = (value: unknown): unknown => {
  if (typeof value !== 'string') return value ?? null
  const parsed = tryParseJson(value)
  return parsed === undefined ? value : parsed
}

/** A tool output as text: strings as they are, other values as JSON, absent as null. */
export const outputText = (value: unknown): string | null => {
  if (value === undefined || value === null) return null
  return typeof value === 'string' ? value : JSON.stringify(value)
}
