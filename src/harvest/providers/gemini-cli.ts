import { basename, join } from 'node:path'
import { toEpochMs } from '../../shared/time'
import {
  existing,
  type MessageInput,
  type Provider,
  type ProviderContext,
  type SessionPart,
  type Source,
  type ToolInvocationInput,
  type WorkspaceRef,
} from '../provider'
import { listDir, readJsonDocument, readSmallText } from '../read/files'
import { lineProblems } from '../read/line-problems'
import { promptTitle, workspaceAt } from '../read/naming'
import { asArray, asRecord, asString, asText, toolOutputText } from '../read/values'

/** What `discover` learned about a chat file. */
interface GeminiSource {
  slug: string
  projectPath: string | null
  /** Set for subagent chats, stored under `chats/<parentSessionId>/`. */
  parentSessionId: string | null
  /** A whole-file `.json` session (before the JSONL format). */
  legacy: boolean
}

/** The session being rebuilt: its metadata and its messages by id, in first-seen order. */
interface Replay {
  meta: Record<string, unknown>
  messages: Map<string, MessageInput>
}

const MAIN_CHAT = /^session-.*\.jsonl?$/
const SUBAGENT_CHAT = /\.jsonl?$/

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
  const document = await readJsonDocument(join(root, 'projects.json'), 4 * 1024 * 1024)
  const projects = 'value' in document ? asRecord(asRecord(document.value)?.projects) : null
  for (const [path, slug] of Object.entries(projects ?? {})) if (typeof slug === 'string') registry.set(slug, path)
  return registry
}

async function* discover(ctx: ProviderContext): AsyncGenerator<Source> {
  for (const root of geminiRoots(ctx)) {
    const tmp = join(root, 'tmp')
    const projectDirs = (await listDir(tmp)).filter((entry) => entry.isDirectory())
    if (projectDirs.length === 0) continue
    const registry = await projectRegistry(root)
    for (const project of projectDirs) {
      const chats = join(tmp, project.name, 'chats')
      const entries = await listDir(chats)
      if (entries.length === 0) continue
      const marker = (await readSmallText(join(tmp, project.name, '.project_root')))?.trim() || null
      const base = { slug: project.name, projectPath: marker ?? registry.get(project.name) ?? null }
      const names = new Set(entries.map((entry) => entry.name))
      for (const entry of entries) {
        const path = join(chats, entry.name)
        if (entry.isFile() && MAIN_CHAT.test(entry.name)) {
          const legacy = entry.name.endsWith('.json')
          // A resumed legacy chat is migrated to `<name>.jsonl` and the old file left behind: read the JSONL only.
          if (legacy && names.has(`${entry.name}l`)) continue
          yield { key: path, path, data: { ...base, parentSessionId: null, legacy } satisfies GeminiSource }
        } else if (entry.isDirectory()) {
          for (const file of await listDir(path)) {
            if (!file.isFile() || !SUBAGENT_CHAT.test(file.name)) continue
            const filePath = join(path, file.name)
            const data: GeminiSource = { ...base, parentSessionId: entry.name, legacy: file.name.endsWith('.json') }
            yield { key: filePath, path: filePath, data }
          }
        }
      }
    }
  }
}

async function* read(source: Source): AsyncGenerator<SessionPart> {
  const data = source.data as GeminiSource
  const replay: Replay = { meta: {}, messages: new Map() }
  let incomplete = false
  if (data.legacy) {
    const document = await readJsonDocument(source.path)
    const session = 'value' in document ? asRecord(document.value) : null
    if (!session) {
      yield { kind: 'problem', message: 'error' in document ? document.error : 'not a session object' }
      return
    }
    for (const problem of applyRecord(replay, session, 1)) yield problem
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
  const messages = [...replay.messages.values()].filter(
    (message) => message.content !== '' || (message.toolInvocations?.length ?? 0) > 0,
  )
  if (messages.length === 0) return
  const { meta } = replay
  const firstPrompt = messages.find((message) => message.role === 'user')
  const metadata = Object.fromEntries(
    Object.entries({ kind: asText(meta.kind), parentSessionId: data.parentSessionId, directories: meta.directories ?? null }).filter(
      ([, value]) => value !== null,
    ),
  )
  yield {
    kind: 'session',
    session: {
      id: asText(meta.sessionId) ?? basename(source.path).replace(/\.jsonl?$/, ''),
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
 * Applies one record of the chat log (docs/providers.md, Gemini CLI): a message upserts by id (keeping
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
    const id = asString(record.id)
    if (id === null) return [{ kind: 'problem', message: `line ${line}: message record without a string id` }]
    const message = messageFrom(record, id)
    if (message) replay.messages.set(id, message)
    return []
  }
  return 'sessionId' in record ? mergeMetadata(replay, record, line) : []
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
    const id = asString(record?.id)
    if (!record || id === null) {
      problems.push({ kind: 'problem', message: `line ${line}: message ${index} has no string id` })
      continue
    }
    const message = messageFrom(record, id)
    if (message) replay.messages.set(id, message)
  }
  return problems
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

function messageFrom(record: Record<string, unknown>, id: string): MessageInput | null {
  const role = ROLES[asString(record.type) ?? '']
  if (!role) return null
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
  }
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
