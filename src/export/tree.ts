import type { Database } from 'bun:sqlite'
import { Type, type Static } from '@sinclair/typebox'
import { closeSync, mkdirSync, openSync, readdirSync, readSync, renameSync, unlinkSync, writeSync } from 'node:fs'
import { basename, join } from 'node:path'
import { DETECTOR_SIGNATURE } from '../redact'
import type { ExportHead } from './head'
import { markdownDocument } from './markdown'
import { exportBaseName, id8, slug } from './names'
import { messagePages } from './session'
import { treeCandidates, type TreeFilter } from './store'

/** Bump when the Markdown a session renders to (or a detector check) changes, so every file is rewritten once. */
const RENDER_VERSION = 1
const WRITE_BUFFER = 64 * 1024
const HEADER = /^<!-- chasm-export session="([^"]*)" fingerprint="([0-9a-f]+)" -->\n/
// What a new file's header holds in place of its fingerprint until the document is complete.
const UNSEALED = '-'.repeat(16)
const HEADER_BYTES = 1024

/** What `exportTree` writes and where. */
export interface TreeOptions extends TreeFilter {
  /** The folder the tree is written under (created if missing). */
  out: string
  redact: boolean
  /** Rewrite every file, current or not. */
  force?: boolean
}

/** What a tree export did. */
/** What a tree export did (also `chasm export --all --json`). */
export const TreeReport = Type.Object({
  out: Type.String({ description: 'the folder the tree was written under' }),
  sessions: Type.Integer({ minimum: 0 }),
  written: Type.Integer({ minimum: 0 }),
  unchanged: Type.Integer({ minimum: 0 }),
  removed: Type.Integer({ minimum: 0, description: 'files of sessions whose file name changed (a new title), removed after the new file was written' }),
})
export type TreeReport = Static<typeof TreeReport>

/** The session id and fingerprint in the first line of a file written by a tree export, or null. */
function readHeader(path: string, buffer: Buffer): { session: string; fingerprint: string } | null {
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch {
    return null
  }
  try {
    const match = HEADER.exec(buffer.toString('utf8', 0, readSync(fd, buffer, 0, HEADER_BYTES, 0)))
    return match ? { session: decodeURIComponent(match[1]!), fingerprint: match[2]! } : null
  } finally {
    closeSync(fd)
  }
}

/** Writes chunks to an open file descriptor, in writes of about 64 KiB. */
function writeChunks(fd: number, chunks: Iterable<string>): void {
  let pending = ''
  for (const chunk of chunks) {
    pending += chunk
    if (pending.length >= WRITE_BUFFER) {
      writeSync(fd, pending)
      pending = ''
    }
  }
  if (pending) writeSync(fd, pending)
}

/** Replaces the file at `path` through a temporary file, so a reader never sees half a document. */
function replaceFile(path: string, first: string, chunks: Iterable<string>): void {
  const temporary = `${path}.tmp-${process.pid}`
  const fd = openSync(temporary, 'w', 0o644)
  try {
    writeSync(fd, first)
    writeChunks(fd, chunks)
  } catch (error) {
    closeSync(fd)
    unlinkSync(temporary)
    throw error
  }
  closeSync(fd)
  renameSync(temporary, path)
}

/**
 * Writes a file that does not exist yet, in place (creating a file is the dear part; a rename would
 * add to it): its header first with the fingerprint left blank, the fingerprint last. A run cut off
 * halfway leaves a file whose header does not read as current, so the next run rewrites it.
 * Returns false when the file exists after all.
 */
function createFile(path: string, first: string, fingerprint: string, chunks: Iterable<string>): boolean {
  let fd: number
  try {
    fd = openSync(path, 'wx', 0o644)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  }
  try {
    // The header line is ASCII (the session id is percent-encoded): character and byte offsets agree.
    const at = first.lastIndexOf(fingerprint)
    writeSync(fd, `${first.slice(0, at)}${UNSEALED}${first.slice(at + fingerprint.length)}`)
    writeChunks(fd, chunks)
    writeSync(fd, fingerprint, at)
  } finally {
    closeSync(fd)
  }
  return true
}

