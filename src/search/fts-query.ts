import { END_TOKEN, searchTextFor, WORD_BREAK } from '../db'

/** One part of a query: a word or an exact phrase, all of whose tokens must appear in this order. */
export interface Phrase {
  /** The text as the index sees it (unspaced scripts split into words, like indexed text). */
  text: string
  /** The last token matches every token it starts (`prefix*`). */
  prefix: boolean
}

/** A user's search text translated into a safe FTS5 MATCH expression. */
export interface FtsQuery {
  /** The MATCH expression: every phrase quoted, so no user character is FTS5 syntax. */
  expression: string
  /** The phrases, in order, without repeats; all must match. */
  phrases: Phrase[]
}

/** Prefixes shorter than this would match most of the index; they are searched as whole words instead. */
export const MIN_PREFIX_LENGTH = 2

const SEARCHABLE = /[\p{L}\p{N}]/u
// Korean attaches particles and endings to words (코드를, 코드는…): a word ending in Hangul also finds those forms.
const ENDS_IN_HANGUL = /[\uac00-\ud7a3]$/u
const quote = (text: string) => `"${text.replace(/"/g, '""')}"`
// Control characters separate words (NUL would also end FTS5's C string early: a 500); so do the
// characters the index reserves for itself (src/db/search-text.ts), which no query may match.
const SEPARATORS = new RegExp(`[\\u0000-\\u001f\\u007f${WORD_BREAK}${END_TOKEN}]`, 'gu')

/**
 * Translates user text into an FTS5 expression: bare words (all must match), `"exact phrases"`
 * and `prefix*`. Everything else — operators, column filters, parentheses, stray quotes — is
 * treated as literal text. Returns null when nothing searchable remains (e.g. only punctuation).
 * @example toFtsQuery('auth* "token refresh" NEAR(') // '"auth"* "token refresh" "NEAR"'
 */
export function toFtsQuery(input: string): FtsQuery | null {
  const phrases: Phrase[] = []
  const seen = new Set<string>()
  const add = (text: string, prefix: boolean) => {
    const indexed = searchTextFor(text) ?? text
    const key = `${prefix ? '*' : ' '}${indexed}`
    if (seen.has(key)) return
    seen.add(key)
    phrases.push({ text: indexed, prefix })
  }
  const pattern = /"([^"]*)"?|(\S+)/g
  for (const match of input.normalize('NFC').replace(SEPARATORS, ' ').matchAll(pattern)) {
    const phrase = match[1]
    if (phrase !== undefined) {
      if (SEARCHABLE.test(phrase)) add(phrase, false)
      continue
    }
    const word = match[2]!
    const stem = word.replace(/\*+$/, '').replace(/"/g, '')
    if (!SEARCHABLE.test(stem)) continue
    const asked = word.endsWith('*') && [...stem].length >= MIN_PREFIX_LENGTH && !/\s/.test(stem)
    add(stem, asked || ENDS_IN_HANGUL.test(stem))
  }
  if (phrases.length === 0) return null
  return { expression: phrases.map((p) => (p.prefix ? `${quote(p.text)}*` : quote(p.text))).join(' '), phrases }
}
