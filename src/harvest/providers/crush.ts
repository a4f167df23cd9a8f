import { join, sep } from 'node:path'
import { toEpochMs } from '../../shared/time'
import {
  existing,
  type MessageInput,
  type Provider,
  type ProviderContext,
  type SessionPart,
  type Source,
  type ToolInvocationInput,
} from '../provider'
import { regularFiles } from '../read/entries'
import { readJsonDocument } from '../read/files'
import { workspaceAt } from '../read/naming'
import { readSqliteParts } from '../read/sqlite-source'
import { problemSource, sqliteSources, type ProblemSourceData } from '../read/sqlite-sources'
import { asArray, asString, asText, parseJsonText, recordOf, toolOutputText } from '../read/values'

/**
 * Crush's global data folders, where `projects.json` lists every project it ran in:
 * `CRUSH_GLOBAL_DATA`, `$XDG_DATA_HOME/crush` or `~/.local/share/crush` (Linux, macOS),
 * `%LOCALAPPDATA%\crush` (Windows). Under an overridden home both OS layouts are probed.
 */
function globalDirs(ctx: ProviderContext): string[] {
  const unix = join(ctx.home, '.local', 'share', 'crush')
  const windows = join(ctx.home, 'AppData', 'Local', 'crush')
  if (ctx.homeOverridden) return [unix, windows]
  const dirs = [ctx.platform === 'win32' ? (ctx.env.LOCALAPPDATA ? join(ctx.env.LOCALAPPDATA, 'crush') : windows) : ctx.env.XDG_DATA_HOME ? join(ctx.env.XDG_DATA_HOME, 'crush') : unix]
  if (ctx.env.CRUSH_GLOBAL_DATA) dirs.unshift(ctx.env.CRUSH_GLOBAL_DATA)
  return [...new Set(dirs)]
}

/** A home folder at the start of a recorded path, on any OS (`/home/u`, `/Users/u`, `/root`, `C:\Users\u`). */
const RECORDED_HOME = /^(?:\/home\/[^/]+|\/Users\/[^/]+|\/root|[A-Za-z]:[\\/]Users[\\/][^\\/]+)(?=[\\/]|$)/

/**
 * A path recorded on the machine whose home is harvested: as is for the real home; under an
 * overridden home (a backup of another machine) its home prefix is replaced by that home.
 */
function onThisMachine(path: string, ctx: ProviderContext): string | null {
  if (!ctx.homeOverridden) return path
  if (path === ctx.home || path.startsWith(ctx.home + sep)) return path
  const prefix = RECORDED_HOME.exec(path)?.[0]
  if (!prefix) return null
  return join(ctx.home, ...path.slice(prefix.length).split(/[\\/]/).filter((part) => part !== ''))
}

interface Project {
  /** The project folder as Crush recorded it (the workspace). */
  path: string
  /** Its `crush.db` on this machine. */
  database: string
}

/** Every project in `projects.json` whose `crush.db` is a regular file (never a link or a device). */
async function projects(ctx: ProviderContext): Promise<{ found: Project[]; problems: { path: string; message: string }[] }> {
  const found: Project[] = []
  const problems: { path: string; message: string }[] = []
  for (const dir of await existing(globalDirs(ctx))) {
    const [index] = await regularFiles([join(dir, 'projects.json')])
    if (index === undefined) continue
    const file = await readJsonDocument(index, 16 * 1024 * 1024)
    if ('error' in file) {
      problems.push({ path: index, message: file.error })
      continue
    }
    for (const entry of asArray(recordOf(file.value).projects).map(recordOf)) {
      const path = asText(entry.path)
      const dataDir = asText(entry.data_dir)
      const local = dataDir === null ? null : onThisMachine(dataDir, ctx)
      if (path === null || local === null) continue
      const [database] = await regularFiles([join(local, 'crush.db')])
      if (database !== undefined) found.push({ path, database })
    }
  }
  return { found, problems }
}

type CrushSource = { kind: 'session'; project: string; sessionId: string } | ProblemSourceData

async function* discover(ctx: ProviderContext): AsyncGenerator<Source> {
  const { found, problems } = await projects(ctx)
  for (const { path, message } of problems) yield problemSource(path, message)
  for (const project of found) yield* discoverDatabase(project)
}

function discoverDatabase(project: Project): Source[] {
  const path = project.database
  return sqliteSources(
    path,
    (db) => {
      // Rows are updated in place with second-resolution times; the finish time catches the last write of a turn.
      const messages = new Map(
        db
          .query<{ id: string; stats: string }, []>(
            `SELECT session_id AS id, count(*) || '/' || max(rowid) || '/' || max(updated_at) || '/' || coalesce(max(finished_at), 0) AS stats
             FROM messages GROUP BY session_id`,
          )
          .all()
          .map((row) => [row.id, row.stats]),
      )
      return db
        .query<{ id: string; updated_at: number | null }, []>('SELECT id, updated_at FROM sessions ORDER BY created_at, id')
        .all()
        .map((session) => ({
          key: `${path}#${session.id}`,
          path,
          fingerprint: `crush:${session.updated_at ?? 0}:${messages.get(session.id) ?? '-'}`,
          data: { kind: 'session', project: project.path, sessionId: session.id } satisfies CrushSource,
        }))
    }
  )
}

/**
 * Crush (charmbracelet/crush): a SQLite database per project, `<project>/.crush/crush.db`
 * (`sessions`, `messages` with a JSON `parts` column of `{type, data}` items), found through
 * the global `projects.json`. Read-only, one source per session. Shape: docs/providers.md.
 */
