import { basename, join } from 'node:path'
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
  type WorkspaceRef,
} from '../provider'
import { openArea, readJsonDocument, readSmallText, stampOf } from '../read/files'
import { lineProblems } from '../read/line-problems'
import { promptTitle, workspaceAt } from '../read/naming'
import { noConversation, unknownShapes } from '../read/problems'
import { remainder, tokenCount, tokenUsage } from '../read/usage'
import { asArray, asRecord, asString, asText, parseJsonText, recordOf, toolOutputText } from '../read/values'

/** What `discover` learned about a session. */
type CopilotSource = { kind: 'events'; sessionId: string; workspaceFile: string | null } | { kind: 'legacy' }

/** Events of these types become system messages (notices the user saw). */
const NOTICE_EVENTS = new Set(['session.info', 'session.warning', 'session.error'])
/**
 * Event families of `events.jsonl` (the CLI's session-events schema): new types inside them appear
 * with every release and carry nothing chasm shows; an event outside them is reported as an unknown shape.
 */
const EVENT_FAMILIES = [
  'session.', 'system.', 'user.', 'assistant.', 'tool.', 'permission.', 'hook.', 'subagent.', 'skill.',
  'pending_messages.', 'user_input.', 'elicitation.', 'exit_plan_mode.', 'external_tool.', 'command.', 'mcp.', 'abort',
]

/** Copilot CLI's roots: `COPILOT_HOME` (unless the home is overridden) and `~/.copilot` on every OS. */
export function copilotRoots(ctx: ProviderContext): string[] {
  const roots = [join(ctx.home, '.copilot')]
  const configured = ctx.homeOverridden ? undefined : ctx.env.COPILOT_HOME
  if (configured) roots.unshift(configured)
  return [...new Set(roots)]
}

async function* discover(ctx: ProviderContext): AsyncGenerator<Source> {
  for (const root of copilotRoots(ctx)) {
    const state = await openArea(join(root, 'session-state'))
    for (const entry of state ? await state.list(state.root) : []) {
      if (entry.kind !== 'dir') continue
      const events = await state!.file(join(entry.path, 'events.jsonl'))
      if (!events) continue
      const workspace = await state!.file(join(entry.path, 'workspace.yaml'))
      // The title and cwd live in workspace.yaml, so its changes count as changes of the session.
      const fingerprint = `${stampOf(events)}:${workspace ? stampOf(workspace) : 'none'}`
      const data: CopilotSource = { kind: 'events', sessionId: entry.name, workspaceFile: workspace?.path ?? null }
      yield { key: events.path, path: events.path, fingerprint, data }
    }
    // Older releases wrote one JSON document per session here.
    const legacy = await openArea(join(root, 'history-session-state'))
    for (const entry of legacy ? await legacy.list(legacy.root) : []) {
      if (entry.kind !== 'file' || !entry.name.endsWith('.json')) continue
      yield { key: entry.path, path: entry.path, fingerprint: stampOf(entry), data: { kind: 'legacy' } satisfies CopilotSource }
    }
  }
}

function read(source: Source): AsyncGenerator<SessionPart> {
  const data = source.data as CopilotSource
  return data.kind === 'legacy' ? readLegacy(source.path) : readEvents(source.path, data)
}

/** `workspace.yaml`'s top-level fields (`cwd`, `summary`, `name`, …), or the reason it cannot be read. */
export function workspaceFields(text: string): { fields: Record<string, unknown>; problem: string | null } {
  try {
    const value: unknown = Bun.YAML.parse(text)
    if (value === null || value === undefined) return { fields: {}, problem: null }
    const fields = asRecord(value)
    return fields ? { fields, problem: null } : { fields: {}, problem: 'workspace.yaml is not a mapping' }
  } catch (error) {
    return { fields: {}, problem: `workspace.yaml: ${(error as Error).message}` }
  }
}

/**
 * One `events.jsonl` log: the main conversation, then one session per subagent (events carrying an
 * `agentId`), each read in its own pass so no more than one message is held at a time.
 */
