import { createHash } from 'node:crypto'
import { readdir } from 'node:fs/promises'
import { dirname, isAbsolute, join, relative, sep } from 'node:path'
import type { MessageInput, Provider, ProviderContext, SessionPart, Source, ToolInvocationInput, WorkspaceRef } from '../provider'
import { openArea, stampOf } from '../read/files'
import { readLines } from '../read/jsonl'
import { promptTitle, workspaceAt } from '../read/naming'
import { noConversation } from '../read/problems'

const HISTORY = '.aider.chat.history.md'
const INPUT_HISTORY = '.aider.input.history'

/**
 * Aider keeps its history inside each project, with no global index (docs/providers.md), so the
 * home is walked breadth-first. Bounds: 5 levels below the home (deep enough for
 * `~/go/src/github.com/org/repo`), at most 10,000 directories (well under a second of `readdir`;
 * shallow levels come first, so a cut only loses the deepest ones), never into hidden directories,
 * symlinks, dependency or build trees, or OS folders full of other apps' data.
 */
const WALK_LIMITS = { depth: 5, directories: 10_000 }
const SKIPPED = new Set([
  'node_modules', 'bower_components', 'vendor', 'target', 'dist', 'build', 'out', '__pycache__', 'venv',
  'site-packages', 'Pods', 'DerivedData', 'Library', 'AppData', 'Applications', 'snap', 'Pictures', 'Music',
  'Movies', 'Videos',
])
/** Heavy caches at a known place below the home (the Go module cache). */
const SKIPPED_UNDER_HOME = [['go', 'pkg']]

/** Every `.aider.chat.history.md` under the home within the walk limits, plus `AIDER_CHAT_HISTORY_FILE`. */
async function historyFiles(ctx: ProviderContext): Promise<string[]> {
  const found: string[] = []
  const skipped = new Set(SKIPPED_UNDER_HOME.map((parts) => join(ctx.home, ...parts)))
  const walked = (name: string, path: string) => !name.startsWith('.') && !SKIPPED.has(name) && !skipped.has(path)
  let queue = [ctx.home]
  let visited = 0
  for (let depth = 0; depth <= WALK_LIMITS.depth && queue.length > 0; depth++) {
    const next: string[] = []
    for (const dir of queue) {
      if (visited++ >= WALK_LIMITS.directories) break
      for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
        const path = join(dir, entry.name)
        if (entry.isFile() && entry.name === HISTORY) found.push(path)
        else if (entry.isDirectory() && walked(entry.name, path)) next.push(path)
      }
    }
    queue = next.sort()
  }
  const configured = ctx.env.AIDER_CHAT_HISTORY_FILE
  if (configured && isAbsolute(configured)) found.push(configured)
  return [...new Set(found)].sort()
}

interface HistorySource {
  mtime: number
  /** `.aider.input.history` beside the chat history, when it is a regular file of the same folder. */
  inputHistory: string | null
}

/**
 * Aider (docs/providers.md): `.aider.chat.history.md` in each project folder, one session per
 * `# aider chat started at` block. User inputs are `#### ` lines, tool and UI output `> ` lines,
 * everything else is the assistant's reply (SEARCH/REPLACE blocks become `edit` tool invocations).
 * User messages get their time from `.aider.input.history` when it has the same input.
 */
export const aider: Provider = {
  id: 'aider',
  name: 'Aider',
  kind: 'harvest',
  locate: historyFiles,

  async *discover(ctx) {
    for (const path of await historyFiles(ctx)) {
      // The project folder is the area: a history or input file linked from elsewhere is not read.
      const area = await openArea(dirname(path))
      const history = area ? await area.file(path) : null
      if (!area || !history) continue
      const input = await area.file(join(area.root, INPUT_HISTORY))
      const data: HistorySource = { mtime: history.mtimeMs, inputHistory: input?.path ?? null }
      yield { key: path, path, fingerprint: `${stampOf(history)}:${input ? `${input.size}/${input.mtimeMs}` : '-'}`, data }
    }
  },

  read: readHistory,
}

