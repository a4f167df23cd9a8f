import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { toEpochMs } from '../../shared/time'
import {
  existing,
  type MessageInput,
  type Provider,
  type ProviderContext,
  type SessionHeader,
  type SessionPart,
  type Source,
  type ToolInvocationInput,
} from '../provider'
import { statStamp, walkFiles } from '../read/files'
import { readJsonLines } from '../read/jsonl'
import { lineProblems } from '../read/line-problems'
import { promptTitle, workspaceAt } from '../read/naming'
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
/** Text Codex injects as user messages that the user never typed (docs/providers.md, Codex). */
const INJECTED_PREFIXES = ['<environment_context>', '<user_instructions>', '# AGENTS.md instructions', '<permissions instructions>']
/** The IDE extension wraps the real prompt in editor context and puts it after this marker. */
const IDE_REQUEST_MARKER = '## My request for Codex:'

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
  if ((await statStamp(path)) === null) return names
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
      // Walk without assuming the YYYY/MM/DD depth: forks and older builds use other layouts.
      for await (const path of walkFiles(join(root, folder), (name) => ROLLOUT.test(name))) {
        const fileId = FILE_ID.exec(path)?.[1] ?? path
        const threadName = names.get(fileId) ?? null
        const data: CodexSource = { fileId, threadName }
        if (threadName === null) {
          yield { key: path, path, data }
          continue
        }
        // A rename only touches the index, so the thread name is part of the rollout's fingerprint.
        const stamp = await statStamp(path)
        if (stamp === null) continue
        const nameHash = createHash('sha256').update(threadName).digest('hex').slice(0, 12)
        yield { key: path, path, data, fingerprint: `${stamp}:${nameHash}` }
      }
    }
  }
}

type OpenMessage = MessageInput & { toolInvocations: ToolInvocationInput[] }

async function* read(source: Source): AsyncGenerator<SessionPart> {
  const data = source.data as CodexSource
  const problems = lineProblems()
  let header: SessionHeader | null = null
  let model: string | null = null
  let open: OpenMessage | null = null
  let sawResponseMessage = false
  let firstPrompt: string | null = null

  const flush = (): SessionPart[] => {
    const message = open
    open = null
    return message && (message.content !== '' || message.toolInvocations.length > 0) ? [{ kind: 'message', message }] : []
  }
  const user = (text: string, timestamp: number | null, id: string | null): SessionPart[] => {
    firstPrompt ??= text
    return [...flush(), { kind: 'message', message: { id, role: 'user', content: text, timestamp, model: null } }]
  }
  const assistant = (text: string, timestamp: number | null, id: string | null): SessionPart[] => {
    const parts = flush()
    // Stays open: the tool calls that follow belong to this reply.
    open = { id, role: 'assistant', content: text, timestamp, model, toolInvocations: [] }
    return parts
  }
  const tool = (invocation: ToolInvocationInput, timestamp: number | null) => {
    open ??= { id: null, role: 'assistant', content: '', timestamp, model, toolInvocations: [] }
    open.toolInvocations.push(invocation)
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
    if (!payload) {
      const problem = problems.shape(line.line, `${type} record without a payload object`)
      if (problem) yield problem
      continue
    }
    if (type === 'turn_context') model = asText(payload.model) ?? model
    else if (type === 'compacted') {
      const summary = asText(payload.message)
      if (summary !== null) {
        yield* flush()
        yield { kind: 'message', message: { id: null, role: 'system', content: summary, timestamp, model: null } }
      }
    } else if (type === 'event_msg') {
      // These duplicate `response_item` messages; only rollouts without those need them.
      if (sawResponseMessage) continue
      const text = asText(payload.message)
      if (text === null) continue
      if (payload.type === 'user_message') yield* user(text, timestamp, null)
      else if (payload.type === 'agent_message') yield* assistant(text, timestamp, null)
    } else if (type === 'response_item') {
      const id = asString(payload.id)
      switch (payload.type) {
        case 'message': {
          sawResponseMessage = true
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
  yield* flush()
  if (header) {
    const patch: Partial<Omit<SessionHeader, 'id'>> = {}
    if (model !== null) patch.model = model
    if (header.title === null && firstPrompt !== null) patch.title = promptTitle(firstPrompt)
    if (problems.incomplete) patch.incomplete = true
    if (Object.keys(patch).length > 0) yield { kind: 'update', patch }
  }
  yield* problems.end()
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
