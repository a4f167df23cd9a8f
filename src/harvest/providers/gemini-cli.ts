import { basename, join } from 'node:path'
import { toEpochMs } from '../../shared/time'
import {
  existing,
  type MessageInput,
  type MessageUsage,
  type Provider,
  type ProviderContext,
  type SessionPart,
  type Source,
  type ToolInvocationInput,
  type WorkspaceRef,
} from '../provider'
import { openArea, readJsonDocument, readSmallText } from '../read/files'
import { lineProblems } from '../read/line-problems'
import { promptTitle, workspaceAt } from '../read/naming'
import { noConversation, unknownShapes } from '../read/problems'
import { sumCounts, tokenUsage, withoutCached } from '../read/usage'
import { asArray, asRecord, asString, asText, toolOutputText } from '../read/values'

/** What `discover` learned about a chat file. */
interface GeminiSource {
  slug: string
  projectPath: string | null
  /** Set for subagent chats, stored under `chats/<parentSessionId>/`. */
  parentSessionId: string | null
  /** A whole-file `.json` document: a session before the JSONL format, or a `/chat save` checkpoint. */
  legacy: boolean
}

/** The session being rebuilt: its metadata and its messages by id, in first-seen order. */
interface Replay {
  meta: Record<string, unknown>
  messages: Map<string, MessageInput>
  shapes: ReturnType<typeof unknownShapes>
}

const MAIN_CHAT = /^session-.*\.jsonl?$/
const SUBAGENT_CHAT = /\.jsonl?$/
/** `/chat save <tag>` writes the model history to `<project temp dir>/checkpoint-<tag>.json`. */
const CHECKPOINT = /^checkpoint-.+\.json$/
/** The context Gemini CLI sends as the first user turn of a chat history; it is not something the user typed. */
const SETUP_PREFIX = 'This is the Gemini CLI. We are setting up the context for our chat.'

/** Gemini CLI's roots: `$GEMINI_CLI_HOME/.gemini` (unless the home is overridden) and `~/.gemini` on every OS. */
export function geminiRoots(ctx: ProviderContext): string[] {
  const roots = [join(ctx.home, '.gemini')]
  const configured = ctx.homeOverridden ? undefined : ctx.env.GEMINI_CLI_HOME
  if (configured) roots.unshift(join(configured, '.gemini'))
  return [...new Set(roots)]
}

/** `projects.json`: slug → project path, for project folders without a `.project_root`. */
async function projectRegistry(root: string): Promise<Map<string, string>> {
  const registry = new Map<string, string>()
  const area = await openArea(root)
  if (!area || !(await area.file(join(root, 'projects.json')))) return registry
  const document = await readJsonDocument(join(root, 'projects.json'), 4 * 1024 * 1024)
  const projects = 'value' in document ? asRecord(asRecord(document.value)?.projects) : null
  for (const [path, slug] of Object.entries(projects ?? {})) if (typeof slug === 'string') registry.set(slug, path)
  return registry
}

async function* discover(ctx: ProviderContext): AsyncGenerator<Source> {
  for (const root of geminiRoots(ctx)) {
    const tmp = join(root, 'tmp')
    const area = await openArea(tmp)
    if (!area) continue
    const projectDirs = (await area.list(tmp)).filter((entry) => entry.kind === 'dir')
    if (projectDirs.length === 0) continue
    const registry = await projectRegistry(root)
    for (const project of projectDirs) {
      const marker = await area.file(join(project.path, '.project_root'))
      const projectPath = (marker ? (await readSmallText(marker.path))?.trim() : null) || registry.get(project.name) || null
      const base = { slug: project.name, projectPath }
      for (const entry of await area.list(project.path)) {
        if (entry.kind === 'file' && CHECKPOINT.test(entry.name)) {
          yield { key: entry.path, path: entry.path, data: { ...base, parentSessionId: null, legacy: true } satisfies GeminiSource }
        }
      }
      const chats = join(project.path, 'chats')
      const entries = await area.list(chats)
      const names = new Set(entries.map((entry) => entry.name))
      for (const entry of entries) {
        if (entry.kind === 'file' && MAIN_CHAT.test(entry.name)) {
          const legacy = entry.name.endsWith('.json')
          // A resumed legacy chat is migrated to `<name>.jsonl` and the old file left behind: read the JSONL only.
          if (legacy && names.has(`${entry.name}l`)) continue
          yield { key: entry.path, path: entry.path, data: { ...base, parentSessionId: null, legacy } satisfies GeminiSource }
        } else if (entry.kind === 'dir') {
          for (const file of await area.list(entry.path)) {
            if (file.kind !== 'file' || !SUBAGENT_CHAT.test(file.name)) continue
            const data: GeminiSource = { ...base, parentSessionId: entry.name, legacy: file.name.endsWith('.json') }
            yield { key: file.path, path: file.path, data }
          }
        }
      }
    }
  }
}

