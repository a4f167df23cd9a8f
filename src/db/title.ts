import type { Database, Statement } from 'bun:sqlite'
import { promptTitle } from '../shared/title'

/**
 * The title rule every session follows, wherever it comes from (docs/cli.md, "Session titles"): its
 * explicit title (the provider's own, or the one its recorder or swarm run gave), else the first line of
 * its first user message with text, cut at 80 characters; null when it has neither.
 */
export function sessionTitle(explicit: string | null, userMessages: Iterable<string>): string | null {
  if (explicit !== null && explicit.trim() !== '') return explicit
  for (const content of userMessages) {
    const title = promptTitle(content)
    if (title !== null) return title
  }
  return null
}

const firstUserMessages = new WeakMap<Database, Statement<{ content: string }, [number]>>()

/** The title a stored session without an explicit one gets: from its first user message with text (null if none). */
export function storedPromptTitle(sqlite: Database, sessionPk: number): string | null {
  let query = firstUserMessages.get(sqlite)
  if (!query) {
    query = sqlite.prepare<{ content: string }, [number]>(
      "SELECT content FROM messages WHERE session_pk = ? AND role = 'user' AND hidden = 0 ORDER BY idx",
    )
    firstUserMessages.set(sqlite, query)
  }
  const contents = function* (rows: IterableIterator<{ content: string }>) {
    for (const row of rows) yield row.content
  }
  return sessionTitle(null, contents(query.iterate(sessionPk)))
}