async function* readEvents(path: string, data: Extract<CopilotSource, { kind: 'events' }>): AsyncGenerator<SessionPart> {
  const { fields: yaml, problem } = workspaceFields((data.workspaceFile ? await readSmallText(data.workspaceFile) : null) ?? '')
  if (problem) yield { kind: 'problem', message: problem }
  const cwd = asText(yaml.cwd)
  const workspace = cwd !== null ? workspaceAt(cwd) : null
  const agents = new Set<string>()
  yield* readEventPass(path, {
    id: data.sessionId,
    agentId: null,
    title: asText(yaml.name) ?? asText(yaml.summary),
    workspace,
    onAgent: (agentId) => agents.add(agentId),
  })
  for (const agentId of agents) {
    yield* readEventPass(path, { id: `${data.sessionId}:${agentId}`, agentId, title: null, workspace, parentSessionId: data.sessionId })
  }
}

interface EventPass {
  id: string
  /** The subagent this pass reads, or null for the main conversation. */
  agentId: string | null
  title: string | null
  workspace: WorkspaceRef | null
  parentSessionId?: string
  /** Sees the agent id of each subagent event (main pass only). */
  onAgent?(agentId: string): void
}

/**
 * One pass over `events.jsonl`. Assistant messages carry their `outputTokens`; the main pass turns each
 * `session.shutdown` (the end of one CLI run) into one hidden message per model with the rest of that
 * run's usage from `modelMetrics` (its `inputTokens` include cache reads and writes), so a session's
 * usage adds up to what the CLI reported, and a run still going counts its output tokens only.
 */
