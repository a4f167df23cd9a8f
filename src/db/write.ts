import type { Database, SQLQueryBindings } from 'bun:sqlite'
import { createHash } from 'node:crypto'
import type { MessageRole, MessageState, MessageUsage, SessionOrigin } from './queries/sessions'
import { columnList } from './rows'
import { searchTextFor } from './search-text'
import type { MessageRow, ToolInvocationRow } from './schema'
import { sessionTitle } from './title'
import { usageRebuilder } from './usage-rebuild'

/**
 * The one writer of sessions, messages and tool invocations: harvest and snapshots replace whole
 * sessions (`replaceSession`, with temp staging for huge ones), recording changes them event by
 * event (`sessionWriter`). Which columns a message or a tool call fills, and the ids given to those
 * a source left without one, are decided here and nowhere else.
 */

/** A project folder as one provider sees it; `key` is what makes it unique for that provider (usually the path). */
export interface WorkspaceInput {
  provider: string
  key: string
  name: string
  path: string | null
}

export interface ToolInvocationInput {
  id: string | null
  name: string
  input: unknown
  output: string | null
  status: string | null
}

export interface MessageInput {
  id?: string | null
  role: MessageRole
  content: string
  timestamp: number | null
  model: string | null
  toolInvocations?: ToolInvocationInput[]
  metadata?: Record<string, unknown> | null
  /** How the turn ended; default `complete`. */
  state?: MessageState
  /** Why a failed or cancelled turn ended. */
  error?: string | null
  /** Kept but left out of the transcript (see `Message.hidden`). */
  hidden?: boolean
  /** Token usage where the provider records it; counts it does not record are null. */
  usage?: MessageUsage | null
}

/** The `messages` columns every writer fills after `session_pk, idx`, in the order of `messageValues`. */
const MESSAGE_KEYS = [
  'message_id', 'role', 'content', 'timestamp', 'model', 'metadata', 'state', 'error', 'hidden',
  'input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_write_5m_tokens', 'cache_write_1h_tokens', 'search_text',
] as const satisfies readonly (keyof MessageRow)[]
const MESSAGE_COLUMNS = columnList(MESSAGE_KEYS)
const MESSAGE_SLOTS = MESSAGE_KEYS.map(() => '?').join(', ')

/** The values of `MESSAGE_KEYS` for one message. */
function messageValues(message: MessageInput, messageId: string): SQLQueryBindings[] {
  const usage = message.usage ?? null
  const content = wellFormed(message.content)
  return [
    messageId, message.role, content, message.timestamp, message.model, jsonOrNull(message.metadata),
    message.state ?? 'complete', message.error == null ? null : wellFormed(message.error), message.hidden ? 1 : 0,
    usage?.inputTokens ?? null, usage?.outputTokens ?? null, usage?.cacheReadTokens ?? null,
    usage?.cacheWrite5mTokens ?? null, usage?.cacheWrite1hTokens ?? null, searchTextFor(content),
  ]
}

/** A whole session in the normalized model; times are epoch ms. */
export interface SessionInput {
  id: string
  provider: string
  origin: SessionOrigin
  title: string | null
  model: string | null
  created: number | null
  updated: number | null
  workspace: WorkspaceInput | null
  sourcePath?: string | null
  incomplete?: boolean
  metadata?: Record<string, unknown> | null
  messages: MessageInput[]
}

/** The stable id of a workspace: the same provider + key gives the same id on every machine and run. */
export const workspaceIdFor = (provider: string, key: string): string =>
  createHash('sha256').update(`${provider}\0${key}`).digest('hex').slice(0, 16)

/** The id a message gets when its source has none. */
export const defaultMessageId = (index: number): string => `msg-${index}`

/** The id a tool call gets when its source has none: its message's id and its place in that message. */
export const defaultToolCallId = (messageId: string, index: number): string => `${messageId}#${index}`

/** The `tool_invocations` columns every writer fills after its keys, in the order of `toolValues`. */
const TOOL_KEYS = ['idx', 'call_id', 'name', 'input', 'output', 'status'] as const satisfies readonly (keyof ToolInvocationRow)[]
const TOOL_COLUMNS = columnList(TOOL_KEYS)

