import type { Dirent, Stats } from 'node:fs'
import { lstat, readdir, realpath, stat } from 'node:fs/promises'
import { join, sep } from 'node:path'
import { MAX_LINE_BYTES } from './jsonl'

/** A regular file or a directory found inside an area. Times are epoch ms. */
export interface AreaEntry {
  name: string
  path: string
  kind: 'file' | 'dir'
  size: number
  mtimeMs: number
}

/**
 * The folder one provider keeps its data in, and the one rule for looking into it: an entry is a
 * regular file or a directory; a symlink counts only while it resolves inside the folder; FIFOs,
 * sockets and devices are never returned. Discovery looks only through an area, so harvest never
 * opens a file outside a provider's folder nor one that could block.
 */
export interface Area {
  readonly root: string
  /** The file or directory at `path`, or null when it is missing, special, or resolves outside the area. */
  at(path: string): Promise<AreaEntry | null>
  /** The regular file at `path` (as `at`), or null. */
  file(path: string): Promise<AreaEntry | null>
  /** The directory at `path` (as `at`), or null. */
  dir(path: string): Promise<AreaEntry | null>
  /** The entries of a directory of the area, sorted by name; empty when it is missing, unreadable or resolves outside. */
  list(dir: string): Promise<AreaEntry[]>
  /** Every file under `dir` (depth-first, sorted, at most `maxDepth` levels) whose name `accept`s. */
  walk(dir: string, accept: (name: string) => boolean, maxDepth?: number): AsyncGenerator<AreaEntry>
}

/** The area rooted at `root`, or null when `root` is not a directory. */
export async function openArea(root: string): Promise<Area | null> {
  let real: string
  try {
    real = await realpath(root)
    if (!(await stat(real)).isDirectory()) return null
  } catch {
    return null
  }
  const inside = (path: string) => path === real || path.startsWith(real.endsWith(sep) ? real : real + sep)
  const entryOf = (name: string, path: string, info: Stats): AreaEntry | null => {
    if (info.isFile()) return { name, path, kind: 'file', size: info.size, mtimeMs: Math.trunc(info.mtimeMs) }
    if (info.isDirectory()) return { name, path, kind: 'dir', size: 0, mtimeMs: Math.trunc(info.mtimeMs) }
    return null
  }
  /** A symlink is followed only when its target is inside; anything else is read as it is (no following). */
  const resolve = async (name: string, path: string, linked: boolean): Promise<AreaEntry | null> => {
    try {
      if (!linked) return entryOf(name, path, await lstat(path))
      const target = await realpath(path)
      return inside(target) ? entryOf(name, path, await stat(target)) : null
    } catch {
      return null
    }
  }
  const area: Area = {
    root,
    async at(path) {
      // A path built by name may pass through links in any segment: only its resolved location tells.
      try {
        const target = await realpath(path)
        return inside(target) ? entryOf(lastSegment(path), path, await stat(target)) : null
      } catch {
        return null
      }
    },
    async file(path) {
      const entry = await area.at(path)
      return entry?.kind === 'file' ? entry : null
    },
    async dir(path) {
      const entry = await area.at(path)
      return entry?.kind === 'dir' ? entry : null
    },
    async list(dir) {
      // The folder itself may be a link: its entries count only when it resolves inside the area.
      if (dir !== root && !(await area.dir(dir))) return []
      const found = await Promise.all(
        (await sortedEntries(dir))
          .filter((entry) => entry.isFile() || entry.isDirectory() || entry.isSymbolicLink())
          .map((entry) => resolve(entry.name, join(dir, entry.name), entry.isSymbolicLink())),
      )
      return found.filter((entry): entry is AreaEntry => entry !== null)
    },
    async *walk(dir, accept, maxDepth = 8) {
      for (const entry of await area.list(dir)) {
        if (entry.kind === 'dir') {
          if (maxDepth > 1) yield* area.walk(entry.path, accept, maxDepth - 1)
        } else if (accept(entry.name)) yield entry
      }
    },
  }
  return area
}

/** The entries of a directory as `readdir` types them (a symlink is not followed), sorted by name; empty when unreadable. */
async function sortedEntries(dir: string): Promise<Dirent[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  } catch {
    return []
  }
}

/**
 * The regular files and directories in `dir`, sorted by name: the same rule as an area, for
 * callers that have not opened one, but stricter: symlinks are left out even when they stay inside.
 */
export async function listDir(dir: string): Promise<Dirent[]> {
  return (await sortedEntries(dir)).filter((entry) => entry.isFile() || entry.isDirectory())
}

/** Every regular file under `root` (depth-first, sorted, at most `maxDepth` levels) whose name `accept`s; symlinks are not followed. */
export async function* walkFiles(root: string, accept: (name: string) => boolean, maxDepth = 8): AsyncGenerator<string> {
  for (const entry of await listDir(root)) {
    const path = join(root, entry.name)
    if (entry.isDirectory()) {
      if (maxDepth > 1) yield* walkFiles(path, accept, maxDepth - 1)
    } else if (accept(entry.name)) yield path
  }
}

const lastSegment = (path: string) => path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1)

/** Size and mtime of an area entry as a fingerprint fragment (`size:mtimeMs`). */
export const stampOf = (entry: Pick<AreaEntry, 'size' | 'mtimeMs'>): string => `${entry.size}:${entry.mtimeMs}`

/** The file's stats when it is a regular file, else null (missing, a directory, a FIFO, a socket, a device). */
async function regularFile(path: string): Promise<Stats | null> {
  try {
    const info = await stat(path)
    return info.isFile() ? info : null
  } catch {
    return null
  }
}

/** A small text file (a marker or config file) read whole; null when missing, not a regular file, or larger than `maxBytes`. */
export async function readSmallText(path: string, maxBytes = 64 * 1024): Promise<string | null> {
  const info = await regularFile(path)
  if (!info || info.size > maxBytes) return null
  try {
    return (await Bun.file(path).text()).replace(/^\uFEFF/, '')
  } catch {
    return null
  }
}

/**
 * A whole-file JSON document (formats that rewrite one JSON file in place), parsed; or why it could not be.
 * Documents larger than `maxBytes` are refused rather than held in memory; so is anything but a regular file.
 */
export async function readJsonDocument(
  path: string,
  maxBytes = MAX_LINE_BYTES,
): Promise<{ value: unknown } | { error: string }> {
  const info = await regularFile(path)
  if (!info) return { error: 'not a regular file' }
  if (info.size > maxBytes) return { error: `file larger than ${maxBytes} bytes skipped` }
  try {
    const text = (await Bun.file(path).text()).replace(/^\uFEFF/, '').replace(/\0+$/, '')
    if (text.trim() === '') return { error: 'empty file' }
    return { value: JSON.parse(text) }
  } catch (error) {
    return { error: `invalid JSON: ${(error as Error).message}` }
  }
}
