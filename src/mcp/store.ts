import type { Database } from 'bun:sqlite'

/** The text of one message, by session and message id (search snippets are redacted against it). */
export function messageContent(sqlite: Database, sessionId: string, messageId: string): string | null {
  return (
    sqlite
      .query<{ content: string }, [string, string]>(
        'SELECT m.content FROM messages m JOIN sessions s ON s.pk = m.session_pk WHERE s.id = ? AND m.message_id = ? LIMIT 1',
      )
      .get(sessionId, messageId)?.content ?? null
  )
}
