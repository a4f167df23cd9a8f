import { createHash } from 'node:crypto'
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { toEpochMs } from '../../shared/time'
import {
  configRoots,
  exists,
  existing,
  type MessageInput,
  type Provider,
  type ProviderContext,
  type SessionPart,
  type Source,
  type ToolInvocationInput,
} from '../provider'
import { readJsonDocument } from '../read/files'
import { promptTitle, workspaceAt } from '../read/naming'
import { asArray, asRecord, asString, asText, recordOf, toolOutputText } from '../read/values'

/** VS Code-family products whose user dirs may host these extensions (docs/providers.md, copilot: the VS Code-family layout). */
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
}

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
 * Cline, Roo Code and Kilo Code (docs/providers.md, Cline), in every VS Code-family product: one
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
      let taskIds: string[]
      try {
        taskIds = (await readdir(join(dir, 'tasks'))).sort()
      } catch {
        continue
      }
      const index = await readTaskIndex(join(dir, 'state', 'taskHistory.json'))
      for (const taskId of taskIds) {
        const taskDir = join(dir, 'tasks', taskId)
        const files = await Promise.all(
          [API_HISTORY, UI_MESSAGES, TASK_METADATA].map((name) => stat(join(taskDir, name)).catch(() => null)),
        )
        const [api, ui] = files
        if (!api?.isFile() && !ui?.isFile()) continue
        const indexed = index.get(taskId) ?? null
        const size = files.reduce((sum, info) => sum + (info?.size ?? 0), 0)
        const mtime = Math.max(...files.map((info) => Math.trunc(info?.mtimeMs ?? 0)))
        const detail = files.map((info) => (info ? `${info.size}/${Math.trunc(info.mtimeMs)}` : '-')).join(',')
        const indexHash = createHash('sha256').update(JSON.stringify(indexed)).digest('hex').slice(0, 12)
        const data: TaskSource = { dir: taskDir, taskId, extension, indexed }
        yield {
          key: taskDir,
          path: join(taskDir, api?.isFile() ? API_HISTORY : UI_MESSAGES),
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

/** UI events whose text is what the user or the assistant wrote (the others carry JSON payloads). */
const SPOKEN = new Set(['task', 'user_feedback', 'text', 'completion_result'])

async function* readTask(source: Source): AsyncGenerator<SessionPart> {
  const task = source.data as TaskSource
  const problems: string[] = []
  /** A task file's JSON, or null when it is absent (not every version writes all three) or unreadable (reported). */
  const readTaskFile = async (name: string): Promise<unknown> => {
    const path = join(task.dir, name)
    if (!(await exists(path))) return null
    const file = await readJsonDocument(path)
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
      return model ? [{ ts: toEpochMs(usage.ts), model }] : []
    })
  /** The model in use at a time: the last one switched to before it (the first one before any switch). */
  const modelAt = (time: number | null): string | null => {
    if (time === null) return models.at(-1)?.model ?? null
    let chosen = models[0]
    for (const usage of models) if (usage.ts !== null && usage.ts <= time) chosen = usage
    return chosen?.model ?? null
  }

  const turns = apiMessages ? turnsFromApi(apiMessages, uiEvents, problems) : turnsFromUi(uiEvents)
  const messages = turns.map((turn) => turn.message)
  for (const message of messages) if (message.role === 'assistant') message.model = modelAt(message.timestamp)

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
  for (const { message, results } of turns) {
    for (const result of results) yield { kind: 'tool-result', ...result }
    // A user message carrying tool results plus generated context only is not something the user said.
    if (message.role !== 'user' || results.length === 0 || stripTags(message.content) !== '') yield { kind: 'message', message }
  }
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
  for (const [index, entry] of entries.entries()) {
    const e = recordOf(entry)
    if (e.role !== 'user' && e.role !== 'assistant') {
      problems.push(`${API_HISTORY}[${index}] is not a user or assistant message`)
      continue
    }
    const role = e.role
    const { text, tools, results, thinking } = blocksOf(e.content)
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
