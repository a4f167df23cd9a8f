import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { toEpochMs } from '../../shared/time'
import {
  configRoots,
  existing,
  type MessageInput,
  type MessageUsage,
  type Provider,
  type ProviderContext,
  type SessionPart,
  type Source,
  type ToolInvocationInput,
} from '../provider'
import { openArea, readJsonDocument, type AreaEntry } from '../read/files'
import { promptTitle, workspaceAt } from '../read/naming'
import { noConversation } from '../read/problems'
import { addUsage, tokenCount, tokenUsage, withoutCached } from '../read/usage'
import { asArray, asRecord, asString, asText, parseJsonText, recordOf, toolOutputText } from '../read/values'

/** VS Code-family products whose user dirs may host these extensions (docs/providers.md). */
const PRODUCTS = [
  'Code', 'Code - Insiders', 'Code - OSS', 'VSCodium', 'VSCodium - Insiders', 'Cursor', 'Windsurf',
  'Windsurf - Next', 'Trae', 'Kiro', 'Void', 'Positron',
]

/** User dirs outside the config root: remote servers, Flatpak and Snap installs (relative to the home). */
const HOME_USER_DIRS = [
  ['.vscode-server', 'data', 'User'],
  ['.vscode-server-insiders', 'data', 'User'],
  ['.cursor-server', 'data', 'User'],
  ['.windsurf-server', 'data', 'User'],
  ['.var', 'app', 'com.visualstudio.code', 'config', 'Code', 'User'],
  ['.var', 'app', 'com.vscodium.codium', 'config', 'VSCodium', 'User'],
  ['snap', 'code', 'current', '.config', 'Code', 'User'],
]

/** The extensions sharing Cline's task format, by their globalStorage folder. */
const EXTENSIONS: Record<string, string> = {
  'saoudrizwan.claude-dev': 'cline',
  'rooveterinaryinc.roo-cline': 'roo-code',
  'kilocode.kilo-code': 'kilo-code',
}

const API_HISTORY = 'api_conversation_history.json'
const UI_MESSAGES = 'ui_messages.json'
const TASK_METADATA = 'task_metadata.json'

/** What the task index (`state/taskHistory.json`) says about one task. */
interface IndexedTask {
  cwd: string | null
  task: string | null
  ts: number | null
}

interface TaskSource {
  dir: string
  taskId: string
  extension: string
  indexed: IndexedTask | null
  /** The task's files that exist as regular files inside the extension's folder, by name. */
  files: string[]
}

/**
 * Tools of the XML-tag protocol (`<read_file><path>…</path></read_file>` in the assistant's text) of
 * Cline, Roo Code and Kilo Code (their `toolUseNames`); the result comes back as user text blocks
 * headed `[<tool> for '<what>'] Result:`.
 */
const XML_TOOLS = [
  'execute_command', 'read_file', 'write_to_file', 'replace_in_file', 'apply_diff', 'insert_content', 'search_and_replace',
  'search_files', 'list_files', 'list_code_definition_names', 'codebase_search', 'browser_action', 'use_mcp_tool',
  'access_mcp_resource', 'ask_followup_question', 'attempt_completion', 'plan_mode_respond', 'act_mode_respond',
  'new_task', 'switch_mode', 'fetch_instructions', 'load_mcp_documentation', 'web_fetch', 'condense',
  'summarize_task', 'report_bug', 'new_rule', 'update_todo_list', 'focus_chain', 'run_slash_command', 'generate_image',
]
/** The tools Cline speaks through, and the parameter holding what it says. */
const SPEAKING_TOOLS: Record<string, string> = {
  attempt_completion: 'result',
  ask_followup_question: 'question',
  plan_mode_respond: 'response',
  act_mode_respond: 'response',
}
const XML_TOOL = new RegExp(`<(${XML_TOOLS.join('|')})>([\\s\\S]*?)(?:</\\1>|$)`, 'g')
const XML_PARAM = /<([a-z_]+)>([\s\S]*?)<\/\1>/g
const RESULT_HEADER = /^\[([a-z_]+)(?: for '([\s\S]*?)')?\] Result:/
/** Providers whose `tokensIn` counts cache reads too (Cline's OpenAI-style handlers); the others report uncached input. */
const PROMPT_TOTAL_PROVIDERS = new Set(['openai-native', 'deepseek', 'requesty'])

