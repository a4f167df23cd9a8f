import { posix } from 'node:path'
import { toEpochMs } from '../../../shared/time'
import type { MessageInput, MessageState, SessionPart, ToolInvocationInput, WorkspaceRef } from '../../provider'
import { uriComponentsPath } from './workspace'
import {
  arrayOf,
  compact,
  isRecord,
  markdownText,
  numberOf,
  recordOf,
  stringOf,
  textOf,
  type JsonRecord,
} from './values'

/** Where a session object came from: what the object itself cannot say. */
export interface SessionOrigin {
  /** The id to use when the object has no `sessionId` (very old files: the file stem). */
  fallbackId: string | null
  workspace: WorkspaceRef | null
  incomplete: boolean
  /** Extra session metadata (format, editor, alternate file). */
  metadata: Record<string, unknown>
}

/** How long a title made from the first user message may be, in characters. */
const TITLE_LENGTH = 50

// `modelState.value` of a request (VS Code's ResponseModelState).
const RESPONSE_STATES = ['pending', 'complete', 'cancelled', 'failed', 'pending'] as const satisfies readonly MessageState[]
// `isConfirmed.type` values that mean the tool never ran (VS Code's ToolConfirmKind).
const TOOL_DENIED = 0
const TOOL_SKIPPED = 5

/** The first line of a user message, cut to `TITLE_LENGTH` characters (whole code points). */
export function titleFromMessage(text: string): string | null {
  const line = text.trim().split(/\r?\n/, 1)[0]?.trim() ?? ''
  if (line === '') return null
  const chars = Array.from(line)
  return chars.length <= TITLE_LENGTH ? line : `${chars.slice(0, TITLE_LENGTH - 1).join('').trimEnd()}…`
}

const parseMaybeJson = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** The display name of an `inlineReference` part: its label, a symbol's name, or the file's base name. */
function referenceName(part: JsonRecord): string {
  const reference = recordOf(part.inlineReference)
  const label = textOf(part.name) ?? textOf(reference?.name)
  if (label) return label
  const uri = recordOf(reference?.uri) ?? recordOf(recordOf(reference?.location)?.uri) ?? reference
  const path = stringOf(uri?.path)
  return path ? posix.basename(path) : ''
}

/** Tool-call arguments and results that Copilot keeps in `result.metadata` (shape not in VS Code's types). */
interface ToolCallData {
  args: Map<string, unknown>
  results: Map<string, string>
}

function toolCallData(request: JsonRecord): ToolCallData {
  const data: ToolCallData = { args: new Map(), results: new Map() }
  const metadata = recordOf(recordOf(request.result)?.metadata)
  for (const round of arrayOf(metadata?.toolCallRounds) ?? []) {
    for (const call of arrayOf(recordOf(round)?.toolCalls) ?? []) {
      const id = textOf(recordOf(call)?.id)
      const args = stringOf(recordOf(call)?.arguments)
      if (id && args !== undefined) data.args.set(id, parseMaybeJson(args))
    }
  }
  for (const [id, result] of Object.entries(recordOf(metadata?.toolCallResults) ?? {})) {
    const texts = (arrayOf(recordOf(result)?.content) ?? [])
      .map((item) => stringOf(recordOf(item)?.value))
      .filter((text) => text !== undefined)
    if (texts.length > 0) data.results.set(id, texts.join('\n'))
  }
  return data
}

function toolInput(specific: JsonRecord | undefined, io: JsonRecord | undefined): unknown {
  switch (specific?.kind) {
    case 'input':
      if (specific.rawInput !== undefined) return specific.rawInput
      break
    case 'terminal': {
      const line = recordOf(specific.commandLine)
      const command = textOf(line?.toolEdited) ?? textOf(line?.userEdited) ?? textOf(line?.original) ?? textOf(specific.command)
      if (command) return compact({ command, language: stringOf(specific.language) })
      break
    }
    case 'simpleToolInvocation':
      if (typeof specific.input === 'string') return parseMaybeJson(specific.input)
      break
    case 'subagent': {
      const { agentName, description, prompt } = specific
      const fields = compact({ agentName: stringOf(agentName), description: stringOf(description), prompt: stringOf(prompt) })
      if (fields) return fields
      break
    }
    case 'todoList':
      if (Array.isArray(specific.todoList)) return { todoList: specific.todoList }
      break
  }
  return typeof io?.input === 'string' ? parseMaybeJson(io.input) : undefined
}

