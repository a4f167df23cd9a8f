import { join } from 'node:path'
import { configRoots, existing, type Provider, type ProviderContext, type Source, type WorkspaceRef } from '../../provider'
import { openArea } from '../../read/files'
import { openSqliteSource } from '../../read/sqlite-source'
import { listComposers, readComposer, workspaceDigest, type ComposerContext } from './composer'
import { readWorkspaceChats } from './legacy'
import { scanWorkspaces } from './workspaces'

type CursorSource =
  | { kind: 'composer'; composerId: string; context: ComposerContext }
  | { kind: 'workspace'; workspace: WorkspaceRef; globalComposers: ReadonlySet<string> }
  | { kind: 'broken'; problem: string }

const userDirs = (ctx: ProviderContext) => configRoots(ctx).map((root) => join(root, 'Cursor', 'User'))
/** Composers no workspace lists: named by the provider's label, as chats with no folder are (docs/providers.md). */
const NO_FOLDER: WorkspaceRef = { key: '(no folder)', name: 'Cursor', path: null }

/**
 * Cursor (docs/providers.md): composer/agent chats in the global `state.vscdb` (`cursorDiskKV`,
 * one source per composer, read lazily), attributed to projects through each workspace's
 * `composer.composerData` index; plus the old per-workspace Chat panel and inline composers.
 * `cursorAuth/*` and other ItemTable keys of the global database are never read.
 */
export const cursor: Provider = {
  id: 'cursor',
  name: 'Cursor',
  kind: 'harvest',
  locate: (ctx) =>
    existing(userDirs(ctx).flatMap((user) => [join(user, 'globalStorage', 'state.vscdb'), join(user, 'workspaceStorage')])),

  async *discover(ctx) {
    for (const user of userDirs(ctx)) yield* discoverUserDir(user)
  },

  async *read(source) {
    const data = source.data as CursorSource
    if (data.kind === 'broken') yield { kind: 'problem', message: data.problem }
    else if (data.kind === 'composer') yield* readComposer(source.path, data.composerId, data.context)
    else yield* readWorkspaceChats(source.path, data.workspace, data.globalComposers)
  },
}

async function* discoverUserDir(user: string): AsyncGenerator<Source> {
  const area = await openArea(user)
  if (!area) return
  const workspaces = await scanWorkspaces(area, join(user, 'workspaceStorage'))
  const byComposer = new Map<string, WorkspaceRef>()
  const byStorageId = new Map<string, WorkspaceRef>()
  for (const stored of workspaces) {
    if (!stored.workspace) continue
    byStorageId.set(stored.storageId, stored.workspace)
    for (const id of stored.composerIds) if (!byComposer.has(id)) byComposer.set(id, stored.workspace)
  }

  const globalPath = join(user, 'globalStorage', 'state.vscdb')
  const globalComposers = new Set<string>()
  if (await area.file(globalPath)) {
    const sources: Source[] = []
    try {
      const source = openSqliteSource(globalPath)
      try {
        for (const { composerId, fingerprint } of listComposers(source.db)) {
          globalComposers.add(composerId)
          const workspace = byComposer.get(composerId) ?? null
          const data: CursorSource = { kind: 'composer', composerId, context: { workspace, byStorageId, fallback: NO_FOLDER } }
          sources.push({ key: `${globalPath}#${composerId}`, path: globalPath, fingerprint: `${fingerprint}:ws:${workspaceDigest(workspace)}`, data })
        }
      } finally {
        source.close()
      }
    } catch (error) {
      const data: CursorSource = { kind: 'broken', problem: `cannot read global database: ${(error as Error).message}` }
      sources.push({ key: globalPath, path: globalPath, data })
    }
    yield* sources
  }

  for (const stored of workspaces) {
    if (stored.problem) {
      const data: CursorSource = { kind: 'broken', problem: stored.problem }
      yield { key: stored.dbPath, path: stored.dbPath, data }
    } else if (stored.holdsChats) {
      const data: CursorSource = { kind: 'workspace', workspace: stored.workspace ?? NO_FOLDER, globalComposers }
      yield { key: stored.dbPath, path: stored.dbPath, data }
    }
  }
}
