import { basename, join } from 'node:path'
import { toEpochMs } from '../../shared/time'
import {
  type MessageInput,
  type Provider,
  type ProviderContext,
  type SessionHeader,
  type SessionPart,
  type ToolInvocationInput,
} from '../provider'
import { activeBranch } from '../read/branch'
import { realDirectories } from '../read/entries'
import { listDir } from '../read/files'
import { lineProblems } from '../read/line-problems'
import { objectLines } from '../read/object-lines'
import { workspaceAt } from '../read/naming'
import { sessionEnd } from '../read/session-end'
import { sumCounts, tokenUsage, withoutCached } from '../read/usage'
import { asArray, asRecord, asString, asText, recordOf, toolOutputText } from '../read/values'

/** Qwen Code's session file names: the session's UUID (its `SESSION_FILE_PATTERN`); `<id>.ledger.jsonl` sidecars do not match. */
const SESSION_FILE = /^[0-9a-fA-F-]{32,36}\.jsonl$/

/**
 * The runtime directories holding chats: `QWEN_RUNTIME_DIR` and `QWEN_HOME` (unless the home is
 * overridden), else `~/.qwen` on every OS.
 */
function runtimeDirs(ctx: ProviderContext): string[] {
  const dirs = [join(ctx.home, '.qwen')]
  if (!ctx.homeOverridden) {
    if (ctx.env.QWEN_HOME) dirs.unshift(ctx.env.QWEN_HOME)
    if (ctx.env.QWEN_RUNTIME_DIR) dirs.unshift(ctx.env.QWEN_RUNTIME_DIR)
  }
  return [...new Set(dirs)]
}

/** `projects/<sanitized cwd>/chats` (current) and `tmp/<sha256 of cwd>/chats` (before the projects folder), with their `archive/`. */
async function chatDirs(ctx: ProviderContext): Promise<string[]> {
  const dirs: string[] = []
  for (const root of runtimeDirs(ctx)) {
    for (const parent of ['projects', 'tmp']) {
      for (const entry of await listDir(join(root, parent))) {
        if (!entry.isDirectory()) continue
        const chats = join(root, parent, entry.name, 'chats')
        dirs.push(chats, join(chats, 'archive'))
      }
    }
  }
  return realDirectories(dirs)
}

/**
 * Qwen Code (QwenLM/qwen-code): one JSONL file per session, `<runtime>/projects/<cwd>/chats/<sessionId>.jsonl`.
 * Records are linked by `uuid`/`parentUuid`; a rewind re-roots the chain, so the path from the last
 * record is the conversation and records off it are kept as hidden. Shape: docs/providers.md.
 */
export const qwenCode: Provider = {
  id: 'qwen-code',
  name: 'Qwen Code',
  kind: 'harvest',
  locate: chatDirs,
  async *discover(ctx) {
    for (const dir of await chatDirs(ctx)) {
      for (const entry of await listDir(dir)) {
        if (entry.isFile() && SESSION_FILE.test(entry.name)) yield { key: join(dir, entry.name), path: join(dir, entry.name) }
      }
    }
  },
  read: (source) => readSession(source.path),
}

const RECORD_TYPES = new Set(['user', 'assistant', 'tool_result', 'system'])
/** Turn outcomes of a `turn_result` record → how the assistant's last message ended. */
const TURN_STATES: Record<string, MessageInput['state']> = { cancelled: 'cancelled', error: 'failed' }

async function* readSession(path: string): AsyncGenerator<SessionPart> {
  const branch = await activeBranch(path, 'uuid', 'parentUuid')
  const problems = lineProblems()
  let header: SessionHeader | null = null
  let title: string | null = null
  let firstPrompt: string | null = null
  let model: string | null = null
  // The latest assistant message is held back: a `turn_result` record may still say how its turn ended.
  const held: { reply: MessageInput | null } = { reply: null }
  const release = function* (): Generator<SessionPart> {
    if (held.reply) yield { kind: 'message', message: held.reply }
    held.reply = null
  }

  for await (const line of objectLines(problems, path)) {
    if ('kind' in line) {
      yield line
      continue
    }
    const { record } = line
    const type = asString(record?.type)
    if (!record || type === null || !RECORD_TYPES.has(type)) {
      const problem = problems.shape(line.line, type === null ? 'not a chat record' : `unknown record type ${JSON.stringify(type)}`)
      if (problem) yield problem
      continue
    }
    if (!header) {
      header = sessionHeader(record, path)
      yield { kind: 'session', session: header }
    }
    const id = asText(record.uuid)
    const timestamp = toEpochMs(record.timestamp)
    const hidden = branch !== null && id !== null && !branch.has(id)
    const parts = asArray(recordOf(record.message).parts).map(recordOf)
    if (type === 'user') {
      const content = partsText(parts)
      // Runtime prompts of a goal loop are written as user records the user never typed.
      const injected = record.subtype === 'goal_runtime'
      if (!hidden && !injected) firstPrompt ??= content
      yield* release()
      yield { kind: 'message', message: { id, role: 'user', content, timestamp, model: null, hidden: hidden || injected, metadata: subtypeOf(record) } }
    } else if (type === 'assistant') {
      yield* release()
      held.reply = assistantMessage(record, parts, { id, timestamp, hidden })
      model = held.reply.model ?? model
    } else if (type === 'tool_result') {
      const result = recordOf(record.toolCallResult)
      for (const part of parts) {
        const response = asRecord(part.functionResponse)
        const callId = asText(response?.id) ?? asText(result.callId)
        if (!response || callId === null) continue
        yield { kind: 'tool-result', callId, ...toolResult(recordOf(response.response), result) }
      }
    } else {
      const payload = recordOf(record.systemPayload)
      if (record.subtype === 'custom_title') title = asText(payload.customTitle) ?? title
      else if (record.subtype === 'chat_compression') {
        const summary = asText(payload.summary)
        if (summary !== null) {
          yield* release()
          yield { kind: 'message', message: { id, role: 'system', content: summary, timestamp, model: null, hidden, metadata: { compression: true } } }
        }
      } else if (record.subtype === 'turn_result' && held.reply) {
        const state = TURN_STATES[asString(payload.state) ?? '']
        if (state) held.reply = { ...held.reply, state, error: asText(recordOf(payload.error).message) ?? held.reply.error ?? null }
      }
    }
  }
  yield* release()
  if (header) yield* sessionEnd({ model, title, firstPrompt, incomplete: problems.incomplete })
  yield* problems.end()
}

