import { join } from 'node:path'
import { existing, type Provider, type ProviderContext, type SessionPart, type Source, type WorkspaceRef } from '../../provider'
import { listDir, readJsonDocument } from '../../read/files'
import { asRecord, asString, asText } from '../../read/values'
import { readTranscript, type ClaudeRecord, type TranscriptPass } from './transcript'

/** What `discover` learned about a transcript file. */
type ClaudeSource =
  | { kind: 'session'; slug: string; sessionId: string }
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

async function* discover(ctx: ProviderContext): AsyncGenerator<Source> {
  for (const root of claudeRoots(ctx)) {
    const projects = join(root, 'projects')
    for (const project of await listDir(projects)) {
      if (!project.isDirectory()) continue
      const slug = project.name
      const dir = join(projects, slug)
      for (const entry of await listDir(dir)) {
        const path = join(dir, entry.name)
        if (entry.isFile() && entry.name.endsWith('.jsonl')) {
          const stem = entry.name.slice(0, -'.jsonl'.length)
          const agent = AGENT_FILE.exec(entry.name)
          // Other names (workflow journals) are not sessions (docs/providers.md, Claude Code).
          if (UUID.test(stem)) yield source(path, { kind: 'session', slug, sessionId: stem })
          else if (agent) yield source(path, { kind: 'subagent', slug, agentId: agent[1]!, parentSessionId: null, metaPath: null })
        } else if (entry.isDirectory() && UUID.test(entry.name)) {
          const subagents = join(path, 'subagents')
          for (const file of await listDir(subagents)) {
            const agent = AGENT_FILE.exec(file.name)
            if (!file.isFile() || !agent) continue
            const metaPath = join(subagents, `agent-${agent[1]}.meta.json`)
            yield source(join(subagents, file.name), { kind: 'subagent', slug, agentId: agent[1]!, parentSessionId: entry.name, metaPath })
          }
        }
      }
    }
  }
}

const source = (path: string, data: ClaudeSource): Source => ({ key: path, path, data })

function read(source: Source): AsyncGenerator<SessionPart> {
  const data = source.data as ClaudeSource
  return data.kind === 'subagent' ? readSubagent(source.path, data) : readSessionFile(source.path, data)
}

/** A main transcript: its own session first, then one session per interleaved sidechain (older versions). */
async function* readSessionFile(path: string, data: Extract<ClaudeSource, { kind: 'session' }>) {
  const sidechains = sidechainGroups()
  const fallbackWorkspace = slugWorkspace(data.slug)
  yield* readTranscript(path, {
    id: data.sessionId,
    accepts: (record) => record.isSidechain !== true,
    skipped: (record) => sidechains.register(record),
    titleRecords: true,
    title: null,
    metadata: (first) => sessionMetadata(first),
    fallbackWorkspace,
    reportLineProblems: true,
  })
  for (const group of sidechains.groups()) {
    yield* readTranscript(path, {
      id: group.agentId !== null ? `agent-${group.agentId}` : `sidechain-${group.rootUuid}`,
      accepts: (record) => record.isSidechain === true && sidechains.groupOf(record) === group.key,
      titleRecords: false,
      title: null,
      metadata: () => ({ parentSessionId: data.sessionId, agentId: group.agentId, sidechain: true }),
      fallbackWorkspace,
      reportLineProblems: false,
    })
  }
}

/** A subagent transcript (`<session>/subagents/agent-<id>.jsonl`, or `agent-<id>.jsonl` beside the sessions). */
async function* readSubagent(path: string, data: Extract<ClaudeSource, { kind: 'subagent' }>) {
  const meta = data.metaPath ? await readJsonDocument(data.metaPath, 1024 * 1024) : null
  const info = meta && 'value' in meta ? asRecord(meta.value) : null
  yield* readTranscript(path, {
    id: `agent-${data.agentId}`,
    accepts: () => true,
    titleRecords: false,
    title: asText(info?.description),
    metadata: (first) => ({
      // Subagent lines carry the parent's session id (docs/providers.md, Claude Code).
      parentSessionId: asText(first.sessionId) ?? data.parentSessionId,
      agentId: data.agentId,
      agentType: asText(info?.agentType),
      sidechain: true,
    }),
    fallbackWorkspace: slugWorkspace(data.slug),
    reportLineProblems: true,
  })
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
