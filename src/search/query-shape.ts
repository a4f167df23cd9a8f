import { ChasmError } from '../shared/errors'
import { toFtsQuery } from './fts-query'

/** Longest search text accepted, in characters. */
export const MAX_QUERY_CHARS = 1000

/** Most terms (words, phrases, prefixes; a repeated one counts once) one search may have: each term is a pass over the index. */
export const MAX_QUERY_TERMS = 32

/**
 * Refuses search text whose shape alone would make a search expensive (thousands of prefix terms
 * hold the server for seconds), before any index is read. `input` names the text in the error as
 * its caller knows it (the REST parameter `q`, an MCP tool's argument).
 */
export function checkQueryShape(text: string, input = "query parameter 'q'"): void {
  if (text.length > MAX_QUERY_CHARS) {
    throw new ChasmError('BAD_REQUEST', `Invalid ${input}: at most ${MAX_QUERY_CHARS} characters (got ${text.length})`)
  }
  const terms = toFtsQuery(text)?.phrases.length ?? 0
  if (terms > MAX_QUERY_TERMS) {
    throw new ChasmError('BAD_REQUEST', `Invalid ${input}: at most ${MAX_QUERY_TERMS} terms (got ${terms})`)
  }
}