async function* read(source: Source): AsyncGenerator<SessionPart> {
  const data = source.data as GeminiSource
  const replay: Replay = { meta: {}, messages: new Map(), shapes: unknownShapes() }
  let incomplete = false
  let recognised = true
  if (data.legacy) {
    const document = await readJsonDocument(source.path)
    if ('error' in document) {
      yield { kind: 'problem', message: document.error }
      return
    }
    const session = asRecord(document.value)
    // A checkpoint is `{history: [Content]}`, or the bare array in older versions.
    const history = Array.isArray(document.value) ? document.value : session && Array.isArray(session.history) ? session.history : null
    if (history && history.every((entry) => asRecord(entry) !== null)) applyHistory(replay, history)
    else if (session && ('sessionId' in session || 'messages' in session)) for (const problem of applyRecord(replay, session, 1)) yield problem
    else if (!session) {
      yield { kind: 'problem', message: 'not a session object' }
      return
    } else recognised = false
  } else {
    const problems = lineProblems()
    for await (const line of problems.read(source.path)) {
      const record = 'value' in line ? asRecord(line.value) : null
      const issues = 'error' in line ? [problems.add(line)] : record ? applyRecord(replay, record, line.line) : [problems.shape(line.line, 'not a JSON object')]
      for (const problem of issues) if (problem) yield problem
    }
    incomplete = problems.incomplete
    yield* problems.end()
  }
  yield* replay.shapes.parts()
  if (!recognised) {
    yield noConversation(source.path, 'a JSON document with neither messages nor a chat history')
    return
  }
  const messages = [...replay.messages.values()].filter(
    (message) => message.content !== '' || (message.toolInvocations?.length ?? 0) > 0 || message.usage,
  )
  // A chat the CLI opened and nothing was said in (it writes the metadata at start) is no session.
  if (messages.length === 0) return
  const { meta } = replay
  const firstPrompt = messages.find((message) => message.role === 'user')
  const metadata = Object.fromEntries(
    Object.entries({ kind: asText(meta.kind), parentSessionId: data.parentSessionId, directories: meta.directories ?? null }).filter(
      ([, value]) => value !== null,
    ),
  )
  const stem = basename(source.path).replace(/\.jsonl?$/, '')
  yield {
    kind: 'session',
    session: {
      // A checkpoint has no id of its own; its tag is unique only within its project.
      id: asText(meta.sessionId) ?? (CHECKPOINT.test(basename(source.path)) ? `${data.slug}/${stem}` : stem),
      title: asText(meta.summary) ?? (firstPrompt ? promptTitle(firstPrompt.content) : null),
      model: messages.findLast((message) => message.model !== null)?.model ?? null,
      created: toEpochMs(meta.startTime),
      updated: latest(toEpochMs(meta.lastUpdated), ...messages.map((message) => message.timestamp)),
      workspace: projectWorkspace(data),
      incomplete,
      metadata: Object.keys(metadata).length > 0 ? metadata : null,
    },
  }
  for (const message of messages) yield { kind: 'message', message }
}

/** The newest of several times, ignoring unknown ones. */
function latest(...times: (number | null)[]): number | null {
  const known = times.filter((time): time is number => time !== null)
  return known.length > 0 ? Math.max(...known) : null
}

const projectWorkspace = (data: GeminiSource): WorkspaceRef =>
  data.projectPath !== null ? workspaceAt(data.projectPath) : { key: data.slug, name: data.slug, path: null }

