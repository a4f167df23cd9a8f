import type { WorkspaceRef } from '../provider'

/** The last segment of a POSIX or Windows path (`C:\src\app` → `app`), whatever OS chasm runs on. */
export function folderName(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, '')
  const segment = trimmed.slice(Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\')) + 1)
  return segment || trimmed || path
}

/** The workspace of a project folder: keyed by its path (trailing separators dropped), named after its last segment. */
export function workspaceAt(path: string): WorkspaceRef {
  const key = path.length > 1 ? path.replace(/(?<=[^:\\/])[\\/]+$/, '') : path
  return { key, name: folderName(key), path: key }
}

// Providers that derive a title from their own notion of the first prompt use the rule every session follows.
export { promptTitle } from '../../shared/title'