async function* readEventPass(path: string, pass: EventPass): AsyncGenerator<SessionPart> {
  const problems = lineProblems()
  const shapes = unknownShapes()
  const report = pass.agentId === null
  /** Output tokens already on messages (of every agent) since the run started, by model. */
  const runOutput = new Map<string, number>()
  let header: SessionHeader | null = null
  let model: string | null = null
  let lastModel: string | null = null
  let firstPrompt: string | null = null
  let workspace = pass.workspace
  let created: number | null = null
  let metadata: Record<string, unknown> | null = pass.parentSessionId ? { parentSessionId: pass.parentSessionId, agentId: pass.agentId } : null

  for await (const line of problems.read(path)) {
    if ('error' in line) {
      const problem = problems.add(line)
      if (problem && report) yield problem
      continue
    }
    const event = asRecord(line.value)
    const type = asString(event?.type)
    if (!event || type === null) {
      const problem = problems.shape(line.line, 'not an event record')
      if (problem && report) yield problem
      continue
    }
    if (!EVENT_FAMILIES.some((family) => type.startsWith(family))) shapes.note(`unknown event type ${JSON.stringify(type)}`, `line ${line.line}`)
    const agentId = asText(event.agentId)
    const payload = asRecord(event.data) ?? {}
    if (type === 'assistant.message') {
      const output = tokenCount(payload.outputTokens)
      const key = asText(payload.model) ?? model ?? ''
      if (output !== null) runOutput.set(key, (runOutput.get(key) ?? 0) + output)
    }
    if (agentId !== pass.agentId) {
      if (agentId !== null) pass.onAgent?.(agentId)
      if (type !== 'session.start' && type !== 'session.model_change') continue
    }
    const timestamp = toEpochMs(event.timestamp)
    if (type === 'session.start') {
      const cwd = asText(asRecord(payload.context)?.cwd)
      if (workspace === null && cwd !== null) workspace = workspaceAt(cwd)
      if (pass.agentId === null) {
        created ??= toEpochMs(payload.startTime) ?? timestamp
        metadata = compact({ copilotVersion: asText(payload.copilotVersion), producer: asText(payload.producer) })
      }
      continue
    }
    if (type === 'session.model_change') {
      model = asText(payload.newModel) ?? asText(payload.model) ?? model
      continue
    }
    if (type === 'session.shutdown') {
      if (pass.agentId === null) {
        for (const message of shutdownUsage(payload, runOutput, asString(event.id), timestamp)) {
          if (!header) yield* start()
          yield { kind: 'message', message }
        }
      }
      runOutput.clear()
      continue
    }
    let message: MessageInput | null = null
    const id = asString(event.id)
    if (type === 'user.message') {
      const content = asString(payload.content)
      if (content === null) {
        const problem = problems.shape(line.line, 'user.message without string content')
        if (problem) yield problem
        continue
      }
      firstPrompt ??= content
      message = { id, role: 'user', content, timestamp, model: null }
    } else if (type === 'assistant.message') {
      const toolInvocations = asArray(payload.toolRequests).flatMap((value) => {
        const request = asRecord(value)
        if (!request) return []
        return [{ id: asString(request.toolCallId), name: asString(request.name) ?? 'unknown', input: parseJsonText(request.arguments), output: null, status: null }]
      })
      const content = asString(payload.content) ?? ''
      if (content === '' && toolInvocations.length === 0 && tokenCount(payload.outputTokens) === null) continue
      message = {
        id: asString(payload.messageId) ?? id,
        role: 'assistant',
        content,
        timestamp,
        model: asText(payload.model) ?? model,
        toolInvocations,
        usage: tokenUsage({ outputTokens: tokenCount(payload.outputTokens) }),
        // A call that produced neither text nor tools spent tokens all the same.
        hidden: content === '' && toolInvocations.length === 0,
      }
      lastModel = message.model ?? lastModel
    } else if (type === 'tool.execution_complete') {
      const callId = asString(payload.toolCallId)
      if (callId === null) continue
      const result = asRecord(payload.result)
      const error = asRecord(payload.error)
      const output = result ? (result.content ?? result.detailedContent ?? null) : (asString(payload.error) ?? asString(error?.message))
      const status = payload.success === true ? 'success' : payload.success === false ? 'error' : null
      if (!header) yield* start()
      yield { kind: 'tool-result', callId, output: toolOutputText(output), status }
      continue
    } else if (NOTICE_EVENTS.has(type)) {
      const content = asText(payload.message)
      if (content !== null) message = { id, role: 'system', content, timestamp, model: null }
    }
    if (!message) continue
    if (!header) yield* start()
    yield { kind: 'message', message }
  }
  const session = header as SessionHeader | null
  if (session) {
    const patch: Partial<Omit<SessionHeader, 'id'>> = {}
    if ((lastModel ?? model) !== null) patch.model = lastModel ?? model
    if (workspace !== session.workspace) patch.workspace = workspace
    if (created !== session.created) patch.created = created
    if (metadata !== session.metadata) patch.metadata = metadata
    if (session.title === null && firstPrompt !== null) patch.title = promptTitle(firstPrompt)
    if (problems.incomplete) patch.incomplete = true
    if (Object.keys(patch).length > 0) yield { kind: 'update', patch }
  }
  if (report) yield* [...problems.end(), ...shapes.parts()]

  function* start(): Generator<SessionPart> {
    header = { id: pass.id, title: pass.title, model: null, created, updated: null, workspace, metadata }
    yield { kind: 'session', session: header }
  }
}

/** The usage of one CLI run not yet on its messages, as one hidden message per model of `modelMetrics`. */
function shutdownUsage(payload: Record<string, unknown>, runOutput: Map<string, number>, id: string | null, timestamp: number | null): MessageInput[] {
  return Object.entries(recordOf(payload.modelMetrics)).flatMap(([model, metrics]): MessageInput[] => {
    const counts = asRecord(recordOf(metrics).usage)
    if (!counts) return []
    const cacheRead = tokenCount(counts.cacheReadTokens)
    const cacheWrite = tokenCount(counts.cacheWriteTokens)
    const usage = tokenUsage({
      inputTokens: remainder(tokenCount(counts.inputTokens), (cacheRead ?? 0) + (cacheWrite ?? 0)),
      outputTokens: remainder(tokenCount(counts.outputTokens), runOutput.get(model) ?? 0),
      cacheReadTokens: cacheRead,
      cacheWrite5mTokens: cacheWrite,
    })
    if (!usage) return []
    const messageId = id === null ? null : `${id}:${model}`
    return [{ id: messageId, role: 'assistant', content: '', timestamp, model, hidden: true, usage, metadata: { tokenUsage: 'session.shutdown' } }]
  })
}

