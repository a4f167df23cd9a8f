import type { Database } from 'bun:sqlite'
import { join } from 'node:path'
import { zstdDecompressSync } from 'node:zlib'
import { toEpochMs } from '../../shared/time'
import {
  type MessageInput,
  type Provider,
  type ProviderContext,
  type SessionPart,
  type Source,
  type ToolInvocationInput,
} from '../provider'
import { regularFiles } from '../read/entries'
import { promptTitle, workspaceAt } from '../read/naming'
import { readSqliteParts } from '../read/sqlite-source'
import { sqliteSources, type ProblemSourceData } from '../read/sqlite-sources'
import { tokenUsage } from '../read/usage'
import { asArray, asRecord, asString, asText, recordOf, toolOutputText } from '../read/values'

/**
 * Zed's data directory (its `paths::data_dir`): `$XDG_DATA_HOME/zed` or `~/.local/share/zed`
 * (Linux; Flatpak: `~/.var/app/dev.zed.Zed/data/zed`), `~/Library/Application Support/Zed`
 * (macOS), `%LOCALAPPDATA%\Zed` (Windows). Under an overridden home every layout is probed.
 */
function dataDirs(ctx: ProviderContext): string[] {
  const { home, env } = ctx
  const linux = [join(home, '.local', 'share', 'zed'), join(home, '.var', 'app', 'dev.zed.Zed', 'data', 'zed')]
  const mac = join(home, 'Library', 'Application Support', 'Zed')
  const windows = join(home, 'AppData', 'Local', 'Zed')
  if (ctx.homeOverridden) return [...linux, mac, windows]
  if (ctx.platform === 'darwin') return [mac]
  if (ctx.platform === 'win32') return [env.LOCALAPPDATA ? join(env.LOCALAPPDATA, 'Zed') : windows]
  return env.XDG_DATA_HOME ? [join(env.XDG_DATA_HOME, 'zed'), linux[1]!] : linux
}

const databases = (ctx: ProviderContext) => regularFiles(dataDirs(ctx).map((dir) => join(dir, 'threads', 'threads.db')))

type ZedSource = { kind: 'thread'; id: string } | ProblemSourceData

/**
 * Zed's agent panel (zed-industries/zed): `threads/threads.db`, one row per thread whose `data`
 * is the thread serialized as JSON, zstd-compressed (`data_type` `zstd`) or plain (`json`).
 * Current threads (`crates/agent/src/db.rs`) and threads of the first agent
 * (`legacy_thread.rs`) share the table. One source per thread. Shape: docs/providers.md.
 */
export const zed: Provider = {
  id: 'zed',
  name: 'Zed',
  kind: 'harvest',
  locate: databases,
  async *discover(ctx) {
    for (const path of await databases(ctx)) yield* discoverDb(path)
  },
  async *read(source) {
    const data = source.data as ZedSource
    if (data.kind === 'problem') yield { kind: 'problem', message: data.message }
    else yield* readThread(source.path, data.id)
  },
}

function discoverDb(path: string): Source[] {
  // A save rewrites the whole row, so its update time and blob length change with every edit.
  return sqliteSources(
    path,
    (db) =>
      db
        .query<{ id: string; updated_at: string; size: number }, []>('SELECT id, updated_at, length(data) AS size FROM threads ORDER BY updated_at, id')
        .all()
        .map((row) => ({ key: `${path}#${row.id}`, path, fingerprint: `zed:${row.updated_at}:${row.size}`, data: { kind: 'thread', id: row.id } satisfies ZedSource }))
  )
}

/** The largest thread inflated from zstd; a bigger one (or a crafted blob) is reported instead of exhausting memory. */
export const ZED_THREAD_MAX_BYTES = 64 * 1024 * 1024

