/** Narrowing helpers for untrusted JSON read from VS Code's files: wrong types become `undefined`, never a throw. */

export type JsonRecord = Record<string, unknown>

/** True for a plain JSON object (not null, not an array). */
export const isRecord = (value: unknown): value is JsonRecord =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** The value if it is a string, else undefined. */
export const stringOf = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)

/** The value if it is a non-empty (after trimming) string, else undefined. */
export const textOf = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value : undefined

/** The value if it is a finite number, else undefined. */
export const numberOf = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined

/** The value if it is an array, else undefined. */
export const arrayOf = (value: unknown): unknown[] | undefined => (Array.isArray(value) ? value : undefined)

/** The value if it is an object, else undefined. */
export const recordOf = (value: unknown): JsonRecord | undefined => (isRecord(value) ? value : undefined)

/** The text of a `string | IMarkdownString` field (VS Code's `{ value, isTrusted, … }`). */
export const markdownText = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : isRecord(value) ? stringOf(value.value) : undefined

/** An object without its `undefined` properties, or null when nothing is left. */
export function compact(fields: Record<string, unknown>): Record<string, unknown> | null {
  const kept = Object.entries(fields).filter(([, value]) => value !== undefined)
  return kept.length === 0 ? null : Object.fromEntries(kept)
}
