/** Small readers shared by the adapters for untrusted JSON from model servers. */

/** The value as a plain object, or null. */
export const asRecord = (value: unknown): Record<string, unknown> | null =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null

/** The value as an array, or null. */
export const asArray = (value: unknown): unknown[] | null => (Array.isArray(value) ? value : null)

/** A token count from a usage block: a non-negative integer, else 0. */
export const tokenCount = (value: unknown): number =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value) : 0

/** Tool-call arguments: JSON text is parsed (the raw text is kept when it is not JSON); objects pass through. */
export function parseArguments(value: unknown): unknown {
  if (typeof value !== 'string') return value ?? {}
  if (value.trim() === '') return {}
  try {
    return JSON.parse(value)
  } catch {
    return value
  }
}

/** Arguments as the object vendors that require one expect; anything else becomes `{}`. */
export const argumentsObject = (value: unknown): Record<string, unknown> => asRecord(value) ?? {}