/** Every `<user dir>/globalStorage/<extension>` folder that could hold tasks. */
function extensionDirs(ctx: ProviderContext): { dir: string; extension: string }[] {
  const userDirs = [
    ...configRoots(ctx).flatMap((root) => PRODUCTS.map((product) => join(root, product, 'User'))),
    ...HOME_USER_DIRS.map((parts) => join(ctx.home, ...parts)),
  ]
  return userDirs.flatMap((user) =>
    Object.entries(EXTENSIONS).map(([folder, extension]) => ({ dir: join(user, 'globalStorage', folder), extension })),
  )
}

/**
 * Cline, Roo Code and Kilo Code (docs/providers.md), in every VS Code-family product: one
 * folder per task with the model conversation (`api_conversation_history.json`), the UI event log
 * (`ui_messages.json`, where the timestamps are) and `task_metadata.json` (models used). The task
 * folders are enumerated directly; the task index only adds the working directory when it has one.
 */
export const cline: Provider = {
  id: 'cline',
  name: 'Cline / Roo Code',
  kind: 'harvest',
  locate: (ctx) => existing(extensionDirs(ctx).map(({ dir }) => join(dir, 'tasks'))),

  async *discover(ctx) {
    for (const { dir, extension } of extensionDirs(ctx)) {
      const area = await openArea(dir)
      if (!area) continue
      const tasks = (await area.list(join(dir, 'tasks'))).filter((entry) => entry.kind === 'dir')
      if (tasks.length === 0) continue
      const indexFile = await area.file(join(dir, 'state', 'taskHistory.json'))
      const index = indexFile ? await readTaskIndex(indexFile.path) : new Map<string, IndexedTask>()
      for (const task of tasks) {
        const files = await Promise.all([API_HISTORY, UI_MESSAGES, TASK_METADATA].map((name) => area.file(join(task.path, name))))
        const [api, ui] = files
        if (!api && !ui) continue
        const indexed = index.get(task.name) ?? null
        const present = files.filter((file): file is AreaEntry => file !== null)
        const size = present.reduce((sum, file) => sum + file.size, 0)
        const mtime = Math.max(...present.map((file) => file.mtimeMs))
        const detail = files.map((file) => (file ? `${file.size}/${file.mtimeMs}` : '-')).join(',')
        const indexHash = createHash('sha256').update(JSON.stringify(indexed)).digest('hex').slice(0, 12)
        const data: TaskSource = { dir: task.path, taskId: task.name, extension, indexed, files: present.map((file) => file.name) }
        yield {
          key: task.path,
          path: join(task.path, api ? API_HISTORY : UI_MESSAGES),
          fingerprint: `${size}:${mtime}:${detail}:${indexHash}`,
          data,
        }
      }
    }
  },

  read: (source) => readTask(source),
}

async function readTaskIndex(path: string): Promise<Map<string, IndexedTask>> {
  const index = new Map<string, IndexedTask>()
  const file = await readJsonDocument(path)
  for (const entry of 'value' in file ? asArray(file.value).map(recordOf) : []) {
    const id = asText(entry.id)
    if (id) index.set(id, { cwd: asText(entry.cwdOnTaskInitialization), task: asText(entry.task), ts: toEpochMs(entry.ts) })
  }
  return index
}

/** One UI event with a time: the timestamps of the conversation live here. */
interface UiEvent {
  ts: number
  say: string | null
  ask: string | null
  text: string
}

/** What an `api_req_started` (or `deleted_api_reqs`) event's JSON text records of one model call. */
interface ApiRequest {
  ts: number
  tokensIn: number | null
  tokensOut: number | null
  cacheWrites: number | null
  cacheReads: number | null
}

/** UI events whose text is what the user or the assistant wrote (the others carry JSON payloads). */
const SPOKEN = new Set(['task', 'user_feedback', 'text', 'completion_result'])

