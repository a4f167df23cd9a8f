import { join } from 'node:path'
import { existing, type Provider, type ProviderContext, type SessionPart, type Source, type WorkspaceRef } from '../../provider'
import { openArea, readJsonDocument } from '../../read/files'
import { readJsonLines } from '../../read/jsonl'
import { noConversation } from '../../read/problems'
import { asRecord, asString, asText } from '../../read/values'
import { NON_MESSAGE_TYPES, readTranscript, type ClaudeRecord } from './transcript'

/** What `discover` learned about a transcript file. */
type ClaudeSource =
  | { kind: 'session'; slug: string; sessionId: string }
  /** A `*.jsonl` not named by a UUID: a session when its records carry a `sessionId` no UUID-named file beside it has. */
  | { kind: 'named'; slug: string; siblings: ReadonlySet<string> }
  | { kind: 'subagent'; slug: string; agentId: string; parentSessionId: string | null; metaPath: string | null }

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const AGENT_FILE = /^agent-(.+)\.jsonl$/

/** Claude Code's config roots: `CLAUDE_CONFIG_DIR` (unless the home is overridden) and `~/.claude` on every OS. */
export function claudeRoots(ctx: ProviderContext): string[] {
  const roots = [join(ctx.home, '.claude')]
  const configured = ctx.homeOverridden ? undefined : ctx.env.CLAUDE_CONFIG_DIR
  if (configured) roots.unshift(configured)
  return [...new Set(roots)]
}

/**
 * The workspace of a project folder whose transcripts carry no `cwd`: its slug decoded. The slug
 * rule is lossy (`/a/b-c` and `/a/b/c` collide), hence only a fallback.
 */
export function slugWorkspace(slug: string): WorkspaceRef {
  const drive = /^([A-Za-z])--(.*)$/.exec(slug)
  const path = drive ? `${drive[1]}:\\${drive[2]!.replaceAll('-', '\\')}` : slug.startsWith('-') ? slug.replaceAll('-', '/') : null
  if (path === null) return { key: slug, name: slug, path: null }
  const name = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1)
  return { key: path, name: name || path, path }
}

/** Transcripts under `<root>/projects/<slug>/` (and `<session>/subagents/`); links leading out of `projects` are not followed. */
async function* discover(ctx: ProviderContext): AsyncGenerator<Source> {
  for (const root of claudeRoots(ctx)) {
    const projects = join(root, 'projects')
    const area = await openArea(projects)
    if (!area) continue
    for (const project of await area.list(projects)) {
      if (project.kind !== 'dir') continue
      const slug = project.name
      const entries = await area.list(project.path)
      const sessionIds = new Set(entries.flatMap((e) => (e.kind === 'file' && e.name.endsWith('.jsonl') ? [e.name.slice(0, -'.jsonl'.length)] : [])))
      for (const entry of entries) {
        if (entry.kind === 'file' && entry.name.endsWith('.jsonl')) {
          const stem = entry.name.slice(0, -'.jsonl'.length)
          const agent = AGENT_FILE.exec(entry.name)
          if (UUID.test(stem)) yield source(entry.path, { kind: 'session', slug, sessionId: stem })
          else if (agent) yield source(entry.path, { kind: 'subagent', slug, agentId: agent[1]!, parentSessionId: null, metaPath: null })
          else yield source(entry.path, { kind: 'named', slug, siblings: sessionIds })
        } else if (entry.kind === 'dir' && UUID.test(entry.name)) {
          const subagents = join(entry.path, 'subagents')
          const files = await area.list(subagents)
          const metas = new Set(files.map((file) => file.name))
          for (const file of files) {
            const agent = AGENT_FILE.exec(file.name)
            if (file.kind !== 'file' || !agent) continue
            const meta = `agent-${agent[1]}.meta.json`
            const metaPath = metas.has(meta) ? join(subagents, meta) : null
            yield source(file.path, { kind: 'subagent', slug, agentId: agent[1]!, parentSessionId: entry.name, metaPath })
          }
        }
      }
    }
  }
}

const source = (path: string, data: ClaudeSource): Source => ({ key: path, path, data })

function read(source: Source): AsyncGenerator<SessionPart> {
  const data = source.data as ClaudeSource
  if (data.kind === 'subagent') return readSubagent(source.path, data)
  if (data.kind === 'named') return readNamedFile(source.path, data)
  return readSessionFile(source.path, data.slug, data.sessionId)
}

/**
 * A transcript under another name than its session's UUID (a copy, a renamed file): the session its
 * records name, unless that session has its own `<id>.jsonl` beside it (then this file repeats it).
 */
async function* readNamedFile(path: string, data: Extract<ClaudeSource, { kind: 'named' }>): AsyncGenerator<SessionPart> {
  let sessionId: string | null = null
  for await (const line of readJsonLines(path)) {
    sessionId = 'value' in line ? asText(asRecord(line.value)?.sessionId) : null
    if (sessionId !== null) break
  }
  if (sessionId === null) yield noConversation(path, 'no record carries a sessionId')
  else if (data.siblings.has(sessionId)) yield noConversation(path, `its records belong to session ${sessionId}, read from ${sessionId}.jsonl`)
  else yield* readSessionFile(path, data.slug, sessionId)
}

