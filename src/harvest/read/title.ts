/** Titles derived from a message are cut to this many characters (provider-formats §0). */
const TITLE_LENGTH = 50

/** A title from the first non-empty line of a message, whitespace collapsed and cut with an ellipsis; null if none. */
export function titleFrom(text: string | null | undefined, length = TITLE_LENGTH): string | null {
  const line = text
    ?.split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .find((l) => l !== '')
  if (!line) return null
  const chars = [...line]
  return chars.length <= length ? line : `${chars.slice(0, length - 1).join('').trimEnd()}…`
}