async function* readTask(source: Source): AsyncGenerator<SessionPart> {
  const task = source.data as TaskSource
  const problems: string[] = []
  /** A task file's JSON, or null when it is absent (not every version writes all three) or unreadable (reported). */
  const readTaskFile = async (name: string): Promise<unknown> => {
    if (!task.files.includes(name)) return null
    const file = await readJsonDocument(join(task.dir, name))
    if ('value' in file) return file.value
    problems.push(`${name}: ${file.error}`)
    return null
  }
  const listOf = (name: string, value: unknown): unknown[] | null => {
    if (value === null || Array.isArray(value)) return value
    problems.push(`${name}: not a list`)
    return null
  }
  const apiMessages = listOf(API_HISTORY, await readTaskFile(API_HISTORY))
  const uiEvents = (listOf(UI_MESSAGES, await readTaskFile(UI_MESSAGES)) ?? []).flatMap((event): UiEvent[] => {
    const e = recordOf(event)
    const ts = toEpochMs(e.ts)
    return ts === null ? [] : [{ ts, say: asText(e.say), ask: asText(e.ask), text: asString(e.text) ?? '' }]
  })
  const metadata = recordOf(await readTaskFile(TASK_METADATA))
  const models = asArray(metadata.model_usage)
    .map(recordOf)
    .flatMap((usage) => {
      const model = asText(usage.model_id)
      return model ? [{ ts: toEpochMs(usage.ts), model, provider: asText(usage.model_provider_id) }] : []
    })
  /** The model (and its API provider) in use at a time: the last one switched to before it (the first one before any switch). */
  const modelAt = (time: number | null): { model: string; provider: string | null } | null => {
    if (time === null) return models.at(-1) ?? null
    let chosen = models[0]
    for (const usage of models) if (usage.ts !== null && usage.ts <= time) chosen = usage
    return chosen ?? null
  }
  const usageAt = (request: ApiRequest): MessageUsage | null => {
    const promptTotal = PROMPT_TOTAL_PROVIDERS.has(modelAt(request.ts)?.provider ?? '')
    return tokenUsage({
      inputTokens: promptTotal ? withoutCached(request.tokensIn, request.cacheReads) : request.tokensIn,
      outputTokens: request.tokensOut,
      cacheReadTokens: request.cacheReads,
      cacheWrite5mTokens: request.cacheWrites,
    })
  }

  const turns = apiMessages ? turnsFromApi(apiMessages, uiEvents, problems) : turnsFromUi(uiEvents)
  const messages = turns.map((turn) => turn.message)
  for (const message of messages) if (message.role === 'assistant') message.model = modelAt(message.timestamp)?.model ?? null
  // Each model call is one `api_req_started` event and (in order) one assistant message of the conversation.
  const requests = apiRequests(uiEvents)
  const replies = messages.filter((message) => message.role === 'assistant')
  const unmatched: ApiRequest[] = requests.deleted
  for (const [index, request] of requests.started.entries()) {
    const reply = apiMessages ? replies[index] : undefined
    if (reply) reply.usage = usageAt(request)
    else unmatched.push(request)
  }
  const leftover = unmatched.reduce<MessageUsage | null>((sum, request) => addUsage(sum, usageAt(request)), null)
  if (leftover) {
    // Calls whose messages are gone (deleted, failed, or only in the UI log): counted, not shown.
    const last = unmatched.reduce((max, request) => Math.max(max, request.ts), 0)
    turns.push({ message: { role: 'assistant', content: '', timestamp: last, model: modelAt(last)?.model ?? null, hidden: true, usage: leftover }, results: [] })
  }

  const firstUserText = messages.find((m) => m.role === 'user')?.content ?? null
  const uiTask = uiEvents.find((event) => event.say === 'task')?.text ?? null
  const cwd = task.indexed?.cwd ?? messages.map((m) => cwdIn(m.content)).find((found) => found !== null) ?? null
  // Reduced, not spread: a UI log can hold more events than a call takes arguments.
  const first = uiEvents.reduce<number | null>((min, { ts }) => (min === null || ts < min ? ts : min), null)
  const last = uiEvents.reduce<number | null>((max, { ts }) => (max === null || ts > max ? ts : max), null)
  yield {
    kind: 'session',
    session: {
      id: task.taskId,
      title: promptTitle(task.indexed?.task ?? uiTask ?? stripTags(firstUserText) ?? ''),
      model: models.at(-1)?.model ?? null,
      // Cline names tasks by their creation time in ms; Roo Code and Kilo Code by UUID.
      created: first ?? task.indexed?.ts ?? (/^\d{13}$/.test(task.taskId) ? Number(task.taskId) : null),
      updated: last,
      workspace: cwd ? workspaceAt(cwd) : null,
      metadata: { extension: task.extension },
    },
  }
  for (const problem of problems) yield { kind: 'problem', message: problem }
  let shown = 0
  for (const { message, results } of turns) {
    for (const result of results) yield { kind: 'tool-result', ...result }
    // A user message carrying tool results plus generated context only is not something the user said.
    if (message.role !== 'user' || results.length === 0 || stripTags(message.content) !== '') {
      shown += 1
      yield { kind: 'message', message }
    }
  }
  if (shown === 0 && problems.length === 0) yield noConversation(task.dir, 'its conversation and UI log hold no message')
}

