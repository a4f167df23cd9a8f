import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { toEpochMs } from '../../shared/time'
import {
  existing,
  type MessageInput,
  type MessageUsage,
  type Provider,
  type ProviderContext,
  type SessionHeader,
  type SessionPart,
  type Source,
  type ToolInvocationInput,
} from '../provider'
import { openArea, stampOf, type Area } from '../read/files'
import { readJsonLines } from '../read/jsonl'
import { lineProblems } from '../read/line-problems'
import { promptTitle, workspaceAt } from '../read/naming'
import { noConversation, unknownShapes } from '../read/problems'
import { addUsage, tokenCount, tokenUsage, withoutCached } from '../read/usage'
import { asArray, asRecord, asString, asText, parseJsonText, toolOutputText } from '../read/values'

/** What `discover` learned about a rollout file. */
interface CodexSource {
  /** The session id in the file name, used when the `session_meta` line is unreadable. */
  fileId: string
  /** The thread name from `session_index.jsonl`, if the user named the thread. */
  threadName: string | null
}

const ROLLOUT = /^rollout-.*\.jsonl$/
const FILE_ID = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.jsonl$/i
/** Text Codex injects as user messages that the user never typed (docs/providers.md). */
const INJECTED_PREFIXES = ['<environment_context>', '<user_instructions>', '# AGENTS.md instructions', '<permissions instructions>']
/** The IDE extension wraps the real prompt in editor context and puts it after this marker. */
const IDE_REQUEST_MARKER = '## My request for Codex:'
/** Record types of a rollout line; others are reported as unknown shapes. */
const LINE_TYPES = new Set(['session_meta', 'turn_context', 'response_item', 'event_msg', 'compacted', 'world_state', 'inter_agent_communication'])
/** `response_item` payload types (codex-rs `ResponseItem`); others are reported as unknown shapes. */
const ITEM_TYPES = new Set([
  'message', 'reasoning', 'function_call', 'function_call_output', 'custom_tool_call', 'custom_tool_call_output',
  'local_shell_call', 'web_search_call', 'ghost_snapshot', 'compaction', 'compaction_summary', 'tool_search_call',
  'tool_search_output', 'image_generation_call', 'other',
])
/**
 * `event_msg` messages held before the first `response_item` message: when one arrives they are
 * dropped (they repeat it); a rollout that has none by then is an event-only rollout and gets them.
 */
const HELD_MAX = 64

/** Codex's roots: `CODEX_HOME` (unless the home is overridden) and `~/.codex` on every OS. */
export function codexRoots(ctx: ProviderContext): string[] {
  const roots = [join(ctx.home, '.codex')]
  const configured = ctx.homeOverridden ? undefined : ctx.env.CODEX_HOME
  if (configured) roots.unshift(configured)
  return [...new Set(roots)]
}

/** `session_index.jsonl`: thread id → latest thread name. Never touches `auth.json`. */
async function threadNames(root: string): Promise<Map<string, string>> {
  const names = new Map<string, string>()
  const path = join(root, 'session_index.jsonl')
  const area = await openArea(root)
  if (!area || !(await area.file(path))) return names
  for await (const line of readJsonLines(path)) {
    if (!('value' in line)) continue
    const entry = asRecord(line.value)
    const id = asText(entry?.id)
    const name = asText(entry?.thread_name)
    if (id !== null && name !== null) names.set(id, name)
  }
  return names
}

async function* discover(ctx: ProviderContext): AsyncGenerator<Source> {
  for (const root of codexRoots(ctx)) {
    const names = await threadNames(root)
    for (const folder of ['sessions', 'archived_sessions']) {
      const area: Area | null = await openArea(join(root, folder))
      if (!area) continue
      // Walk without assuming the YYYY/MM/DD depth: forks and older builds use other layouts.
      for await (const file of area.walk(area.root, (name) => ROLLOUT.test(name))) {
        const path = file.path
        const fileId = FILE_ID.exec(path)?.[1] ?? path
        const threadName = names.get(fileId) ?? null
        const data: CodexSource = { fileId, threadName }
        // A rename only touches the index, so the thread name is part of the rollout's fingerprint.
        const nameHash = threadName === null ? '' : `:${createHash('sha256').update(threadName).digest('hex').slice(0, 12)}`
        yield { key: path, path, data, fingerprint: `${stampOf(file)}${nameHash}` }
      }
    }
  }
}

type OpenMessage = MessageInput & { toolInvocations: ToolInvocationInput[] }

