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

/** Longest title derived from a prompt, in characters. */
export const PROMPT_TITLE_MAX = 80

/** A session title from its first prompt: the first non-blank line, whitespace collapsed, cut at `PROMPT_TITLE_MAX`. */
export function promptTitle(prompt: string): string | null {
  const line = prompt
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .find((l) => l !== '')
  if (!line) return null
  return line.length <= PROMPT_TITLE_MAX ? line : `${line.slice(0, PROMPT_TITLE_MAX - 1).trimEnd()}…`
}
