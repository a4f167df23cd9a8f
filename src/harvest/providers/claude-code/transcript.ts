import { toEpochMs } from '../../../shared/time'
import type { MessageInput, MessageUsage, SessionHeader, SessionPart, ToolInvocationInput, WorkspaceRef } from '../../provider'
import { lineProblems } from '../../read/line-problems'
import { promptTitle, workspaceAt } from '../../read/naming'
import { unknownShapes } from '../../read/problems'
import { tokenCount, tokenUsage } from '../../read/usage'
import { asArray, asRecord, asString, asText, toolOutputText } from '../../read/values'

/** One parsed line of a Claude Code transcript. */
export type ClaudeRecord = Record<string, unknown>

/** How one pass over a transcript file picks out one session (a file can hold a main session and sidechains). */
export interface TranscriptPass {
  id: string
  /** Whether a conversational record (`user`/`assistant`/`system`) belongs to this session. */
  accepts(record: ClaudeRecord): boolean
  /** Sees each conversational record this pass does not accept. */
  skipped?(record: ClaudeRecord): void
  /** Whether `custom-title`/`ai-title`/`summary` records name this session (true for a file's main session). */
  titleRecords: boolean
  /** A title known before reading, e.g. a subagent's description. */
  title: string | null
  metadata(first: ClaudeRecord): Record<string, unknown> | null
  /** The workspace when no record carries a `cwd`. */
  fallbackWorkspace: WorkspaceRef | null
  /** Only one pass over a file reports its unparseable lines and unknown record types. */
  reportLineProblems: boolean
  /** Counts every record type the pass sees (to tell an empty transcript from an unrecognised one). */
  types?: Map<string, number>
}

const CONVERSATIONAL = new Set(['user', 'assistant', 'system'])

/**
 * Record types Claude Code writes that carry no message of their own (titles, file snapshots, the
 * command queue, hook progress, …). Any other type is reported once per file as an unknown shape.
 */
export const NON_MESSAGE_TYPES = new Set([
  'summary', 'custom-title', 'ai-title', 'agent-name', 'tag', 'file-history-snapshot', 'queue-operation',
  'progress', 'attachment', 'last-prompt', 'pr-link', 'permission-mode', 'mode',
])

/** Title sources, weakest first (docs/providers.md: custom-title → ai-title → summary → first prompt). */
const TITLE_RANK = { none: -1, prompt: 0, description: 1, summary: 2, ai: 3, custom: 4 } as const
type TitleRank = (typeof TITLE_RANK)[keyof typeof TITLE_RANK]

interface OpenMessage {
  key: string
  message: MessageInput & { toolInvocations: ToolInvocationInput[] }
}

/**
 * `message.usage` of an assistant line. Cache writes are split by `cache_creation` into 5-minute
 * and 1-hour writes where recorded; a remainder (or an unsplit total) counts as 5-minute writes.
 */
export function claudeUsage(value: unknown): MessageUsage | null {
  const usage = asRecord(value)
  if (!usage) return null
  const total = tokenCount(usage.cache_creation_input_tokens)
  const split = asRecord(usage.cache_creation)
  const fiveMinutes = tokenCount(split?.ephemeral_5m_input_tokens)
  const oneHour = tokenCount(split?.ephemeral_1h_input_tokens)
  const splitKnown = fiveMinutes !== null || oneHour !== null
  const remainder = total === null ? 0 : Math.max(0, total - (fiveMinutes ?? 0) - (oneHour ?? 0))
  return tokenUsage({
    inputTokens: tokenCount(usage.input_tokens),
    outputTokens: tokenCount(usage.output_tokens),
    cacheReadTokens: tokenCount(usage.cache_read_input_tokens),
    cacheWrite5mTokens: splitKnown ? (fiveMinutes ?? 0) + remainder : total,
    cacheWrite1hTokens: splitKnown ? oneHour : null,
  })
}

/** Field-wise maximum: the lines of one split message repeat its usage, the later ones sometimes more complete. */
function maxUsage(a: MessageUsage | null, b: MessageUsage | null): MessageUsage | null {
  if (a === null || b === null) return a ?? b
  const max = (x: number | null, y: number | null) => (x === null ? y : y === null ? x : Math.max(x, y))
  return {
    inputTokens: max(a.inputTokens, b.inputTokens),
    outputTokens: max(a.outputTokens, b.outputTokens),
    cacheReadTokens: max(a.cacheReadTokens, b.cacheReadTokens),
    cacheWrite5mTokens: max(a.cacheWrite5mTokens, b.cacheWrite5mTokens),
    cacheWrite1hTokens: max(a.cacheWrite1hTokens, b.cacheWrite1hTokens),
  }
}

