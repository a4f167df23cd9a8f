import { ChasmError } from './errors'

/** Deepest nesting of arrays and objects a client's JSON may have (request bodies, WebSocket messages). */
export const MAX_JSON_DEPTH = 64

/**
 * Throws BAD_REQUEST when arrays and objects nest deeper than `limit`; run before `JSON.parse`, so
 * a body nested 100,000 deep costs one linear scan, not a parse and a recursive validation.
 */
export function checkJsonDepth(text: string, limit = MAX_JSON_DEPTH): void {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (inString) {
      if (code === 92 /* \ */) i++
      else if (code === 34 /* " */) inString = false
    } else if (code === 34) inString = true
    else if (code === 123 /* { */ || code === 91 /* [ */) {
      if (++depth > limit) throw new ChasmError('BAD_REQUEST', `JSON nests deeper than ${limit} levels`)
    } else if (code === 125 /* } */ || code === 93 /* ] */) depth--
  }
}
