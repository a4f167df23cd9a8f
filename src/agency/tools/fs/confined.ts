import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  realpathSync,
  type BigIntStats,
  type Dirent,
} from 'node:fs'
import { isAbsolute, join, relative } from 'node:path'
import { ToolError } from '../tool-error'
import { displayPath } from './path'

// Windows has no O_NOFOLLOW, O_NONBLOCK or O_DIRECTORY: there the lstat and realpath checks below do their job.
const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0
const O_NONBLOCK = constants.O_NONBLOCK ?? 0
const O_DIRECTORY = constants.O_DIRECTORY ?? 0

/**
 * Linux names every open descriptor as `/proc/self/fd/N`, and a path through it starts at the very
 * directory the descriptor holds (like `openat`): renaming a parent or swapping in a symlink after we
 * opened it changes nothing. Elsewhere the walk re-checks every parent after the open instead.
 */
export const FD_ANCHORED = process.platform === 'linux' && existsSync('/proc/self/fd')

/** What a directory entry is, in words the model sees. */
export type EntryKind = 'file' | 'folder' | 'symlink' | 'FIFO' | 'socket' | 'device' | 'special file'

/** What `lstat`, `fstat` or a directory listing says an entry is. */
export function kindOf(stats: Pick<Dirent, 'isFile' | 'isDirectory' | 'isSymbolicLink' | 'isFIFO' | 'isSocket' | 'isBlockDevice' | 'isCharacterDevice'>): EntryKind {
  if (stats.isFile()) return 'file'
  if (stats.isDirectory()) return 'folder'
  if (stats.isSymbolicLink()) return 'symlink'
  if (stats.isFIFO()) return 'FIFO'
  if (stats.isSocket()) return 'socket'
  if (stats.isBlockDevice() || stats.isCharacterDevice()) return 'device'
  return 'special file'
}

const sameFile = (a: BigIntStats, b: BigIntStats): boolean => a.dev === b.dev && a.ino === b.ino

const errno = (error: unknown): string | undefined => (error as NodeJS.ErrnoException)?.code

/** The refusal for an entry that is not what a tool may touch. */
export const notAllowed = (rel: string, kind: EntryKind): ToolError =>
  kind === 'symlink'
    ? new ToolError(`'${rel}' is a symlink; symlinks are not followed`)
    : new ToolError(`'${rel}' is a ${kind}; only regular files and folders are opened`)

interface Checkpoint {
  path: string
  rel: string
  stats: BigIntStats
}

/**
 * A folder inside the workspace, reached from the workspace one segment at a time without following a
 * symlink anywhere. Children are addressed through `ref`: `/proc/self/fd/N` when fd-anchored, the
 * folder's path otherwise (then `verify` re-checks the whole chain after every open).
 */
export class ConfinedDir {
  private constructor(
    readonly workspace: string,
    readonly segments: readonly string[],
    private readonly anchored: boolean,
    private fd: number | null,
    /** Every folder from the workspace down to this one, as first seen (checked again by `verify`). */
    private readonly chain: readonly Checkpoint[],
  ) {}

  /** The workspace itself, opened without following a symlink in its place. */
  static root(workspace: string, anchored = FD_ANCHORED): ConfinedDir {
    if (anchored) {
      const fd = openDirectory(workspace, '.')
      return new ConfinedDir(workspace, [], true, fd, [])
    }
    const stats = lstatSync(workspace, { bigint: true })
    if (!stats.isDirectory()) throw stats.isSymbolicLink() ? notAllowed('.', 'symlink') : new ToolError("'.' is not a folder")
    return new ConfinedDir(workspace, [], false, null, [{ path: workspace, rel: '.', stats }])
  }

  /** Walks `segments` from the workspace; with `create`, missing folders are made (mode 0777 less the umask). */
  static open(workspace: string, segments: readonly string[], create = false, anchored = FD_ANCHORED): ConfinedDir {
    let dir = ConfinedDir.root(workspace, anchored)
    try {
      for (const segment of segments) {
        const next = dir.openChild(segment, create)
        dir.close()
        dir = next
      }
      return dir
    } catch (error) {
      dir.close()
      throw error
    }
  }

  private get ref(): string {
    return this.anchored ? `/proc/self/fd/${this.fd}` : this.chain.at(-1)!.path
  }

  /** The path through which `name` in this folder is opened. */
  child(name: string): string {
    return this.anchored ? `${this.ref}/${name}` : join(this.ref, name)
  }

  /** `name`'s path relative to the workspace, as the model wrote it. */
  rel(name?: string): string {
    return displayPath(name === undefined ? this.segments : [...this.segments, name])
  }

  /** The entry `name` without following it, or null when there is none. */
  lstat(name: string): BigIntStats | null {
    return lstatSync(this.child(name), { bigint: true, throwIfNoEntry: false }) ?? null
  }