/** The model calls the UI log records: `api_req_started` events with token counts, and `deleted_api_reqs` (calls of removed messages). */
function apiRequests(events: UiEvent[]): { started: ApiRequest[]; deleted: ApiRequest[] } {
  const started: ApiRequest[] = []
  const deleted: ApiRequest[] = []
  for (const event of events) {
    if (event.say !== 'api_req_started' && event.say !== 'deleted_api_reqs') continue
    const info = asRecord(parseJsonText(event.text))
    const request: ApiRequest = {
      ts: event.ts,
      tokensIn: tokenCount(info?.tokensIn),
      tokensOut: tokenCount(info?.tokensOut),
      cacheWrites: tokenCount(info?.cacheWrites),
      cacheReads: tokenCount(info?.cacheReads),
    }
    // The placeholder of a call still starting has no counts yet.
    if (request.tokensIn === null && request.tokensOut === null) continue
    ;(event.say === 'api_req_started' ? started : deleted).push(request)
  }
  return { started, deleted }
}

/** One entry of the conversation: its message and the tool results it carries. */
interface Turn {
  message: MessageInput
  results: ToolResult[]
}

interface ToolResult {
  callId: string
  output: string | null
  status: string | null
}

/**
 * Turns of the model conversation. Timestamps come from the message's own `ts` (Roo Code), else
 * from the UI event with the same text, else (assistant) the UI event of the matching API request.
 */
function turnsFromApi(entries: unknown[], events: UiEvent[], problems: string[]): Turn[] {
  const spoken = events.filter((event) => event.say !== null && SPOKEN.has(event.say) && event.text.trim() !== '')
  const requests = events.filter((event) => event.say === 'api_req_started')
  let cursor = 0
  let assistantCount = 0
  const matchTime = (text: string): number | null => {
    for (let i = cursor; i < spoken.length; i++) {
      if (text.includes(spoken[i]!.text.trim())) {
        cursor = i + 1
        return spoken[i]!.ts
      }
    }
    return null
  }
  const turns: Turn[] = []
  let lastCalls: ToolInvocationInput[] = []
  for (const [index, entry] of entries.entries()) {
    const e = recordOf(entry)
    if (e.role !== 'user' && e.role !== 'assistant') {
      problems.push(`${API_HISTORY}[${index}] is not a user or assistant message`)
      continue
    }
    const role = e.role
    const blocks = blocksOf(e.content)
    let { text, thinking } = blocks
    const { tools, results } = blocks
    if (role === 'assistant') {
      const xml = xmlToolCalls(text, index)
      text = xml.text
      tools.push(...xml.tools)
      if (xml.thinking) thinking = [thinking, xml.thinking].filter(Boolean).join('\n\n')
      lastCalls = [...tools]
    } else {
      const found = textResults(e.content, lastCalls)
      if (found.results.length > 0) {
        results.push(...found.results)
        text = found.text
      }
    }
    const own = toEpochMs(e.ts)
    const matched = text === '' ? null : matchTime(text)
    const timestamp = own ?? matched ?? (role === 'assistant' ? (requests[assistantCount]?.ts ?? null) : null)
    if (role === 'assistant') assistantCount += 1
    const metadata: Record<string, unknown> | null = thinking ? { thinking } : null
    turns.push({ message: { role, content: text, timestamp, model: null, toolInvocations: tools, metadata }, results })
  }
  return turns
}

/** Turns rebuilt from the UI log alone, when the model conversation is missing or unreadable. */
function turnsFromUi(events: UiEvent[]): Turn[] {
  return events.flatMap((event): Turn[] => {
    if (event.text.trim() === '' || event.say === null || !SPOKEN.has(event.say)) return []
    const role = event.say === 'task' || event.say === 'user_feedback' ? 'user' : 'assistant'
    return [{ message: { role, content: event.text, timestamp: event.ts, model: null }, results: [] }]
  })
}

/** The parts of an Anthropic-style `content`: text, tool calls, tool results and thinking. */
function blocksOf(content: unknown): { text: string; tools: ToolInvocationInput[]; results: ToolResult[]; thinking: string } {
  if (typeof content === 'string') return { text: content, tools: [], results: [], thinking: '' }
  const texts: string[] = []
  const thoughts: string[] = []
  const tools: ToolInvocationInput[] = []
  const results: ToolResult[] = []
  for (const block of asArray(content).map(recordOf)) {
    if (block.type === 'text') {
      const text = asString(block.text)
      if (text) texts.push(text)
    } else if (block.type === 'thinking') {
      const text = asString(block.thinking)
      if (text) thoughts.push(text)
    } else if (block.type === 'tool_use') {
      const name = asText(block.name)
      if (name) tools.push({ id: asText(block.id), name, input: block.input ?? null, output: null, status: null })
    } else if (block.type === 'tool_result') {
      const callId = asText(block.tool_use_id)
      if (callId) results.push({ callId, output: resultText(block.content), status: block.is_error === true ? 'error' : 'success' })
    }
  }
  return { text: texts.join('\n\n'), tools, results, thinking: thoughts.join('\n\n') }
}

