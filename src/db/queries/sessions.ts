import type { Database } from 'bun:sqlite'
import { Type, type Static } from '@sinclair/typebox'
import { notFound } from '../../shared/errors'
import { toIso } from '../../shared/time'
import { literalUnion, MESSAGE_ROLES, MESSAGE_STATES, SESSION_ORIGINS } from '../enums'
import { columnList } from '../rows'
import type { MessageRow, SessionRow, ToolInvocationRow } from '../schema'
import { IsoTime, Nullable } from '../shapes'
import type { Page, PageRequest } from './page'

export const SessionOrigin = literalUnion(SESSION_ORIGINS)
export const MessageRole = literalUnion(MESSAGE_ROLES)
export const MessageState = literalUnion(MESSAGE_STATES)
export type MessageRole = Static<typeof MessageRole>
export type SessionOrigin = Static<typeof SessionOrigin>
export type MessageState = Static<typeof MessageState>

/** A session without its messages (docs/api.md, "Reads"). */
export const SessionSummary = Type.Object({
  id: Type.String(),
  workspaceId: Nullable(Type.String()),
  provider: Type.String(),
  title: Nullable(Type.String()),
  model: Nullable(Type.String()),
  messageCount: Type.Integer({ minimum: 0 }),
  created: Nullable(IsoTime),
  updated: Nullable(IsoTime),
  origin: SessionOrigin,
  sourceDeleted: Type.Boolean({
    description: 'true when the provider has deleted the file this session was harvested from; chasm keeps it',
  }),
})
export type SessionSummary = Static<typeof SessionSummary>

export const ToolInvocation = Type.Object({
  id: Type.String(),
  name: Type.String(),
  input: Type.Unknown({ description: 'the tool input as recorded (usually a JSON object)' }),
  output: Nullable(Type.String()),
  status: Nullable(Type.String()),
})
export type ToolInvocation = Static<typeof ToolInvocation>

const TokenCount = Nullable(Type.Integer({ minimum: 0 }))

/** Tokens one message used, as the provider recorded them; a count it did not record is null. */
export const MessageUsage = Type.Object({
  inputTokens: TokenCount,
  outputTokens: TokenCount,
  cacheReadTokens: TokenCount,
  cacheWrite5mTokens: Nullable(Type.Integer({ minimum: 0 }), {
    description: 'prompt-cache writes kept 5 minutes (also every cache write whose duration the provider does not record)',
  }),
  cacheWrite1hTokens: Nullable(Type.Integer({ minimum: 0 }), { description: 'prompt-cache writes kept 1 hour' }),
})
export type MessageUsage = Static<typeof MessageUsage>

export const Message = Type.Object({
  id: Type.String(),
  index: Type.Integer({ minimum: 0 }),
  role: MessageRole,
  content: Type.String(),
  timestamp: Nullable(IsoTime),
  model: Nullable(Type.String()),
  state: MessageState,
  error: Nullable(Type.String(), { description: 'why a failed or cancelled turn ended, as the provider recorded it' }),
  hidden: Type.Boolean({ description: "true for turns the provider's own view leaves out (e.g. undone); kept, never shown as ordinary turns" }),
  usage: Nullable(MessageUsage, { description: 'null when the provider recorded no token usage for this message' }),
  metadata: Nullable(Type.Record(Type.String(), Type.Unknown()), {
    description: 'what else the source recorded about the message (attachments, agent, mode, …)',
  }),
  toolInvocations: Type.Array(ToolInvocation),
})
export type Message = Static<typeof Message>

export const SessionDetail = Type.Composite([SessionSummary, Type.Object({ messages: Type.Array(Message) })])
export type SessionDetail = Static<typeof SessionDetail>

const SUMMARY_KEYS = ['pk', 'id', 'workspace_id', 'provider', 'title', 'model', 'message_count', 'created_at', 'updated_at', 'origin', 'on_disk'] as const

/** The columns `summaryFromRow` needs, for queries in other read models. */
export const SUMMARY_COLUMNS = columnList(SUMMARY_KEYS)
export type SummaryRow = Pick<SessionRow, (typeof SUMMARY_KEYS)[number]>

export const summaryFromRow = (row: SummaryRow): SessionSummary => ({
  id: row.id,
  workspaceId: row.workspace_id,
  provider: row.provider,
  title: row.title,
  model: row.model,
  messageCount: row.message_count,
  created: toIso(row.created_at),
  updated: toIso(row.updated_at),
  origin: row.origin,
  sourceDeleted: row.on_disk === 0,
})

export interface SessionFilter {
  workspace?: string
  provider?: string
  origin?: SessionOrigin
  /** Only sessions updated at or after this time (epoch ms). */
  from?: number
  /** Only sessions updated before this time (epoch ms). */
  to?: number
  /** Only sessions updated at or after this time (epoch ms); the MCP tools' and export's name for `from`. */
  since?: number
}

/** The `WHERE` clause (or '') and its parameters for a filter over the `sessions` table. */
export function sessionFilterClause(filter: SessionFilter): { clause: string; params: (string | number)[] } {
  const where: string[] = []
  const params: (string | number)[] = []
  const add = (condition: string, value: string | number | undefined) => {
    if (value === undefined || value === '') return
    where.push(condition)
    params.push(value)
  }
  add('workspace_id = ?', filter.workspace)
  add('provider = ?', filter.provider)
  add('origin = ?', filter.origin)
  add('updated_at >= ?', filter.from)
  add('updated_at < ?', filter.to)
  add('updated_at >= ?', filter.since)
  return { clause: where.length ? `WHERE ${where.join(' AND ')}` : '', params }
}

