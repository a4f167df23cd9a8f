/** A user's search text translated into a safe FTS5 MATCH expression. */
export interface FtsQuery {
  /** The MATCH expression: every term quoted, so no user character is FTS5 syntax. */
  expression: string
  /** The terms as the user meant them (words, phrases, prefixes), for display and planning. */
  terms: string[]
}

/** Prefixes shorter than this would match most of the index; they are searched as whole words instead. */
export const MIN_PREFIX_LENGTH = 2

const SEARCHABLE = /[\p{L}\p{N}]/u
const quote = (text: string) => `"${text.replace(/"/g, '""')}"`

/**
 * Translates user text into an FTS5 expression: bare words (all must match), `"exact phrases"`
 * and `prefix*`. Everything else — operators, column filters, parentheses, stray quotes — is
 * treated as literal text. Returns null when nothing searchable remains (e.g. only punctuation).
 * @example toFtsQuery('auth* "token refresh" NEAR(') // '"auth"* "token refresh" "NEAR"'
 */
export function toFtsQuery(input: string): FtsQuery | null {
  const parts: string[] = []
  const terms: string[] = []
  const pattern = /"([^"]*)"?|(\S+)/g
  // Control characters separate words; NUL in particular would end FTS5's (C) string early: a 500.
  for (const match of input.normalize('NFC').replace(/[\u0000-\u001f\u007f]/g, ' ').matchAll(pattern)) {
    const phrase = match[1]
    if (phrase !== undefined) {
      if (SEARCHABLE.test(phrase)) {
        parts.push(quote(phrase))
        terms.push(phrase)
      }
      continue
    }
    const word = match[2]!
    const stem = word.replace(/\*+$/, '').replace(/"/g, '')
    if (!SEARCHABLE.test(stem)) continue
    const isPrefix = word.endsWith('*') && [...stem].length >= MIN_PREFIX_LENGTH && !/\s/.test(stem)
    parts.push(isPrefix ? `${quote(stem)}*` : quote(stem))
    terms.push(isPrefix ? `${stem}*` : stem)
  }
  return parts.length === 0 ? null : { expression: parts.join(' '), terms }
}
