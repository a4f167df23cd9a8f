import { Type } from '@sinclair/typebox'
import { closeSync, constants, ftruncateSync, writeSync } from 'node:fs'
import { ConfinedDir, ExistingEntry, kindOf, notAllowed } from './fs/confined'
import { workspaceSegments } from './fs/path'
import { defineTool, ToolError } from './tool'

/** Largest content one call may write. */
export const FILE_WRITE_LIMIT = 5 * 1024 * 1024

const { O_WRONLY, O_CREAT, O_EXCL, O_APPEND } = constants

/**
 * Writes (or appends to) a text file of the workspace, creating folders as needed. New files are created
 * exclusively; an existing one is opened without following a symlink and must be a regular file with
 * no other hard link (a second name could lie outside the workspace).
 */
export const fileWrite = defineTool({
  name: 'file_write',
  description: 'Write a text file in the workspace (path relative to the workspace), creating folders as needed. Set append to add to the end.',
  parameters: Type.Object({
    path: Type.String({ minLength: 1, maxLength: 4096, description: 'relative path, e.g. src/main.ts' }),
    content: Type.String({ maxLength: FILE_WRITE_LIMIT }),
    append: Type.Optional(Type.Boolean()),
  }),
  async run({ path, content, append = false }, { workspace }) {
    const segments = workspaceSegments(path)
    const name = segments.at(-1)
    if (name === undefined) throw new ToolError('cannot write to the workspace directory itself')
    using dir = ConfinedDir.open(workspace, segments.slice(0, -1), true)
    const rel = dir.rel(name)
    const bytes = Buffer.from(content)
    const fd = openForWriting(dir, name, rel, append)
    try {
      writeAll(fd, bytes)
    } finally {
      closeSync(fd)
    }
    return `${append ? 'appended' : 'wrote'} ${bytes.byteLength} bytes to ${rel}`
  },
})

/** A descriptor ready for the write: a new file created exclusively, or the existing regular file (truncated unless appending). */
function openForWriting(dir: ConfinedDir, name: string, rel: string, append: boolean): number {
  for (let attempt = 0; attempt < 3; attempt++) {
    const existing = dir.lstat(name)
    if (!existing) {
      try {
        return dir.openFile(name, O_WRONLY | O_CREAT | O_EXCL, 0o666).fd
      } catch (error) {
        // Someone created it meanwhile: go round again and treat it as existing.
        if (error instanceof ExistingEntry) continue
        throw error
      }
    }
    const kind = kindOf(existing)
    if (kind !== 'file') throw kind === 'folder' ? new ToolError(`'${rel}' is a folder`) : notAllowed(rel, kind)
    const { fd, stats } = dir.openFile(name, O_WRONLY | (append ? O_APPEND : 0))
    if (stats.nlink > 1n) {
      closeSync(fd)
      throw new ToolError(`'${rel}' has other hard links (one could be outside the workspace); it is not written`)
    }
    if (!append) ftruncateSync(fd, 0)
    return fd
  }
  throw new ToolError(`'${rel}' keeps changing; try again`)
}

function writeAll(fd: number, bytes: Buffer): void {
  let written = 0
  while (written < bytes.byteLength) written += writeSync(fd, bytes, written, bytes.byteLength - written)
}