/**
 * Applies one record of the chat log (docs/providers.md): a message upserts by id (keeping
 * its first position), `$set` merges metadata (its `messages` rebuild the list: a checkpoint),
 * `$rewindTo` drops a message and all after it, and a metadata record merges. Returns the problems.
 */
function applyRecord(replay: Replay, record: Record<string, unknown>, line: number): SessionPart[] {
  if ('$rewindTo' in record) {
    rewind(replay.messages, asString(record.$rewindTo))
    return []
  }
  if ('$set' in record) {
    const set = asRecord(record.$set)
    if (!set) return [{ kind: 'problem', message: `line ${line}: $set is not an object` }]
    return mergeMetadata(replay, set, line)
  }
  if ('type' in record && !('sessionId' in record)) {
    // Without an id a message cannot be replaced later, but it is still a message.
    const id = asString(record.id) ?? `line-${line}`
    const message = messageFrom(record, id, replay.shapes, `line ${line}`)
    if (message) replay.messages.set(id, message)
    return []
  }
  if ('sessionId' in record) return mergeMetadata(replay, record, line)
  replay.shapes.note('record of unknown shape', `line ${line}`)
  return []
}

function mergeMetadata(replay: Replay, fields: Record<string, unknown>, line: number): SessionPart[] {
  const { messages, ...meta } = fields
  Object.assign(replay.meta, meta)
  if (messages === undefined) return []
  if (!Array.isArray(messages)) return [{ kind: 'problem', message: `line ${line}: messages is not an array` }]
  replay.messages.clear()
  const problems: SessionPart[] = []
  for (const [index, value] of messages.entries()) {
    const record = asRecord(value)
    if (!record) {
      problems.push({ kind: 'problem', message: `line ${line}: message ${index} is not an object` })
      continue
    }
    const id = asString(record.id) ?? `messages[${index}]`
    const message = messageFrom(record, id, replay.shapes, `messages[${index}]`)
    if (message) replay.messages.set(id, message)
  }
  return problems
}

/**
 * A checkpoint's model history (`[{role: user|model, parts}]`): user text, model replies with their
 * function calls, and function responses paired with their calls (by id, else by name in order).
 */
function applyHistory(replay: Replay, history: unknown[]): void {
  const pending: ToolInvocationInput[] = []
  for (const [index, value] of history.entries()) {
    const content = asRecord(value)
    const role = asString(content?.role)
    const parts = asArray(content?.parts).map((part) => asRecord(part) ?? {})
    if (!content || (role !== 'user' && role !== 'model')) {
      replay.shapes.note(`history entry with role ${JSON.stringify(content?.role ?? null)}`, `history[${index}]`)
      continue
    }
    const text = parts
      .filter((part) => typeof part.text === 'string' && part.thought !== true)
      .map((part) => part.text as string)
      .join('')
    const id = `history[${index}]`
    if (role === 'model') {
      const calls = parts.flatMap((part, n): ToolInvocationInput[] => {
        const call = asRecord(part.functionCall)
        if (!call) return []
        return [{ id: asText(call.id) ?? `${id}#${n}`, name: asString(call.name) ?? 'unknown', input: call.args ?? null, output: null, status: null }]
      })
      pending.push(...calls)
      const thoughts = parts.filter((part) => part.thought === true).map((part) => asString(part.text) ?? '').join('')
      replay.messages.set(id, { id, role: 'assistant', content: text, timestamp: null, model: null, toolInvocations: calls, metadata: thoughts ? { thinking: thoughts } : null })
      continue
    }
    for (const part of parts) {
      const response = asRecord(part.functionResponse)
      if (!response) continue
      const name = asString(response.name)
      const callId = asText(response.id)
      const at = pending.findIndex((call) => (callId !== null ? call.id === callId : call.name === name))
      if (at === -1) continue
      const [call] = pending.splice(at, 1)
      const body = asRecord(response.response)
      call!.output = toolOutputText(body ? (asString(body.output) ?? asString(body.error) ?? body) : null)
      call!.status = body && 'error' in body ? 'error' : 'success'
    }
    if (text === '') continue
    const setup = replay.messages.size === 0 && text.startsWith(SETUP_PREFIX)
    replay.messages.set(id, { id, role: setup ? 'system' : 'user', content: text, timestamp: null, model: null })
  }
}

