import type { Database, SQLQueryBindings } from 'bun:sqlite'
import { MESSAGE_INSERT_COLUMNS, MESSAGE_VALUE_SLOTS, messageValues, searchTextFor, type MessageInput, type SessionOrigin } from '../db'

/** A session as the recorder loads it: the session row joined with its recording state (null columns if none). */
export interface SessionRecord {
  pk: number
  id: string
  provider: string
  title: string | null
  model: string | null
  workspace_id: string | null
  workspace_path: string | null
  message_count: number
  tool_invocation_count: number
  created_at: number | null
  updated_at: number | null
  origin: SessionOrigin
  metadata: string | null
  status: 'active' | 'interrupted' | 'ended' | null
  started_at: number | null
  last_activity: number | null
  last_seq: number | null
  last_event_id: string | null
  last_message_id: string | null
}

/** A message as the recorder loads it to change it. */
export interface MessageRecord {
  pk: number
  role: string
  content: string
  metadata: string | null
}

/** A recorded session as the read side lists it. */
export interface RecordedRow {
  pk: number
  id: string
  provider: string
  title: string | null
  model: string | null
  origin: SessionOrigin
  workspace_id: string | null
  workspace_path: string | null
  message_count: number
  status: 'active' | 'interrupted' | 'ended'
  started_at: number
  last_activity: number
  last_seq: number
  last_event_id: string | null
  last_message_id: string | null
}

/** Which recorded sessions a list wants; `idle`/`active` split stored `active` rows at `idleBefore`. */
export type StateQuery = 'active' | 'idle' | 'interrupted' | 'ended' | 'open' | 'all'

const SESSION_RECORD = `
  SELECT s.pk, s.id, s.provider, s.title, s.model, s.workspace_id, w.path AS workspace_path, s.message_count,
         s.tool_invocation_count, s.created_at, s.updated_at, s.origin, s.metadata,
         r.status, r.started_at, r.last_activity, r.last_seq, r.last_event_id, r.last_message_id
  FROM sessions s
  LEFT JOIN recording_sessions r ON r.session_pk = s.pk
  LEFT JOIN workspaces w ON w.id = s.workspace_id`

const RECORDED_ROW = `
  SELECT s.pk, s.id, s.provider, s.title, s.model, s.origin, s.workspace_id, w.path AS workspace_path, s.message_count,
         r.status, r.started_at, r.last_activity, r.last_seq, r.last_event_id, r.last_message_id
  FROM recording_sessions r
  JOIN sessions s ON s.pk = r.session_pk
  LEFT JOIN workspaces w ON w.id = s.workspace_id`

// ?1 is the idle cutoff (epoch ms): an `active` session whose last event is older is idle.
const STATE_WHERE: Record<StateQuery, string> = {
  active: "r.status = 'active' AND r.last_activity >= ?1",
  idle: "r.status = 'active' AND r.last_activity < ?1",
  interrupted: "r.status = 'interrupted'",
  ended: "r.status = 'ended'",
  open: "r.status != 'ended'",
  all: '1',
}