function toolOutput(specific: JsonRecord | undefined, io: JsonRecord | undefined): string | undefined {
  switch (specific?.kind) {
    case 'terminal': {
      const text = stringOf(recordOf(specific.terminalCommandOutput)?.text)
      if (text !== undefined) return text
      break
    }
    case 'simpleToolInvocation':
      if (typeof specific.output === 'string') return specific.output
      break
    case 'subagent':
      if (typeof specific.result === 'string') return specific.result
      break
  }
  // `{ input, output: [{ type: 'embed', value, isText }], isError }`; non-text embeds are base64 data.
  const texts = (arrayOf(io?.output) ?? [])
    .map(recordOf)
    .filter((item) => item?.type === 'embed' && item.isText === true)
    .map((item) => stringOf(item?.value))
    .filter((text) => text !== undefined)
  return texts.length > 0 ? texts.join('\n') : undefined
}

function toolStatus(part: JsonRecord, specific: JsonRecord | undefined, io: JsonRecord | undefined): string {
  const confirmed = part.isConfirmed
  const confirmKind = numberOf(recordOf(confirmed)?.type)
  if (confirmed === false || confirmKind === TOOL_DENIED) return 'denied'
  if (confirmKind === TOOL_SKIPPED) return 'skipped'
  const exitCode = numberOf(recordOf(specific?.terminalCommandState)?.exitCode)
  if (io?.isError === true || (exitCode !== undefined && exitCode !== 0)) return 'error'
  return part.isComplete === false ? 'incomplete' : 'completed'
}

/**
 * A `toolInvocationSerialized` part as a tool invocation. Input comes from the tool-specific data,
 * the recorded result details or Copilot's tool-call rounds; output from the terminal output, the
 * result details or Copilot's tool results, else the "past tense" summary VS Code shows.
 */
function toolInvocation(part: JsonRecord, calls: ToolCallData): ToolInvocationInput {
  const id = textOf(part.toolCallId) ?? null
  const specific = recordOf(part.toolSpecificData)
  const details = recordOf(part.resultDetails)
  const io = details && ('input' in details || Array.isArray(details.output)) ? details : undefined
  const input = toolInput(specific, io) ?? (id === null ? undefined : calls.args.get(id))
  const output =
    toolOutput(specific, io) ??
    (id === null ? undefined : calls.results.get(id)) ??
    markdownText(part.pastTenseMessage) ??
    markdownText(part.invocationMessage)
  const name = textOf(part.toolId) ?? 'unknown'
  return { id, name, input: input ?? null, output: output ?? null, status: toolStatus(part, specific, io) }
}

interface Response {
  content: string
  tools: ToolInvocationInput[]
  thinking: string[]
  editedFiles: string[]
}

const isFileEdit = (kind: string | undefined) => kind === 'textEditGroup' || kind === 'notebookEditGroup'

/**
 * Folds a request's response parts into one assistant text: markdown parts (stored without a
 * `kind`) and inline references in order; text on either side of a tool call becomes separate
 * paragraphs. Tool calls, thinking and edited files are collected beside it; unknown parts are skipped.
 */
function responseOf(request: JsonRecord, calls: ToolCallData): Response | null {
  const response: Response = { content: '', tools: [], thinking: [], editedFiles: [] }
  if (typeof request.response === 'string') return { ...response, content: request.response }
  const parts = arrayOf(request.response)
  if (!parts) return null
  const paragraphs: string[] = []
  let current = ''
  const flush = () => {
    if (current.trim() !== '') paragraphs.push(current.trimEnd())
    current = ''
  }
  for (const part of parts) {
    if (!isRecord(part)) continue
    const kind = stringOf(part.kind)
    if (kind === undefined) current += stringOf(part.value) ?? ''
    else if (kind === 'markdownContent' || kind === 'markdownVuln') current += markdownText(part.content) ?? ''
    else if (kind === 'inlineReference') current += referenceName(part)
    else if (kind === 'toolInvocationSerialized') {
      flush()
      response.tools.push(toolInvocation(part, calls))
    } else if (kind === 'thinking') {
      const value = Array.isArray(part.value) ? part.value.filter((v) => typeof v === 'string').join('') : stringOf(part.value)
      if (value) response.thinking.push(value)
    } else if (isFileEdit(kind)) {
      const uri = recordOf(part.uri)
      const path = uri && uriComponentsPath(uri)
      if (path) response.editedFiles.push(path)
    }
  }
  flush()
  response.content = paragraphs.join('\n\n')
  for (const event of arrayOf(request.editedFileEvents) ?? []) {
    const uri = recordOf(recordOf(event)?.uri)
    const path = uri && uriComponentsPath(uri)
    if (path) response.editedFiles.push(path)
  }
  response.editedFiles = [...new Set(response.editedFiles)]
  return response
}

