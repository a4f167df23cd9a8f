import type { SessionPart } from '../provider'

/** How many distinct unknown shapes of one source are reported before the rest are only counted. */
export const SHAPES_SHOWN = 10

/**
 * The problem of a source that exists and parses but holds no conversation (docs/providers.md, "No silent zero"):
 * it names the file and why, and lasts until the file changes.
 */
export const noConversation = (path: string, reason: string): SessionPart => ({
  kind: 'problem',
  message: `recognised no conversation in ${path}: ${reason}`,
  lasting: true,
})

/**
 * Collects records of shapes a reader does not know (a new record type, an unknown role), one
 * problem per distinct shape naming the first line or key it was seen at and how often it recurred,
 * so format drift shows on the first harvest after an assistant updates without flooding the report.
 */
export function unknownShapes() {
  const seen = new Map<string, { at: string; count: number }>()
  return {
    /** Notes one record of an unknown shape: `what` describes the shape, `at` where (e.g. `line 12`, `messages[3]`). */
    note(what: string, at: string): void {
      const known = seen.get(what)
      if (known) known.count += 1
      else seen.set(what, { at, count: 1 })
    },
    get size() {
      return seen.size
    },
    /** One lasting problem per shape (the first `SHAPES_SHOWN`), then a count of the others. */
    parts(): SessionPart[] {
      const parts: SessionPart[] = [...seen.entries()].slice(0, SHAPES_SHOWN).map(([what, { at, count }]) => ({
        kind: 'problem',
        message: `${at}: ${what}${count > 1 ? ` (${count} records)` : ''}`,
        lasting: true,
      }))
      if (seen.size > SHAPES_SHOWN) parts.push({ kind: 'problem', message: `${seen.size - SHAPES_SHOWN} more unknown record shapes`, lasting: true })
      return parts
    },
  }
}