/** Session summaries, newest `updated` first. Deep offsets stay cheap: the page is chosen on the index alone. */
export function listSessions(sqlite: Database, filter: SessionFilter, page: PageRequest): Page<SessionSummary> {
  const { clause, params } = sessionFilterClause(filter)
  const total = sqlite.query<{ n: number }, (string | number)[]>(`SELECT count(*) AS n FROM sessions ${clause}`).get(...params)!.n
  const order = 'ORDER BY updated_at DESC, pk DESC'
  const rows = sqlite
    .query<SummaryRow, (string | number)[]>(
      `SELECT ${SUMMARY_COLUMNS} FROM sessions
       WHERE pk IN (SELECT pk FROM sessions ${clause} ${order} LIMIT ? OFFSET ?)
       ${order}`,
    )
    .all(...params, page.limit, page.offset)
  return { items: rows.map(summaryFromRow), meta: { total, ...page } }
}

const MESSAGE_KEYS = [
  'pk', 'idx', 'message_id', 'role', 'content', 'timestamp', 'model', 'state', 'error', 'hidden', 'metadata',
  'input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_write_5m_tokens', 'cache_write_1h_tokens',
] as const
const MESSAGE_COLUMNS = columnList(MESSAGE_KEYS)
type MessageRowView = Pick<MessageRow, (typeof MESSAGE_KEYS)[number]>

function usageOf(row: MessageRowView): MessageUsage | null {
  const usage = {
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    cacheReadTokens: row.cache_read_tokens,
    cacheWrite5mTokens: row.cache_write_5m_tokens,
    cacheWrite1hTokens: row.cache_write_1h_tokens,
  }
  return Object.values(usage).every((count) => count === null) ? null : usage
}

const metadataOf = (text: string | null): Record<string, unknown> | null => {
  const value = parseJson(text)
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null
}

const TOOL_KEYS = ['message_pk', 'call_id', 'name', 'input', 'output', 'status'] as const
type ToolRowView = Pick<ToolInvocationRow, (typeof TOOL_KEYS)[number]>

const parseJson = (text: string | null): unknown => {
  if (text === null) return null
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** Looks up a session's summary row by public id. */
export function findSessionRow(sqlite: Database, id: string): SummaryRow | null {
  return sqlite.query<SummaryRow, [string]>(`SELECT ${SUMMARY_COLUMNS} FROM sessions WHERE id = ?`).get(id)
}

/** A window of a session's messages: `limit` of them from position `offset` in conversation order. */
export interface MessageRange {
  offset: number
  limit: number
}

/** The messages of a session (by pk), in conversation order, with their tool invocations; all or a `range`. */
export function messagesOf(sqlite: Database, sessionPk: number, range?: MessageRange): Message[] {
  const messageRows = range
    ? sqlite
        .query<MessageRowView, [number, number, number]>(
          `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE session_pk = ? ORDER BY idx LIMIT ? OFFSET ?`,
        )
        .all(sessionPk, range.limit, range.offset)
    : sqlite
        .query<MessageRowView, [number]>(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE session_pk = ? ORDER BY idx`)
        .all(sessionPk)
  const toolRows = range
    ? sqlite
        .query<ToolRowView, [number, number, number, number]>(
          `SELECT ${columnList(TOOL_KEYS)} FROM tool_invocations
           WHERE session_pk = ? AND message_pk IN (SELECT pk FROM messages WHERE session_pk = ? ORDER BY idx LIMIT ? OFFSET ?)
           ORDER BY message_pk, idx`,
        )
        .all(sessionPk, sessionPk, range.limit, range.offset)
    : sqlite
        .query<ToolRowView, [number]>(
          `SELECT ${columnList(TOOL_KEYS)} FROM tool_invocations WHERE session_pk = ? ORDER BY message_pk, idx`,
        )
        .all(sessionPk)
  const toolsByMessage = new Map<number, ToolInvocation[]>()
  for (const tool of toolRows) {
    const list = toolsByMessage.get(tool.message_pk) ?? []
    list.push({ id: tool.call_id, name: tool.name, input: parseJson(tool.input), output: tool.output, status: tool.status })
    toolsByMessage.set(tool.message_pk, list)
  }
  return messageRows.map((row) => ({
    id: row.message_id,
    index: row.idx,
    role: row.role,
    content: row.content,
    timestamp: toIso(row.timestamp),
    model: row.model,
    state: row.state,
    error: row.error,
    hidden: row.hidden === 1,
    usage: usageOf(row),
    metadata: metadataOf(row.metadata),
    toolInvocations: toolsByMessage.get(row.pk) ?? [],
  }))
}

/** A full session with its messages; NOT_FOUND if unknown. */
export function getSession(sqlite: Database, id: string): SessionDetail {
  const row = findSessionRow(sqlite, id)
  if (!row) throw notFound('Session', id)
  return { ...summaryFromRow(row), messages: messagesOf(sqlite, row.pk) }
}

/** How many of a session's messages its provider's own view leaves out (`hidden`). */
export function hiddenCount(sqlite: Database, id: string): number {
  return sqlite
    .query<{ n: number }, [string]>('SELECT count(*) AS n FROM messages m JOIN sessions s ON s.pk = m.session_pk WHERE s.id = ? AND m.hidden = 1')
    .get(id)!.n
}
