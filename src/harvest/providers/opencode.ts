import { basename, dirname, join } from 'node:path'
import { toEpochMs } from '../../shared/time'
import { existing, type MessageInput, type MessageUsage, type Provider, type ProviderContext, type SessionPart, type Source, type ToolInvocationInput } from '../provider'
import { openArea, readJsonDocument, type Area } from '../read/files'
import { workspaceAt } from '../read/naming'
import { openSqliteSource, readSqliteParts, type SqliteSource } from '../read/sqlite-source'
import { tokenCount, tokenUsage } from '../read/usage'
import { asRecord, asString, asText, recordOf, toolOutputText } from '../read/values'

/** `${XDG_DATA_HOME:-~/.local/share}/opencode` on every OS (Windows uses `%USERPROFILE%\.local\share`). */
const dataRoot = (ctx: ProviderContext) => join(ctx.env.XDG_DATA_HOME || join(ctx.home, '.local', 'share'), 'opencode')

type OpenCodeSource =
  | { kind: 'db'; sessionId: string }
  | { kind: 'broken-db'; error: string }
  | { kind: 'legacy'; root: string; sessionId: string }

/** The stable database and the channel databases (`opencode-<channel>.db`), or `OPENCODE_DB`: regular files of their folder. */
async function databases(ctx: ProviderContext): Promise<string[]> {
  const configured = ctx.env.OPENCODE_DB
  const area = await openArea(configured ? dirname(configured) : dataRoot(ctx))
  if (!area) return []
  if (configured) return (await area.file(configured)) ? [configured] : []
  const files = (await area.list(area.root)).filter((entry) => entry.kind === 'file')
  const channels = files.filter((entry) => /^opencode-.+\.db$/.test(entry.name)).map((entry) => entry.path)
  return [...files.filter((entry) => entry.name === 'opencode.db').map((entry) => entry.path), ...channels]
}

/**
 * OpenCode (docs/providers.md): the SQLite store of v1.2+ (`session`, `message`, `part`
 * tables; one source per session, fingerprinted by its rows' ids and update times) and, only when
 * no database exists, the legacy JSON tree under `storage/`. `auth.json`/`mcp-auth.json` are never read.
 */
export const opencode: Provider = {
  id: 'opencode',
  name: 'OpenCode',
  kind: 'harvest',
  async locate(ctx) {
    return [...(await databases(ctx)), ...(await existing([join(dataRoot(ctx), 'storage', 'session')]))]
  },

  async *discover(ctx) {
    const dbs = await databases(ctx)
    for (const path of dbs) yield* discoverDb(path)
    if (dbs.length === 0) yield* discoverLegacy(join(dataRoot(ctx), 'storage'))
  },

  async *read(source) {
    const data = source.data as OpenCodeSource
    if (data.kind === 'broken-db') yield { kind: 'problem', message: data.error }
    else if (data.kind === 'db') yield* readDbSession(source.path, data.sessionId)
    else {
      const area = await openArea(data.root)
      if (area) yield* readLegacySession(area, source.path)
    }
  },
}

interface RowStats {
  id: string
  n: number
  maxRow: number
  maxTime: number | null
}

function* discoverDb(path: string): Generator<Source> {
  let sqlite: SqliteSource | null = null
  const sources: Source[] = []
  try {
    sqlite = openSqliteSource(path)
    const { db } = sqlite
    const sessions = db.query<{ id: string; time_updated: number | null }, []>('SELECT id, time_updated FROM session ORDER BY id').all()
    // Rows are upserted in place (rowid kept), so the newest update time catches edits and max rowid catches deletes + inserts.
    const stats = (table: string) =>
      new Map(
        db
          .query<RowStats, []>(`SELECT session_id AS id, count(*) AS n, max(rowid) AS maxRow, max(time_updated) AS maxTime FROM ${table} GROUP BY session_id`)
          .all()
          .map((row) => [row.id, `${row.n}/${row.maxRow}/${row.maxTime}`]),
      )
    const messages = stats('message')
    const parts = stats('part')
    for (const session of sessions) {
      const fingerprint = `ses:${session.time_updated ?? 0}:${messages.get(session.id) ?? '-'}:${parts.get(session.id) ?? '-'}`
      const data: OpenCodeSource = { kind: 'db', sessionId: session.id }
      sources.push({ key: `${path}#${session.id}`, path, fingerprint, data })
    }
  } catch (error) {
    const data: OpenCodeSource = { kind: 'broken-db', error: `cannot read database: ${(error as Error).message}` }
    sources.push({ key: path, path, data })
  } finally {
    sqlite?.close()
  }
  yield* sources
}

