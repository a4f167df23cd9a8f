/** Narrowing helpers for parsed JSON, so providers read foreign records without casts. */

/** The value as a plain JSON object, or null for anything else (arrays included). */
export const asRecord = (value: unknown): Record<string, unknown> | null =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null

/** The value if it is a string, else null. */
export const asString = (value: unknown): string | null => (typeof value === 'string' ? value : null)

/** The value if it is a non-blank string, else null. */
export const asText = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value : null)

/** The value if it is an array, else an empty one. */
export const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : [])

/** Parses a JSON string argument (tool arguments are often stored as JSON text); keeps the text when it is not JSON. */
export function parseJsonText(value: unknown): unknown {
  if (typeof value !== 'string') return value ?? null
  try {
    return JSON.parse(value)
  } catch {
    return value
  }
}

/** Tool outputs longer than this are stored truncated (docs/providers.md: huge tool results). */
export const TOOL_OUTPUT_MAX_CHARS = 256 * 1024

/** A tool output as stored text: strings as they are, other JSON serialized, long ones truncated with a note. */
export function toolOutputText(value: unknown): string | null {
  if (value === undefined || value === null) return null
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  if (text.length <= TOOL_OUTPUT_MAX_CHARS) return text
  return `${text.slice(0, TOOL_OUTPUT_MAX_CHARS)}\n… [truncated: ${text.length} characters in total]`
}

/** The value as a plain JSON object, or an empty one, for reading optional fields of foreign records. */
export const recordOf = (value: unknown): Record<string, unknown> => asRecord(value) ?? {}