const compact = (fields: Record<string, unknown>): Record<string, unknown> | null => {
  const kept = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== null))
  return Object.keys(kept).length > 0 ? kept : null
}

/**
 * A legacy `history-session-state/*.json` session: `{sessionId, startTime, chatMessages: [OpenAI-style
 * messages], timeline: [entries the CLI showed]}`. Whichever of the two holds more of the
 * conversation is read (older files keep it in `chatMessages`, later ones in `timeline`).
 */
async function* readLegacy(path: string): AsyncGenerator<SessionPart> {
  const document = await readJsonDocument(path)
  const session = 'value' in document ? asRecord(document.value) : null
  if (!session) {
    yield { kind: 'problem', message: 'error' in document ? document.error : 'not a session object' }
    return
  }
  const chat = session.chatMessages
  const timeline = session.timeline
  const malformed: SessionPart[] = [
    ...(chat !== undefined && !Array.isArray(chat) ? [{ kind: 'problem' as const, message: 'chatMessages is not an array' }] : []),
    ...(timeline !== undefined && !Array.isArray(timeline) ? [{ kind: 'problem' as const, message: 'timeline is not an array' }] : []),
  ]
  yield* malformed
  const fromChat = Array.isArray(chat) ? chatParts(chat) : []
  const fromTimeline = Array.isArray(timeline) ? timelineParts(timeline) : []
  const spoken = (parts: SessionPart[]) => parts.filter((p) => p.kind === 'message' && (p.message.role === 'user' || p.message.role === 'assistant')).length
  const parts = spoken(fromTimeline) >= spoken(fromChat) && spoken(fromTimeline) > 0 ? fromTimeline : fromChat
  const messages = parts.flatMap((part) => (part.kind === 'message' ? [part.message] : []))
  if (messages.length === 0) {
    yield* parts
    const explained = malformed.length > 0 || parts.some((part) => part.kind === 'problem')
    if (!explained) yield noConversation(path, 'neither chatMessages nor timeline holds a message')
    return
  }
  const fileId = /^session_(.+?)(?:_\d+)?\.json$/.exec(basename(path))?.[1] ?? basename(path, '.json')
  const firstPrompt = messages.find((message) => message.role === 'user')?.content ?? null
  yield {
    kind: 'session',
    session: {
      id: asText(session.sessionId) ?? fileId,
      title: firstPrompt === null ? null : promptTitle(firstPrompt),
      model: null,
      created: toEpochMs(session.startTime),
      updated: null,
      workspace: null,
      metadata: { format: parts === fromTimeline ? 'timeline' : 'chatMessages' },
    },
  }
  yield* parts
}

/** `chatMessages`: OpenAI-style messages (`role`, `content`, `tool_calls`, `tool_call_id`). */
function chatParts(chat: unknown[]): SessionPart[] {
  const parts: SessionPart[] = []
  for (const [index, value] of chat.entries()) {
    const entry = asRecord(value)
    const role = asString(entry?.role)
    if (!entry || role === null) {
      parts.push({ kind: 'problem', message: `chatMessages[${index}] has no role` })
      continue
    }
    const content = legacyText(entry.content)
    if (role === 'tool') {
      const callId = asString(entry.tool_call_id)
      if (callId !== null) parts.push({ kind: 'tool-result', callId, output: toolOutputText(content), status: null })
      else parts.push({ kind: 'message', message: { id: null, role: 'tool', content, timestamp: null, model: null } })
    } else if (role === 'user') {
      parts.push({ kind: 'message', message: { id: null, role: 'user', content, timestamp: null, model: null } })
    } else if (role === 'assistant') {
      const toolInvocations = asArray(entry.tool_calls).flatMap((call) => {
        const fn = asRecord(asRecord(call)?.function)
        if (!fn) return []
        return [{ id: asString(asRecord(call)?.id), name: asString(fn.name) ?? 'unknown', input: parseJsonText(fn.arguments), output: null, status: null }]
      })
      if (content !== '' || toolInvocations.length > 0) {
        parts.push({ kind: 'message', message: { id: null, role: 'assistant', content, timestamp: null, model: null, toolInvocations } })
      }
    }
  }
  return parts
}