function readDbSession(path: string, sessionId: string): AsyncGenerator<SessionPart> {
  return readSqliteParts(path, function* (db): Generator<SessionPart> {
    const session = db.query<Record<string, unknown>, [string]>('SELECT * FROM session WHERE id = ?').get(sessionId)
    if (!session) return
    const project = db
      .query<{ worktree: string | null }, [string]>('SELECT worktree FROM project WHERE id = ?')
      .get(asString(session.project_id) ?? '')
    yield {
      kind: 'session',
      session: headerOf(session, sessionId, {
        directory: session.directory,
        worktree: project?.worktree,
        parentId: session.parent_id,
        created: session.time_created,
        updated: session.time_updated,
      }),
    }
    const partsOf = db.query<{ id: string; data: string }, [string]>('SELECT id, data FROM part WHERE message_id = ? ORDER BY id')
    let model: string | null = null
    for (const row of db
      .query<{ id: string; time_created: number | null; data: string }, [string]>(
        'SELECT id, time_created, data FROM message WHERE session_id = ? ORDER BY id',
      )
      .iterate(sessionId)) {
      const parts: unknown[] = []
      for (const part of partsOf.iterate(row.id)) {
        const value = parseColumn(part.data)
        if (value === undefined) yield { kind: 'problem', message: `part ${part.id}: invalid JSON` }
        else parts.push(value)
      }
      const data = parseColumn(row.data)
      const message = messageOf(row.id, data, parts, row.time_created)
      if (typeof message === 'string') {
        yield { kind: 'problem', message }
        continue
      }
      model = message.model ?? model
      yield { kind: 'message', message }
    }
    if (model) yield { kind: 'update', patch: { model } }
  })
}

/** The session header shared by both stores. */
function headerOf(
  session: Record<string, unknown>,
  id: string,
  fields: { directory: unknown; worktree: unknown; parentId: unknown; created: unknown; updated: unknown },
) {
  const folder = asText(fields.directory) ?? (fields.worktree === '/' ? null : asText(fields.worktree))
  const metadata: Record<string, unknown> = {}
  for (const [key, value] of Object.entries({ parentId: fields.parentId, slug: session.slug, version: session.version })) {
    if (asText(value)) metadata[key] = value
  }
  return {
    id,
    title: asText(session.title),
    model: null,
    created: toEpochMs(fields.created),
    updated: toEpochMs(fields.updated),
    workspace: folder ? workspaceAt(folder) : null,
    metadata: Object.keys(metadata).length > 0 ? metadata : null,
  }
}

/**
 * A message and its parts → a normalized message, or the reason it cannot be one. Text parts make
 * the content (synthetic ones, which OpenCode injects and hides, are left out); tool parts become tool
 * invocations; reasoning goes to metadata.
 */
function messageOf(id: string, value: unknown, parts: unknown[], rowTime: number | null): MessageInput | string {
  const data = asRecord(value)
  if (!data) return `message ${id}: invalid JSON`
  const role = data.role
  if (role !== 'user' && role !== 'assistant') return `message ${id}: unknown role ${JSON.stringify(role)}`
  const texts: string[] = []
  const reasoning: string[] = []
  const tools: ToolInvocationInput[] = []
  for (const part of parts.map(recordOf)) {
    if (part.type === 'text' && part.synthetic !== true && part.ignored !== true) {
      const text = asString(part.text)
      if (text) texts.push(text)
    } else if (part.type === 'reasoning') {
      const text = asString(part.text)
      if (text) reasoning.push(text)
    } else if (part.type === 'tool') {
      const name = asText(part.tool)
      const state = recordOf(part.state)
      if (name) {
        tools.push({
          id: asText(part.callID),
          name,
          input: state.input ?? null,
          output: toolOutputText(state.output ?? state.error),
          status: asText(state.status),
        })
      }
    }
  }
  const metadata: Record<string, unknown> = {}
  if (reasoning.length > 0) metadata.reasoning = reasoning.join('\n\n')
  if (asRecord(data.error)) metadata.error = data.error
  return {
    id,
    role,
    content: texts.join('\n\n'),
    timestamp: toEpochMs(recordOf(data.time).created) ?? toEpochMs(rowTime),
    model: role === 'assistant' ? asText(data.modelID) : null,
    toolInvocations: tools,
    metadata: Object.keys(metadata).length > 0 ? metadata : null,
    usage: role === 'assistant' ? openCodeUsage(data.tokens) : null,
  }
}