/** A thread's `data` column → its JSON text. */
function threadJson(dataType: unknown, data: unknown): string {
  const bytes = data instanceof Uint8Array ? data : typeof data === 'string' ? new TextEncoder().encode(data) : null
  if (!bytes) throw new Error('data is not a blob')
  if (dataType === 'json') return new TextDecoder().decode(bytes)
  if (dataType === 'zstd') return new TextDecoder().decode(zstdDecompressSync(bytes, { maxOutputLength: ZED_THREAD_MAX_BYTES }))
  throw new Error(`unknown data_type ${JSON.stringify(dataType)}`)
}

function readThread(path: string, id: string): AsyncGenerator<SessionPart> {
  return readSqliteParts(path, (db) => threadParts(db, id))
}

function* threadParts(db: Database, id: string): Generator<SessionPart> {
  const row = db.query<Record<string, unknown>, [string]>('SELECT * FROM threads WHERE id = ?').get(id)
  if (!row) return
  let thread: Record<string, unknown> | null
  try {
    thread = asRecord(JSON.parse(threadJson(row.data_type, row.data)))
  } catch (error) {
    yield { kind: 'problem', message: `thread ${id}: ${(error as Error).message}` }
    return
  }
  if (!thread || !Array.isArray(thread.messages)) {
    yield { kind: 'problem', message: `thread ${id}: not a serialized thread` }
    return
  }
  const model = recordOf(thread.model)
  const modelName = asText(model.model)
  const metadata: Record<string, unknown> = {}
  const provider = asText(model.provider)
  if (provider !== null) metadata.provider = provider
  if (asText(row.parent_id)) metadata.parentId = row.parent_id
  if (thread.imported === true) metadata.imported = true
  const cumulative = tokenUsage(usageCounts(thread.cumulative_token_usage))
  if (cumulative) metadata.cumulativeTokenUsage = cumulative
  const folder = firstFolder(row.folder_paths, row.folder_paths_order) ?? snapshotFolder(thread.initial_project_snapshot)
  const title = asText(row.summary) ?? asText(thread.title) ?? asText(thread.summary)
  const updated = toEpochMs(row.updated_at) ?? toEpochMs(thread.updated_at)
  yield {
    kind: 'session',
    session: {
      id,
      title,
      model: modelName,
      // Databases older than the `created_at` column: Zed itself backfills it with the update time.
      created: toEpochMs(row.created_at) ?? updated,
      updated,
      workspace: folder !== null ? workspaceAt(folder) : null,
      metadata: Object.keys(metadata).length > 0 ? metadata : null,
    },
  }
  const legacy = thread.messages.some((message) => asRecord(message) !== null && 'role' in asRecord(message)!)
  const parts = legacy ? legacyMessages(thread, thread.messages, modelName) : currentMessages(thread, thread.messages, modelName)
  let firstPrompt: string | null = null
  for (const part of parts) {
    if (part.kind === 'message' && part.message.role === 'user' && !part.message.hidden) firstPrompt ??= part.message.content
    yield part.kind === 'problem' ? { kind: 'problem', message: `thread ${id}, ${part.message}` } : part
  }
  if (title === null && firstPrompt !== null) yield { kind: 'update', patch: { title: promptTitle(firstPrompt) } }
}

/** Zed's `TokenUsage` (Anthropic semantics: input excludes cache reads and writes). */
function usageCounts(value: unknown) {
  const usage = recordOf(value)
  return {
    inputTokens: usage.input_tokens,
    outputTokens: usage.output_tokens,
    cacheReadTokens: usage.cache_read_input_tokens,
    cacheWrite5mTokens: usage.cache_creation_input_tokens,
  }
}

/** The first folder of a thread's `PathList` (paths sorted, joined by newlines; `order` gives the user's order). */
function firstFolder(paths: unknown, order: unknown): string | null {
  const list = asText(paths)?.split('\n').filter((path) => path !== '') ?? []
  if (list.length === 0) return null
  const positions = (asString(order) ?? '').split(',').map(Number)
  const first = positions.length === list.length ? positions.indexOf(0) : 0
  return list[first >= 0 ? first : 0] ?? null
}