/** A main transcript: its own session first, then one session per interleaved sidechain (older versions). */
async function* readSessionFile(path: string, slug: string, sessionId: string): AsyncGenerator<SessionPart> {
  const sidechains = sidechainGroups()
  const fallbackWorkspace = slugWorkspace(slug)
  const types = new Map<string, number>()
  let sessions = 0
  const counting = async function* (parts: AsyncGenerator<SessionPart>) {
    for await (const part of parts) {
      if (part.kind === 'session') sessions += 1
      yield part
    }
  }
  yield* counting(
    readTranscript(path, {
      id: sessionId,
      accepts: (record) => record.isSidechain !== true,
      skipped: (record) => sidechains.register(record),
      titleRecords: true,
      title: null,
      metadata: (first) => sessionMetadata(first),
      fallbackWorkspace,
      reportLineProblems: true,
      types,
    }),
  )
  for (const group of sidechains.groups()) {
    yield* counting(
      readTranscript(path, {
        id: group.agentId !== null ? `agent-${group.agentId}` : `sidechain-${group.rootUuid}`,
        accepts: (record) => record.isSidechain === true && sidechains.groupOf(record) === group.key,
        titleRecords: false,
        title: null,
        metadata: () => ({ parentSessionId: sessionId, agentId: group.agentId, sidechain: true }),
        fallbackWorkspace,
        reportLineProblems: false,
      }),
    )
  }
  const problem = sessions === 0 ? emptyTranscript(path, types) : null
  if (problem) yield problem
}

/**
 * Why a transcript that yielded no session is a problem, or null when it is one Claude Code writes
 * empty: only titles, summaries and file snapshots (e.g. when a UI opens a deleted chat), or no records
 * at all (reported as an empty or unreadable file already).
 */
function emptyTranscript(path: string, types: Map<string, number>): SessionPart | null {
  if ([...types.keys()].every((type) => NON_MESSAGE_TYPES.has(type))) return null
  const found = [...types.entries()].map(([type, count]) => `${count} ${type}`).join(', ')
  return noConversation(path, `no user or assistant message among its records (${found})`)
}

/** A subagent transcript (`<session>/subagents/agent-<id>.jsonl`, or `agent-<id>.jsonl` beside the sessions). */
async function* readSubagent(path: string, data: Extract<ClaudeSource, { kind: 'subagent' }>) {
  const meta = data.metaPath ? await readJsonDocument(data.metaPath, 1024 * 1024) : null
  const info = meta && 'value' in meta ? asRecord(meta.value) : null
  const types = new Map<string, number>()
  let sessions = 0
  for await (const part of readTranscript(path, {
    id: `agent-${data.agentId}`,
    accepts: () => true,
    titleRecords: false,
    title: asText(info?.description),
    metadata: (first) => ({
      // Subagent lines carry the parent's session id (docs/providers.md).
      parentSessionId: asText(first.sessionId) ?? data.parentSessionId,
      agentId: data.agentId,
      agentType: asText(info?.agentType),
      sidechain: true,
    }),
    fallbackWorkspace: slugWorkspace(data.slug),
    reportLineProblems: true,
    types,
  })) {
    if (part.kind === 'session') sessions += 1
    yield part
  }
  const problem = sessions === 0 ? emptyTranscript(path, types) : null
  if (problem) yield problem
}

function sessionMetadata(first: ClaudeRecord): Record<string, unknown> | null {
  const metadata = Object.fromEntries(
    Object.entries({ gitBranch: asText(first.gitBranch), version: asText(first.version) }).filter(([, v]) => v !== null),
  )
  return Object.keys(metadata).length > 0 ? metadata : null
}

/**
 * Groups the sidechain lines of a main transcript into conversations: by `agentId` when present,
 * else by the root of their `parentUuid` chain. Registration happens in the main pass; later passes
 * ask `groupOf` with the same records in the same order.
 */
function sidechainGroups() {
  const groupOfUuid = new Map<string, string>()
  const order = new Map<string, { key: string; agentId: string | null; rootUuid: string | null }>()
  const groupOf = (record: ClaudeRecord): string | null => {
    const agentId = asText(record.agentId)
    if (agentId !== null) return `agent:${agentId}`
    const uuid = asString(record.uuid)
    if (uuid === null) return null
    const parent = asString(record.parentUuid)
    const group = groupOfUuid.get(uuid) ?? (parent !== null ? groupOfUuid.get(parent) : undefined) ?? `root:${uuid}`
    groupOfUuid.set(uuid, group)
    return group
  }
  return {
    groupOf,
    register(record: ClaudeRecord) {
      if (record.isSidechain !== true) return
      const key = groupOf(record)
      if (key === null || order.has(key)) return
      const agentId = asText(record.agentId)
      order.set(key, { key, agentId, rootUuid: agentId === null ? key.slice('root:'.length) : null })
    },
    groups: () => [...order.values()],
  }
}

/** Claude Code (CLI, IDE extensions, desktop): JSONL transcripts under `~/.claude/projects/<slug>/`. Never reads `.credentials.json`. */
export const claudeCode: Provider = {
  id: 'claude-code',
  name: 'Claude Code',
  kind: 'harvest',
  locate: (ctx) => existing(claudeRoots(ctx).map((root) => join(root, 'projects'))),
  discover,
  read,
}
