import { Type } from '@sinclair/typebox'
import { open, readdir, stat } from 'node:fs/promises'
import { defineTool, ToolError } from './tool'
import { resolveInWorkspace } from './workspace'

/** Bytes of a file returned at most; the model is told when the rest was cut. */
export const FILE_READ_LIMIT = 256 * 1024

/** Reads a text file of the workspace (or lists a directory). */
export const fileRead = defineTool({
  name: 'file_read',
  description: 'Read a text file in the workspace (path relative to the workspace). A directory path lists its entries.',
  parameters: Type.Object({
    path: Type.String({ minLength: 1, description: 'relative path, e.g. src/main.ts' }),
  }),
  async run({ path }, { workspace }) {
    const target = resolveInWorkspace(workspace, path)
    const info = await stat(target).catch(() => {
      throw new ToolError(`no such file: ${path}`)
    })
    if (info.isDirectory()) {
      const entries = await readdir(target, { withFileTypes: true })
      const names = entries.map((entry) => (entry.isDirectory() ? `${entry.name}/` : entry.name)).sort()
      return names.length === 0 ? '(empty directory)' : names.join('\n')
    }
    if (!info.isFile()) throw new ToolError(`not a regular file: ${path}`)
    const handle = await open(target, 'r')
    try {
      const buffer = Buffer.alloc(Math.min(info.size, FILE_READ_LIMIT))
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0)
      const bytes = buffer.subarray(0, bytesRead)
      if (bytes.includes(0)) throw new ToolError(`binary file (${info.size} bytes): ${path}`)
      const text = bytes.toString('utf8')
      return info.size > FILE_READ_LIMIT ? `${text}\n… [the file has ${info.size} bytes; only the first ${FILE_READ_LIMIT} are shown]` : text
    } finally {
      await handle.close()
    }
  },
})
