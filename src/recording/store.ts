import type { Database, SQLQueryBindings } from 'bun:sqlite'
import { columnList, sessionWriter, type Joined, type MessageRow, type RecordingSessionRow, type SessionRow, type WorkspaceRow } from '../db'

const SESSION_KEYS = ['pk', 'id', 'provider', 'title', 'model', 'workspace_id', 'message_count', 'tool_invocation_count', 'created_at', 'updated_at', 'origin', 'metadata'] as const
const STATE_KEYS = ['status', 'started_at', 'last_activity', 'last_seq', 'last_event_id', 'last_message_id'] as const
const RECORDED_KEYS = ['pk', 'id', 'provider', 'title', 'model', 'origin', 'workspace_id', 'message_count'] as const

type RecordingState = Pick<RecordingSessionRow, (typeof STATE_KEYS)[number]>
type WorkspacePath = { workspace_path: WorkspaceRow['path'] }

/** A session as the recorder loads it: the session row joined with its recording state (null columns if none). */
export type SessionRecord = Pick<SessionRow, (typeof SESSION_KEYS)[number]> & WorkspacePath & Joined<RecordingState>

/** A message as the recorder loads it to change it. */
export type MessageRecord = Pick<MessageRow, 'pk' | 'role' | 'content' | 'metadata'>

/** A recorded session as the read side lists it. */
export type RecordedRow = Pick<SessionRow, (typeof RECORDED_KEYS)[number]> & WorkspacePath & RecordingState

/** Which recorded sessions a list wants; `idle`/`active` split stored `active` rows at `idleBefore`. */
export type StateQuery = 'active' | 'idle' | 'interrupted' | 'ended' | 'open' | 'all'

const SESSION_RECORD = `
  SELECT ${columnList(SESSION_KEYS, 's')}, w.path AS workspace_path, ${columnList(STATE_KEYS, 'r')}
  FROM sessions s
  LEFT JOIN recording_sessions r ON r.session_pk = s.pk
  LEFT JOIN workspaces w ON w.id = s.workspace_id`

const RECORDED_ROW = `
  SELECT ${columnList(RECORDED_KEYS, 's')}, w.path AS workspace_path, ${columnList(STATE_KEYS, 'r')}
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

/** The recorder's own tables (its state and event log) and its reads; sessions, messages and tool calls are written through `db.sessionWriter`. */
export function recordingStore(sqlite: Database) {
  const findSession = sqlite.prepare<SessionRecord, [string]>(`${SESSION_RECORD} WHERE s.id = ?`)
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
  const nextToolIndex = sqlite.prepare<{ next: number }, [number]>(
    'SELECT coalesce(max(idx) + 1, 0) AS next FROM tool_invocations WHERE message_pk = ?',
  )
  const findTool = sqlite.prepare<{ pk: number; message_id: string }, [number, string]>(
    `SELECT t.pk, m.message_id FROM tool_invocations t JOIN messages m ON m.pk = t.message_pk
     WHERE t.session_pk = ? AND t.call_id = ? LIMIT 1`,
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
    sqlite,
    /** Writes of the sessions, messages and tool calls themselves. */
    writer: sessionWriter(sqlite),
    /** Runs `fn` in a transaction (a savepoint when already inside one); bun:sqlite commits or rolls back. */
    transaction: <T>(fn: () => T): T => sqlite.transaction(fn).immediate(),
    findSession: (id: string): SessionRecord | null => findSession.get(id),
    insertState: (pk: number, now: number) => insertState.run(pk, now, now),
    updateState(pk: number, s: { status: RecordingSessionRow['status']; lastActivity: number; lastSeq: number; lastEventId: string | null; lastMessageId: string | null }) {
      updateState.run(s.status, s.lastActivity, s.lastSeq, s.lastEventId, s.lastMessageId, pk)
    },
    /** Marks a session active now (a snapshot), creating its recording state if needed. */
    touchState: (pk: number, now: number, lastMessageId: string | null) => touchState.run(pk, now, lastMessageId),
    /** Logs an event; false when its event_id is already in the session's log. */
    insertEvent: (pk: number, seq: number, eventId: string | null, eventType: string, now: number): boolean =>
      insertEvent.run(pk, seq, eventId, eventType, now).changes === 1,
    eventSeq: (pk: number, eventId: string): number => eventSeq.get(pk, eventId)!.seq,
    findMessage: (sessionPk: number, messageId: string): MessageRecord | null => findMessage.get(sessionPk, messageId),
    nextToolIndex: (messagePk: number): number => nextToolIndex.get(messagePk)!.next,
    findTool: (sessionPk: number, callId: string) => findTool.get(sessionPk, callId),
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