export const crush: Provider = {
  id: 'crush',
  name: 'Crush',
  kind: 'harvest',
  async locate(ctx) {
    return [...new Set((await projects(ctx)).found.map((project) => project.database))]
  },
  discover,
  async *read(source) {
    const data = source.data as CrushSource
    if (data.kind === 'problem') yield { kind: 'problem', message: data.message }
    else yield* readSession(source.path, data.project, data.sessionId)
  },
}

function readSession(path: string, project: string, sessionId: string): AsyncGenerator<SessionPart> {
  return readSqliteParts(path, function* (db): Generator<SessionPart> {
    const session = db.query<Record<string, unknown>, [string]>('SELECT * FROM sessions WHERE id = ?').get(sessionId)
    if (!session) return
    const metadata: Record<string, unknown> = {}
    for (const [key, column] of [['parentSessionId', 'parent_session_id'], ['promptTokens', 'prompt_tokens'], ['completionTokens', 'completion_tokens'], ['costUsd', 'cost']] as const) {
      const value = session[column]
      if ((typeof value === 'string' && value !== '') || (typeof value === 'number' && value > 0)) metadata[key] = value
    }
    yield {
      kind: 'session',
      session: {
        id: sessionId,
        title: asText(session.title),
        model: null,
        created: toEpochMs(session.created_at),
        updated: toEpochMs(session.updated_at),
        workspace: workspaceAt(project),
        metadata: Object.keys(metadata).length > 0 ? metadata : null,
      },
    }
    let model: string | null = null
    for (const row of db
      .query<Record<string, unknown>, [string]>('SELECT * FROM messages WHERE session_id = ? ORDER BY created_at, rowid')
      .iterate(sessionId)) {
      const parts = messageParts(row)
      if (typeof parts === 'string') {
        yield { kind: 'problem', message: `message ${asString(row.id) ?? '?'}: ${parts}` }
        continue
      }
      for (const part of parts) if (part.kind === 'message' && part.message.model !== null) model = part.message.model
      yield* parts
    }
    if (model !== null) yield { kind: 'update', patch: { model } }
  })
}

/** Crush's finish reasons → how the turn ended. */
const FINISH_STATES: Record<string, MessageInput['state']> = { canceled: 'cancelled', error: 'failed' }

/** One `messages` row → a message and the tool results it carries, or why it cannot be read. */
function messageParts(row: Record<string, unknown>): SessionPart[] | string {
  const role = row.role
  if (role !== 'user' && role !== 'assistant' && role !== 'system' && role !== 'tool') return `unknown role ${JSON.stringify(role)}`
  const items = parseJsonText(row.parts)
  if (!Array.isArray(items)) return 'parts column is not a JSON array'
  const texts: string[] = []
  const reasoning: string[] = []
  const tools: ToolInvocationInput[] = []
  const results: SessionPart[] = []
  let state: MessageInput['state'] = 'complete'
  let error: string | null = null
  for (const item of items.map(recordOf)) {
    const data = recordOf(item.data)
    switch (item.type) {
      case 'text':
        texts.push(asString(data.text) ?? '')
        break
      case 'reasoning':
        reasoning.push(asString(data.thinking) ?? '')
        break
      case 'image_url': {
        const url = asText(data.url)
        texts.push(url === null || url.startsWith('data:') ? '[image]' : `[image ${url}]`)
        break
      }
      case 'binary': {
        // Crush serializes this struct without JSON tags, so its fields keep their Go names.
        const file = asText(data.Path)
        texts.push(file === null ? '[file]' : `[file ${file}]`)
        break
      }
      case 'tool_call':
        tools.push({ id: asText(data.id), name: asText(data.name) ?? 'unknown', input: parseJsonText(data.input), output: null, status: null })
        break
      case 'tool_result': {
        const callId = asText(data.tool_call_id)
        if (callId !== null) results.push({ kind: 'tool-result', callId, output: toolOutputText(asString(data.content)), status: data.is_error === true ? 'error' : 'success' })
        break
      }
      case 'shell_command': {
        const exitCode = typeof data.exit_code === 'number' ? data.exit_code : null
        tools.push({
          id: null,
          name: 'shell',
          input: { command: asString(data.command) ?? '' },
          output: toolOutputText(asString(data.output)),
          status: exitCode === null ? null : exitCode === 0 ? 'success' : 'error',
        })
        break
      }
      case 'finish': {
        const reason = asString(data.reason) ?? ''
        state = FINISH_STATES[reason] ?? 'complete'
        const detail = [asText(data.message), asText(data.details)].filter((text) => text !== null).join(': ')
        if (state !== 'complete') error = detail === '' ? reason : detail
        break
      }
      default:
        return `unknown part type ${JSON.stringify(item.type)}`
    }
  }
  if (role === 'tool') return results
  const metadata: Record<string, unknown> = {}
  const thinking = reasoning.filter((text) => text !== '').join('\n\n')
  if (thinking !== '') metadata.reasoning = thinking
  const provider = role === 'assistant' ? asText(row.provider) : null
  if (provider !== null) metadata.provider = provider
  if (row.is_summary_message === 1) metadata.summary = true
  const message: MessageInput = {
    id: asText(row.id),
    role,
    content: texts.filter((text) => text !== '').join('\n\n'),
    timestamp: toEpochMs(row.created_at),
    model: role === 'assistant' ? asText(row.model) : null,
    toolInvocations: tools,
    state,
    error,
    metadata: Object.keys(metadata).length > 0 ? metadata : null,
  }
  return [{ kind: 'message', message }, ...results]
}

