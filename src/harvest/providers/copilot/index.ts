import { basename, extname, join } from 'node:path'
import { existing, type Provider, type ProviderContext, type SessionPart, type Source, type WorkspaceRef } from '../../provider'
import { openArea, type Area } from '../../read/files'
import { loadSessionJson } from './json'
import { replayMutationLog } from './jsonl'
import { readLegacySessions } from './legacy'
import { userDirs, type UserDir } from './locations'
import { sessionParts } from './session'
import { probeStateDb, type StateDb } from './state-db'
import { EMPTY_WINDOW, readStorageWorkspace } from './workspace'

/**
 * What `discover` hands to `read`: which files hold a session, or which database holds legacy
 * sessions; with the titles of the folder's session index.
 */
type CopilotSource =
  | { kind: 'file'; editor: string; storageDir: string | null; files: string[]; titles: ReadonlyMap<string, string> }
  | { kind: 'legacy'; editor: string; storageDir: string | null; skipIds: string[]; titles: ReadonlyMap<string, string> }

const NO_STATE: StateDb = { legacy: { kind: 'absent' }, titles: new Map() }

/** The `state.vscdb` beside a folder's sessions, read once per discovery; one outside VS Code's folder or a special file is not opened. */
async function stateDbAt(area: Area, dbPath: string): Promise<StateDb> {
  return (await area.file(dbPath)) ? probeStateDb(dbPath) : NO_STATE
}

/** A short stable digest of a title, for fingerprints: a rename in the history list must re-read the session. */
const titleDigest = (title: string) => Bun.hash(title).toString(36)

const SESSION_EXTENSIONS = new Set(['.json', '.jsonl'])

/**
 * One source per session id in a `chatSessions`-style folder (regular files only). When both `<id>.json` and
 * `<id>.jsonl` exist, the newer file is read (the `.jsonl` on a tie, as VS Code ≥ 1.109 does) and
 * the other is kept as a fallback. The key is the id's path without extension, so a switch between
 * formats replaces the session instead of orphaning it; the fingerprint covers the session's index
 * title, which VS Code changes without touching the file.
 */
async function* sessionFileSources(
  area: Area,
  dir: string,
  editor: string,
  storageDir: string | null,
  titles: ReadonlyMap<string, string>,
): AsyncGenerator<Source & { id: string }> {
  const byId = new Map<string, { path: string; size: number; mtime: number; log: boolean }[]>()
  // Regular files only, inside VS Code's folder: a link may lead out of it, a FIFO would block the read.
  for (const entry of await area.list(dir)) {
    const extension = extname(entry.name)
    if (!SESSION_EXTENSIONS.has(extension) || entry.kind !== 'file') continue
    const id = entry.name.slice(0, -extension.length)
    byId.set(id, [...(byId.get(id) ?? []), { path: entry.path, size: entry.size, mtime: entry.mtimeMs, log: extension === '.jsonl' }])
  }
  for (const [id, files] of byId) {
    files.sort((a, b) => b.mtime - a.mtime || Number(b.log) - Number(a.log))
    const [chosen, ...others] = files
    if (!chosen) continue
    const data: CopilotSource = { kind: 'file', editor, storageDir, files: [chosen.path, ...others.map((f) => f.path)], titles }
    const title = titles.get(id)
    const fingerprint = `${chosen.size}:${chosen.mtime}:${extname(chosen.path)}${title === undefined ? '' : `:${titleDigest(title)}`}`
    yield { id, key: join(dir, id), path: chosen.path, fingerprint, data }
  }
}

/**
 * The legacy `interactive.sessions` source of a `state.vscdb`, when it has that key or cannot be
 * read. Its fingerprint covers the index titles of sessions that have no file (only those can be legacy ones).
 */
function legacySource(dbPath: string, state: StateDb, editor: string, storageDir: string | null, skipIds: string[]): Source | null {
  const { legacy, titles } = state
  if (legacy.kind === 'absent') return null
  const data: CopilotSource = { kind: 'legacy', editor, storageDir, skipIds, titles }
  // An unreadable database gets the file's own fingerprint, so `read` reports why and the next run retries.
  if (legacy.kind === 'unreadable') return { key: dbPath, path: dbPath, data }
  const skip = new Set(skipIds)
  const unfiled = [...titles].filter(([id]) => !skip.has(id)).sort(([a], [b]) => a.localeCompare(b))
  const fingerprint = unfiled.length === 0 ? legacy.fingerprint : `${legacy.fingerprint}:${titleDigest(JSON.stringify(unfiled))}`
  return { key: dbPath, path: dbPath, fingerprint, data }
}

/** The sessions of one storage folder: its session files, then the legacy sessions of its `state.vscdb`. */
async function* folderSources(area: Area, sessionsDir: string, dbPath: string, editor: string, storageDir: string | null): AsyncGenerator<Source> {
  const state = await stateDbAt(area, dbPath)
  const ids: string[] = []
  for await (const { id, ...source } of sessionFileSources(area, sessionsDir, editor, storageDir, state.titles)) {
    ids.push(id)
    yield source
  }
  const legacy = legacySource(dbPath, state, editor, storageDir, ids)
  if (legacy) yield legacy
}