  /** The sub-folder `name`, refused when it is a symlink (even one swapped in meanwhile) or not a folder. */
  openChild(name: string, create = false): ConfinedDir {
    const rel = this.rel(name)
    const segments = [...this.segments, name]
    if (this.anchored) {
      for (let attempt = 0; ; attempt++) {
        try {
          return new ConfinedDir(this.workspace, segments, true, openDirectory(this.child(name), rel), [])
        } catch (error) {
          if (!(error instanceof MissingEntry) || !create || attempt > 0) throw error
          makeDirectory(this.child(name), rel)
        }
      }
    }
    let stats = this.lstat(name)
    if (!stats && create) {
      makeDirectory(this.child(name), rel)
      stats = this.lstat(name)
    }
    if (!stats) throw new ToolError(`no such folder: ${rel}`)
    const kind = kindOf(stats)
    if (kind !== 'folder') throw kind === 'file' ? new ToolError(`'${rel}' is not a folder`) : notAllowed(rel, kind)
    const dir = new ConfinedDir(this.workspace, segments, false, null, [...this.chain, { path: this.child(name), rel, stats }])
    dir.verify()
    return dir
  }

  /** The folder's entries (symlinks and special files included, unfollowed), by name. */
  list(): Dirent[] {
    const entries = readdirSync(this.ref, { withFileTypes: true })
    this.verify()
    return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  }

  /**
   * Opens `name` with `flags` plus no-follow and non-blocking (a FIFO swapped in cannot hang the call),
   * then checks what was opened: it must be a regular file, and without fd anchoring it must still be
   * the entry at that path under the same chain of folders. Returns the descriptor and its stats.
   */
  openFile(name: string, flags: number, mode?: number): { fd: number; stats: BigIntStats } {
    const rel = this.rel(name)
    let fd: number
    try {
      fd = openSync(this.child(name), flags | O_NOFOLLOW | O_NONBLOCK, mode)
    } catch (error) {
      throw openError(error, rel, () => this.lstat(name))
    }
    try {
      const stats = fstatSync(fd, { bigint: true })
      const kind = kindOf(stats)
      if (kind !== 'file') throw notAllowed(rel, kind)
      if (!this.anchored) {
        const now = this.lstat(name)
        if (!now || now.isSymbolicLink() || !sameFile(now, stats)) throw new ToolError(`'${rel}' changed while it was opened; try again`)
        this.verify()
        const real = realpathSync(this.child(name))
        const inside = relative(this.workspace, real)
        if (inside.startsWith('..') || isAbsolute(inside)) throw notAllowed(rel, 'symlink')
      }
      return { fd, stats }
    } catch (error) {
      closeSync(fd)
      throw error
    }
  }

  /** Without fd anchoring: every folder of the chain is still the very folder first walked (no symlink or rename in between). */
  verify(): void {
    if (this.anchored) return
    for (const { path, rel, stats } of this.chain) {
      const now = lstatSync(path, { bigint: true, throwIfNoEntry: false })
      if (!now || !now.isDirectory() || !sameFile(now, stats)) {
        throw new ToolError(`'${rel}' changed while it was used (replaced or turned into a symlink); try again`)
      }
    }
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd)
    this.fd = null
  }

  [Symbol.dispose](): void {
    this.close()
  }
}

class MissingEntry extends ToolError {}

function openDirectory(path: string, rel: string): number {
  try {
    return openSync(path, constants.O_RDONLY | O_DIRECTORY | O_NOFOLLOW)
  } catch (error) {
    throw openError(error, rel, () => lstatSync(path, { bigint: true, throwIfNoEntry: false }) ?? null, 'folder')
  }
}

function makeDirectory(path: string, rel: string): void {
  try {
    mkdirSync(path)
  } catch (error) {
    if (errno(error) !== 'EEXIST') throw new ToolError(`cannot create folder ${rel}: ${errno(error) ?? (error as Error).message}`)
  }
}

/** A failed open in words the model can act on; `lstat` tells a symlink from the rest. */
function openError(error: unknown, rel: string, lstat: () => BigIntStats | null, wanted: 'file' | 'folder' = 'file'): ToolError {
  const code = errno(error)
  if (code === 'ENOENT') return new MissingEntry(`no such ${wanted}: ${rel}`)
  if (code === 'EEXIST') return new ExistingEntry(`'${rel}' already exists`)
  const stats = lstat()
  if (code === 'ELOOP' || stats?.isSymbolicLink()) return notAllowed(rel, 'symlink')
  if (code === 'ENOTDIR' && wanted === 'folder') return new ToolError(`'${rel}' is not a folder`)
  if (code === 'EISDIR') return new ToolError(`'${rel}' is a folder`)
  if (code === 'ENXIO' || code === 'ENODEV') return notAllowed(rel, stats ? kindOf(stats) : 'special file')
  if (code === 'EACCES' || code === 'EPERM') return new ToolError(`permission denied: ${rel}`)
  return new ToolError(`cannot open ${rel}: ${code ?? (error as Error).message}`)
}

/** An exclusive create found the name taken (the caller opens the existing entry instead). */
export class ExistingEntry extends ToolError {}
