import { basename, join } from 'node:path'
import { toEpochMs } from '../../shared/time'
import {
  existing,
  type MessageInput,
  type Provider,
  type ProviderContext,
  type SessionHeader,
  type SessionPart,
  type Source,
  type WorkspaceRef,
} from '../provider'
import { listDir, readJsonDocument, readSmallText, statStamp } from '../read/files'
import { lineProblems } from '../read/line-problems'
import { promptTitle, workspaceAt } from '../read/naming'
import { asArray, asRecord, asString, asText, parseJsonText, toolOutputText } from '../read/values'

/** What `discover` learned about a session. */
type CopilotSource = { kind: 'events'; sessionId: string; workspaceFile: string } | { kind: 'legacy' }

/** Events of these types become system messages (notices the user saw). */
const NOTICE_EVENTS = new Set(['session.info', 'session.warning', 'session.error'])

/** Copilot CLI's roots: `COPILOT_HOME` (unless the home is overridden) and `~/.copilot` on every OS. */
export function copilotRoots(ctx: ProviderContext): string[] {
  const roots = [join(ctx.home, '.copilot')]
  const configured = ctx.homeOverridden ? undefined : ctx.env.COPILOT_HOME
  if (configured) roots.unshift(configured)
  return [...new Set(roots)]
}

async function* discover(ctx: ProviderContext): AsyncGenerator<Source> {
  for (const root of copilotRoots(ctx)) {
    const state = join(root, 'session-state')
    for (const entry of await listDir(state)) {
      if (!entry.isDirectory()) continue
      const path = join(state, entry.name, 'events.jsonl')
      const workspaceFile = join(state, entry.name, 'workspace.yaml')
      const events = await statStamp(path)
      if (events === null) continue
      // The title and cwd live in workspace.yaml, so its changes count as changes of the session.
      const fingerprint = `${events}:${(await statStamp(workspaceFile)) ?? 'none'}`
      yield { key: path, path, fingerprint, data: { kind: 'events', sessionId: entry.name, workspaceFile } satisfies CopilotSource }
    }
    // Older releases wrote one JSON document per session here (docs/providers.md, Copilot CLI).
    const legacy = join(root, 'history-session-state')
    for (const entry of await listDir(legacy)) {
      if (!entry.isFile() || !entry.name.endsWith('.json')) continue
      const path = join(legacy, entry.name)
      yield { key: path, path, data: { kind: 'legacy' } satisfies CopilotSource }
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
  const { fields: yaml, problem } = workspaceFields((await readSmallText(data.workspaceFile)) ?? '')
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

async function* readEventPass(path: string, pass: EventPass): AsyncGenerator<SessionPart> {
  const problems = lineProblems()
  const report = pass.agentId === null
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
    const agentId = asText(event.agentId)
    if (agentId !== pass.agentId) {
      if (agentId !== null) pass.onAgent?.(agentId)
      if (type !== 'session.start' && type !== 'session.model_change') continue
    }
    const payload = asRecord(event.data) ?? {}
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
      if (content === '' && toolInvocations.length === 0) continue
      message = {
        id: asString(payload.messageId) ?? id,
        role: 'assistant',
        content,
        timestamp,
        model: asText(payload.model) ?? model,
        toolInvocations,
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
  if (report) yield* problems.end()

  function* start(): Generator<SessionPart> {
    header = { id: pass.id, title: pass.title, model: null, created, updated: null, workspace, metadata }
    yield { kind: 'session', session: header }
  }
}

const compact = (fields: Record<string, unknown>): Record<string, unknown> | null => {
  const kept = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== null))
  return Object.keys(kept).length > 0 ? kept : null
}

/** A legacy `history-session-state/*.json` session: `{sessionId, startTime, chatMessages: [OpenAI-style messages]}`. */
async function* readLegacy(path: string): AsyncGenerator<SessionPart> {
  const document = await readJsonDocument(path)
  const session = 'value' in document ? asRecord(document.value) : null
  if (!session) {
    yield { kind: 'problem', message: 'error' in document ? document.error : 'not a session object' }
    return
  }
  const chat = session.chatMessages
  if (!Array.isArray(chat)) {
    yield { kind: 'problem', message: 'chatMessages is not an array' }
    return
  }
  const fileId = /^session_(.+?)(?:_\d+)?\.json$/.exec(basename(path))?.[1] ?? basename(path, '.json')
  const id = asText(session.sessionId) ?? fileId
  let firstPrompt: string | null = null
  yield {
    kind: 'session',
    session: { id, title: null, model: null, created: toEpochMs(session.startTime), updated: null, workspace: null },
  }
  for (const [index, value] of chat.entries()) {
    const entry = asRecord(value)
    const role = asString(entry?.role)
    if (!entry || role === null) {
      yield { kind: 'problem', message: `chatMessages[${index}] has no role` }
      continue
    }
    const content = legacyText(entry.content)
    if (role === 'tool') {
      const callId = asString(entry.tool_call_id)
      if (callId !== null) yield { kind: 'tool-result', callId, output: toolOutputText(content), status: null }
      else yield { kind: 'message', message: { id: null, role: 'tool', content, timestamp: null, model: null } }
    } else if (role === 'user') {
      firstPrompt ??= content
      yield { kind: 'message', message: { id: null, role: 'user', content, timestamp: null, model: null } }
    } else if (role === 'assistant') {
      const toolInvocations = asArray(entry.tool_calls).flatMap((call) => {
        const fn = asRecord(asRecord(call)?.function)
        if (!fn) return []
        return [{ id: asString(asRecord(call)?.id), name: asString(fn.name) ?? 'unknown', input: parseJsonText(fn.arguments), output: null, status: null }]
      })
      if (content !== '' || toolInvocations.length > 0) {
        yield { kind: 'message', message: { id: null, role: 'assistant', content, timestamp: null, model: null, toolInvocations } }
      }
    }
  }
  if (firstPrompt !== null) yield { kind: 'update', patch: { title: promptTitle(firstPrompt) } }
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
