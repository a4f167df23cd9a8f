import { basename, join } from 'node:path'
import { toEpochMs } from '../../shared/time'
import {
  existing,
  type MessageInput,
  type Provider,
  type ProviderContext,
  type SessionHeader,
  type SessionPart,
  type ToolInvocationInput,
} from '../provider'
import { activeBranch } from '../read/branch'
import { walkFiles } from '../read/files'
import { lineProblems } from '../read/line-problems'
import { objectLines } from '../read/object-lines'
import { workspaceAt } from '../read/naming'
import { sessionEnd } from '../read/session-end'
import { tokenUsage } from '../read/usage'
import { asArray, asString, asText, recordOf, toolOutputText } from '../read/values'

/** `PI_CODING_AGENT_DIR` (unless the home is overridden), else `~/.pi/agent` on every OS (docs/providers.md). */
function agentDirs(ctx: ProviderContext): string[] {
  const dirs = [join(ctx.home, '.pi', 'agent')]
  const configured = ctx.homeOverridden ? undefined : ctx.env.PI_CODING_AGENT_DIR
  if (configured) dirs.unshift(configured)
  return [...new Set(dirs)]
}

const sessionRoots = (ctx: ProviderContext) => agentDirs(ctx).map((dir) => join(dir, 'sessions'))

/** `<timestamp>_<uuid>.jsonl` → the uuid, the session id when the header is unreadable. */
const fileSessionId = (path: string) => basename(path, '.jsonl').replace(/^.*_/, '')

/** Entry types pi writes that carry no conversation text (settings, extension state, bookmarks). */
const SILENT_ENTRIES = new Set(['label', 'custom', 'thinking_level_change'])

/** Pi's `stopReason` → how the turn ended. */
const STOP_STATES: Record<string, MessageInput['state']> = { aborted: 'cancelled', error: 'failed' }

/**
 * Pi coding agent (`@mariozechner/pi-coding-agent`): one JSONL file per session under
 * `~/.pi/agent/sessions/--<cwd>--/`, a `session` header then entries linked by `id`/`parentId`
 * into a tree (every branch stays in the file; the path from the last entry is the conversation,
 * entries off it are kept as hidden). Shape: docs/providers.md.
 */
export const pi: Provider = {
  id: 'pi',
  name: 'Pi',
  kind: 'harvest',
  locate: (ctx) => existing(sessionRoots(ctx)),
  async *discover(ctx) {
    for (const root of sessionRoots(ctx)) {
      for await (const path of walkFiles(root, (name) => name.endsWith('.jsonl'), 2)) yield { key: path, path }
    }
  },
  read: (source) => readSession(source.path),
}

async function* readSession(path: string): AsyncGenerator<SessionPart> {
  const branch = await activeBranch(path, 'id', 'parentId')
  const problems = lineProblems()
  let header: SessionHeader | null = null
  let model: string | null = null
  let name: string | null = null
  let firstPrompt: string | null = null

  for await (const line of objectLines(problems, path)) {
    if ('kind' in line) {
      yield line
      continue
    }
    const { record } = line
    const type = asString(record?.type)
    if (!record || type === null) {
      const problem = problems.shape(line.line, 'not a session entry')
      if (problem) yield problem
      continue
    }
    if (type === 'session' && !header) {
      header = sessionHeader(record, path)
      yield { kind: 'session', session: header }
      continue
    }
    if (!header) {
      header = sessionHeader(null, path)
      yield { kind: 'session', session: header }
      yield { kind: 'problem', message: `line ${line.line}: expected a session header first` }
    }
    const id = asText(record.id)
    const hidden = branch !== null && id !== null && !branch.has(id)
    const timestamp = toEpochMs(record.timestamp)
    const entry = { id, hidden, timestamp }
    if (type === 'message') {
      const parts = messageParts(recordOf(record.message), entry, model)
      if (typeof parts === 'string') {
        const problem = problems.shape(line.line, parts)
        if (problem) yield problem
        continue
      }
      for (const part of parts) {
        if (part.kind !== 'message') continue
        if (part.message.role === 'user' && !part.message.hidden) firstPrompt ??= part.message.content
        if (part.message.model !== null) model = part.message.model
      }
      yield* parts
    } else if (type === 'model_change') model = asText(record.modelId) ?? model
    else if (type === 'session_info') name = asText(record.name) ?? name
    else if (type === 'compaction' || type === 'branch_summary') {
      const summary = asText(record.summary)
      if (summary !== null) yield system(entry, summary, { [type === 'compaction' ? 'compaction' : 'branchSummary']: true })
    } else if (type === 'custom_message') {
      const text = contentText(record.content)
      if (text !== '') yield system({ ...entry, hidden: hidden || record.display === false }, text, { customType: asText(record.customType) })
    } else if (!SILENT_ENTRIES.has(type) && type !== 'session') {
      const problem = problems.shape(line.line, `unknown entry type ${JSON.stringify(type)}`)
      if (problem) yield problem
    }
  }
  if (header) yield* sessionEnd({ model, title: name, firstPrompt, incomplete: problems.incomplete })
  yield* problems.end()
}

