import { join } from 'node:path'
import type { WorkspaceRef } from '../../provider'
import { readJsonDocument, type Area } from '../../read/files'
import { folderPath } from '../../read/folder-uri'
import { folderName } from '../../read/naming'
import { openSqliteSource } from '../../read/sqlite-source'
import { asArray, asString, asText, recordOf } from '../../read/values'
import { kvReader } from './kv'

/** ItemTable key of the pre-composer "Chat" panel (docs/providers.md). */
export const AICHAT_KEY = 'workbench.panel.aichat.view.aichat.chatdata'
/** ItemTable key listing the workspace's composers (and, in old versions, holding them inline). */
export const COMPOSER_INDEX_KEY = 'composer.composerData'

/** What one `workspaceStorage/<id>` folder tells: its project folder and the composers it lists. */
export interface StoredWorkspace {
  storageId: string
  dbPath: string
  workspace: WorkspaceRef | null
  composerIds: string[]
  /** Old-format chats kept in this workspace's own database, or an index too broken to tell. */
  holdsChats: boolean
  problem: string | null
}

/** The project a `workspace.json` names: a folder, or a multi-root `.code-workspace` file. */
export function workspaceFromJson(value: unknown): WorkspaceRef | null {
  const json = recordOf(value)
  const folder = folderPath(asString(json.folder) ?? '')
  if (folder) return { key: folder, name: folderName(folder), path: folder }
  const file = folderPath(asString(json.workspace) ?? '')
  if (file) return { key: file, name: folderName(file).replace(/\.code-workspace$/, ''), path: file }
  return null
}

/** Reads every workspace folder of the area: `workspace.json` and the composer index in its `state.vscdb`. */
export async function scanWorkspaces(area: Area, storageDir: string): Promise<StoredWorkspace[]> {
  const found: StoredWorkspace[] = []
  for (const folder of await area.list(storageDir)) {
    if (folder.kind !== 'dir') continue
    const storageId = folder.name
    const dbPath = join(folder.path, 'state.vscdb')
    if (!(await area.file(dbPath))) continue
    const metaFile = await area.file(join(folder.path, 'workspace.json'))
    const meta = metaFile ? await readJsonDocument(metaFile.path) : null
    const entry: StoredWorkspace = {
      storageId,
      dbPath,
      workspace: meta && 'value' in meta ? workspaceFromJson(meta.value) : null,
      composerIds: [],
      holdsChats: false,
      problem: null,
    }
    try {
      const source = openSqliteSource(dbPath)
      try {
        const get = kvReader(source.db, 'ItemTable')
        const index = get(COMPOSER_INDEX_KEY)
        const composers = index.found && 'value' in index ? asArray(recordOf(index.value).allComposers).map(recordOf) : []
        entry.composerIds = composers.flatMap((c) => asText(c.composerId) ?? [])
        const inline = composers.some((c) => asArray(c.conversation).length > 0)
        entry.holdsChats = inline || get(AICHAT_KEY).found || (index.found && 'problem' in index)
      } finally {
        source.close()
      }
    } catch (error) {
      entry.problem = `cannot read workspace database: ${(error as Error).message}`
    }
    found.push(entry)
  }
  return found
}