/**
 * Streams one session out of a Claude Code JSONL transcript. Assistant lines that share a
 * `message.id` (one API message split per content block) are merged and their usage counted once;
 * that message is the only thing held while reading. `tool_result` blocks become `tool-result` parts
 * for the engine to pair.
 */
export async function* readTranscript(path: string, pass: TranscriptPass): AsyncGenerator<SessionPart> {
  const problems = lineProblems()
  const shapes = unknownShapes()
  const models = new Map<string, number>()
  const summaries = new Map<string, string>()
  const seen = new Set<string>()
  /** API message ids whose usage is already on a message: a split message is counted once even when its lines are apart. */
  const counted = new Set<string>()
  let title: { text: string | null; rank: TitleRank } = pass.title
    ? { text: pass.title, rank: TITLE_RANK.description }
    : { text: null, rank: TITLE_RANK.none }
  let header: SessionHeader | null = null
  let cwd: string | null = null
  let open: OpenMessage | null = null

  const offerTitle = (text: string | null, rank: TitleRank) => {
    if (text !== null && text.trim() !== '' && rank >= title.rank) title = { text, rank }
  }
  const flush = (): SessionPart[] => {
    if (!open) return []
    const { key, message } = open
    open = null
    if (message.usage) {
      if (counted.has(key)) message.usage = null
      else counted.add(key)
    }
    const empty = message.content === '' && message.toolInvocations.length === 0
    if (empty && !message.usage) return []
    if (message.model) models.set(message.model, (models.get(message.model) ?? 0) + 1)
    // A reply of thinking only shows nothing, but its tokens were spent: kept out of the transcript, counted in usage.
    if (empty) message.hidden = true
    return [{ kind: 'message', message }]
  }
  const start = (record: ClaudeRecord): SessionPart[] => {
    if (header) return []
    header = {
      id: pass.id,
      title: title.text,
      model: null,
      created: null,
      updated: null,
      workspace: cwd ? workspaceAt(cwd) : pass.fallbackWorkspace,
      metadata: pass.metadata(record),
    }
    return [{ kind: 'session', session: header }]
  }

  for await (const line of problems.read(path)) {
    if ('error' in line) {
      const problem = problems.add(line)
      if (problem && pass.reportLineProblems) yield problem
      continue
    }
    const record = asRecord(line.value)
    const type = asString(record?.type)
    if (!record || type === null) {
      const problem = problems.shape(line.line, 'not a transcript record')
      if (problem && pass.reportLineProblems) yield problem
      continue
    }
    pass.types?.set(type, (pass.types.get(type) ?? 0) + 1)
    if (!CONVERSATIONAL.has(type) && !NON_MESSAGE_TYPES.has(type)) shapes.note(`unknown record type ${JSON.stringify(type)}`, `line ${line.line}`)
    if (pass.titleRecords) {
      if (type === 'custom-title') offerTitle(asString(record.customTitle), TITLE_RANK.custom)
      else if (type === 'ai-title') offerTitle(asString(record.aiTitle), TITLE_RANK.ai)
      else if (type === 'summary') {
        const leaf = asString(record.leafUuid)
        const text = asString(record.summary)
        // A summary may name a branch of another session: it counts only once its leaf is in this file.
        if (leaf !== null && text !== null) {
          if (seen.has(leaf)) offerTitle(text, TITLE_RANK.summary)
          else summaries.set(leaf, text)
        }
      }
    }
    if (!CONVERSATIONAL.has(type)) continue
    const uuid = asString(record.uuid)
    if (pass.titleRecords && uuid !== null) {
      seen.add(uuid)
      const summary = summaries.get(uuid)
      if (summary !== undefined) offerTitle(summary, TITLE_RANK.summary)
    }
    cwd ??= asText(record.cwd)
    if (!pass.accepts(record)) {
      pass.skipped?.(record)
      continue
    }
    const message = asRecord(record.message)
    if (type === 'system') {
      const content = asText(record.content)
      if (content === null) continue
      yield* start(record)
      yield* flush()
      yield { kind: 'message', message: { id: uuid, role: 'system', content, timestamp: toEpochMs(record.timestamp), model: null } }
    } else if (!message) {
      const problem = problems.shape(line.line, `${type} record without a message object`)
      if (problem) yield problem
    } else if (type === 'assistant') {
      yield* start(record)
      const key = asString(message.id) ?? uuid ?? `line-${line.line}`
      if (open && open.key !== key) yield* flush()
      open ??= {
        key,
        message: {
          id: asString(message.id) ?? uuid,
          role: 'assistant',
          content: '',
          timestamp: toEpochMs(record.timestamp),
          model: null,
          toolInvocations: [],
          usage: null,
        },
      }
      const model = asText(message.model)
      // Claude Code's own notices (model `<synthetic>`) are no model call: their zero usage is not usage.
      if (model !== '<synthetic>') open.message.usage = maxUsage(open.message.usage ?? null, claudeUsage(message.usage))
      if (model !== null && model !== '<synthetic>') open.message.model = model
      if (!mergeAssistantContent(open.message, message.content)) {
        const problem = problems.shape(line.line, 'assistant content is neither text nor blocks')
        if (problem) yield problem
      }
    } else {
      const user = userContent(message.content)
      if (!user) {
        const problem = problems.shape(line.line, 'user content is neither text nor blocks')
        if (problem) yield problem
        continue
      }
      if (user.text === '' && user.results.length === 0) continue
      yield* start(record)
      yield* user.results
      if (user.text === '') continue
      yield* flush()
      const injected = record.isMeta === true || record.isCompactSummary === true
      if (!injected && !user.text.trimStart().startsWith('<')) offerTitle(promptTitle(user.text), firstPromptRank(title.rank))
      yield {
        kind: 'message',
        message: {
          id: uuid,
          role: injected ? 'system' : 'user',
          content: user.text,
          timestamp: toEpochMs(record.timestamp),
          model: null,
        },
      }
    }
  }
  yield* flush()
  const session = header as SessionHeader | null
  if (session) {
    const patch: Partial<Omit<SessionHeader, 'id'>> = {}
    if (title.text !== session.title) patch.title = title.text
    const model = mostFrequent(models)
    if (model !== session.model) patch.model = model
    if (problems.incomplete) patch.incomplete = true
    if (Object.keys(patch).length > 0) yield { kind: 'update', patch }
  }
  if (pass.reportLineProblems) yield* [...problems.end(), ...shapes.parts()]
}