// VS Code's ResponseModelState: Pending, Complete, Cancelled, Failed, NeedsInput (waiting on the user: still pending).
function responseState(request: JsonRecord): MessageState {
  const value = numberOf(recordOf(request.modelState)?.value)
  const state = value === undefined ? undefined : RESPONSE_STATES[value]
  if (state) return state
  return request.isCanceled === true ? 'cancelled' : 'complete'
}

/** The user message and (when there is an answer) the assistant message of one request. */
function requestMessages(request: JsonRecord): MessageInput[] {
  const requestId = textOf(request.requestId) ?? null
  const sent = toEpochMs(request.timestamp)
  const model = textOf(request.modelId) ?? null
  const text = isRecord(request.message) ? stringOf(request.message.text) : stringOf(request.message)
  const messages: MessageInput[] = [{ id: requestId, role: 'user', content: text ?? '', timestamp: sent, model: null }]
  const calls = toolCallData(request)
  const response = responseOf(request, calls)
  const error = textOf(recordOf(recordOf(request.result)?.errorDetails)?.message)
  if (!response && !error) return messages
  const { content = '', tools = [], thinking = [], editedFiles = [] } = response ?? {}
  if (content === '' && tools.length === 0 && !error) return messages
  const elapsed = numberOf(recordOf(recordOf(request.result)?.timings)?.totalElapsed)
  const answered = toEpochMs(recordOf(request.modelState)?.completedAt) ?? (sent !== null && elapsed !== undefined ? sent + elapsed : sent)
  messages.push({
    id: textOf(request.responseId) ?? (requestId === null ? null : `${requestId}:response`),
    role: 'assistant',
    content,
    timestamp: answered,
    model,
    toolInvocations: tools,
    state: error && responseState(request) === 'complete' ? 'failed' : responseState(request),
    error: error ?? null,
    metadata: compact({
      thinking: thinking.length > 0 ? thinking.join('\n\n') : undefined,
      editedFiles: editedFiles.length > 0 ? editedFiles : undefined,
    }),
  })
  return messages
}

/**
 * The parts of one VS Code chat session object (flat `.json`, a replayed `.jsonl`, or a legacy
 * `interactive.sessions` entry, versions 1–3). Sessions without requests (a chat panel opened and
 * nothing sent) yield nothing. Wrong types are reported as problems and never thrown.
 */
export function sessionParts(data: unknown, origin: SessionOrigin): SessionPart[] {
  if (!isRecord(data)) return [{ kind: 'problem', message: 'session is not a JSON object' }]
  const id = textOf(data.sessionId) ?? origin.fallbackId
  if (!id) return [{ kind: 'problem', message: 'session has no sessionId' }]
  const problems: SessionPart[] = []
  const list = data.requests === undefined ? [] : arrayOf(data.requests)
  if (!list) problems.push({ kind: 'problem', message: `session ${id}: requests is not an array` })
  const requests: JsonRecord[] = []
  for (const [index, request] of (list ?? []).entries()) {
    if (isRecord(request)) requests.push(request)
    else problems.push({ kind: 'problem', message: `session ${id}: request ${index} is not an object` })
  }
  if (requests.length === 0) return problems
  const messages = requests.flatMap(requestMessages)
  const times = messages.map((m) => m.timestamp).filter((t) => t !== null)
  const firstText = messages.find((m) => m.role === 'user' && m.content.trim() !== '')?.content
  const model = messages.findLast((m) => m.model !== null)?.model ?? null
  const header: SessionPart = {
    kind: 'session',
    session: {
      id,
      title: textOf(data.customTitle)?.trim() ?? textOf(data.computedTitle)?.trim() ?? (firstText ? titleFromMessage(firstText) : null),
      model,
      created: toEpochMs(data.creationDate),
      updated: toEpochMs(data.lastMessageDate) ?? times.reduce<number | null>((last, t) => (last === null || t > last ? t : last), null),
      workspace: origin.workspace,
      incomplete: origin.incomplete,
      metadata: compact({ ...origin.metadata, location: stringOf(data.initialLocation) }),
    },
  }
  return [header, ...messages.map((message): SessionPart => ({ kind: 'message', message })), ...problems]
}
