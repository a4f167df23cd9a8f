import type { Database } from 'bun:sqlite'
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, rmdirSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir } from '../support/temp'

/** POST a JSON body; resolves with status and parsed body. */
export async function postJson(url: string, body: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), keepalive: false })
  return { status: response.status, body: await response.json() }
}

/** GET and parse JSON. */
export async function getJson(url: string): Promise<{ status: number; body: any }> {
  const response = await fetch(url, { keepalive: false })
  return { status: response.status, body: await response.json() }
}

/** Lets the database grow by at most `pages` more pages (SQLite's own "disk full"); returns a function that lifts the limit. */
export function limitGrowth(sqlite: Database, pages: number): () => void {
  const { page_count } = sqlite.query<{ page_count: number }, []>('PRAGMA page_count').get()!
  sqlite.run(`PRAGMA max_page_count = ${page_count + pages}`)
  return () => sqlite.run('PRAGMA max_page_count = 4294967294')
}

/** Row counts of the tables a write can touch: equal counts plus an unchanged file mean nothing was half-written. */
export function rowCounts(sqlite: Database): Record<string, number> {
  const tables = ['sessions', 'messages', 'tool_invocations', 'workspaces', 'recording_events', 'recording_sessions', 'agents', 'swarms', 'harvest_sources']
  return Object.fromEntries(tables.map((table) => [table, sqlite.query<{ n: number }, []>(`SELECT count(*) AS n FROM ${table}`).get()!.n]))
}

/** SHA-256 of a file's bytes, to prove a file was never written. */
export const fileHash = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex')

/**
 * A small tmpfs mounted in a temp dir: a real filesystem that runs out of space. Null when this
 * machine does not let us mount one (not root, or a container without the capability).
 */
export function smallFilesystem(bytes: number): { path: string; [Symbol.dispose](): void } | null {
  const dir = tempDir('chasm-tmpfs-')
  const path = join(dir.path, 'fs')
  mkdirSync(path)
  const mounted = Bun.spawnSync(['mount', '-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', path], { stdout: 'ignore', stderr: 'ignore' })
  if (mounted.exitCode !== 0) {
    rmdirSync(path)
    dir[Symbol.dispose]()
    return null
  }
  return {
    path,
    [Symbol.dispose]() {
      Bun.spawnSync(['umount', '-l', path])
      dir[Symbol.dispose]()
    },
  }
}

/** Why `smallFilesystem` cannot work on this machine, or null when it can (probed once by mounting one). */
export function smallFilesystemUnavailable(): string | null {
  if (process.platform !== 'linux') return `tmpfs mounts need Linux (this is ${process.platform})`
  const probe = smallFilesystem(1024 * 1024)
  if (probe === null) return 'cannot mount a tmpfs here (needs root, or a container without CAP_SYS_ADMIN)'
  probe[Symbol.dispose]()
  return null
}
