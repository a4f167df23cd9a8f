import { basename, join } from 'node:path'
import { toEpochMs } from '../../shared/time'
import {
  type MessageInput,
  type Provider,
  type ProviderContext,
  type SessionHeader,
  type SessionPart,
  type Source,
  type ToolInvocationInput,
} from '../provider'
import { realDirectories, regularFiles } from '../read/entries'
import { listDir } from '../read/files'
import { lineProblems } from '../read/line-problems'
import { objectLines } from '../read/object-lines'
import { workspaceAt } from '../read/naming'
import { sessionEnd } from '../read/session-end'
import { readSqliteParts } from '../read/sqlite-source'
import { sqliteSources, type ProblemSourceData } from '../read/sqlite-sources'
import { tokenUsage } from '../read/usage'
import { asArray, asRecord, asString, asText, parseJsonText, recordOf, toolOutputText } from '../read/values'

/**
 * Goose's data directory (its `Paths::data_dir`): `GOOSE_PATH_ROOT/data`, else the XDG data home
 * (`~/.local/share/goose`, also on macOS) or `%APPDATA%\Block\goose\data` on Windows. Under an
 * overridden home both layouts are probed.
 */
function sessionDirs(ctx: ProviderContext): string[] {
  const xdg = join(ctx.home, '.local', 'share', 'goose')
  const windows = join(ctx.home, 'AppData', 'Roaming', 'Block', 'goose', 'data')
  if (ctx.homeOverridden) return [join(xdg, 'sessions'), join(windows, 'sessions')]
  const roots = [
    ctx.platform === 'win32'
      ? ctx.env.APPDATA
        ? join(ctx.env.APPDATA, 'Block', 'goose', 'data')
        : windows
      : ctx.env.XDG_DATA_HOME
        ? join(ctx.env.XDG_DATA_HOME, 'goose')
        : xdg,
  ]
  if (ctx.env.GOOSE_PATH_ROOT) roots.unshift(join(ctx.env.GOOSE_PATH_ROOT, 'data'))
  return [...new Set(roots.map((root) => join(root, 'sessions')))]
}

type GooseSource = { kind: 'db'; sessionId: string } | { kind: 'legacy' } | ProblemSourceData

/**
 * Goose (block/goose): `sessions/sessions.db` (`sessions`, `messages` with `content_json`, one
 * source per session) in current releases; before it, one JSONL file per session in the same folder
 * (a metadata line, then messages), read only where no database exists yet. Shape: docs/providers.md.
 */
export const goose: Provider = {
  id: 'goose',
  name: 'Goose',
  kind: 'harvest',
  async locate(ctx) {
    const found: string[] = []
    for (const dir of await realDirectories(sessionDirs(ctx))) {
      const db = await regularFiles([join(dir, 'sessions.db')])
      found.push(...(db.length > 0 ? db : (await legacyFiles(dir)).length > 0 ? [dir] : []))
    }
    return found
  },
  async *discover(ctx) {
    for (const dir of await realDirectories(sessionDirs(ctx))) {
      const [db] = await regularFiles([join(dir, 'sessions.db')])
      if (db !== undefined) yield* discoverDb(db)
      else for (const path of await legacyFiles(dir)) yield { key: path, path, data: { kind: 'legacy' } satisfies GooseSource }
    }
  },
  async *read(source) {
    const data = source.data as GooseSource
    if (data.kind === 'problem') yield { kind: 'problem', message: data.message }
    else if (data.kind === 'db') yield* readDbSession(source.path, data.sessionId)
    else yield* readLegacySession(source.path)
  },
}

const legacyFiles = async (dir: string) =>
  (await listDir(dir)).filter((entry) => entry.isFile() && entry.name.endsWith('.jsonl')).map((entry) => join(dir, entry.name))

function discoverDb(path: string): Source[] {
  return sqliteSources(
    path,
    (db) => {
      // Messages are appended (AUTOINCREMENT ids) or replaced wholesale with new ids, so count and max id catch both.
      const stats = new Map(
        db
          .query<{ id: string; stats: string }, []>(`SELECT session_id AS id, count(*) || '/' || max(id) AS stats FROM messages GROUP BY session_id`)
          .all()
          .map((row) => [row.id, row.stats]),
      )
      return db
        .query<{ id: string; updated_at: unknown }, []>('SELECT id, updated_at FROM sessions ORDER BY created_at, id')
        .all()
        .map((row) => ({ key: `${path}#${row.id}`, path, fingerprint: `goose:${String(row.updated_at)}:${stats.get(row.id) ?? '-'}`, data: { kind: 'db', sessionId: row.id } satisfies GooseSource }))
    }
  )
}

/** SQLite `CURRENT_TIMESTAMP` text (`2026-01-05 10:00:00`, UTC without a zone) or RFC 3339 → epoch ms. */
function sqliteTime(value: unknown): number | null {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value.trim())) {
    return toEpochMs(`${value.trim().replace(' ', 'T')}Z`)
  }
  return toEpochMs(value)
}