/** The first worktree of the project snapshot older threads carry. */
const snapshotFolder = (snapshot: unknown): string | null =>
  asText(recordOf(asArray(recordOf(snapshot).worktree_snapshots)[0]).worktree_path)

/** The single key of an externally tagged serde enum value (`{"Text": …}`), or the value itself for unit variants (`"Resume"`). */
function variant(value: unknown): [string, unknown] | null {
  if (typeof value === 'string') return [value, null]
  const record = asRecord(value)
  const keys = record ? Object.keys(record) : []
  return record && keys.length === 1 ? [keys[0]!, record[keys[0]!]] : null
}

/** A tool result's `content`: a string, `{"Text": …}`, `{type: "text", text}`, an image, or a list of those. */
function resultText(content: unknown): string {
  if (Array.isArray(content)) return content.map(resultText).filter((text) => text !== '').join('\n')
  if (typeof content === 'string') return content
  const record = recordOf(content)
  const tagged = variant(content)
  if (tagged?.[0] === 'Text' && typeof tagged[1] === 'string') return tagged[1]
  if (record.type === 'text' && typeof record.text === 'string') return record.text
  if (tagged?.[0] === 'Image' || 'source' in record) return '[image]'
  return ''
}

/** Current threads: `User`/`Agent`/`Resume` messages; usage is recorded per user message, for the turn's last request. */
function* currentMessages(thread: Record<string, unknown>, messages: unknown[], model: string | null): Generator<SessionPart> {
  const turnUsage = recordOf(thread.request_token_usage)
  let turn: string | null = null
  let lastReply: MessageInput | null = null
  const finishTurn = function* (): Generator<SessionPart> {
    if (lastReply) {
      if (turn !== null && turn in turnUsage) lastReply.usage = tokenUsage(usageCounts(turnUsage[turn]))
      yield { kind: 'message', message: lastReply }
    }
    lastReply = null
  }
  for (const [index, value] of messages.entries()) {
    const tagged = variant(value)
    if (tagged?.[0] === 'User') {
      yield* finishTurn()
      const user = recordOf(tagged[1])
      turn = asText(user.id)
      yield { kind: 'message', message: userMessage(turn, asArray(user.content)) }
    } else if (tagged?.[0] === 'Agent') {
      if (lastReply) yield { kind: 'message', message: lastReply }
      lastReply = agentMessage(`${turn ?? 'turn'}#${index}`, recordOf(tagged[1]), model)
    } else if (tagged?.[0] === 'Resume') {
      // Resuming continues the same user turn: its usage belongs to the reply after the resume.
      if (lastReply) yield { kind: 'message', message: lastReply }
      lastReply = null
      yield { kind: 'message', message: { id: `resume#${index}`, role: 'user', content: 'Continue where you left off', timestamp: null, model: null, metadata: { resume: true } } }
    } else if (tagged?.[0] === 'Compaction') {
      yield* finishTurn()
      const summary = recordOf(tagged[1])
      const text = asText(summary.summary) ?? asText(summary.text) ?? ''
      yield { kind: 'message', message: { id: `compaction#${index}`, role: 'system', content: text, timestamp: null, model: null, metadata: { compaction: true } } }
    } else yield { kind: 'problem', message: `message ${index}: unknown message kind ${JSON.stringify(tagged?.[0] ?? typeof value)}` }
  }
  yield* finishTurn()
}

function userMessage(id: string | null, content: unknown[]): MessageInput {
  const texts: string[] = []
  const mentions: string[] = []
  for (const item of content) {
    const tagged = variant(item)
    if (tagged?.[0] === 'Text' && typeof tagged[1] === 'string') texts.push(tagged[1])
    else if (tagged?.[0] === 'Image') texts.push('[image]')
    else if (tagged?.[0] === 'Mention') {
      // The mention's URI is itself a tagged enum (`{"File": {"abs_path": …}}`); its target names it.
      const target = recordOf(variant(recordOf(tagged[1]).uri)?.[1])
      const name = asText(target.abs_path) ?? asText(target.url) ?? asText(target.name) ?? asText(target.path)
      if (name !== null) mentions.push(name)
      texts.push(`@${name ?? 'mention'}`)
    }
  }
  return { id, role: 'user', content: texts.join('').trim(), timestamp: null, model: null, metadata: mentions.length > 0 ? { mentions } : null }
}

