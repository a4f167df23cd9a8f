import { Type } from '@sinclair/typebox'
import { open, readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { defineTool, ToolError } from './tool'
import { resolveInWorkspace, workspaceRelative } from './workspace'

// Folders that are never worth searching; files larger than this are skipped.
const SKIPPED_DIRS = new Set(['.git', 'node_modules', '.hg', '.svn'])
const MAX_FILE_BYTES = 1024 * 1024
const MAX_LINE_CHARS = 300

/** Searches the workspace's text files for a literal string or a regular expression; symlinks are not followed. */
export const codeSearch = defineTool({
  name: 'code_search',
  description:
    'Search text files in the workspace for a string (or a regular expression with regex: true). Returns matching lines as path:line: text.',
  parameters: Type.Object({
    query: Type.String({ minLength: 1, maxLength: 1000 }),
    path: Type.Optional(Type.String({ minLength: 1, description: 'folder or file to search, relative to the workspace (default: all of it)' })),
    regex: Type.Optional(Type.Boolean()),
    caseSensitive: Type.Optional(Type.Boolean()),
    maxResults: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  }),
  async run({ query, path, regex, caseSensitive, maxResults = 50 }, { workspace, signal }) {
    const root = path === undefined ? workspace : resolveInWorkspace(workspace, path)
    const matches = matcher(query, regex ?? false, caseSensitive ?? false)
    const results: string[] = []
    const rootInfo = await stat(root).catch(() => {
      throw new ToolError(`no such file or folder: ${path}`)
    })
    const files = rootInfo.isDirectory() ? walk(root, signal) : single(root)
    for await (const file of files) {
      const text = await readText(file)
      if (text === null) continue
      const lines = text.split(/\r?\n/)
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i]!
        if (!matches(line)) continue
        const shown = line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}…` : line
        results.push(`${workspaceRelative(workspace, file)}:${i + 1}: ${shown}`)
        if (results.length >= maxResults) return `${results.join('\n')}\n… [stopped at ${maxResults} matches]`
      }
    }
    return results.length === 0 ? 'no matches' : results.join('\n')
  },
})

function matcher(query: string, regex: boolean, caseSensitive: boolean): (line: string) => boolean {
  if (regex) {
    let pattern: RegExp
    try {
      pattern = new RegExp(query, caseSensitive ? '' : 'i')
    } catch (error) {
      throw new ToolError(`invalid regular expression: ${(error as Error).message}`)
    }
    return (line) => pattern.test(line)
  }
  if (caseSensitive) return (line) => line.includes(query)
  const lower = query.toLowerCase()
  return (line) => line.toLowerCase().includes(lower)
}

async function* single(file: string): AsyncGenerator<string> {
  yield file
}

/** Regular files under `dir`, in name order; symlinks and skipped folders are left out. */
async function* walk(dir: string, signal: AbortSignal): AsyncGenerator<string> {
  signal.throwIfAborted()
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => [])
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  for (const entry of entries) {
    const path = join(dir, entry.name)
    if (entry.isDirectory() && !SKIPPED_DIRS.has(entry.name)) yield* walk(path, signal)
    else if (entry.isFile()) yield path
  }
}

/** A file's text, or null for large or binary files. */
async function readText(file: string): Promise<string | null> {
  const handle = await open(file, 'r').catch(() => null)
  if (!handle) return null
  try {
    const { size } = await handle.stat()
    if (size > MAX_FILE_BYTES) return null
    const buffer = Buffer.alloc(size)
    await handle.read(buffer, 0, size, 0)
    return buffer.includes(0) ? null : buffer.toString('utf8')
  } finally {
    await handle.close()
  }
}