/** Drops `id` and every later message; an unknown id drops them all. */
function rewind(messages: Map<string, MessageInput>, id: string | null) {
  if (id === null || !messages.has(id)) {
    messages.clear()
    return
  }
  let dropping = false
  for (const key of messages.keys()) {
    dropping ||= key === id
    if (dropping) messages.delete(key)
  }
}

const ROLES: Record<string, MessageInput['role']> = { user: 'user', gemini: 'assistant', info: 'system', error: 'system', warning: 'system' }

function messageFrom(record: Record<string, unknown>, id: string, shapes: Replay['shapes'], at: string): MessageInput | null {
  const role = ROLES[asString(record.type) ?? '']
  if (!role) {
    shapes.note(`unknown message type ${JSON.stringify(record.type ?? null)}`, at)
    return null
  }
  // `displayContent` is what the user typed; `content` may hold expanded @file references.
  const content = partsText(role === 'user' && record.displayContent !== undefined ? record.displayContent : record.content)
  return {
    id,
    role,
    content,
    timestamp: toEpochMs(record.timestamp),
    model: role === 'assistant' ? asText(record.model) : null,
    toolInvocations: asArray(record.toolCalls).flatMap((value) => {
      const call = asRecord(value)
      return call ? [toolInvocation(call)] : []
    }),
    usage: role === 'assistant' ? geminiUsage(record.tokens) : null,
  }
}

/**
 * A reply's `tokens` (Gemini `usageMetadata`): `input` counts cached tokens too and `tool` (tool-use
 * prompts) is input as well; thinking tokens are billed as output but not counted in `output`.
 */
function geminiUsage(value: unknown): MessageUsage | null {
  const tokens = asRecord(value)
  if (!tokens) return null
  return tokenUsage({
    inputTokens: sumCounts(withoutCached(tokens.input, tokens.cached), tokens.tool),
    outputTokens: sumCounts(tokens.output, tokens.thoughts),
    cacheReadTokens: tokens.cached,
  })
}

/** Text of Gemini content: a string, or a parts array whose `text` parts are concatenated (inline data noted on its own line). */
function partsText(content: unknown): string {
  if (typeof content === 'string') return content
  let text = ''
  for (const value of asArray(content)) {
    const part = asRecord(value)
    if (typeof part?.text === 'string') text += part.text
    else if (part?.inlineData !== undefined) {
      const mimeType = asText(asRecord(part.inlineData)?.mimeType) ?? 'inline data'
      text += `${text === '' || text.endsWith('\n') ? '' : '\n'}[${mimeType}]`
    }
  }
  return text
}

const TOOL_STATUS: Record<string, string> = { success: 'success', error: 'error', cancelled: 'cancelled' }

function toolInvocation(call: Record<string, unknown>): ToolInvocationInput {
  const responses = asArray(call.result).flatMap((value) => {
    const response = asRecord(asRecord(asRecord(value)?.functionResponse)?.response)
    return response ? [response] : []
  })
  const outputs = responses.map((response) => asString(response.output) ?? asString(response.error) ?? JSON.stringify(response))
  return {
    id: asString(call.id),
    name: asString(call.name) ?? 'unknown',
    input: call.args ?? null,
    output: toolOutputText(outputs.length > 0 ? outputs.join('\n') : asString(call.resultDisplay)),
    status: TOOL_STATUS[asString(call.status) ?? ''] ?? null,
  }
}

/** Gemini CLI: chat logs under `~/.gemini/tmp/<project>/chats/`. Never reads `oauth_creds.json`, `google_accounts.json` or `mcp-oauth-tokens.json`. */
export const geminiCli: Provider = {
  id: 'gemini-cli',
  name: 'Gemini CLI',
  kind: 'harvest',
  locate: (ctx) => existing(geminiRoots(ctx).map((root) => join(root, 'tmp'))),
  discover,
  read,
}