async function* userDirSources(dir: UserDir): AsyncGenerator<Source> {
  // Everything is looked up inside the editor's user folder (which may itself be a link the user made).
  const area = await openArea(dir.path)
  if (!area) return
  const storageRoot = join(dir.path, 'workspaceStorage')
  for (const entry of await area.list(storageRoot)) {
    if (entry.kind !== 'dir') continue
    yield* folderSources(area, join(entry.path, 'chatSessions'), join(entry.path, 'state.vscdb'), dir.editor, entry.path)
  }
  // Chats of windows without a folder; their index is in the application-wide `state.vscdb`.
  const globalDir = join(dir.path, 'globalStorage')
  yield* folderSources(area, join(globalDir, 'emptyWindowChatSessions'), join(globalDir, 'state.vscdb'), dir.editor, null)
}

async function workspaceOf(storageDir: string | null): Promise<{ workspace: WorkspaceRef | null; problems: string[] }> {
  if (storageDir === null) return { workspace: EMPTY_WINDOW, problems: [] }
  const found = await readStorageWorkspace(storageDir)
  return { workspace: found.workspace, problems: found.problem ? [found.problem] : [] }
}

/** A read gave a session, or found an empty one: no need to try the other file. */
const usable = (parts: SessionPart[]) =>
  parts.some((part) => part.kind === 'session') || parts.every((part) => part.kind !== 'problem')

type FileSource = Extract<CopilotSource, { kind: 'file' }>
type LegacySource = Extract<CopilotSource, { kind: 'legacy' }>

/** Reads the chosen file of a session, falling back to its other file when the chosen one is unusable. */
async function readSessionFile(data: FileSource, workspace: WorkspaceRef | null, problems: string[]): Promise<SessionPart[]> {
  for (const [index, file] of data.files.entries()) {
    const log = file.endsWith('.jsonl')
    const loaded = log ? await replayMutationLog(file) : { ...(await loadSessionJson(file)), incomplete: false }
    const prefix = index === 0 ? '' : `fallback ${basename(file)}: `
    problems.push(...loaded.problems.map((problem) => prefix + problem))
    if (loaded.state === undefined) continue
    const alternate = data.files.find((other) => other !== file)
    const parts = sessionParts(loaded.state, {
      fallbackId: basename(file, extname(file)),
      workspace,
      incomplete: loaded.incomplete,
      metadata: { format: log ? 'jsonl' : 'json', editor: data.editor, alternate },
      titles: data.titles,
    })
    if (usable(parts) || index === data.files.length - 1) return parts
    problems.push(...parts.flatMap((part) => (part.kind === 'problem' ? [prefix + part.message] : [])))
  }
  return []
}

async function readLegacy(path: string, data: LegacySource, workspace: WorkspaceRef | null, problems: string[]): Promise<SessionPart[]> {
  const { sessions, problems: found } = await readLegacySessions(path)
  problems.push(...found)
  const skip = new Set(data.skipIds)
  return sessions.flatMap((session) => {
    // A session migrated to a file is read from the file.
    const id = typeof session === 'object' && session !== null ? (session as { sessionId?: unknown }).sessionId : undefined
    if (typeof id === 'string' && skip.has(id)) return []
    return sessionParts(session, { fallbackId: null, workspace, incomplete: false, metadata: { format: 'legacy', editor: data.editor }, titles: data.titles })
  })
}

/** GitHub Copilot Chat in VS Code, Insiders, Code - OSS and VSCodium (docs/providers.md). */
export const copilotProvider: Provider = {
  id: 'copilot',
  name: 'GitHub Copilot (VS Code)',
  kind: 'harvest',

  locate: (ctx: ProviderContext) => existing(userDirs(ctx).map((dir) => dir.path)),

  async *discover(ctx: ProviderContext) {
    const dirs = userDirs(ctx)
    const found = new Set(await existing(dirs.map((dir) => dir.path)))
    // `delete` also skips a folder listed twice (e.g. XDG_CONFIG_HOME pointing at a package root).
    for (const dir of dirs) if (found.delete(dir.path)) yield* userDirSources(dir)
  },

  async *read(source: Source) {
    const data = source.data as CopilotSource | undefined
    if (data?.kind !== 'file' && data?.kind !== 'legacy') {
      yield { kind: 'problem', message: 'not a Copilot source' }
      return
    }
    const { workspace, problems } = await workspaceOf(data.storageDir)
    const parts =
      data.kind === 'file' ? await readSessionFile(data, workspace, problems) : await readLegacy(source.path, data, workspace, problems)
    yield* parts
    for (const message of problems) yield { kind: 'problem', message }
  },
}