/** The folder of a session's file, `<out>/<provider>/<workspace>`; the last one is kept (a session often follows one of its workspace). */
function folders(out: string) {
  let last: { key: string; dir: string } | null = null
  return (head: ExportHead): string => {
    const key = `${head.provider}\0${head.workspace?.name ?? ''}\0${head.workspace === null}`
    if (last?.key !== key) last = { key, dir: join(out, slug(head.provider, 'unknown'), slug(head.workspace?.name ?? null, 'no-workspace')) }
    return last.dir
  }
}

/** Directory listings, kept for the few folders last looked into. */
function listings(capacity = 16) {
  const cache = new Map<string, string[]>()
  return (dir: string): string[] => {
    let names = cache.get(dir)
    if (!names) {
      try {
        names = readdirSync(dir)
      } catch {
        names = []
      }
      cache.set(dir, names)
      if (cache.size > capacity) cache.delete(cache.keys().next().value!)
    }
    return names
  }
}

/**
 * Exports sessions as Markdown files at `<out>/<provider>/<workspace>/<yyyy-mm-dd>-<title-slug>-<id8>.md`.
 * Idempotent: each file starts with a hidden header naming its session and a fingerprint of what
 * the session's document depends on; a file whose fingerprint is current is not read further nor
 * rewritten. A session whose file name changed (a new title) gets its new file and its old one,
 * recognised by its header, is removed. Streamed: one session (one page of its messages) in memory.
 */
export function exportTree(sqlite: Database, options: TreeOptions, onProgress?: (report: TreeReport) => void): TreeReport {
  const report: TreeReport = { out: options.out, sessions: 0, written: 0, unchanged: 0, removed: 0 }
  const header = Buffer.alloc(HEADER_BYTES)
  const listing = listings()
  // Folders made by this run: nothing in them predates it, so they hold no renamed session's file.
  const made = new Set<string>()
  const ready = new Set<string>()
  const folderOf = folders(options.out)
  for (const { pk, head, state } of treeCandidates(sqlite, options)) {
    report.sessions++
    const dir = folderOf(head)
    const fingerprint = Bun.hash(`${RENDER_VERSION}\n${options.redact && DETECTOR_SIGNATURE}\n${state}`).toString(16).padStart(16, '0')
    const base = exportBaseName(head)
    let path = join(dir, `${base}.md`)
    let existing = readHeader(path, header)
    if (existing && existing.session !== head.id) {
      // Another session took this name (same day, title and id start): this one gets its full hash.
      path = join(dir, `${base}-${Bun.hash(head.id).toString(16)}.md`)
      existing = readHeader(path, header)
    }
    if (existing?.fingerprint === fingerprint && !options.force) {
      report.unchanged++
    } else {
      if (!ready.has(dir)) {
        if (mkdirSync(dir, { recursive: true }) !== undefined) made.add(dir)
        ready.add(dir)
      }
      const line = `<!-- chasm-export session="${encodeURIComponent(head.id)}" fingerprint="${fingerprint}" -->\n`
      const document = markdownDocument(head, messagePages(sqlite, pk, head.messageCount), options)
      if (existing || !createFile(path, line, fingerprint, document)) replaceFile(path, line, document)
      report.written++
      if (!existing && !made.has(dir)) report.removed += removeRenamed(dir, head.id, basename(path), listing, header)
    }
    if (onProgress && report.sessions % 1000 === 0) onProgress(report)
  }
  return report
}

/** Removes the files in `dir` that an earlier export wrote for session `id` under another name. */
function removeRenamed(dir: string, id: string, keep: string, listing: (dir: string) => string[], header: Buffer): number {
  const tag = `-${id8(id)}`
  let removed = 0
  for (const name of listing(dir)) {
    if (name === keep || !name.endsWith('.md') || !name.includes(tag)) continue
    const path = join(dir, name)
    if (readHeader(path, header)?.session === id) {
      unlinkSync(path)
      removed++
    }
  }
  return removed
}