/**
 * One rollout. `response_item` messages are the conversation; `event_msg` user and agent messages
 * repeat them and are used only in rollouts without any (held until the first response item shows
 * whether it has some). `token_count` events put each model call's usage on the reply it produced.
 */
async function* read(source: Source): AsyncGenerator<SessionPart> {
  const data = source.data as CodexSource
  const problems = lineProblems()
  const shapes = unknownShapes()
  let header: SessionHeader | null = null
  let model: string | null = null
  let open: OpenMessage | null = null
  let sawResponseMessage = false
  let eventsOnly = false
  let held: MessageInput[] = []
  let lastTotal: string | null = null
  let messages = 0
  let firstPrompt: string | null = null

  const flush = (): SessionPart[] => {
    const message = open
    open = null
    if (!message) return []
    const empty = message.content === '' && message.toolInvocations.length === 0
    if (empty && !message.usage) return []
    if (empty) message.hidden = true
    messages += 1
    return [{ kind: 'message', message }]
  }
  const user = (text: string, timestamp: number | null, id: string | null): SessionPart[] => {
    firstPrompt ??= text
    messages += 1
    return [...flush(), { kind: 'message', message: { id, role: 'user', content: text, timestamp, model: null } }]
  }
  const assistant = (text: string, timestamp: number | null, id: string | null, usage: MessageUsage | null = null): SessionPart[] => {
    const parts = flush()
    // Stays open: the tool calls that follow belong to this reply.
    open = { id, role: 'assistant', content: text, timestamp, model, toolInvocations: [], usage }
    return parts
  }
  const tool = (invocation: ToolInvocationInput, timestamp: number | null) => {
    open ??= { id: null, role: 'assistant', content: '', timestamp, model, toolInvocations: [], usage: null }
    open.toolInvocations.push(invocation)
  }
  const system = function* (text: string, timestamp: number | null): Generator<SessionPart> {
    yield* flush()
    messages += 1
    yield { kind: 'message', message: { id: null, role: 'system', content: text, timestamp, model: null } }
  }
  /** The held event messages as the conversation (an event-only rollout). */
  const release = function* (): Generator<SessionPart> {
    const replay = held
    held = []
    eventsOnly = true
    for (const message of replay) {
      if (message.role === 'user') yield* user(message.content, message.timestamp, null)
      else if (message.role === 'assistant') yield* assistant(message.content, message.timestamp, null, message.usage ?? null)
      else yield* system(message.content, message.timestamp)
    }
  }
  /** Usage of a model call goes on its reply; a call whose reply is not in the rollout gets a hidden message of its own. */
  const spent = (usage: MessageUsage, timestamp: number | null): SessionPart[] => {
    if (open) {
      open.usage = addUsage(open.usage ?? null, usage)
      return []
    }
    const last = held.at(-1)
    if (last?.role === 'assistant') {
      last.usage = addUsage(last.usage ?? null, usage)
      return []
    }
    messages += 1
    return [{ kind: 'message', message: { id: null, role: 'assistant', content: '', timestamp, model, hidden: true, usage } }]
  }

  for await (const line of problems.read(source.path)) {
    if ('error' in line) {
      const problem = problems.add(line)
      if (problem) yield problem
      continue
    }
    const record = asRecord(line.value)
    const type = asString(record?.type)
    if (!record || type === null) {
      const problem = problems.shape(line.line, 'not a rollout record')
      if (problem) yield problem
      continue
    }
    const payload = asRecord(record.payload)
    const timestamp = toEpochMs(record.timestamp)
    if (!header) {
      header = sessionHeader(type === 'session_meta' ? payload : null, data, timestamp)
      yield { kind: 'session', session: header }
      if (type === 'session_meta' && payload) continue
      yield { kind: 'problem', message: `line ${line.line}: expected a session_meta record first` }
    }
    if (!LINE_TYPES.has(type)) {
      shapes.note(`unknown record type ${JSON.stringify(type)}`, `line ${line.line}`)
      continue
    }
    if (!payload) {
      const problem = problems.shape(line.line, `${type} record without a payload object`)
      if (problem) yield problem
      continue
    }
    if (type === 'turn_context') model = asText(payload.model) ?? model
    else if (type === 'compacted') {
      const summary = asText(payload.message)
      // Held events come first: a summary keeps its place after them.
      if (summary !== null && held.length > 0) held.push({ id: null, role: 'system', content: summary, timestamp, model: null })
      else if (summary !== null) yield* system(summary, timestamp)
    } else if (type === 'event_msg') {
      if (payload.type === 'token_count') {
        const counted = callUsage(payload, lastTotal)
        lastTotal = counted.total ?? lastTotal
        if (counted.usage) yield* spent(counted.usage, timestamp)
        continue
      }
      // These repeat `response_item` messages; only rollouts without those need them.
      if (sawResponseMessage) continue
      const text = asText(payload.message)
      if (text === null || (payload.type !== 'user_message' && payload.type !== 'agent_message')) continue
      const role = payload.type === 'user_message' ? 'user' : 'assistant'
      if (eventsOnly) {
        yield* role === 'user' ? user(text, timestamp, null) : assistant(text, timestamp, null)
        continue
      }
      held.push({ id: null, role, content: text, timestamp, model, usage: null })
      if (held.length >= HELD_MAX) yield* release()
    } else if (type === 'response_item') {
      const id = asString(payload.id)
      const itemType = asString(payload.type)
      if (itemType === null || !ITEM_TYPES.has(itemType)) {
        shapes.note(`unknown response_item type ${JSON.stringify(itemType)}`, `line ${line.line}`)
        continue
      }
      switch (itemType) {
        case 'message': {
          if (!sawResponseMessage) {
            sawResponseMessage = true
            // The held event messages repeat this conversation; usage already put on them stays counted.
            const usage = held.reduce<MessageUsage | null>((sum, message) => addUsage(sum, message.usage ?? null), null)
            held = []
            if (usage) yield* spent(usage, timestamp)
          }
          if (payload.role === 'user') {
            const text = userText(payload.content)
            if (text !== '') yield* user(text, timestamp, id)
          } else if (payload.role === 'assistant') {
            const text = contentText(payload.content, 'output_text')
            if (text !== '') yield* assistant(text, timestamp, id)
          }
          break
        }
        case 'function_call':
          tool({ id: asString(payload.call_id), name: asString(payload.name) ?? 'unknown', input: parseJsonText(payload.arguments), output: null, status: null }, timestamp)
          break
        case 'custom_tool_call':
          tool({ id: asString(payload.call_id), name: asString(payload.name) ?? 'unknown', input: payload.input ?? null, output: null, status: null }, timestamp)
          break
        case 'local_shell_call':
          tool({ id: asString(payload.call_id), name: 'local_shell', input: payload.action ?? null, output: null, status: null }, timestamp)
          break
        case 'web_search_call':
          // No output item follows a web search; its own status is all there is.
          tool({ id: id ?? asString(payload.call_id), name: 'web_search', input: payload.action ?? null, output: null, status: callStatus(payload.status) }, timestamp)
          break
        case 'function_call_output':
        case 'custom_tool_call_output': {
          const callId = asString(payload.call_id)
          if (callId !== null) yield { kind: 'tool-result', callId, ...toolOutput(payload.output) }
          break
        }
      }
    }
  }
  if (held.length > 0) yield* release()
  yield* flush()
  if (header) {
    const patch: Partial<Omit<SessionHeader, 'id'>> = {}
    if (model !== null) patch.model = model
    if (header.title === null && firstPrompt !== null) patch.title = promptTitle(firstPrompt)
    if (problems.incomplete) patch.incomplete = true
    if (Object.keys(patch).length > 0) yield { kind: 'update', patch }
    if (messages === 0 && problems.clean) yield noConversation(source.path, 'no message, tool call or token count among its records')
  }
  yield* problems.end()
  yield* shapes.parts()
}

