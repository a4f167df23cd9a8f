import type { Database } from 'bun:sqlite'
import { Type, type Static } from '@sinclair/typebox'
import { notFound } from '../../shared/errors'
import { toIso } from '../../shared/time'
import { literalUnion, MESSAGE_ROLES, MESSAGE_STATES, SESSION_ORIGINS } from '../enums'
import type { Page, PageRequest } from './page'

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()])
const IsoTime = Nullable(Type.String({ format: 'date-time' }))

export const SessionOrigin = literalUnion(SESSION_ORIGINS)
export const MessageRole = literalUnion(MESSAGE_ROLES)
export const MessageState = literalUnion(MESSAGE_STATES)
export type MessageRole = Static<typeof MessageRole>
export type SessionOrigin = Static<typeof SessionOrigin>
export type MessageState = Static<typeof MessageState>

/** A session without its messages (SPEC §4). */
export const SessionSummary = Type.Object({
  id: Type.String(),
  workspaceId: Nullable(Type.String()),
  provider: Type.String(),
  title: Nullable(Type.String()),
  model: Nullable(Type.String()),
  messageCount: Type.Integer({ minimum: 0 }),
  created: IsoTime,
  updated: IsoTime,
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
  cacheWrite5mTokens: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], {
    description: 'prompt-cache writes kept 5 minutes (also every cache write whose duration the provider does not record)',
  }),
  cacheWrite1hTokens: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description: 'prompt-cache writes kept 1 hour' }),
})
export type MessageUsage = Static<typeof MessageUsage>

export const Message = Type.Object({
  id: Type.String(),
  index: Type.Integer({ minimum: 0 }),
  role: MessageRole,
  content: Type.String(),
  timestamp: IsoTime,
  model: Nullable(Type.String()),
  state: MessageState,
  error: Type.Union([Type.String(), Type.Null()], { description: 'why a failed or cancelled turn ended, as the provider recorded it' }),
  hidden: Type.Boolean({ description: "true for turns the provider's own view leaves out (e.g. undone); kept, never shown as ordinary turns" }),
  usage: Type.Union([MessageUsage, Type.Null()], { description: 'null when the provider recorded no token usage for this message' }),
  metadata: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()], {
    description: 'what else the source recorded about the message (attachments, agent, mode, …)',
  }),
  toolInvocations: Type.Array(ToolInvocation),
})
export type Message = Static<typeof Message>

export const SessionDetail = Type.Composite([SessionSummary, Type.Object({ messages: Type.Array(Message) })])
export type SessionDetail = Static<typeof SessionDetail>

/** The columns `summaryFromRow` needs, for queries in other read models. */
export const SUMMARY_COLUMNS =
  'pk, id, workspace_id, provider, title, model, message_count, created_at, updated_at, origin, on_disk'

export interface SummaryRow {
  pk: number
  id: string
  workspace_id: string | null
  provider: string
  title: string | null
  model: string | null
  message_count: number
  created_at: number | null
  updated_at: number | null
  origin: SessionSummary['origin']
  on_disk: number
}

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
}

function filterClause(filter: SessionFilter): { clause: string; params: (string | number)[] } {
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
  return { clause: where.length ? `WHERE ${where.join(' AND ')}` : '', params }
}

/** Session summaries, newest `updated` first. Deep offsets stay cheap: the page is chosen on the index alone. */
export function listSessions(sqlite: Database, filter: SessionFilter, page: PageRequest): Page<SessionSummary> {
  const { clause, params } = filterClause(filter)
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

interface MessageRowView {
  pk: number
  idx: number
  message_id: string
  role: Message['role']
  content: string
  timestamp: number | null
  model: string | null
  state: MessageState
  error: string | null
  hidden: number
  metadata: string | null
  input_tokens: number | null
  output_tokens: number | null
  cache_read_tokens: number | null
  cache_write_5m_tokens: number | null
  cache_write_1h_tokens: number | null
}

const MESSAGE_COLUMNS = `pk, idx, message_id, role, content, timestamp, model, state, error, hidden, metadata,
  input_tokens, output_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens`

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

interface ToolRowView {
  message_pk: number
  call_id: string
  name: string
  input: string | null
  output: string | null
  status: string | null
}

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

/** The messages of a session (by pk), in conversation order, with their tool invocations. */
export function messagesOf(sqlite: Database, sessionPk: number): Message[] {
  const messageRows = sqlite
    .query<MessageRowView, [number]>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE session_pk = ? ORDER BY idx`,
    )
    .all(sessionPk)
  const toolRows = sqlite
    .query<ToolRowView, [number]>(
      `SELECT message_pk, call_id, name, input, output, status FROM tool_invocations
       WHERE session_pk = ? ORDER BY message_pk, idx`,
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
