import { Type } from '@sinclair/typebox'
import { appendFile, mkdir, stat, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { defineTool, ToolError } from './tool'
import { resolveInWorkspace, workspaceRelative } from './workspace'

/** Largest content one call may write. */
export const FILE_WRITE_LIMIT = 5 * 1024 * 1024

/** Writes (or appends to) a text file of the workspace, creating parent directories. */
export const fileWrite = defineTool({
  name: 'file_write',
  description: 'Write a text file in the workspace (path relative to the workspace), creating folders as needed. Set append to add to the end.',
  parameters: Type.Object({
    path: Type.String({ minLength: 1, description: 'relative path, e.g. src/main.ts' }),
    content: Type.String({ maxLength: FILE_WRITE_LIMIT }),
    append: Type.Optional(Type.Boolean()),
  }),
  async run({ path, content, append }, { workspace }) {
    const target = resolveInWorkspace(workspace, path)
    if (target === workspace) throw new ToolError('cannot write to the workspace directory itself')
    const existing = await stat(target).catch(() => null)
    if (existing && !existing.isFile()) throw new ToolError(`not a regular file: ${path}`)
    await mkdir(dirname(target), { recursive: true })
    // Re-check after creating folders: a folder created by a racing writer could be a symlink out.
    const checked = resolveInWorkspace(workspace, path)
    if (append) await appendFile(checked, content)
    else await writeFile(checked, content)
    const bytes = Buffer.byteLength(content)
    return `${append ? 'appended' : 'wrote'} ${bytes} bytes to ${workspaceRelative(workspace, checked)}`
  },
})
