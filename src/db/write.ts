import type { Database, SQLQueryBindings } from 'bun:sqlite'
import { createHash } from 'node:crypto'

import type { MessageRole, MessageState, MessageUsage, SessionOrigin } from './queries/sessions'
import { searchTextFor } from './search-text'
import { sessionTitle } from './title'

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

/**
 * The `messages` columns every writer fills, in order, and the values for one message: the one
 * place that knows how a message becomes a row (harvest, recording, agency and staging use it).
 */
export const MESSAGE_INSERT_COLUMNS = `message_id, role, content, timestamp, model, metadata, state, error, hidden,
  input_tokens, output_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens, search_text`
/** One `?` per column of `MESSAGE_INSERT_COLUMNS`. */
export const MESSAGE_VALUE_SLOTS = '?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?'

/** The values of `MESSAGE_INSERT_COLUMNS` for one message. */
export function messageValues(message: MessageInput, messageId: string): SQLQueryBindings[] {
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
    insertMessage: sqlite.prepare<{ pk: number }, SQLQueryBindings[]>(
      `INSERT INTO messages (session_pk, idx, ${MESSAGE_INSERT_COLUMNS}) VALUES (?, ?, ${MESSAGE_VALUE_SLOTS}) RETURNING pk`,
    ),
    insertToolInvocation: sqlite.prepare(
      `INSERT INTO tool_invocations (session_pk, message_pk, idx, call_id, name, input, output, status)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
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
  if (existing) {
    pk = existing.pk
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
  }
  if (stage) moveStaged(s.sqlite, stage, pk)
  writeMessages(s, pk, session.messages, staged)
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
    const messagePk = s.insertMessage.get(sessionPk, index, ...messageValues(message, messageId))!.pk
    message.toolInvocations?.forEach((tool, toolIndex) => {
      s.insertToolInvocation.run(
        sessionPk, messagePk, toolIndex, tool.id ?? `${messageId}#${toolIndex}`, tool.name,
        jsonOrNull(tool.input), tool.output === null ? null : wellFormed(tool.output), tool.status,
      )
    })
  })
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
     ${MESSAGE_INSERT_COLUMNS}, PRIMARY KEY (stage_id, idx))`,
  `CREATE TEMP TABLE IF NOT EXISTS staged_tool_invocations (stage_id INTEGER NOT NULL, message_idx INTEGER NOT NULL,
     idx INTEGER NOT NULL, call_id TEXT NOT NULL, name TEXT NOT NULL, input TEXT, output TEXT, status TEXT)`,
  'CREATE INDEX IF NOT EXISTS temp.staged_tool_call ON staged_tool_invocations (stage_id, call_id)',
]

function prepareStaging(sqlite: Database) {
  for (const ddl of STAGE_TABLES) sqlite.run(ddl)
  return {
    insertMessage: sqlite.prepare<never, SQLQueryBindings[]>(
      `INSERT INTO staged_messages (stage_id, idx, ${MESSAGE_INSERT_COLUMNS}) VALUES (?, ?, ${MESSAGE_VALUE_SLOTS})`,
    ),
    insertTool: sqlite.prepare(
      `INSERT INTO staged_tool_invocations (stage_id, message_idx, idx, call_id, name, input, output, status)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    updateTool: sqlite.prepare(
      'UPDATE staged_tool_invocations SET output = ?, status = coalesce(?, status) WHERE stage_id = ? AND call_id = ?',
    ),
    moveMessages: sqlite.prepare(
      `INSERT INTO messages (session_pk, idx, ${MESSAGE_INSERT_COLUMNS})
       SELECT ?, idx, ${MESSAGE_INSERT_COLUMNS} FROM staged_messages WHERE stage_id = ? ORDER BY idx`,
    ),
    moveTools: sqlite.prepare(
      `INSERT INTO tool_invocations (session_pk, message_pk, idx, call_id, name, input, output, status)
       SELECT ?1, m.pk, t.idx, t.call_id, t.name, t.input, t.output, t.status
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

/** Appends messages to a stage in one short transaction. */
export function stageMessages(sqlite: Database, stage: Stage, messages: MessageInput[]): void {
  const s = stagingFor(sqlite)
  sqlite.transaction(() => {
    for (const message of messages) {
      const index = stage.messages++
      const messageId = message.id ?? defaultMessageId(index)
      s.insertMessage.run(stage.id, index, ...messageValues(message, messageId))
      message.toolInvocations?.forEach((tool, toolIndex) => {
        stage.tools += 1
        s.insertTool.run(stage.id, index, toolIndex, tool.id ?? `${messageId}#${toolIndex}`, tool.name, jsonOrNull(tool.input), tool.output === null ? null : wellFormed(tool.output), tool.status)
      })
    }
  }).immediate()
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