function agentMessage(id: string, agent: Record<string, unknown>, model: string | null): MessageInput {
  const texts: string[] = []
  const reasoning: string[] = []
  const tools: ToolInvocationInput[] = []
  const results = recordOf(agent.tool_results)
  for (const item of asArray(agent.content)) {
    const tagged = variant(item)
    if (!tagged) continue
    const [kind, value] = tagged
    if (kind === 'Text' && typeof value === 'string') texts.push(value)
    else if (kind === 'Thinking') reasoning.push(asString(recordOf(value).text) ?? '')
    else if (kind === 'Image') texts.push('[image]')
    else if (kind === 'ToolUse') {
      const use = recordOf(value)
      const callId = asText(use.id)
      const result = callId !== null ? asRecord(results[callId]) : null
      tools.push({
        id: callId,
        name: asText(use.name) ?? 'unknown',
        input: use.input ?? asString(use.raw_input) ?? null,
        output: result ? toolOutputText(resultText(result.content)) : null,
        status: result ? (result.is_error === true ? 'error' : 'success') : null,
      })
    }
  }
  const thinking = reasoning.filter((text) => text !== '').join('\n\n')
  return {
    id,
    role: 'assistant',
    content: texts.filter((text) => text !== '').join('\n\n'),
    timestamp: null,
    model,
    toolInvocations: tools,
    metadata: thinking !== '' ? { reasoning: thinking } : null,
  }
}

/** Threads of Zed's first agent: role-based messages with segments; usage is recorded per message index. */
function* legacyMessages(thread: Record<string, unknown>, messages: unknown[], model: string | null): Generator<SessionPart> {
  const usage = asArray(thread.request_token_usage)
  for (const [index, value] of messages.entries()) {
    const message = recordOf(value)
    const role = message.role
    if (role !== 'user' && role !== 'assistant' && role !== 'system') {
      yield { kind: 'problem', message: `message ${index}: unknown role ${JSON.stringify(role)}` }
      continue
    }
    const texts: string[] = []
    const reasoning: string[] = []
    const segments = 'segments' in message ? asArray(message.segments) : [{ type: 'text', text: message.text }]
    for (const segment of segments.map(recordOf)) {
      if (segment.type === 'text') texts.push(asString(segment.text) ?? '')
      else if (segment.type === 'thinking') reasoning.push(asString(segment.text) ?? '')
    }
    const tools: ToolInvocationInput[] = asArray(message.tool_uses)
      .map(recordOf)
      .map((use) => ({ id: asText(use.id), name: asText(use.name) ?? 'unknown', input: use.input ?? null, output: null, status: null }))
    const content = texts.filter((text) => text !== '').join('\n\n')
    const thinking = reasoning.filter((text) => text !== '').join('\n\n')
    // Version 0.1.0 put tool results in a user message of their own.
    if (content !== '' || tools.length > 0 || thinking !== '') {
      const id = message.id === undefined || message.id === null ? null : String(message.id)
      yield {
        kind: 'message',
        message: {
          id,
          role,
          content,
          timestamp: null,
          model: role === 'assistant' ? model : null,
          toolInvocations: tools,
          hidden: message.is_hidden === true,
          usage: role === 'assistant' ? tokenUsage(usageCounts(usage[index])) : null,
          metadata: thinking !== '' ? { reasoning: thinking } : null,
        },
      }
    }
    for (const result of asArray(message.tool_results).map(recordOf)) {
      const callId = asText(result.tool_use_id)
      if (callId !== null) yield { kind: 'tool-result', callId, output: toolOutputText(resultText(result.content)), status: result.is_error === true ? 'error' : 'success' }
    }
  }
}
