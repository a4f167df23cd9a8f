import type { Database } from 'bun:sqlite'
import { findSessionRow, sessionFilterClause, summaryFromRow, SUMMARY_COLUMNS, type SessionFilter, type SummaryRow } from '../db'
import { notFound } from '../shared/errors'
import type { ExportHead } from './head'

/** A session's export head (summary and workspace) and its pk, by public id; NOT_FOUND if unknown. */
export function exportHead(sqlite: Database, id: string): { pk: number; head: ExportHead } {
  const row = findSessionRow(sqlite, id)
  if (!row) throw notFound('Session', id)
  const workspace =
    row.workspace_id === null
      ? null
      : sqlite.query<{ name: string; path: string | null }, [string]>('SELECT name, path FROM workspaces WHERE id = ?').get(row.workspace_id)
  return { pk: row.pk, head: { ...summaryFromRow(row), workspace } }
}

/** Which sessions a tree export covers. */
export type TreeFilter = SessionFilter

/** A session to export, with what decides whether its file is still current. */
export interface TreeCandidate {
  pk: number
  head: ExportHead
  /**
   * What the session's document depends on, read cheaply (from the index and row headers, not the
   * text): the summary with its update time and counts, the workspace, the messages' count, highest
   * rowid and total size, the tool calls' count and highest rowid. Harvest and recording move the
   * update time on every change, and a rewrite or an edit moves a count, a rowid or a size.
   */
  state: string
}

interface CandidateRow extends SummaryRow {
  workspace_name: string | null
  workspace_path: string | null
  message_state: string
  tool_state: string
}

/**
 * The sessions of a tree export, streamed (one row in memory at a time) in storage order: a
 * session's messages were written together, so reading sessions in the order they were stored
 * reads the database file front to back instead of jumping about it (several times faster on a
 * large database than reading them folder by folder).
 */
export function* treeCandidates(sqlite: Database, filter: TreeFilter): Generator<TreeCandidate> {
  const { clause, params } = sessionFilterClause(filter)
  const statement = sqlite.prepare<CandidateRow, (string | number)[]>(
    `SELECT ${SUMMARY_COLUMNS},
       (SELECT name FROM workspaces w WHERE w.id = workspace_id) AS workspace_name,
       (SELECT path FROM workspaces w WHERE w.id = workspace_id) AS workspace_path,
       (SELECT count(*) || ':' || coalesce(max(m.pk), 0) || ':' || total(octet_length(m.content))
          FROM messages m WHERE m.session_pk = sessions.pk) AS message_state,
       (SELECT count(*) || ':' || coalesce(max(t.pk), 0) FROM tool_invocations t WHERE t.session_pk = sessions.pk) AS tool_state
     FROM sessions ${clause}
     ORDER BY pk`,
  )
  try {
    for (const row of statement.iterate(...params)) {
      const head: ExportHead = {
        ...summaryFromRow(row),
        workspace: row.workspace_name === null ? null : { name: row.workspace_name, path: row.workspace_path },
      }
      yield { pk: row.pk, head, state: `${JSON.stringify(head)}\n${row.message_state}\n${row.tool_state}` }
    }
  } finally {
    statement.finalize()
  }
}

/** One piece of stored session text, for the secrets scan. */
export interface TextRow {
  sessionId: string
  messageId: string | null
  /** Where in the session: `title`, `content`, `tool input` or `tool output` (with the tool's name). */
  where: string
  /** The text; a tool input is its parsed JSON value, so each string in it is judged with its key. */
  value: unknown
}

const parsedInput = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** Every piece of text in the history (titles, message content, tool inputs and outputs), streamed. */
export function* historyText(sqlite: Database): Generator<TextRow> {
  const titles = sqlite.prepare<{ id: string; title: string }, []>('SELECT id, title FROM sessions WHERE title IS NOT NULL ORDER BY pk')
  const contents = sqlite.prepare<{ session_id: string; message_id: string; content: string }, []>(
    `SELECT s.id AS session_id, m.message_id, m.content FROM messages m JOIN sessions s ON s.pk = m.session_pk ORDER BY m.pk`,
  )
  const tools = sqlite.prepare<{ session_id: string; message_id: string; name: string; input: string | null; output: string | null }, []>(
    `SELECT s.id AS session_id, m.message_id, t.name, t.input, t.output
     FROM tool_invocations t JOIN messages m ON m.pk = t.message_pk JOIN sessions s ON s.pk = t.session_pk ORDER BY t.pk`,
  )
  try {
    for (const row of titles.iterate()) yield { sessionId: row.id, messageId: null, where: 'title', value: row.title }
    for (const row of contents.iterate()) yield { sessionId: row.session_id, messageId: row.message_id, where: 'content', value: row.content }
    for (const row of tools.iterate()) {
      if (row.input !== null) yield { sessionId: row.session_id, messageId: row.message_id, where: `tool input (${row.name})`, value: parsedInput(row.input) }
      if (row.output !== null) yield { sessionId: row.session_id, messageId: row.message_id, where: `tool output (${row.name})`, value: row.output }
    }
  } finally {
    titles.finalize()
    contents.finalize()
    tools.finalize()
  }
}