/**
 * `timeline`: what the CLI showed, in order: `user` (`text`, `expandedText` with mentions resolved),
 * `copilot` (a reply), `tool_call_requested` / `tool_call_completed` (`callId`, `name`, `toolTitle`,
 * `arguments`, `result {type: success|error, log}`), `info` (notices such as a cancellation).
 */
function timelineParts(timeline: unknown[]): SessionPart[] {
  const parts: SessionPart[] = []
  const shapes = unknownShapes()
  const requested = new Set<string>()
  let open: (MessageInput & { toolInvocations: ToolInvocationInput[] }) | null = null
  const flush = () => {
    if (open) parts.push({ kind: 'message', message: open })
    open = null
  }
  for (const [index, value] of timeline.entries()) {
    const entry = asRecord(value)
    const type = asString(entry?.type)
    if (!entry || type === null) {
      shapes.note('timeline entry without a type', `timeline[${index}]`)
      continue
    }
    const id = asText(entry.id)
    const timestamp = toEpochMs(entry.timestamp)
    const text = asString(entry.text) ?? ''
    if (type === 'user' || type === 'info') {
      flush()
      if (text !== '') parts.push({ kind: 'message', message: { id, role: type === 'user' ? 'user' : 'system', content: text, timestamp, model: null } })
    } else if (type === 'copilot') {
      flush()
      open = { id, role: 'assistant', content: text, timestamp, model: null, toolInvocations: [] }
    } else if (type === 'tool_call_requested' || type === 'tool_call_completed') {
      const callId = asText(entry.callId)
      if (type === 'tool_call_requested' || (callId !== null && !requested.has(callId))) {
        // A completed call that was never shown as requested still is one.
        if (callId !== null) requested.add(callId)
        open ??= { id: null, role: 'assistant', content: '', timestamp, model: null, toolInvocations: [] }
        open.toolInvocations.push({ id: callId, name: asText(entry.name) ?? asText(entry.toolTitle) ?? 'unknown', input: entry.arguments ?? null, output: null, status: null })
      }
      if (type === 'tool_call_completed' && callId !== null) {
        const result = recordOf(entry.result)
        const status = result.type === 'success' ? 'success' : result.type === 'error' || result.type === 'failure' ? 'error' : null
        parts.push({ kind: 'tool-result', callId, output: toolOutputText(asString(result.log) ?? (entry.result === undefined ? null : entry.result)), status })
      }
    } else shapes.note(`unknown timeline entry type ${JSON.stringify(type)}`, `timeline[${index}]`)
  }
  flush()
  return [...parts, ...shapes.parts()]
}

/** OpenAI-style message content: a string, or parts whose `text` is joined. */
function legacyText(content: unknown): string {
  if (typeof content === 'string') return content
  return asArray(content)
    .map((part) => asString(asRecord(part)?.text) ?? '')
    .filter((text) => text !== '')
    .join('\n')
}

/** GitHub Copilot CLI: `~/.copilot/session-state/<id>/events.jsonl` (+ `workspace.yaml`), and the older `history-session-state/`. */
export const copilotCli: Provider = {
  id: 'copilot-cli',
  name: 'GitHub Copilot CLI',
  kind: 'harvest',
  locate: (ctx) => existing(copilotRoots(ctx).flatMap((root) => [join(root, 'session-state'), join(root, 'history-session-state')])),
  discover,
  read,
}