/**
 * An assistant message's `tokens` as OpenCode's `getUsage` records them: `input` without cached
 * tokens, `cache.read`/`cache.write` apart, and `reasoning` beside `output` (OpenCode bills it as output).
 */
function openCodeUsage(value: unknown): MessageUsage | null {
  const tokens = asRecord(value)
  if (!tokens) return null
  const cache = recordOf(tokens.cache)
  const output = tokenCount(tokens.output)
  const reasoning = tokenCount(tokens.reasoning)
  return tokenUsage({
    inputTokens: tokenCount(tokens.input),
    outputTokens: output === null && reasoning === null ? null : (output ?? 0) + (reasoning ?? 0),
    cacheReadTokens: tokenCount(cache.read),
    cacheWrite5mTokens: tokenCount(cache.write),
  })
}

/** Legacy tree (< v1.2): `storage/session/<projectId>/ses_*.json`, one source per session file. */
async function* discoverLegacy(storage: string): AsyncGenerator<Source> {
  const area = await openArea(storage)
  if (!area) return
  for (const project of await area.list(join(storage, 'session'))) {
    if (project.kind !== 'dir') continue
    for (const file of await area.list(project.path)) {
      if (file.kind !== 'file' || !file.name.endsWith('.json')) continue
      const sessionId = file.name.slice(0, -5)
      const messages = await area.dir(join(storage, 'message', sessionId))
      const data: OpenCodeSource = { kind: 'legacy', root: storage, sessionId }
      // The tree is frozen once OpenCode migrates it; the message folder's mtime catches files added before that.
      yield { key: file.path, path: file.path, fingerprint: `${file.size}:${file.mtimeMs}:${messages?.mtimeMs ?? 0}`, data }
    }
  }
}

async function* readLegacySession(area: Area, path: string): AsyncGenerator<SessionPart> {
  const storage = area.root
  /** The `.json` files of a folder in name order (OpenCode ids sort by creation time). */
  const listJson = async (dir: string) => (await area.list(dir)).filter((entry) => entry.kind === 'file' && entry.name.endsWith('.json')).map((entry) => entry.name)
  const file = await readJsonDocument(path)
  const session = 'value' in file ? asRecord(file.value) : null
  if (!session) {
    yield { kind: 'problem', message: 'error' in file ? file.error : 'session file is not an object' }
    return
  }
  const id = asText(session.id) ?? basename(path, '.json')
  const projectFile = await area.file(join(storage, 'project', `${asString(session.projectID) ?? ''}.json`))
  const project = projectFile ? await readJsonDocument(projectFile.path) : { error: 'no project file' }
  const time = recordOf(session.time)
  yield {
    kind: 'session',
    session: headerOf(session, id, {
      directory: session.directory,
      worktree: 'value' in project ? recordOf(project.value).worktree : null,
      parentId: session.parentID,
      created: time.created,
      updated: time.updated,
    }),
  }
  let model: string | null = null
  for (const name of await listJson(join(storage, 'message', id))) {
    const messageFile = await readJsonDocument(join(storage, 'message', id, name))
    if ('error' in messageFile) {
      yield { kind: 'problem', message: `${name}: ${messageFile.error}` }
      continue
    }
    const messageId = asText(recordOf(messageFile.value).id) ?? name.slice(0, -5)
    const parts: unknown[] = []
    for (const partName of await listJson(join(storage, 'part', messageId))) {
      const part = await readJsonDocument(join(storage, 'part', messageId, partName))
      if ('value' in part) parts.push(part.value)
      else yield { kind: 'problem', message: `${partName}: ${part.error}` }
    }
    const message = messageOf(messageId, messageFile.value, parts, null)
    if (typeof message === 'string') {
      yield { kind: 'problem', message }
      continue
    }
    model = message.model ?? model
    yield { kind: 'message', message }
  }
  if (model) yield { kind: 'update', patch: { model } }
}

/** A JSON column parsed; `undefined` when it is not valid JSON. */
function parseColumn(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