function readDbSession(path: string, sessionId: string): AsyncGenerator<SessionPart> {
  return readSqliteParts(path, function* (db): Generator<SessionPart> {
    const session = db.query<Record<string, unknown>, [string]>('SELECT * FROM sessions WHERE id = ?').get(sessionId)
    if (!session) return
    const model = asText(recordOf(parseJsonText(session.model_config_json)).model_name)
    const metadata: Record<string, unknown> = {}
    const fields = { sessionType: session.session_type, provider: session.provider_name, scheduleId: session.schedule_id }
    for (const [key, value] of Object.entries(fields)) if ((typeof value === 'string' && value !== '') || typeof value === 'number') metadata[key] = value
    const header: SessionHeader = {
      id: sessionId,
      title: asText(session.name) ?? asText(session.description),
      model,
      created: sqliteTime(session.created_at),
      updated: sqliteTime(session.updated_at),
      workspace: asText(session.working_dir) ? workspaceAt(asText(session.working_dir)!) : null,
      metadata: Object.keys(metadata).length > 0 ? metadata : null,
    }
    yield { kind: 'session', session: header }
    const seen = new SeenMessages()
    for (const row of db.query<Record<string, unknown>, [string]>('SELECT * FROM messages WHERE session_id = ? ORDER BY id').iterate(sessionId)) {
      const id = asText(row.message_id) ?? String(row.id)
      const parts = messageParts({ id, role: row.role, content: parseJsonText(row.content_json), created: row.created_timestamp, metadata: parseJsonText(row.metadata_json) }, model)
      if (typeof parts === 'string') {
        yield { kind: 'problem', message: `message ${id}: ${parts}` }
        continue
      }
      seen.add(parts)
      yield* parts
    }
    yield* sessionUsage(session, model ?? seen.model, header.updated)
    yield* sessionEnd({ title: header.title, firstPrompt: seen.firstPrompt })
  })
}

async function* readLegacySession(path: string): AsyncGenerator<SessionPart> {
  const problems = lineProblems()
  let header: SessionHeader | null = null
  let usage: Record<string, unknown> | null = null
  const seen = new SeenMessages()
  for await (const line of objectLines(problems, path)) {
    if ('kind' in line) {
      yield line
      continue
    }
    const { record } = line
    if (!header) {
      // The first line is the session's metadata, unless an old file starts with a message.
      const isMessage = record !== null && 'role' in record && 'content' in record
      const meta = isMessage ? null : record
      const cwd = asText(meta?.working_dir)
      header = {
        id: basename(path, '.jsonl'),
        title: asText(meta?.description),
        model: null,
        created: null,
        updated: null,
        workspace: cwd !== null ? workspaceAt(cwd) : null,
        metadata: null,
      }
      usage = meta
      yield { kind: 'session', session: header }
      if (!isMessage) continue
    }
    const parts = record ? messageParts({ id: asText(record.id), role: record.role, content: record.content, created: record.created, metadata: record.metadata }, null) : 'not a message'
    if (typeof parts === 'string') {
      const problem = problems.shape(line.line, parts)
      if (problem) yield problem
      continue
    }
    seen.add(parts)
    yield* parts
  }
  if (header) {
    // The file records no time of its own: its last message's is its last update.
    if (usage) yield* sessionUsage(usage, seen.model, seen.last)
    yield* sessionEnd({ title: header.title, firstPrompt: seen.firstPrompt, incomplete: problems.incomplete })
  }
  yield* problems.end()
}

/** What a session's messages told as they went by: its first prompt, last assistant model and last time. */
class SeenMessages {
  firstPrompt: string | null = null
  model: string | null = null
  last: number | null = null

  add(parts: SessionPart[]): void {
    for (const part of parts) {
      if (part.kind !== 'message') continue
      const { role, hidden, content, model, timestamp } = part.message
      if (role === 'user' && !hidden) this.firstPrompt ??= content
      if (role === 'assistant' && model !== null) this.model = model
      if (timestamp !== null && (this.last === null || timestamp > this.last)) this.last = timestamp
    }
  }
}

/**
 * Goose keeps token usage per session only (`accumulated_input_tokens`, `accumulated_output_tokens`:
 * every model call of the session summed): one hidden message carries it, at the session's last
 * update and under its model, so reports count it once. A session written again is replaced whole,
 * so it is never counted twice. Goose's input count holds prompt-cache reads too (it does not split them).
 */
function sessionUsage(counts: Record<string, unknown>, model: string | null, timestamp: number | null): SessionPart[] {
  const usage = tokenUsage({ inputTokens: counts.accumulated_input_tokens, outputTokens: counts.accumulated_output_tokens })
  if (!usage) return []
  return [{ kind: 'message', message: { id: 'accumulated-usage', role: 'assistant', content: '', timestamp, model, hidden: true, usage, metadata: { tokenUsage: 'session' } } }]
}