/** The numbers of a `token_count` usage object. */
function countsOf(value: unknown) {
  const usage = asRecord(value)
  return usage
    ? { input: tokenCount(usage.input_tokens), cached: tokenCount(usage.cached_input_tokens), output: tokenCount(usage.output_tokens) }
    : null
}

/**
 * The usage of one `token_count` event: its `last_token_usage` (one model call; OpenAI counts cached
 * input inside `input_tokens` and reasoning inside `output_tokens`). An event repeating the previous
 * running total is a repeat, not a new call; events without `last_token_usage` (older rollouts)
 * count the growth of the running total.
 */
function callUsage(payload: Record<string, unknown>, previousTotal: string | null): { usage: MessageUsage | null; total: string | null } {
  const info = asRecord(payload.info)
  const total = countsOf(info?.total_token_usage)
  const key = total ? JSON.stringify(total) : null
  if (key !== null && key === previousTotal) return { usage: null, total: key }
  let counts = countsOf(info?.last_token_usage)
  if (!counts && total) {
    const before = previousTotal === null ? null : (JSON.parse(previousTotal) as NonNullable<typeof total>)
    const grown = (now: number | null, then: number | null | undefined) => (now === null ? null : Math.max(0, now - (then ?? 0)))
    counts = { input: grown(total.input, before?.input), cached: grown(total.cached, before?.cached), output: grown(total.output, before?.output) }
  }
  if (!counts) return { usage: null, total: key }
  return { usage: tokenUsage({ inputTokens: withoutCached(counts.input, counts.cached), cacheReadTokens: counts.cached, outputTokens: counts.output }), total: key }
}

