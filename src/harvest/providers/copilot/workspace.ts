import { lstat, readFile } from 'node:fs/promises'
import { basename, join, posix, win32 } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { WorkspaceRef } from '../../provider'
import { isRecord, stringOf, type JsonRecord } from './values'

/** The synthetic workspace of chats opened in a window with no folder (`emptyWindowChatSessions`, `no-workspace`). */
export const EMPTY_WINDOW: WorkspaceRef = { key: '(no folder)', name: '(no folder)', path: null }

/** A decoded workspace URI: a local path (POSIX or Windows) or a remote identifier, and its last segment. */
export interface DecodedUri {
  path: string
  base: string
}

const decodeComponent = (text: string): string | null => {
  try {
    return decodeURIComponent(text)
  } catch {
    return null
  }
}

/** Drops trailing separators (keeping a root such as `/` or `c:\`) and lower-cases a drive letter as VS Code's `fsPath` does. */
function tidyLocal(path: string, windows: boolean): string {
  if (!windows) return path.length > 1 ? path.replace(/\/+$/, '') || '/' : path
  const drive = path.replace(/^([A-Za-z]):/, (_, letter: string) => `${letter.toLowerCase()}:`)
  return /^[a-z]:\\$/.test(drive) || /^\\\\[^\\]+\\[^\\]+\\?$/.test(drive) ? drive : drive.replace(/\\+$/, '')
}

/**
 * Decodes a URI from `workspace.json` with a real URI parser (docs/providers.md):
 * `file:///home/me/proj` → `/home/me/proj`, `file:///c%3A/Users/me/proj` → `c:\Users\me\proj`,
 * `file://server/share/p` → `\\server\share\p`, `vscode-remote://ssh-remote%2Bbox/srv/app` →
 * `ssh-remote+box:/srv/app` (a remote identifier, not a local path). Null when it cannot be parsed.
 */
export function decodeWorkspaceUri(uri: string): DecodedUri | null {
  let url: URL
  try {
    url = new URL(uri)
  } catch {
    return null
  }
  if (url.protocol === 'file:') {
    const host = url.host !== '' && url.host.toLowerCase() !== 'localhost'
    const windows = host || /^\/[A-Za-z](:|%3A)/i.test(url.pathname)
    let path: string
    try {
      path = tidyLocal(fileURLToPath(url, { windows }), windows)
    } catch {
      return null
    }
    return { path, base: (windows ? win32 : posix).basename(path) || path }
  }
  const authority = decodeComponent(url.host)
  const remotePath = decodeComponent(url.pathname)
  if (authority === null || remotePath === null) return null
  const base = posix.basename(remotePath) || authority
  if (url.protocol === 'vscode-remote:') return { path: `${authority}:${remotePath || '/'}`, base }
  return { path: `${url.protocol}//${authority}${remotePath}`, base }
}

/** The workspace of a single-folder URI: named by the folder's base name, keyed by its path. */
export function folderWorkspace(uri: string): WorkspaceRef | null {
  const decoded = decodeWorkspaceUri(uri)
  return decoded && { key: decoded.path, name: decoded.base, path: decoded.path }
}

/** The workspace of a multi-root `.code-workspace` URI: named by the file without its extension. */
export function multiRootWorkspace(uri: string): WorkspaceRef | null {
  const decoded = decodeWorkspaceUri(uri)
  if (!decoded) return null
  // Untitled multi-root workspaces live in `<User>/../Workspaces/<id>/workspace.json`.
  const name = decoded.base === 'workspace.json' ? 'Untitled (Workspace)' : decoded.base.replace(/\.code-workspace$/i, '')
  return { key: decoded.path, name: name || decoded.base, path: decoded.path }
}

/** A `workspaceStorage/<id>` folder's workspace, or why it could not be told (the sessions are then kept without one). */
export type StorageWorkspace = { workspace: WorkspaceRef; problem?: undefined } | { workspace: null; problem: string }

/**
 * Reads `<storageDir>/workspace.json`. Folders without one (empty windows; the old `no-workspace`
 * folder) belong to the empty-window workspace.
 */
export async function readStorageWorkspace(storageDir: string): Promise<StorageWorkspace> {
  if (basename(storageDir) === 'no-workspace') return { workspace: EMPTY_WINDOW }
  const file = join(storageDir, 'workspace.json')
  let text: string
  try {
    // A link could lead out of VS Code's folder and a FIFO would block: only a regular file is read.
    if (!(await lstat(file)).isFile()) return { workspace: null, problem: `${file}: not a regular file` }
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { workspace: EMPTY_WINDOW }
    return { workspace: null, problem: `${file}: ${(error as Error).message}` }
  }
  let value: unknown
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''))
  } catch (error) {
    return { workspace: null, problem: `${file}: invalid JSON (${(error as Error).message})` }
  }
  const folder = isRecord(value) ? stringOf(value.folder) : undefined
  const multiRoot = isRecord(value) ? stringOf(value.workspace) : undefined
  const uri = folder ?? multiRoot
  if (uri === undefined) return { workspace: null, problem: `${file}: names no folder or workspace` }
  const workspace = folder !== undefined ? folderWorkspace(folder) : multiRootWorkspace(uri)
  return workspace ? { workspace } : { workspace: null, problem: `${file}: cannot decode URI ${JSON.stringify(uri)}` }
}

/**
 * The path of a serialized VS Code URI (`{ scheme, authority, path }`, already decoded): a local path
 * for `file` (Windows drive and UNC forms included), else `scheme://authority/path`.
 */
export function uriComponentsPath(uri: JsonRecord): string | null {
  const path = stringOf(uri.path)
  if (path === undefined) return null
  const scheme = stringOf(uri.scheme) ?? 'file'
  const authority = stringOf(uri.authority) ?? ''
  if (scheme !== 'file') return scheme === 'vscode-remote' ? `${authority}:${path}` : `${scheme}://${authority}${path}`
  if (authority !== '' && authority.toLowerCase() !== 'localhost') return tidyLocal(`\\\\${authority}${path.replaceAll('/', '\\')}`, true)
  if (/^\/[A-Za-z]:/.test(path)) return tidyLocal(path.slice(1).replaceAll('/', '\\'), true)
  return tidyLocal(path, false)
}
