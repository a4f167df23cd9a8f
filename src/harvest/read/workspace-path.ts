import type { WorkspaceRef } from '../provider'

/** The last segment of a POSIX or Windows path (the path itself if it has none). */
export function baseName(path: string): string {
  const trimmed = trimSeparators(path)
  const segment = trimmed.split(/[\\/]/).pop() ?? ''
  return segment === '' ? trimmed : segment
}

const trimSeparators = (path: string) => (/^[\\/]+$/.test(path) || /^[A-Za-z]:[\\/]$/.test(path) ? path : path.replace(/[\\/]+$/, ''))

/**
 * A folder as VS Code-family tools record it (`file://` URI, remote URI or plain path) → a path.
 * `file:///home/u/p` → `/home/u/p`; `file:///c%3A/Users/p` → `c:\Users\p`; `file://srv/share/p` →
 * `\\srv\share\p`; `vscode-remote://ssh-remote%2Bbox/srv/app` → `ssh-remote+box:/srv/app`
 * (a remote identifier, not a local path). Null for an empty or unparsable value.
 */
export function folderPath(value: string): string | null {
  const text = value.trim()
  if (text === '') return null
  if (!/^[a-zA-Z][a-zA-Z0-9+.-]+:\/\//.test(text)) return trimSeparators(text)
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return null
  }
  const path = safeDecode(url.pathname)
  if (url.protocol === 'file:') {
    if (url.host !== '') return trimSeparators(`\\\\${url.host}${path.replaceAll('/', '\\')}`)
    if (/^\/[A-Za-z]:/.test(path)) return trimSeparators(path.slice(1).replaceAll('/', '\\'))
    return trimSeparators(path)
  }
  return `${safeDecode(url.host)}:${trimSeparators(path) || '/'}`
}

const safeDecode = (text: string) => {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/** The workspace of a project folder: keyed by its path, named by its base name. */
export function workspaceAt(path: string): WorkspaceRef {
  const normalized = trimSeparators(path)
  return { key: normalized, name: baseName(normalized), path: normalized }
}

/** A workspace for chats that belong to no folder, named by the provider's label (SPEC §4). */
export const noFolderWorkspace = (label: string): WorkspaceRef => ({ key: '(no folder)', name: label, path: null })