/** Every SQL statement of the recorder, prepared once per database. */
export function recordingStore(sqlite: Database) {
  const findSession = sqlite.prepare<SessionRecord, [string]>(`${SESSION_RECORD} WHERE s.id = ?`)
  const insertSession = sqlite.prepare<{ pk: number }, [string, string, SessionOrigin, number, number]>(
    `INSERT INTO sessions (id, provider, origin, created_at, updated_at) VALUES (?, ?, ?, ?, ?) RETURNING pk`,
  )
  const updateSession = sqlite.prepare<never, SQLQueryBindings[]>(
    `UPDATE sessions SET provider = ?, model = ?, workspace_id = ?, message_count = ?, tool_invocation_count = ?,
       updated_at = ?, metadata = ? WHERE pk = ?`,
  )
  // Separate, because setting `title` (even unchanged) re-indexes it in sessions_fts.
  const updateTitle = sqlite.prepare<never, [string | null, string | null, number]>(
    'UPDATE sessions SET title = ?, search_title = ? WHERE pk = ?',
  )
  const insertState = sqlite.prepare<never, [number, number, number]>(
    `INSERT INTO recording_sessions (session_pk, status, started_at, last_activity) VALUES (?1, 'active', ?2, ?3)`,
  )
  const updateState = sqlite.prepare<never, SQLQueryBindings[]>(
    `UPDATE recording_sessions SET status = ?, last_activity = ?, last_seq = ?, last_event_id = ?, last_message_id = ?
     WHERE session_pk = ?`,
  )
  const touchState = sqlite.prepare<never, [number, number, string | null]>(
    `INSERT INTO recording_sessions (session_pk, status, started_at, last_activity, last_message_id)
     VALUES (?1, 'active', ?2, ?2, ?3)
     ON CONFLICT (session_pk) DO UPDATE SET status = 'active', last_activity = ?2, last_message_id = ?3`,
  )
  const insertEvent = sqlite.prepare<never, [number, number, string | null, string, number]>(
    `INSERT INTO recording_events (session_pk, seq, event_id, event_type, received_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (session_pk, event_id) DO NOTHING`,
  )
  const eventSeq = sqlite.prepare<{ seq: number }, [number, string]>(
    'SELECT seq FROM recording_events WHERE session_pk = ? AND event_id = ?',
  )
  const findMessage = sqlite.prepare<MessageRecord, [number, string]>(
    'SELECT pk, role, content, metadata FROM messages WHERE session_pk = ? AND message_id = ? LIMIT 1',
  )
  const insertMessage = sqlite.prepare<never, SQLQueryBindings[]>(
    `INSERT INTO messages (session_pk, idx, ${MESSAGE_INSERT_COLUMNS}) VALUES (?, ?, ${MESSAGE_VALUE_SLOTS})`,
  )
  const updateContent = sqlite.prepare<never, [string, string | null, number]>(
    'UPDATE messages SET content = ?, search_text = ? WHERE pk = ?',
  )
  const updateMessageMetadata = sqlite.prepare<never, [string, number]>('UPDATE messages SET metadata = ? WHERE pk = ?')
  const nextToolIndex = sqlite.prepare<{ next: number }, [number]>(
    'SELECT coalesce(max(idx) + 1, 0) AS next FROM tool_invocations WHERE message_pk = ?',
  )
  const findTool = sqlite.prepare<{ pk: number; message_id: string }, [number, string]>(
    `SELECT t.pk, m.message_id FROM tool_invocations t JOIN messages m ON m.pk = t.message_pk
     WHERE t.session_pk = ? AND t.call_id = ? LIMIT 1`,
  )
  const insertTool = sqlite.prepare<never, SQLQueryBindings[]>(
    `INSERT INTO tool_invocations (session_pk, message_pk, idx, call_id, name, input, output, status)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const updateToolResult = sqlite.prepare<never, [string | null, string, number]>(
    'UPDATE tool_invocations SET output = ?, status = ? WHERE pk = ?',
  )
  const bumpWorkspace = sqlite.prepare<never, [string, number]>(
    'UPDATE workspaces SET updated_at = ?2 WHERE id = ?1 AND (updated_at IS NULL OR updated_at < ?2)',
  )
  const markInterrupted = sqlite.prepare("UPDATE recording_sessions SET status = 'interrupted' WHERE status = 'active'")
  const findRecorded = sqlite.prepare<RecordedRow, [string]>(`${RECORDED_ROW} WHERE s.id = ?`)
  const listQueries = new Map(
    (Object.keys(STATE_WHERE) as StateQuery[]).map((state) => {
      const where = STATE_WHERE[state]
      const count = sqlite.prepare<{ n: number }, SQLQueryBindings[]>(`SELECT count(*) AS n FROM recording_sessions r WHERE ${where}`)
      // Numbered parameters: the page query always takes (cutoff, limit, offset), used or not.
      const page = sqlite.prepare<RecordedRow, [number, number, number]>(
        `${RECORDED_ROW} WHERE ${where} ORDER BY r.last_activity DESC, r.session_pk DESC LIMIT ?2 OFFSET ?3`,
      )
      const usesCutoff = where.includes('?1')
      return [state, { page, total: (cutoff: number) => count.get(...(usesCutoff ? [cutoff] : []))!.n }] as const
    }),
  )
  const counts = sqlite.prepare<{ active: number; idle: number; interrupted: number; total: number }, [number]>(
    `SELECT coalesce(sum(status = 'active' AND last_activity >= ?1), 0) AS active,
            coalesce(sum(status = 'active' AND last_activity < ?1), 0) AS idle,
            coalesce(sum(status = 'interrupted'), 0) AS interrupted,
            count(*) AS total
     FROM recording_sessions`,
  )

  return {
    /** Runs `fn` in a transaction (a savepoint when already inside one); bun:sqlite commits or rolls back. */
    transaction: <T>(fn: () => T): T => sqlite.transaction(fn).immediate(),
    findSession: (id: string): SessionRecord | null => findSession.get(id),
    insertSession: (id: string, provider: string, origin: SessionOrigin, created: number): number =>
      insertSession.get(id, provider, origin, created, created)!.pk,
    updateSession(pk: number, s: { provider: string; model: string | null; workspaceId: string | null; messageCount: number; toolCount: number; updatedAt: number | null; metadata: string | null }) {
      updateSession.run(s.provider, s.model, s.workspaceId, s.messageCount, s.toolCount, s.updatedAt, s.metadata, pk)
    },
    updateTitle: (pk: number, title: string | null) => updateTitle.run(title, searchTextFor(title), pk),
    insertState: (pk: number, now: number) => insertState.run(pk, now, now),
    updateState(pk: number, s: { status: string; lastActivity: number; lastSeq: number; lastEventId: string | null; lastMessageId: string | null }) {
      updateState.run(s.status, s.lastActivity, s.lastSeq, s.lastEventId, s.lastMessageId, pk)
    },
    /** Marks a session active now (a snapshot), creating its recording state if needed. */
    touchState: (pk: number, now: number, lastMessageId: string | null) => touchState.run(pk, now, lastMessageId),
    /** Logs an event; false when its event_id is already in the session's log. */
    insertEvent: (pk: number, seq: number, eventId: string | null, eventType: string, now: number): boolean =>
      insertEvent.run(pk, seq, eventId, eventType, now).changes === 1,
    eventSeq: (pk: number, eventId: string): number => eventSeq.get(pk, eventId)!.seq,
    findMessage: (sessionPk: number, messageId: string): MessageRecord | null => findMessage.get(sessionPk, messageId),
    insertMessage(sessionPk: number, idx: number, id: string, message: MessageInput): number {
      // run() + lastInsertRowid: cheaper than RETURNING on this hot path.
      return Number(insertMessage.run(sessionPk, idx, ...messageValues(message, id)).lastInsertRowid)
    },
    updateContent: (pk: number, content: string) => updateContent.run(content, searchTextFor(content), pk),
    updateMessageMetadata: (pk: number, metadata: string) => updateMessageMetadata.run(metadata, pk),
    nextToolIndex: (messagePk: number): number => nextToolIndex.get(messagePk)!.next,
    findTool: (sessionPk: number, callId: string) => findTool.get(sessionPk, callId),
    insertTool(sessionPk: number, messagePk: number, t: { idx: number; callId: string; name: string; input: string | null; output: string | null; status: string }) {
      insertTool.run(sessionPk, messagePk, t.idx, t.callId, t.name, t.input, t.output, t.status)
    },
    updateToolResult: (pk: number, output: string | null, status: string) => updateToolResult.run(output, status, pk),
    /** Moves a workspace's newest-update time forward (its session count is unchanged). */
    bumpWorkspace: (id: string, updatedAt: number) => bumpWorkspace.run(id, updatedAt),
    /** Marks every session that was still recording as interrupted; returns how many. */
    markInterrupted: (): number => markInterrupted.run().changes,
    findRecorded: (id: string): RecordedRow | null => findRecorded.get(id),
    listRecorded(state: StateQuery, idleBefore: number, limit: number, offset: number): { rows: RecordedRow[]; total: number } {
      const query = listQueries.get(state)!
      return { rows: query.page.all(idleBefore, limit, offset), total: query.total(idleBefore) }
    },
    counts: (idleBefore: number) => counts.get(idleBefore)!,
  }
}

/** The recorder's prepared statements. */
export type RecordingStore = ReturnType<typeof recordingStore>