function sessionHeader(record: Record<string, unknown> | null, path: string): SessionHeader {
  const cwd = asText(record?.cwd)
  const metadata: Record<string, unknown> = {}
  if (typeof record?.version === 'number') metadata.version = record.version
  const parent = asText(record?.parentSession)
  if (parent !== null) metadata.parentSession = parent
  return {
    id: asText(record?.id) ?? fileSessionId(path),
    title: null,
    model: null,
    created: toEpochMs(record?.timestamp),
    updated: null,
    workspace: cwd !== null ? workspaceAt(cwd) : null,
    metadata: Object.keys(metadata).length > 0 ? metadata : null,
  }
}

interface EntryContext {
  id: string | null
  hidden: boolean
  timestamp: number | null
}

const system = (entry: EntryContext, content: string, metadata: Record<string, unknown>): SessionPart => ({
  kind: 'message',
  message: { id: entry.id, role: 'system', content, timestamp: entry.timestamp, model: null, hidden: entry.hidden, metadata },
})

/** One `message` entry → its parts, or why it has an unknown shape. */
function messageParts(message: Record<string, unknown>, entry: EntryContext, model: string | null): SessionPart[] | string {
  const timestamp = toEpochMs(message.timestamp) ?? entry.timestamp
  const base = { id: entry.id, timestamp, hidden: entry.hidden }
  switch (message.role) {
    case 'user':
      return [{ kind: 'message', message: { ...base, role: 'user', content: contentText(message.content), model: null } }]
    case 'assistant':
      return [{ kind: 'message', message: assistantMessage(message, base, model) }]
    case 'toolResult': {
      const callId = asText(message.toolCallId)
      if (callId === null) return 'toolResult message without a toolCallId'
      const output = contentText(message.content)
      return [{ kind: 'tool-result', callId, output: output === '' ? null : toolOutputText(output), status: message.isError === true ? 'error' : 'success' }]
    }
    case 'bashExecution': {
      const command = asString(message.command) ?? ''
      const exitCode = typeof message.exitCode === 'number' ? message.exitCode : null
      const tool: ToolInvocationInput = {
        id: entry.id,
        name: 'bash',
        input: { command },
        output: toolOutputText(asString(message.output)),
        status: message.cancelled === true ? 'cancelled' : exitCode === null ? null : exitCode === 0 ? 'success' : 'error',
      }
      const metadata = message.excludeFromContext === true ? { excludeFromContext: true } : null
      return [{ kind: 'message', message: { ...base, role: 'tool', content: `$ ${command}`, model: null, toolInvocations: [tool], metadata } }]
    }
    case 'custom': {
      const metadata = { customType: asText(message.customType) }
      return [{ kind: 'message', message: { ...base, hidden: entry.hidden || message.display === false, role: 'system', content: contentText(message.content), model: null, metadata } }]
    }
    case 'branchSummary':
    case 'compactionSummary':
      return [{ kind: 'message', message: { ...base, role: 'system', content: asString(message.summary) ?? '', model: null, metadata: { [message.role]: true } } }]
    default:
      return `unknown message role ${JSON.stringify(message.role)}`
  }
}

function assistantMessage(message: Record<string, unknown>, base: Pick<MessageInput, 'id' | 'timestamp' | 'hidden'>, model: string | null): MessageInput {
  const texts: string[] = []
  const reasoning: string[] = []
  const tools: ToolInvocationInput[] = []
  for (const block of asArray(message.content).map(recordOf)) {
    if (block.type === 'text') texts.push(asString(block.text) ?? '')
    else if (block.type === 'thinking') reasoning.push(asString(block.thinking) ?? '')
    else if (block.type === 'toolCall') {
      tools.push({ id: asText(block.id), name: asText(block.name) ?? 'unknown', input: block.arguments ?? null, output: null, status: null })
    } else if (block.type === 'image') texts.push('[image]')
  }
  const usage = recordOf(message.usage)
  const metadata: Record<string, unknown> = {}
  const reasoningText = reasoning.filter((text) => text !== '').join('\n\n')
  if (reasoningText !== '') metadata.reasoning = reasoningText
  const provider = asText(message.provider)
  if (provider !== null) metadata.provider = provider
  const cost = recordOf(usage.cost).total
  if (typeof cost === 'number') metadata.costUsd = cost
  const stopReason = asText(message.stopReason)
  return {
    ...base,
    role: 'assistant',
    content: texts.filter((text) => text !== '').join('\n\n'),
    model: asText(message.model) ?? model,
    toolInvocations: tools,
    state: (stopReason !== null ? STOP_STATES[stopReason] : undefined) ?? 'complete',
    error: asText(message.errorMessage),
    usage: tokenUsage({ inputTokens: usage.input, outputTokens: usage.output, cacheReadTokens: usage.cacheRead, cacheWrite5mTokens: usage.cacheWrite }),
    metadata: Object.keys(metadata).length > 0 ? metadata : null,
  }
}

/** A string, or the text blocks of a content array joined (images noted). */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content
  return asArray(content)
    .map(recordOf)
    .map((block) => (block.type === 'text' ? (asString(block.text) ?? '') : block.type === 'image' ? '[image]' : ''))
    .filter((text) => text !== '')
    .join('\n\n')
}
