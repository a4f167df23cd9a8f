import { closeSync, constants } from 'node:fs'
import { ConfinedDir, kindOf } from '../fs/confined'
import { displayPath } from '../fs/path'
import { readUpTo } from '../fs/read'

/** What one `code_search` call asks, as sent to the search worker. */
export interface SearchJob {
  workspace: string
  /** Where to search: workspace-relative segments (already checked), a folder or a file. */
  segments: string[]
  query: string
  regex: boolean
  caseSensitive: boolean
  maxResults: number
  /** Use fd-anchored opens (see ../fs/confined.ts); the main thread decides, the worker follows. */
  anchored: boolean
}

/** Bounds of one search, whatever the workspace holds. */
export const SEARCH_LIMITS = {
  /** Larger files are skipped. */
  maxFileBytes: 1024 * 1024,
  /** Files read at most; the search says so when it stops there. */
  maxFiles: 20_000,
  /** Folder depth below the search root. */
  maxDepth: 32,
  /** A matching line is shown cut to this many characters. */
  maxLineChars: 300,
}

// Folders that are never worth searching.
const SKIPPED_DIRS = new Set(['.git', 'node_modules', '.hg', '.svn'])

/**
 * Searches the workspace's regular text files line by line. Runs in the search worker: a pattern that
 * backtracks for ever costs that thread only, and the tool terminates it at its time budget.
 * Symlinks, FIFOs, sockets and devices are never opened (see ../fs/confined.ts).
 */
export function scanWorkspace(job: SearchJob): string {
  const matches = matcher(job)
  const results: string[] = []
  let files = 0
  let stoppedAt: string | null = null

  const searchFile = (dir: ConfinedDir, name: string): boolean => {
    if (++files > SEARCH_LIMITS.maxFiles) {
      stoppedAt = `stopped after ${SEARCH_LIMITS.maxFiles} files`
      return false
    }
    const text = readText(dir, name)
    if (text === null) return true
    const lines = text.split(/\r?\n/)
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!
      if (!matches(line)) continue
      const shown = line.length > SEARCH_LIMITS.maxLineChars ? `${line.slice(0, SEARCH_LIMITS.maxLineChars)}…` : line
      results.push(`${dir.rel(name)}:${i + 1}: ${shown}`)
      if (results.length >= job.maxResults) {
        stoppedAt = `stopped at ${job.maxResults} matches`
        return false
      }
    }
    return true
  }

  const searchDir = (dir: ConfinedDir, depth: number): boolean => {
    for (const entry of dir.list()) {
      const kind = kindOf(entry)
      if (kind === 'file' && !searchFile(dir, entry.name)) return false
      if (kind !== 'folder' || SKIPPED_DIRS.has(entry.name) || depth >= SEARCH_LIMITS.maxDepth) continue
      let sub: ConfinedDir
      try {
        sub = dir.openChild(entry.name)
      } catch {
        // Gone, or swapped for a symlink since the listing: not searched.
        continue
      }
      try {
        if (!searchDir(sub, depth + 1)) return false
      } finally {
        sub.close()
      }
    }
    return true
  }

  const name = job.segments.at(-1)
  using parent = ConfinedDir.open(job.workspace, name === undefined ? [] : job.segments.slice(0, -1), false, job.anchored)
  const target = name === undefined ? null : parent.lstat(name)
  if (name !== undefined && !target) return `no such file or folder: ${displayPath(job.segments)}`
  if (name === undefined || kindOf(target!) === 'folder') {
    using root = name === undefined ? null : parent.openChild(name)
    searchDir(root ?? parent, 0)
  } else if (kindOf(target!) === 'file') searchFile(parent, name)
  else return `'${displayPath(job.segments)}' is a ${kindOf(target!)}; only regular files and folders are searched`
  if (results.length === 0) return stoppedAt ? `no matches (${stoppedAt})` : 'no matches'
  return stoppedAt ? `${results.join('\n')}\n… [${stoppedAt}]` : results.join('\n')
}

function matcher({ query, regex, caseSensitive }: SearchJob): (line: string) => boolean {
  if (regex) {
    const pattern = new RegExp(query, caseSensitive ? '' : 'i')
    return (line) => pattern.test(line)
  }
  if (caseSensitive) return (line) => line.includes(query)
  const lower = query.toLowerCase()
  return (line) => line.toLowerCase().includes(lower)
}

/** A regular file's text, or null for what is not searched: special files, large or binary files, unreadable ones. */
function readText(dir: ConfinedDir, name: string): string | null {
  let opened
  try {
    opened = dir.openFile(name, constants.O_RDONLY)
  } catch {
    return null
  }
  try {
    const size = Number(opened.stats.size)
    if (size > SEARCH_LIMITS.maxFileBytes) return null
    const bytes = readUpTo(opened.fd, size)
    return bytes.includes(0) ? null : bytes.toString('utf8')
  } finally {
    closeSync(opened.fd)
  }
}