/**
 * Tool calls written as XML tags in an assistant's text: each becomes a tool invocation (its child
 * tags are the input) and leaves the text; calls get ids by their message and position, since the
 * results that answer them are matched by tool name in order. The tools Cline speaks through
 * (`attempt_completion`, `ask_followup_question`, `plan_mode_respond`) become the message's text,
 * and `<thinking>` goes where thinking blocks go.
 */
function xmlToolCalls(text: string, messageIndex: number): { text: string; tools: ToolInvocationInput[]; thinking: string } {
  const tools: ToolInvocationInput[] = []
  const spoken: string[] = []
  const thoughts: string[] = []
  let rest = text.replace(XML_TOOL, (_, name: string, body: string) => {
    const input: Record<string, string> = {}
    for (const [, param, value] of body.matchAll(XML_PARAM)) input[param!] ??= value!.replace(/^\n|\n$/g, '')
    const said = SPEAKING_TOOLS[name]
    if (said && input[said] !== undefined) spoken.push(input[said]!.trim())
    else tools.push({ id: `${messageIndex}:${tools.length}:${name}`, name, input, output: null, status: null })
    return ''
  })
  rest = rest.replace(/<thinking>([\s\S]*?)<\/thinking>/g, (_, thought: string) => {
    thoughts.push(thought.trim())
    return ''
  })
  if (tools.length === 0 && spoken.length === 0 && thoughts.length === 0) return { text, tools, thinking: '' }
  return { text: [rest.trim(), ...spoken].filter((part) => part !== '').join('\n\n'), tools, thinking: thoughts.join('\n\n') }
}

/**
 * Tool results a user message carries as text blocks: a `[<tool> for '<what>'] Result:` block and the
 * blocks after it (up to the next header or the environment details), paired in order with the calls
 * of the reply before it that have that tool's name. The other blocks stay the message's text.
 */
function textResults(content: unknown, calls: ToolInvocationInput[]): { text: string; results: ToolResult[] } {
  const open = [...calls]
  const results: ToolResult[] = []
  const texts: string[] = []
  let current: { callId: string; parts: string[] } | null = null
  const close = () => {
    if (current) results.push({ callId: current.callId, output: toolOutputText(current.parts.join('\n\n')), status: resultStatus(current.parts) })
    current = null
  }
  for (const block of asArray(content).map(recordOf)) {
    const text = block.type === 'text' ? (asString(block.text) ?? '') : block.type === 'image' ? '[image]' : ''
    const header = RESULT_HEADER.exec(text)
    if (header) {
      close()
      const at = open.findIndex((call) => call.name === header[1])
      if (at !== -1) {
        const [call] = open.splice(at, 1)
        current = { callId: call!.id!, parts: [] }
        const inline = text.slice(header[0].length).trim()
        if (inline !== '') current.parts.push(inline)
        continue
      }
    } else if (current && !text.trimStart().startsWith('<environment_details>')) {
      current.parts.push(text)
      continue
    }
    close()
    if (text !== '') texts.push(text)
  }
  close()
  return { text: texts.join('\n\n'), results }
}

/** What the harness wrote back: an error or a refusal, else a result. */
function resultStatus(parts: string[]): string {
  const first = parts[0]?.trimStart() ?? ''
  return /^(?:\[ERROR\]|The tool execution failed|The user denied this operation)/.test(first) ? 'error' : 'success'
}

/** A tool result's content: a string, or its text blocks joined. */
function resultText(content: unknown): string | null {
  if (!Array.isArray(content)) return toolOutputText(content)
  return content
    .map(recordOf)
    .map((block) => (block.type === 'text' ? (asString(block.text) ?? '') : ''))
    .filter((text) => text !== '')
    .join('\n\n')
}

/** The working directory the extension writes into its environment details. */
function cwdIn(text: string): string | null {
  return /# Current (?:Working|Workspace) Directory \((.+?)\) Files/.exec(text)?.[1] ?? null
}

/** The user's words without the `<task>`/`<feedback>` wrapper and environment details. */
function stripTags(text: string | null): string | null {
  if (text === null) return null
  return text
    .replace(/<environment_details>[\s\S]*?<\/environment_details>/g, '')
    .replace(/<\/?(?:task|feedback|answer|user_message)>/g, '')
    .trim()
}