/** The values of `TOOL_KEYS` for the `index`th tool call of message `messageId`. */
function toolValues(tool: ToolInvocationInput, index: number, messageId: string): SQLQueryBindings[] {
  return [index, tool.id ?? defaultToolCallId(messageId, index), tool.name, jsonOrNull(tool.input), tool.output === null ? null : wellFormed(tool.output), tool.status]
}

const jsonOrNull = (value: unknown): string | null =>
  value === undefined || value === null ? null : JSON.stringify(value)

/** SQLite rejects lone UTF-16 surrogates written by some editors; repair them before storing. */
export const wellFormed = (text: string): string => (text.isWellFormed() ? text : text.toWellFormed())

function prepareStatements(sqlite: Database) {
  return {
    sqlite,
    upsertWorkspace: sqlite.prepare(
      `INSERT INTO workspaces (id, provider, name, path) VALUES (?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, path = excluded.path`,
    ),
    refreshWorkspace: sqlite.prepare(
      `UPDATE workspaces SET
         session_count = (SELECT count(*) FROM sessions WHERE workspace_id = ?1),
         updated_at = (SELECT max(updated_at) FROM sessions WHERE workspace_id = ?1)
       WHERE id = ?1`,
    ),
    findSession: sqlite.prepare<{ pk: number; workspace_id: string | null }, [string]>(
      'SELECT pk, workspace_id FROM sessions WHERE id = ?',
    ),
    insertSession: sqlite.prepare<{ pk: number }, SQLQueryBindings[]>(
      `INSERT INTO sessions (id, workspace_id, provider, title, search_title, model, message_count, tool_invocation_count,
         created_at, updated_at, origin, source_path, on_disk, incomplete, metadata)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING pk`,
    ),
    updateSession: sqlite.prepare(
      `UPDATE sessions SET workspace_id = ?, provider = ?, title = ?, search_title = ?, model = ?, message_count = ?,
         tool_invocation_count = ?, created_at = ?, updated_at = ?, origin = ?, source_path = ?, on_disk = 1,
         incomplete = ?, metadata = ?
       WHERE pk = ?`,
    ),
    deleteMessages: sqlite.prepare('DELETE FROM messages WHERE session_pk = ?'),
    // run() + lastInsertRowid: cheaper than RETURNING on the hot paths (harvest, recording).
    insertMessage: sqlite.prepare<never, SQLQueryBindings[]>(`INSERT INTO messages (session_pk, idx, ${MESSAGE_COLUMNS}) VALUES (?, ?, ${MESSAGE_SLOTS})`),
    insertTool: sqlite.prepare<never, SQLQueryBindings[]>(`INSERT INTO tool_invocations (session_pk, message_pk, ${TOOL_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
    // In-place changes of recorded sessions. The title has its own statement: setting it (even
    // unchanged) re-indexes it in sessions_fts.
    startSession: sqlite.prepare<{ pk: number }, [string, string, SessionOrigin, number, number]>(
      'INSERT INTO sessions (id, provider, origin, created_at, updated_at) VALUES (?, ?, ?, ?, ?) RETURNING pk',
    ),
    changeSession: sqlite.prepare<never, SQLQueryBindings[]>(
      `UPDATE sessions SET provider = ?, model = ?, workspace_id = ?, message_count = ?, tool_invocation_count = ?,
         updated_at = ?, metadata = ? WHERE pk = ?`,
    ),
    changeTitle: sqlite.prepare<never, [string | null, string | null, number]>('UPDATE sessions SET title = ?, search_title = ? WHERE pk = ?'),
    changeContent: sqlite.prepare<never, [string, string | null, number]>('UPDATE messages SET content = ?, search_text = ? WHERE pk = ?'),
    changeMessageMetadata: sqlite.prepare<never, [string, number]>('UPDATE messages SET metadata = ? WHERE pk = ?'),
    changeToolResult: sqlite.prepare<never, [string | null, string, number]>('UPDATE tool_invocations SET output = ?, status = ? WHERE pk = ?'),
    bumpWorkspace: sqlite.prepare<never, [string, number]>(
      'UPDATE workspaces SET updated_at = ?2 WHERE id = ?1 AND (updated_at IS NULL OR updated_at < ?2)',
    ),
    markGone: sqlite.prepare<never, [string]>("UPDATE sessions SET on_disk = 0 WHERE id = ? AND origin = 'harvest'"),
    usage: usageRebuilder(sqlite),
  }
}

type Statements = ReturnType<typeof prepareStatements>
const statementCache = new WeakMap<Database, Statements>()

function statementsFor(sqlite: Database): Statements {
  let statements = statementCache.get(sqlite)
  if (!statements) {
    statements = prepareStatements(sqlite)
    statementCache.set(sqlite, statements)
  }
  return statements
}

/**
 * Writes a whole session in one transaction, replacing any earlier version with the same id
 * (its messages and tool invocations). Keeps the session's row (and pk) so references stay valid.
 * @returns the session's pk
 */
export function replaceSession(sqlite: Database, session: SessionInput, stage?: Stage): number {
  const s = statementsFor(sqlite)
  return sqlite.transaction(() => writeSession(s, session, stage)).immediate()
}

/** A tool result for a call already stored: the latest invocation with that call id gets it. */
export interface StoredToolResult {
  callId: string
  output: string | null
  status: string | null
}

/** A message a continued session replaced (see `continueSession`). */
export interface ReplacedMessage {
  index: number
  messageId: string
  content: string
}

/**
 * Continues a stored session in one transaction: its messages from `from` on are replaced by
 * `session.messages` (appended when `from` is its message count), tool results for calls before
 * `from` are applied, and its row takes the session's fields. Replacing from `from` makes a repeated
 * continuation from the same point idempotent. Returns null when the session is not stored;
 * otherwise its pk and the messages it replaced.
 */
export function continueSession(
  sqlite: Database,
  session: SessionInput,
  from: number,
  results: readonly StoredToolResult[],
): { pk: number; replaced: ReplacedMessage[] } | null {
  const s = statementsFor(sqlite)
  const c = continuationsFor(sqlite)
  return sqlite.transaction(() => {
    const existing = s.findSession.get(session.id)
    if (!existing) return null
    const pk = existing.pk
    const replaced = c.tail.all(pk, from).map((row) => ({ index: row.idx, messageId: row.message_id, content: row.content }))
    c.deleteTail.run(pk, from)
    writeMessages(s, pk, session.messages, from)
    for (const result of results) c.applyResult.run(result.output === null ? null : wellFormed(result.output), result.status, pk, result.callId, from)
    let workspaceId: string | null = null
    if (session.workspace) {
      const { provider, key, name, path } = session.workspace
      workspaceId = workspaceIdFor(provider, key)
      s.upsertWorkspace.run(workspaceId, provider, wellFormed(name), path === null ? null : wellFormed(path))
    }
    const title = session.title === null ? null : wellFormed(session.title)
    s.updateSession.run(
      workspaceId, session.provider, title, searchTextFor(title), session.model,
      from + session.messages.length, c.toolCount.get(pk)!.n, session.created, session.updated, session.origin,
      session.sourcePath ?? null, session.incomplete ? 1 : 0, jsonOrNull(session.metadata), pk,
    )
    if (workspaceId) s.refreshWorkspace.run(workspaceId)
    if (existing.workspace_id && existing.workspace_id !== workspaceId) s.refreshWorkspace.run(existing.workspace_id)
    return { pk, replaced }
  }).immediate()
}

/** True when a stored message before `before` of the session has a tool invocation with this call id. */
export function hasStoredCall(sqlite: Database, sessionId: string, callId: string, before: number): boolean {
  return continuationsFor(sqlite).storedCall.get(sessionId, callId, before) !== null
}

function prepareContinuations(sqlite: Database) {
  return {
    tail: sqlite.prepare<{ idx: number; message_id: string; content: string }, [number, number]>(
      'SELECT idx, message_id, content FROM messages WHERE session_pk = ? AND idx >= ? ORDER BY idx',
    ),
    deleteTail: sqlite.prepare('DELETE FROM messages WHERE session_pk = ? AND idx >= ?'),
    applyResult: sqlite.prepare<never, [string | null, string | null, number, string, number]>(
      `UPDATE tool_invocations SET output = ?1, status = coalesce(?2, status) WHERE pk = (
         SELECT t.pk FROM tool_invocations t JOIN messages m ON m.pk = t.message_pk
         WHERE t.session_pk = ?3 AND t.call_id = ?4 AND m.idx < ?5 ORDER BY m.idx DESC, t.idx DESC LIMIT 1)`,
    ),
    toolCount: sqlite.prepare<{ n: number }, [number]>('SELECT count(*) AS n FROM tool_invocations WHERE session_pk = ?'),
    storedCall: sqlite.prepare<{ one: number }, [string, string, number]>(
      `SELECT 1 AS one FROM sessions s JOIN tool_invocations t ON t.session_pk = s.pk JOIN messages m ON m.pk = t.message_pk
       WHERE s.id = ? AND t.call_id = ? AND m.idx < ? LIMIT 1`,
    ),
  }
}

const continuationCache = new WeakMap<Database, ReturnType<typeof prepareContinuations>>()
const continuationsFor = (sqlite: Database) => {
  let statements = continuationCache.get(sqlite)
  if (!statements) continuationCache.set(sqlite, (statements = prepareContinuations(sqlite)))
  return statements
}

/** Writes several sessions in one transaction (bulk harvests). */
export function replaceSessions(sqlite: Database, sessions: SessionInput[]): number[] {
  const s = statementsFor(sqlite)
  return sqlite.transaction(() => sessions.map((session) => writeSession(s, session))).immediate()
}

function writeSession(s: Statements, session: SessionInput, stage?: Stage): number {
  let workspaceId: string | null = null
  if (session.workspace) {
    const { provider, key, name, path } = session.workspace
    workspaceId = workspaceIdFor(provider, key)
    s.upsertWorkspace.run(workspaceId, provider, wellFormed(name), path === null ? null : wellFormed(path))
  }
  const staged = stage?.messages ?? 0
  const messageCount = staged + session.messages.length
  const toolCount = (stage?.tools ?? 0) + session.messages.reduce((sum, m) => sum + (m.toolInvocations?.length ?? 0), 0)
  const title = titleOf(s.sqlite, session, stage)
  const existing = s.findSession.get(session.id)
  let pk: number
  // A whole session's usage is summed once after its messages are written, not message by message.
  if (existing) {
    pk = existing.pk
    s.usage.begin(pk)
    s.deleteMessages.run(pk)
    s.updateSession.run(
      workspaceId, session.provider, title, searchTextFor(title), session.model, messageCount, toolCount,
      session.created, session.updated, session.origin, session.sourcePath ?? null,
      session.incomplete ? 1 : 0, jsonOrNull(session.metadata), pk,
    )
  } else {
    pk = s.insertSession.get(
      session.id, workspaceId, session.provider, title, searchTextFor(title), session.model, messageCount, toolCount,
      session.created, session.updated, session.origin, session.sourcePath ?? null,
      session.incomplete ? 1 : 0, jsonOrNull(session.metadata),
    )!.pk
    s.usage.begin(pk)
  }
  if (stage) moveStaged(s.sqlite, stage, pk)
  writeMessages(s, pk, session.messages, staged)
  s.usage.end(pk)
  if (workspaceId) s.refreshWorkspace.run(workspaceId)
  if (existing?.workspace_id && existing.workspace_id !== workspaceId) s.refreshWorkspace.run(existing.workspace_id)
  return pk
}

/** The session's title by the rule of `sessionTitle`: explicit, else from its first user message (staged ones come first). */
function titleOf(sqlite: Database, session: SessionInput, stage: Stage | undefined): string | null {
  function* userMessages() {
    if (stage) for (const row of stagingFor(sqlite).userContents.iterate(stage.id)) yield row.content
    for (const message of session.messages) if (message.role === 'user' && !message.hidden) yield message.content
  }
  const title = sessionTitle(session.title, userMessages())
  return title === null ? null : wellFormed(title)
}

function writeMessages(s: Statements, sessionPk: number, messages: MessageInput[], firstIndex: number): void {
  messages.forEach((message, offset) => {
    const index = firstIndex + offset
    const messageId = message.id ?? defaultMessageId(index)
    const messagePk = Number(s.insertMessage.run(sessionPk, index, ...messageValues(message, messageId)).lastInsertRowid)
    message.toolInvocations?.forEach((tool, toolIndex) => s.insertTool.run(sessionPk, messagePk, ...toolValues(tool, toolIndex, messageId)))
  })
}

/** What a recorded session's row holds besides its id, title and times, written back after a request's events. */
export interface SessionChange {
  provider: string
  model: string | null
  workspaceId: string | null
  messageCount: number
  toolCount: number
  updatedAt: number | null
  metadata: string | null
}

/**
 * The writes of a session changed in place, event by event (recording): its row, appended
 * messages and tool calls, and later changes to them. Statements are prepared once per database.
 */
export function sessionWriter(sqlite: Database) {
  const s = statementsFor(sqlite)
  return {
    /** Creates an empty session; returns its pk. */
    startSession: (id: string, provider: string, origin: SessionOrigin, created: number): number =>
      s.startSession.get(id, provider, origin, created, created)!.pk,
    changeSession(pk: number, c: SessionChange): void {
      s.changeSession.run(c.provider, c.model, c.workspaceId, c.messageCount, c.toolCount, c.updatedAt, c.metadata, pk)
    },
    changeTitle(pk: number, title: string | null): void {
      const text = title === null ? null : wellFormed(title)
      s.changeTitle.run(text, searchTextFor(text), pk)
    },
    /** Appends message `id` at position `idx`; returns its pk. */
    appendMessage: (sessionPk: number, idx: number, id: string, message: MessageInput): number =>
      Number(s.insertMessage.run(sessionPk, idx, ...messageValues(message, id)).lastInsertRowid),
    changeContent(pk: number, content: string): void {
      const text = wellFormed(content)
      s.changeContent.run(text, searchTextFor(text), pk)
    },
    changeMessageMetadata: (pk: number, metadata: string): void => void s.changeMessageMetadata.run(metadata, pk),
    /** Appends a tool call to a message as its `idx`th (its `id` given, or the default one). */
    appendToolCall(sessionPk: number, messagePk: number, messageId: string, idx: number, tool: ToolInvocationInput): void {
      s.insertTool.run(sessionPk, messagePk, ...toolValues(tool, idx, messageId))
    },
    changeToolResult: (pk: number, output: string | null, status: string): void =>
      void s.changeToolResult.run(output === null ? null : wellFormed(output), status, pk),
    /** Moves a workspace's newest-update time forward (its session count is unchanged). */
    bumpWorkspace: (id: string, updatedAt: number): void => void s.bumpWorkspace.run(id, updatedAt),
    upsertWorkspace: (workspace: WorkspaceInput): string => upsertWorkspace(sqlite, workspace),
    refreshWorkspace: (id: string): void => refreshWorkspace(sqlite, id),
  }
}

/** The session writes of recording, prepared for one database. */
export type SessionWriter = ReturnType<typeof sessionWriter>

/** Marks harvested sessions whose source vanished from disk: they are kept, flagged as no longer on disk. */
export function markSessionsGone(sqlite: Database, ids: readonly string[]): void {
  const s = statementsFor(sqlite)
  for (const id of ids) s.markGone.run(id)
}

/**
 * Messages of a session too large to hold in memory, parked in a connection-private temp table
 * (spilled to a temp file, not RAM) until the whole session commits with `replaceSession(…, stage)`.
 */
export interface Stage {
  readonly id: number
  messages: number
  tools: number
}

const STAGE_TABLES = [
  `CREATE TEMP TABLE IF NOT EXISTS staged_messages (stage_id INTEGER NOT NULL, idx INTEGER NOT NULL,
     ${MESSAGE_COLUMNS}, PRIMARY KEY (stage_id, idx))`,
  `CREATE TEMP TABLE IF NOT EXISTS staged_tool_invocations (stage_id INTEGER NOT NULL, message_idx INTEGER NOT NULL,
     idx INTEGER NOT NULL, call_id TEXT NOT NULL, name TEXT NOT NULL, input TEXT, output TEXT, status TEXT)`,
  'CREATE INDEX IF NOT EXISTS temp.staged_tool_call ON staged_tool_invocations (stage_id, call_id)',
]

function prepareStaging(sqlite: Database) {
  for (const ddl of STAGE_TABLES) sqlite.run(ddl)
  return {
    insertMessage: sqlite.prepare<never, SQLQueryBindings[]>(
      `INSERT INTO staged_messages (stage_id, idx, ${MESSAGE_COLUMNS}) VALUES (?, ?, ${MESSAGE_SLOTS})`,
    ),
    insertTool: sqlite.prepare(
      `INSERT INTO staged_tool_invocations (stage_id, message_idx, ${TOOL_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    updateTool: sqlite.prepare(
      'UPDATE staged_tool_invocations SET output = ?, status = coalesce(?, status) WHERE stage_id = ? AND call_id = ?',
    ),
    moveMessages: sqlite.prepare(
      `INSERT INTO messages (session_pk, idx, ${MESSAGE_COLUMNS})
       SELECT ?, idx, ${MESSAGE_COLUMNS} FROM staged_messages WHERE stage_id = ? ORDER BY idx`,
    ),
    moveTools: sqlite.prepare(
      `INSERT INTO tool_invocations (session_pk, message_pk, ${TOOL_COLUMNS})
       SELECT ?1, m.pk, ${columnList(TOOL_KEYS, 't')}
       FROM staged_tool_invocations t JOIN messages m ON m.session_pk = ?1 AND m.idx = t.message_idx
       WHERE t.stage_id = ?2`,
    ),
    userContents: sqlite.prepare<{ content: string }, [number]>(
      "SELECT content FROM staged_messages WHERE stage_id = ? AND role = 'user' AND hidden = 0 ORDER BY idx",
    ),
    clearMessages: sqlite.prepare('DELETE FROM staged_messages WHERE stage_id = ?'),
    clearTools: sqlite.prepare('DELETE FROM staged_tool_invocations WHERE stage_id = ?'),
  }
}

const stagingCache = new WeakMap<Database, ReturnType<typeof prepareStaging>>()
const stagingFor = (sqlite: Database) => {
  let statements = stagingCache.get(sqlite)
  if (!statements) stagingCache.set(sqlite, (statements = prepareStaging(sqlite)))
  return statements
}
let nextStageId = 1

/** Opens an empty stage for one large session. */
export function createStage(sqlite: Database): Stage {
  stagingFor(sqlite)
  return { id: nextStageId++, messages: 0, tools: 0 }
}

/** Appends messages to a stage in one short transaction (deferred: temp tables need no lock on the database, other writers go on). */
export function stageMessages(sqlite: Database, stage: Stage, messages: MessageInput[]): void {
  const s = stagingFor(sqlite)
  sqlite.transaction(() => {
    for (const message of messages) {
      const index = stage.messages++
      const messageId = message.id ?? defaultMessageId(index)
      s.insertMessage.run(stage.id, index, ...messageValues(message, messageId))
      message.toolInvocations?.forEach((tool, toolIndex) => {
        stage.tools += 1
        s.insertTool.run(stage.id, index, ...toolValues(tool, toolIndex, messageId))
      })
    }
  })()
}

/** Records a tool result for a staged invocation; false when no staged call has that id. */
export function updateStagedTool(sqlite: Database, stage: Stage, callId: string, output: string | null, status: string | null): boolean {
  return stagingFor(sqlite).updateTool.run(output === null ? null : wellFormed(output), status, stage.id, callId).changes > 0
}

/** Drops a stage's rows (a session that will not be committed). */
export function discardStage(sqlite: Database, stage: Stage): void {
  const s = stagingFor(sqlite)
  s.clearMessages.run(stage.id)
  s.clearTools.run(stage.id)
}

function moveStaged(sqlite: Database, stage: Stage, sessionPk: number): void {
  const s = stagingFor(sqlite)
  s.moveMessages.run(sessionPk, stage.id)
  s.moveTools.run(sessionPk, stage.id)
  s.clearMessages.run(stage.id)
  s.clearTools.run(stage.id)
}

/** Creates (or renames) a workspace and returns its id; for writers that change a session in place, like recording. */
export function upsertWorkspace(sqlite: Database, workspace: WorkspaceInput): string {
  const id = workspaceIdFor(workspace.provider, workspace.key)
  const path = workspace.path === null ? null : wellFormed(workspace.path)
  statementsFor(sqlite).upsertWorkspace.run(id, workspace.provider, wellFormed(workspace.name), path)
  return id
}

/** Recomputes a workspace's session count and newest update time from its sessions. */
export function refreshWorkspace(sqlite: Database, id: string): void {
  statementsFor(sqlite).refreshWorkspace.run(id)
}