/** One `# aider chat started at` block, parsed. */
interface ParsedSession {
  /** The header's time text as written (local time, no zone), or '' for lines before any header. */
  startedAt: string
  start: number | null
  /** The model of the session's banner (`Main model: …`). */
  model: string | null
  messages: MessageInput[]
}

type Block = { kind: 'user' | 'tool' | 'assistant'; lines: string[] }

const HEADER = /^# aider chat started at ((\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}))\s*$/
const MODEL_LINE = /^(?:Main model|Model): (\S+)/
const FENCE = /^\s*(```|~~~)/

/**
 * Splits chat-history lines into sessions and messages. Aider ends every tool output with two
 * spaces (a Markdown line break) and writes a blank line before every input and reply, so within a
 * reply a `> ` line is a quote unless a blank line precedes it and it ends with two spaces; an
 * unprefixed line right after a `> ` line continues that tool output (Aider prefixes only the first
 * line of a multi-line output); inside a code fence of a reply every line is reply text.
 */
class ChatHistoryParser {
  private session: ParsedSession | null = null
  private block: Block | null = null
  private reply: MessageInput | null = null
  private model: string | null = null
  private inFence = false
  private afterBlank = true

  /** Feeds one line; returns the session it completed, if any. */
  push(line: string): ParsedSession | null {
    const header = HEADER.exec(line)
    if (header) {
      const ended = this.finish()
      this.session = { startedAt: header[1]!, start: localTime(header.slice(2)), model: null, messages: [] }
      this.afterBlank = true
      return ended
    }
    const blank = line.trim() === ''
    if (!this.session && blank) return null
    this.session ??= { startedAt: '', start: null, model: null, messages: [] }
    const open = this.block
    if (open?.kind === 'assistant' && this.inFence) {
      open.lines.push(line)
      if (FENCE.test(line)) this.inFence = false
    } else if (line.startsWith('#### ') || line === '####') {
      this.append('user', line.slice(5).trimEnd())
    } else if ((line.startsWith('> ') || line === '>') && (open?.kind !== 'assistant' || (this.afterBlank && line.endsWith('  ')))) {
      this.append('tool', line.slice(2).trimEnd())
    } else if (blank) {
      if (open?.kind === 'assistant') open.lines.push('')
      else if (open?.kind === 'user') this.flush()
    } else if (open?.kind === 'tool' && !this.afterBlank) {
      open.lines.push(line.trimEnd())
    } else {
      this.append('assistant', line)
      if (FENCE.test(line)) this.inFence = true
    }
    this.afterBlank = blank
    return null
  }

  /** Ends the current session (at a new header or the end of the file) and returns it. */
  finish(): ParsedSession | null {
    this.flush()
    this.emitReply()
    const ended = this.session
    this.session = null
    this.model = null
    return ended
  }

  private append(kind: Block['kind'], line: string): void {
    if (this.block?.kind !== kind) {
      this.flush()
      this.block = { kind, lines: [] }
    }
    this.block!.lines.push(line)
  }

  private flush(): void {
    const block = this.block
    if (!block) return
    this.block = null
    this.inFence = false
    while (block.lines.length > 0 && block.lines.at(-1)!.trim() === '') block.lines.pop()
    const content = block.lines.join('\n')
    if (block.kind === 'assistant') {
      this.emitReply()
      this.reply = { role: 'assistant', content, timestamp: null, model: this.model, toolInvocations: editsIn(block.lines) }
      return
    }
    if (block.kind === 'tool') {
      for (const line of block.lines) {
        const model = MODEL_LINE.exec(line)?.[1]
        if (!model) continue
        this.model = model
        if (this.session) this.session.model ??= model
      }
      if (this.reply) markApplied(this.reply, block.lines)
    }
    this.emitReply()
    this.session?.messages.push({ role: block.kind, content, timestamp: null, model: null })
  }

  /** A reply is held until the tool output after it, which says which of its edits were applied. */
  private emitReply(): void {
    if (this.reply) this.session?.messages.push(this.reply)
    this.reply = null
  }
}

async function* readHistory(source: Source, ctx: ProviderContext): AsyncGenerator<SessionPart> {
  const { mtime, inputHistory } = source.data as HistorySource
  const inputs = inputHistory ? await readInputHistory(inputHistory) : []
  // Ids hash the path relative to the home, so a home restored elsewhere keeps its session ids.
  const idPath = relative(ctx.home, source.path).startsWith('..') ? source.path : relative(ctx.home, source.path).split(sep).join('/')
  const workspace = workspaceAt(dirname(source.path))
  const parser = new ChatHistoryParser()
  const ids = new Map<string, number>()
  let binaryLines = 0
  let firstBinaryLine = 0
  let sessions = 0
  let launches = 0
  let previous: ParsedSession | null = null
  // Sessions are yielded one behind, so each knows when the next one started (bounds input matching).
  const settle = function* (next: ParsedSession | null, last: boolean): Generator<SessionPart> {
    if (previous) {
      launches += 1
      const id = idOf(previous)
      // A launch that ended before any input (only the start banner) is no conversation.
      if (previous.messages.some((message) => message.role !== 'tool')) {
        sessions += 1
        yield* finishSession(id, previous, workspace, inputs, next?.start ?? null, last ? mtime : null)
      }
    }
    previous = next
  }
  const idOf = (session: ParsedSession) => {
    const base = `${idPath}\n${session.startedAt}`
    const count = ids.get(base) ?? 0
    ids.set(base, count + 1)
    return `aider-${createHash('sha256').update(count === 0 ? base : `${base}#${count}`).digest('hex').slice(0, 16)}`
  }

  for await (const raw of readLines(source.path)) {
    if (raw.tooLong) {
      yield { kind: 'problem', message: `line ${raw.line} too long, skipped` }
      continue
    }
    const line = raw.text.replace(/\0+$/, '')
    if (line.includes('\0') || line.includes('\uFFFD')) {
      binaryLines += 1
      firstBinaryLine ||= raw.line
      continue
    }
    const ended = parser.push(line)
    if (ended) yield* settle(ended, false)
  }
  const final = parser.finish()
  if (final) yield* settle(final, false)
  yield* settle(null, true)
  if (binaryLines > 0) yield { kind: 'problem', message: `${binaryLines} line(s) of binary data skipped (first at line ${firstBinaryLine})` }
  else if (sessions === 0) {
    yield noConversation(source.path, launches === 0 ? 'the file is empty' : `${launches} launch(es) of aider without any input`)
  }
}

/** A parsed session as parts: title from the first request, user times from the input history. */
function* finishSession(
  id: string,
  session: ParsedSession,
  workspace: WorkspaceRef,
  inputs: InputEntry[],
  nextStart: number | null,
  mtime: number | null,
): Generator<SessionPart> {
  const users = session.messages.filter((m) => m.role === 'user')
  const request = users.find((m) => !m.content.startsWith('/')) ?? users[0]
  if (session.start !== null) matchInputTimes(users, inputs, session.start, nextStart)
  const latestMessage = session.messages.reduce<number | null>((max, { timestamp: t }) => (t !== null && (max === null || t > max) ? t : max), null)
  const latest = Math.max(session.start ?? 0, latestMessage ?? 0)
  yield {
    kind: 'session',
    session: {
      id,
      title: request ? promptTitle(request.content) : null,
      model: session.messages.findLast((m) => m.role === 'assistant')?.model ?? session.model,
      created: session.start,
      updated: mtime !== null ? Math.max(mtime, latest) : latestMessage === null ? null : latest,
      workspace,
      metadata: session.startedAt ? { startedAt: session.startedAt, timezone: 'local (assumed)' } : null,
    },
  }
  for (const message of session.messages) yield { kind: 'message', message }
}

/** SEARCH/REPLACE blocks of an assistant reply, as `edit` tool invocations `{path, search, replace}`. */
function editsIn(lines: string[]): ToolInvocationInput[] {
  const edits: ToolInvocationInput[] = []
  let lastPath: string | null = null
  for (let i = 0; i < lines.length; i++) {
    if (!/^<{5,9} SEARCH\s*$/.test(lines[i]!)) continue
    let path: string | null = lastPath
    for (let j = i - 1; j >= 0; j--) {
      const candidate = lines[j]!.trim()
      if (candidate === '' || FENCE.test(candidate)) continue
      path = candidate.replace(/^[`*]+|[`*:]+$/g, '')
      break
    }
    const divider = lines.findIndex((line, k) => k > i && /^={5,9}\s*$/.test(line))
    const end = divider === -1 ? -1 : lines.findIndex((line, k) => k > divider && /^>{5,9} REPLACE\s*$/.test(line))
    if (end === -1) break
    edits.push({
      id: null,
      name: 'edit',
      input: { path, search: lines.slice(i + 1, divider).join('\n'), replace: lines.slice(divider + 1, end).join('\n') },
      output: null,
      status: null,
    })
    lastPath = path
    i = end
  }
  return edits
}

/** `Applied edit to <path>` lines of the tool output that follows a reply complete its edits. */
function markApplied(message: MessageInput, toolLines: string[]): void {
  for (const line of toolLines) {
    const applied = /^Applied edit to (.+)$/.exec(line.trim())?.[1]
    const edit = message.toolInvocations?.find((tool) => tool.status === null && (tool.input as { path: string | null }).path === applied)
    if (!applied || !edit) continue
    edit.output = line.trim()
    edit.status = 'applied'
  }
}

/** One input of `.aider.input.history`: `# <local time>` then `+<line>` lines. */
interface InputEntry {
  time: number
  text: string
}

async function readInputHistory(path: string): Promise<InputEntry[]> {
  const entries: InputEntry[] = []
  let current: { time: number; lines: string[] } | null = null
  const close = () => {
    if (current) entries.push({ time: current.time, text: current.lines.join('\n') })
    current = null
  }
  for await (const raw of readLines(path)) {
    const stamp = /^# (\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?\s*$/.exec(raw.text)
    if (stamp) {
      close()
      const time = localTime(stamp.slice(1, 7), Math.trunc(Number(`0.${stamp[7] ?? '0'}`) * 1000))
      current = time === null ? null : { time, lines: [] }
    } else if (raw.text.startsWith('+') && current) (current as { lines: string[] }).lines.push(raw.text.slice(1))
  }
  close()
  return entries
}

/** Gives each user message the time of the same input in the history, matched in order within the session's span. */
function matchInputTimes(users: MessageInput[], inputs: InputEntry[], start: number, end: number | null): void {
  let cursor = inputs.findIndex((entry) => entry.time >= start)
  if (cursor === -1) return
  // Two sessions started in the same second share a span; only a later start bounds it.
  const limit = end !== null && end > start ? end : Infinity
  for (const message of users) {
    const found = inputs.findIndex((entry, i) => i >= cursor && entry.time < limit && entry.text === message.content)
    if (found === -1) continue
    message.timestamp = inputs[found]!.time
    cursor = found + 1
  }
}

/** Epoch ms of a local date-time given as `[year, month, day, hour, minute, second]` strings; null if invalid. */
function localTime(parts: (string | undefined)[], ms = 0): number | null {
  const [y, mo, d, h, mi, s] = parts.map(Number)
  const time = new Date(y!, mo! - 1, d, h, mi, s, ms).getTime()
  return Number.isFinite(time) ? time : null
}