function sessionHeader(record: Record<string, unknown>, path: string): SessionHeader {
  const cwd = asText(record.cwd)
  const metadata: Record<string, unknown> = {}
  for (const key of ['version', 'gitBranch'] as const) {
    const value = asText(record[key])
    if (value !== null) metadata[key] = value
  }
  if (path.includes(`${join('chats', 'archive')}`)) metadata.archived = true
  return {
    id: asText(record.sessionId) ?? basename(path, '.jsonl'),
    title: null,
    model: null,
    created: toEpochMs(record.timestamp),
    updated: null,
    workspace: cwd !== null ? workspaceAt(cwd) : null,
    metadata: Object.keys(metadata).length > 0 ? metadata : null,
  }
}

const subtypeOf = (record: Record<string, unknown>) => (asText(record.subtype) ? { subtype: record.subtype } : null)

/** The visible text of Gemini-style parts: text parts that are not thoughts; images and files noted. */
function partsText(parts: Record<string, unknown>[]): string {
  const texts: string[] = []
  for (const part of parts) {
    if (typeof part.text === 'string' && part.thought !== true) texts.push(part.text)
    else if (part.inlineData || part.fileData) texts.push('[attachment]')
  }
  return texts.filter((text) => text !== '').join('\n\n')
}

function assistantMessage(record: Record<string, unknown>, parts: Record<string, unknown>[], base: Pick<MessageInput, 'id' | 'timestamp' | 'hidden'>): MessageInput {
  const tools: ToolInvocationInput[] = []
  const reasoning: string[] = []
  for (const part of parts) {
    const call = asRecord(part.functionCall)
    if (call) tools.push({ id: asText(call.id), name: asText(call.name) ?? 'unknown', input: call.args ?? null, output: null, status: null })
    else if (part.thought === true && typeof part.text === 'string' && part.text !== '') reasoning.push(part.text)
  }
  const metadata: Record<string, unknown> = {}
  if (reasoning.length > 0) metadata.reasoning = reasoning.join('\n\n')
  return {
    ...base,
    role: 'assistant',
    content: partsText(parts),
    model: asText(record.model),
    toolInvocations: tools,
    usage: usageOf(recordOf(record.usageMetadata)),
    metadata: Object.keys(metadata).length > 0 ? metadata : null,
  }
}

/**
 * Gemini `usageMetadata` (prompt tokens include cached ones; thoughts are billed as output), or the
 * `{input, output, cached, thoughts}` summary older releases wrote.
 */
function usageOf(usage: Record<string, unknown>): MessageInput['usage'] {
  if ('promptTokenCount' in usage || 'candidatesTokenCount' in usage) {
    return tokenUsage({
      inputTokens: withoutCached(usage.promptTokenCount, usage.cachedContentTokenCount),
      outputTokens: sumCounts(usage.candidatesTokenCount, usage.thoughtsTokenCount),
      cacheReadTokens: usage.cachedContentTokenCount,
    })
  }
  return tokenUsage({
    inputTokens: withoutCached(usage.input, usage.cached),
    outputTokens: sumCounts(usage.output, usage.thoughts),
    cacheReadTokens: usage.cached,
  })
}

/** A function response (`{output}` or `{error}`) and the scheduler's status for it. */
function toolResult(response: Record<string, unknown>, result: Record<string, unknown>): { output: string | null; status: string | null } {
  const error = response.error ?? null
  const output = 'output' in response ? response.output : (error ?? (Object.keys(response).length > 0 ? response : null))
  const status = asText(result.status) ?? (error !== null ? 'error' : 'output' in response ? 'success' : null)
  return { output: toolOutputText(output), status }
}
