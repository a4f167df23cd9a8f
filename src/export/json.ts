import type { Message, SessionSummary } from '../db'
import { cleanerFor, type ExportHead, type RenderOptions } from './head'

const indent = (json: string, spaces: string) => json.replaceAll('\n', `\n${spaces}`)

/**
 * A session as the API's session object (`GET /api/sessions/:id`), pretty-printed exactly as
 * `JSON.stringify(session, null, 2)` would, but one message at a time.
 */
export function* jsonDocument(head: ExportHead, messages: Iterable<Message>, options: RenderOptions): Generator<string> {
  const clean = cleanerFor(options)
  const { workspace: _, ...summary } = clean.head(head)
  const opening = JSON.stringify({ ...(summary satisfies SessionSummary), messages: [] }, null, 2)
  let first = true
  for (const message of messages) {
    yield first ? `${opening.slice(0, opening.lastIndexOf('[]'))}[\n    ` : ',\n    '
    yield indent(JSON.stringify(clean.message(message), null, 2), '    ')
    first = false
  }
  yield first ? `${opening}\n` : '\n  ]\n}\n'
}
