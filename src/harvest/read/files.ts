import type { Dirent } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { MAX_LINE_BYTES } from './jsonl'

/** The entries of a directory, sorted by name; empty when it is missing or unreadable. */
export async function listDir(path: string): Promise<Dirent[]> {
  try {
    const entries = await readdir(path, { withFileTypes: true })
    return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  } catch {
    return []
  }
}

/** Every file under `root` (depth-first, sorted, at most `maxDepth` levels) whose name `accept`s. Symlinks are not followed. */
export async function* walkFiles(root: string, accept: (name: string) => boolean, maxDepth = 8): AsyncGenerator<string> {
  for (const entry of await listDir(root)) {
    const path = join(root, entry.name)
    if (entry.isDirectory()) {
      if (maxDepth > 1) yield* walkFiles(path, accept, maxDepth - 1)
    } else if (entry.isFile() && accept(entry.name)) yield path
  }
}

/** Size and mtime of a file as a fingerprint fragment (`size:mtimeMs`), or null when it is missing. */
export async function statStamp(path: string): Promise<string | null> {
  try {
    const info = await stat(path)
    return info.isFile() ? `${info.size}:${Math.trunc(info.mtimeMs)}` : null
  } catch {
    return null
  }
}

/** A small text file (a marker or config file) read whole; null when missing, unreadable or larger than `maxBytes`. */
export async function readSmallText(path: string, maxBytes = 64 * 1024): Promise<string | null> {
  try {
    const file = Bun.file(path)
    if (file.size > maxBytes) return null
    return (await file.text()).replace(/^\uFEFF/, '')
  } catch {
    return null
  }
}

/**
 * A whole-file JSON document (formats that rewrite one JSON file in place), parsed; or why it could not be.
 * Documents larger than `maxBytes` are refused rather than held in memory.
 */
export async function readJsonDocument(
  path: string,
  maxBytes = MAX_LINE_BYTES,
): Promise<{ value: unknown } | { error: string }> {
  try {
    const file = Bun.file(path)
    if (file.size > maxBytes) return { error: `file larger than ${maxBytes} bytes skipped` }
    const text = (await file.text()).replace(/^\uFEFF/, '').replace(/\0+$/, '')
    if (text.trim() === '') return { error: 'empty file' }
    return { value: JSON.parse(text) }
  } catch (error) {
    return { error: `invalid JSON: ${(error as Error).message}` }
  }
}
