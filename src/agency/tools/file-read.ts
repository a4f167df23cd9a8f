import { Type } from '@sinclair/typebox'
import { closeSync, constants, type Dirent } from 'node:fs'
import { ConfinedDir, kindOf, notAllowed } from './fs/confined'
import { workspaceSegments } from './fs/path'
import { readUpTo } from './fs/read'
import { defineTool, ToolError } from './tool'

/** Bytes of a file returned at most; the model is told when the rest was cut. */
export const FILE_READ_LIMIT = 256 * 1024

/** Reads a text file of the workspace (or lists a folder), never through a symlink and never a special file. */
export const fileRead = defineTool({
  name: 'file_read',
  description: 'Read a text file in the workspace (path relative to the workspace). A folder path lists its entries.',
  parameters: Type.Object({
    path: Type.String({ minLength: 1, maxLength: 4096, description: 'relative path, e.g. src/main.ts' }),
  }),
  async run({ path }, { workspace }) {
    const segments = workspaceSegments(path)
    const name = segments.at(-1)
    if (name === undefined) {
      using root = ConfinedDir.root(workspace)
      return listing(root.list())
    }
    using dir = ConfinedDir.open(workspace, segments.slice(0, -1))
    const rel = dir.rel(name)
    const found = dir.lstat(name)
    if (!found) throw new ToolError(`no such file: ${rel}`)
    const kind = kindOf(found)
    if (kind === 'folder') {
      using sub = dir.openChild(name)
      return listing(sub.list())
    }
    // Checked before the open as well as after it: a FIFO, socket or device is never opened at all.
    if (kind !== 'file') throw notAllowed(rel, kind)
    const { fd, stats } = dir.openFile(name, constants.O_RDONLY)
    try {
      const size = Number(stats.size)
      const bytes = readUpTo(fd, Math.min(size, FILE_READ_LIMIT))
      if (bytes.includes(0)) throw new ToolError(`binary file (${size} bytes): ${rel}`)
      const text = bytes.toString('utf8')
      return size > FILE_READ_LIMIT ? `${text}\n… [the file has ${size} bytes; only the first ${FILE_READ_LIMIT} are shown]` : text
    } finally {
      closeSync(fd)
    }
  },
})

/** A folder's entries: `name/` for folders, `name (symlink)` and the like for what tools do not open. */
function listing(entries: Dirent[]): string {
  if (entries.length === 0) return '(empty directory)'
  return entries
    .map((entry) => {
      const kind = kindOf(entry)
      return kind === 'folder' ? `${entry.name}/` : kind === 'file' ? entry.name : `${entry.name} (${kind})`
    })
    .join('\n')
}