function sessionHeader(meta: Record<string, unknown> | null, data: CodexSource, timestamp: number | null): SessionHeader {
  const cwd = asText(meta?.cwd)
  const metadata = Object.fromEntries(
    Object.entries({
      originator: asText(meta?.originator),
      cliVersion: asText(meta?.cli_version),
      source: meta?.source ?? null,
      modelProvider: asText(meta?.model_provider),
      git: asRecord(meta?.git),
      forkedFromId: asText(meta?.forked_from_id),
    }).filter(([, value]) => value !== null),
  )
  return {
    id: asText(meta?.id) ?? data.fileId,
    title: data.threadName,
    model: null,
    created: toEpochMs(meta?.timestamp) ?? timestamp,
    updated: null,
    workspace: cwd !== null ? workspaceAt(cwd) : null,
    metadata: Object.keys(metadata).length > 0 ? metadata : null,
  }
}

/** The text items of a message's content (`input_text` or `output_text`), joined; a plain string as is. */
function contentText(content: unknown, itemType: string): string {
  if (typeof content === 'string') return content
  return asArray(content)
    .map((value) => {
      const item = asRecord(value)
      return item?.type === itemType ? (asString(item.text) ?? '') : ''
    })
    .filter((text) => text !== '')
    .join('\n\n')
}

/** What the user typed: injected context items dropped, the IDE's editor context cut off, images noted. */
function userText(content: unknown): string {
  const texts: string[] = []
  for (const value of typeof content === 'string' ? [{ type: 'input_text', text: content }] : asArray(content)) {
    const item = asRecord(value)
    if (item?.type === 'input_image') texts.push('[image]')
    const text = item?.type === 'input_text' ? asText(item.text) : null
    if (text === null || INJECTED_PREFIXES.some((prefix) => text.trimStart().startsWith(prefix))) continue
    const marker = text.indexOf(IDE_REQUEST_MARKER)
    texts.push(marker === -1 ? text : text.slice(marker + IDE_REQUEST_MARKER.length).trim())
  }
  return texts.filter((text) => text !== '').join('\n\n')
}

/**
 * A tool output and the status it implies. Outputs are plain text (newer shells start with
 * `Exit code: N`), JSON text `{output, metadata: {exit_code}}`, or an object `{content, success}`.
 */
function toolOutput(output: unknown): { output: string | null; status: string | null } {
  const wrapped = typeof output === 'string' && output.startsWith('{') ? asRecord(parseJsonText(output)) : null
  const object = asRecord(output) ?? (typeof wrapped?.output === 'string' ? wrapped : null)
  if (!object) {
    const exitCode = typeof output === 'string' ? /^Exit code: (\d+)/.exec(output)?.[1] : undefined
    return { output: toolOutputText(output), status: exitCode === undefined ? null : exitStatus(Number(exitCode)) }
  }
  const exitCode = asRecord(object.metadata)?.exit_code
  const success = object.success
  return {
    output: toolOutputText(asString(object.output) ?? asString(object.content) ?? object),
    status: typeof exitCode === 'number' ? exitStatus(exitCode) : typeof success === 'boolean' ? exitStatus(success ? 0 : 1) : null,
  }
}

const exitStatus = (code: number): string => (code === 0 ? 'success' : 'error')

const callStatus = (status: unknown): string | null =>
  status === 'completed' ? 'success' : status === 'failed' ? 'error' : null

/** OpenAI Codex (CLI and IDE extension): rollout JSONL files under `~/.codex/sessions/` and `archived_sessions/`. */
export const codex: Provider = {
  id: 'codex',
  name: 'OpenAI Codex',
  kind: 'harvest',
  locate: (ctx) => existing(codexRoots(ctx).flatMap((root) => [join(root, 'sessions'), join(root, 'archived_sessions')])),
  discover,
  read,
}