interface RawMessage {
  id: string | null
  role: unknown
  content: unknown
  created: unknown
  metadata: unknown
}

/** Content items that only drive Goose's UI (permission prompts, elicitations) and carry no conversation. */
const UI_ITEMS = new Set(['toolConfirmationRequest', 'actionRequired', 'redactedThinking'])
/** Items older releases wrote for context-window events; their `msg` is shown as text. */
const NOTICE_ITEMS = new Set(['contextLengthExceeded', 'summarizationRequested', 'conversationCompacted'])

/**
 * One Goose message (`{role, created, content: [items tagged by type], metadata}`) → a message and
 * the tool results it carries. A user message holding only tool responses yields just the results.
 */
function messageParts(raw: RawMessage, sessionModel: string | null): SessionPart[] | string {
  if (raw.role !== 'user' && raw.role !== 'assistant') return `unknown role ${JSON.stringify(raw.role)}`
  if (!Array.isArray(raw.content)) return 'content is not a list'
  const texts: string[] = []
  const notices: string[] = []
  const reasoning: string[] = []
  const tools: ToolInvocationInput[] = []
  const results: SessionPart[] = []
  for (const item of raw.content.map(recordOf)) {
    const type = asString(item.type) ?? ''
    if (type === 'text') texts.push(asString(item.text) ?? '')
    else if (type === 'image') texts.push('[image]')
    else if (type === 'thinking' || type === 'reasoning') reasoning.push(asString(item.thinking) ?? asString(item.text) ?? '')
    else if (type === 'toolRequest' || type === 'frontendToolRequest') tools.push(toolCall(item))
    else if (type === 'toolResponse') {
      const callId = asText(item.id)
      if (callId !== null) results.push({ kind: 'tool-result', callId, ...toolResponse(recordOf(item.toolResult)) })
    } else if (type === 'systemNotification') notices.push(asString(item.msg) ?? '')
    else if (NOTICE_ITEMS.has(type)) notices.push(asString(item.msg) ?? '')
    else if (!UI_ITEMS.has(type)) return `unknown content type ${JSON.stringify(type)}`
  }
  const meta = recordOf(raw.metadata)
  const content = texts.filter((text) => text !== '').join('\n\n')
  const notice = notices.filter((text) => text !== '').join('\n\n')
  if (content === '' && tools.length === 0 && notice === '' && reasoning.length === 0) return results
  const inference = recordOf(meta.inference)
  const metadata: Record<string, unknown> = {}
  const thinking = reasoning.filter((text) => text !== '').join('\n\n')
  if (thinking !== '') metadata.reasoning = thinking
  if (meta.agentVisible === false) metadata.agentVisible = false
  // A message of notices only (compaction, credits) is Goose talking, not the user or the model.
  const role = content === '' && tools.length === 0 && notice !== '' ? 'system' : raw.role
  const message: MessageInput = {
    id: raw.id,
    role,
    content: content === '' ? notice : content,
    timestamp: toEpochMs(raw.created),
    model: role === 'assistant' ? (asText(inference.resolvedModel) ?? asText(inference.requestedModel) ?? sessionModel) : null,
    toolInvocations: tools,
    hidden: meta.userVisible === false,
    metadata: Object.keys(metadata).length > 0 ? metadata : null,
  }
  return [{ kind: 'message', message }, ...results]
}

/** A tool request: `toolCall` is `{status: "success", value: {name, arguments}}` or `{status: "error", error}`. */
function toolCall(item: Record<string, unknown>): ToolInvocationInput {
  const call = recordOf(item.toolCall)
  const value = recordOf(call.value)
  const failed = call.status === 'error'
  return {
    id: asText(item.id),
    name: asText(value.name) ?? (failed ? 'invalid_tool_call' : 'unknown'),
    input: failed ? { error: call.error ?? null } : (value.arguments ?? null),
    output: null,
    status: failed ? 'error' : null,
  }
}

/** A tool result: `{status: "success", value: {content: [MCP content], isError}}` (older: `value` is the content list) or `{status: "error", error}`. */
function toolResponse(result: Record<string, unknown>): { output: string | null; status: string | null } {
  if (result.status === 'error') return { output: toolOutputText(result.error), status: 'error' }
  const value = result.value
  const content = Array.isArray(value) ? value : asArray(recordOf(value).content)
  const text = content
    .map(recordOf)
    .map((block) => (block.type === 'text' ? (asString(block.text) ?? '') : block.type === 'image' ? '[image]' : asString(recordOf(block.resource).text) ?? ''))
    .filter((part) => part !== '')
    .join('\n')
  return { output: toolOutputText(text), status: recordOf(value).isError === true ? 'error' : result.status === 'success' ? 'success' : null }
}