/** Only the first prompt may title a session: later prompts rank below "none". */
const firstPromptRank = (current: TitleRank): TitleRank => (current === TITLE_RANK.none ? TITLE_RANK.prompt : TITLE_RANK.none)

/** Appends an assistant line's text and `tool_use` blocks to the open message; false when the content has the wrong type. */
function mergeAssistantContent(target: OpenMessage['message'], content: unknown): boolean {
  const append = (text: string) => {
    if (text === '') return
    target.content = target.content === '' ? text : `${target.content}\n\n${text}`
  }
  if (typeof content === 'string') {
    append(content)
    return true
  }
  if (!Array.isArray(content)) return false
  for (const value of content) {
    const block = asRecord(value)
    if (block?.type === 'text') append(asString(block.text) ?? '')
    else if (block?.type === 'tool_use') {
      target.toolInvocations.push({
        id: asString(block.id),
        name: asString(block.name) ?? 'unknown',
        input: block.input ?? null,
        output: null,
        status: null,
      })
    }
  }
  return true
}

/** The typed text of a user line and the tool results it carries; null when the content has the wrong type. */
function userContent(content: unknown): { text: string; results: SessionPart[] } | null {
  if (typeof content === 'string') return { text: content, results: [] }
  if (!Array.isArray(content)) return null
  const texts: string[] = []
  const results: SessionPart[] = []
  for (const value of content) {
    const block = asRecord(value)
    if (block?.type === 'text') {
      const text = asString(block.text)
      if (text) texts.push(text)
    } else if (block?.type === 'image') texts.push('[image]')
    else if (block?.type === 'tool_result') {
      const callId = asString(block.tool_use_id)
      if (callId === null) continue
      results.push({
        kind: 'tool-result',
        callId,
        output: toolOutputText(resultText(block.content)),
        status: block.is_error === true ? 'error' : 'success',
      })
    }
  }
  return { text: texts.join('\n\n'), results }
}

/** A `tool_result` block's content: a string, or text blocks joined (images noted). */
function resultText(content: unknown): string | null {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return content === undefined || content === null ? null : JSON.stringify(content)
  const parts = asArray(content).map((value) => {
    const block = asRecord(value)
    if (block?.type === 'text') return asString(block.text) ?? ''
    if (block?.type === 'image') return '[image]'
    return ''
  })
  return parts.filter((part) => part !== '').join('\n')
}

/** The value seen most often (the first of equals), or null. */
function mostFrequent(counts: Map<string, number>): string | null {
  let best: string | null = null
  let bestCount = 0
  for (const [value, count] of counts) {
    if (count > bestCount) {
      best = value
      bestCount = count
    }
  }
  return best
}
